//! One module per command, each with an `exec` that returns the exit code.

pub(crate) mod alloc;
mod build;
mod check;
pub(crate) mod diff;
mod explain;
mod graph;
pub(crate) mod import;
pub(crate) mod instance;
mod instance_move;
mod matrix;
pub(crate) mod probe;
pub(crate) mod rule;
mod schema;
pub(crate) mod verify;

use crate::args::{Cli, Command};
use crate::exit::Exit;
use crate::report::Reporter;

pub(crate) fn run(cli: Cli) -> Exit {
    let reporter = Reporter::new(cli.color, cli.verbose);
    match cli.command {
        Command::Check(args) => check::exec(&args, &reporter),
        Command::Build { spec, target, policy, out, templates, force } => {
            build::exec(&spec, target, &policy, out.as_deref(), templates.as_deref(), force, &reporter)
        }
        Command::Matrix { spec, policy, target, level, output } => {
            matrix::exec(&spec, &policy, &target, level, output, &reporter)
        }
        Command::Explain { spec, policy, target, from, to } => {
            explain::exec(&spec, &policy, &target, &from, &to, &reporter)
        }
        Command::Graph { spec, policy, output } => graph::exec(&spec, &policy, output, &reporter),
        Command::Verify(args) => verify::exec(&args, &reporter),
        Command::Diff(args) => diff::exec(&args, &reporter),
        Command::Import(args) => import::exec(&args, &reporter),
        Command::Schema => schema::exec(),
        Command::Rule(args) => rule::exec(&args, &reporter),
        Command::Probe(args) => probe::exec(&args),
        Command::Alloc(args) => alloc::exec(&args, &reporter),
        Command::Instance(args) => instance::exec(&args, &reporter),
    }
}
