//! One module per command, each with an `exec` that returns the exit code.

pub(crate) mod alloc;
mod build;
mod check;
mod explain;
mod graph;
pub(crate) mod instance;
mod matrix;
pub(crate) mod probe;
pub(crate) mod rule;
mod schema;
pub(crate) mod verify;

use crate::args::{Cli, Command};
use crate::exit::Exit;
use crate::report::Reporter;

pub(crate) fn run(cli: Cli) -> Exit {
    let reporter = Reporter::new(cli.color);
    match cli.command {
        Command::Check(args) => check::exec(&args, &reporter),
        Command::Build { spec, target, policy, out, templates, force } => {
            build::exec(&spec, target, &policy, out.as_deref(), templates.as_deref(), force, &reporter)
        }
        Command::Matrix { spec, target, level, output } => matrix::exec(&spec, &target, level, output, &reporter),
        Command::Explain { spec, target, from, to } => explain::exec(&spec, &target, &from, &to, &reporter),
        Command::Graph { spec, output } => graph::exec(&spec, output, &reporter),
        Command::Verify(args) => verify::exec(&args, &reporter),
        Command::Schema => schema::exec(),
        Command::Rule(args) => rule::exec(&args, &reporter),
        Command::Probe(args) => probe::exec(&args),
        Command::Alloc(args) => alloc::exec(&args, &reporter),
        Command::Instance(args) => instance::exec(&args, &reporter),
    }
}
