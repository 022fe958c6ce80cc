//! `topoc build SPEC --target compose|swarm [--out PATH]`: compile, check what the target can
//! carry, and emit; or write nothing.

use crate::args::{SpecArgs, Target, TargetArgs};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use crate::write;
use std::io::Write;
use std::path::Path;
use topoc_emit::Templates;

pub(crate) fn exec(
    args: &SpecArgs,
    target: TargetArgs,
    out: Option<&Path>,
    templates: Option<&Path>,
    force: bool,
    reporter: &Reporter,
) -> Exit {
    let mut outcome = match pipeline::compile(args, reporter, target.target == Target::Swarm) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    pipeline::check_target(&mut outcome, &target);
    reporter.findings(&outcome.diagnostics, &outcome.files, args.format, out.is_some());
    let Some(topology) = outcome.topology.as_ref().filter(|_| !outcome.diagnostics.has_errors()) else {
        return Exit::Findings;
    };
    let templates = match templates {
        Some(dir) if !dir.is_dir() => {
            reporter.failure(&format!("template directory {} does not exist", dir.display()));
            return Exit::Failure;
        }
        Some(dir) => Templates::with_user_dir(dir),
        None => Templates::builtin(),
    };
    let rendered = match target.target {
        Target::Compose => topoc_emit::compose::render(topology, &outcome.provenance, &templates),
        Target::Swarm => topoc_emit::stack::render(topology, &outcome.provenance, &templates),
    };
    let text = match rendered {
        Ok(text) => text,
        Err(e) => {
            reporter.failure(&e.to_string());
            return Exit::Failure;
        }
    };
    match out {
        Some(path) => match write::generated(path, &text, force) {
            Ok(()) => Exit::Ok,
            Err(message) => {
                reporter.failure(&message);
                Exit::Failure
            }
        },
        None => match std::io::stdout().write_all(text.as_bytes()) {
            Ok(()) => Exit::Ok,
            Err(_) => Exit::Failure,
        },
    }
}
