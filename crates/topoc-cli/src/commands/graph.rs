//! `topoc graph SPEC`: a picture of the topology as DOT or Mermaid.

use crate::args::{GraphFormat, PolicyArgs, SpecArgs, Target};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use std::io::Write;

pub(crate) fn exec(args: &SpecArgs, policy: &PolicyArgs, output: GraphFormat, reporter: &Reporter) -> Exit {
    let modeled = match pipeline::compile_model(args, policy, reporter, Target::Compose) {
        Ok(m) => m,
        Err(exit) => return exit,
    };
    let topo = &modeled.topology;
    let text = match output {
        GraphFormat::Dot => topoc_emit::picture::dot(topo),
        GraphFormat::Mermaid => topoc_emit::picture::mermaid(topo),
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => Exit::Ok,
        Err(_) => Exit::Failure,
    }
}
