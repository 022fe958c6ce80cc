//! `topoc check SPEC [--target compose|swarm]`: load and resolve, report every finding,
//! including what the target would ignore or refuse, less what the project's configuration and
//! baseline hide; exit 1 at the `--fail-on` level.

use crate::args::CheckArgs;
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;

pub(crate) fn exec(args: &CheckArgs, reporter: &Reporter) -> Exit {
    let mut outcome = match pipeline::compile(&args.spec, reporter, args.target.target) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    pipeline::check_target(&mut outcome, &args.target);
    let hidden = match pipeline::apply_policy(
        &mut outcome,
        &args.spec.spec,
        &args.policy,
        args.write_baseline.as_deref(),
        reporter,
    ) {
        Ok(hidden) => hidden,
        Err(exit) => return exit,
    };
    reporter.configured_findings(&outcome.diagnostics, &outcome.suppressed, &outcome.files, args.spec.format, true);
    hidden.report(reporter);
    if args.policy.fail_on.fails(&outcome.diagnostics) { Exit::Findings } else { Exit::Ok }
}
