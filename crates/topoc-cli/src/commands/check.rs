//! `topoc check SPEC [--target compose|swarm]`: load and resolve, report every finding,
//! including what the target would ignore or refuse.

use crate::args::CheckArgs;
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;

pub(crate) fn exec(args: &CheckArgs, reporter: &Reporter) -> Exit {
    let mut outcome = match pipeline::compile(&args.spec, reporter, args.target.target == crate::args::Target::Swarm) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    pipeline::check_target(&mut outcome, &args.target);
    reporter.findings(&outcome.diagnostics, &outcome.files, args.spec.format, true);
    if outcome.diagnostics.has_errors() { Exit::Findings } else { Exit::Ok }
}
