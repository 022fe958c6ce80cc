//! `topoc matrix SPEC`: the effective reachability matrix, compared with the policy.

use crate::args::{MatrixFormat, MatrixLevel, ModelTargetArgs, SpecArgs};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use std::io::Write;
use topoc_reach::matrix::{self, Level};

pub(crate) fn exec(
    args: &SpecArgs,
    target: &ModelTargetArgs,
    level: Option<MatrixLevel>,
    output: MatrixFormat,
    reporter: &Reporter,
) -> Exit {
    let modeled = match pipeline::compile_model(args, reporter, target.swarm()) {
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
    let m = matrix::compute(topo, analysis, level);
    let text = match output {
        MatrixFormat::Table => topoc_emit::matrix::table(&m),
        MatrixFormat::Markdown => topoc_emit::matrix::markdown(&m),
        MatrixFormat::Csv => topoc_emit::matrix::csv(&m),
        MatrixFormat::Json => serde_json::to_string_pretty(&m).unwrap_or_default() + "\n",
    };
    if std::io::stdout().write_all(text.as_bytes()).is_err() {
        return Exit::Failure;
    }
    if m.cells.iter().any(|c| matches!(c.status, matrix::Status::Violation)) { Exit::Findings } else { Exit::Ok }
}
