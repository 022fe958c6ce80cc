//! `topoc matrix SPEC`: the effective reachability matrix, compared with the policy, under the
//! same configuration as `check` (topoc.toml, suppressions, baselines): denied reach the
//! project accepts shows as suppressed, and the exit code is the one `check` gives.

use crate::args::{MatrixFormat, MatrixLevel, ModelTargetArgs, PolicyArgs, SpecArgs};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use std::io::Write;
use topoc_diag::Severity;
use topoc_reach::matrix::{self, Level};

pub(crate) fn exec(
    args: &SpecArgs,
    policy: &PolicyArgs,
    target: &ModelTargetArgs,
    level: Option<MatrixLevel>,
    output: MatrixFormat,
    reporter: &Reporter,
) -> Exit {
    let modeled = match pipeline::compile_model(args, policy, reporter, target.target) {
        Ok(m) => m,
        Err(exit) => return exit,
    };
    let (topo, analysis) = (&modeled.topology, &modeled.analysis);
    let level = match level {
        Some(MatrixLevel::Services) => Level::Services,
        Some(MatrixLevel::Classes) => Level::Classes,
        Some(MatrixLevel::Networks) => Level::Networks,
        Some(MatrixLevel::Templates) => Level::Templates,
        None if topo.services.len() <= 60 => Level::Services,
        None if !topo.templates.is_empty() => Level::Templates,
        None => Level::Classes,
    };
    let m = matrix::compute_configured(topo, analysis, level, &|c| modeled.hidden_causes.contains(c));
    let text = match output {
        MatrixFormat::Table => topoc_emit::matrix::table(&m),
        MatrixFormat::Markdown => topoc_emit::matrix::markdown(&m),
        MatrixFormat::Csv => topoc_emit::matrix::csv(&m),
        MatrixFormat::Json => serde_json::to_string_pretty(&m).unwrap_or_default() + "\n",
    };
    if std::io::stdout().write_all(text.as_bytes()).is_err() {
        return Exit::Failure;
    }
    // The exit code is check's: the matrix is a view of the same findings.
    if modeled.fails {
        let (e, w) = (modeled.diagnostics.count(Severity::Error), modeled.diagnostics.count(Severity::Warning));
        reporter.note(&format!(
            "exit 1: `topoc check` fails on this spec under the same configuration ({e} error{}, {w} warning{})",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ));
        Exit::Findings
    } else {
        Exit::Ok
    }
}
