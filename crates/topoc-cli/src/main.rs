//! The `topoc` binary: parse arguments, run one command, exit with its code.
//! 0: clean (warnings allowed); 1: errors in the spec or findings; 2: could not run.

mod args;
mod commands;
mod exit;
mod pipeline;
mod report;
mod write;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let code = commands::run(cli);
    std::process::exit(code.code());
}
