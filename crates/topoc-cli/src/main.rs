//! The `topoc` binary: parse arguments, run one command, exit with its code.
//! 0: clean (warnings allowed); 1: errors in the spec or findings; 2: could not run.

fn main() {
    std::process::exit(topoc_cli::main_code());
}
