//! The `topoc` command line as a library: the binary (`src/main.rs`) calls [`main_code`], and
//! tools that need the argument grammar (completions, man pages) call [`command`].
//! Exit codes: 0 clean (warnings allowed); 1 findings at the `--fail-on` level; 2 could not run.

mod args;
mod commands;
mod config;
mod exit;
mod pipeline;
mod report;
pub mod rules;
mod write;

/// The clap command tree of `topoc`, for generating shell completions and man pages.
pub fn command() -> clap::Command {
    <args::Cli as clap::CommandFactory>::command()
}

/// Parse the process arguments, run one command, and return its exit code.
pub fn main_code() -> i32 {
    let cli = <args::Cli as clap::Parser>::parse();
    commands::run(cli).code()
}
