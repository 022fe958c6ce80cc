//! `topoc build SPEC --target compose|swarm [--out PATH]`: compile, check what the target can
//! carry, and emit; or write nothing.

use crate::args::{PolicyArgs, SpecArgs, Target, TargetArgs};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use crate::write;
use std::io::Write;
use std::path::Path;
use topoc_emit::Templates;

/// The lock file this run read, an input the output must not replace.
fn lock_path(args: &SpecArgs) -> std::path::PathBuf {
    args.lock.clone().unwrap_or_else(|| pipeline::default_lock_path(&args.spec))
}

pub(crate) fn exec(
    args: &SpecArgs,
    target: TargetArgs,
    policy: &PolicyArgs,
    out: Option<&Path>,
    templates: Option<&Path>,
    force: bool,
    reporter: &Reporter,
) -> Exit {
    let mut outcome = match pipeline::compile(args, reporter, target.target) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    pipeline::check_target(&mut outcome, &target);
    let hidden = match pipeline::apply_policy(&mut outcome, &args.spec, policy, None, reporter) {
        Ok(hidden) => hidden,
        Err(exit) => return exit,
    };
    reporter.configured_findings(&outcome.diagnostics, &outcome.suppressed, &outcome.files, args.format, out.is_some());
    hidden.report(reporter);
    // Errors always stop the artifact (whatever --fail-on says); --fail-on warning stops it on
    // warnings too.
    let fails = policy.fail_on.fails(&outcome.diagnostics);
    let Some(topology) = outcome.topology.as_ref().filter(|_| !outcome.diagnostics.has_errors() && !fails) else {
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
        Target::Compose => {
            // Attachments of instances added at run time stay out of the attached services'
            // definitions (docs/targets.md): `topoc instance add` connects them.
            let runtime = pipeline::read_instances(&args.spec).unwrap_or_default();
            if runtime.is_empty() {
                topoc_emit::compose::render(topology, &outcome.provenance, &templates)
            } else {
                let carried = topoc_model::instance::without_runtime_attachments(topology, &runtime);
                topoc_emit::compose::render(&carried, &outcome.provenance, &templates)
            }
        }
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
        Some(path) => match write::generated(path, &text, force, &[&args.spec, &lock_path(args)]) {
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
