//! The `topoc` binary: parse arguments, run one command, exit with its code.
//! 0: clean (warnings allowed); 1: errors in the spec or findings; 2: could not run.

// The pipeline allocates per service, attachment and finding; with glibc's allocator,
// malloc and free were a third of `topoc check` on large topologies (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(topoc_cli::main_code());
}
