//! The whole pipeline on arbitrary UTF-8 (as YAML, and as TOML): load → resolve → analyze →
//! target checks → compose and stack rendering, each stage only when the one before succeeds.
//! Errors are fine; panics are not. Beyond "no panic", it checks what must always hold for a
//! spec that resolves:
//! - the lock file round-trips, and resolving again against it changes nothing;
//! - when a target's check passes (the CLI would write the artifact), the built-in template
//!   renders and its output is well-formed YAML with no duplicate key.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use topoc_diag::FileId;
use topoc_emit::targets::Target;
use topoc_emit::{Provenance, Templates};
use topoc_model::{Lock, Topology};
use topoc_reach::EngineProfile;
use topoc_spec::Format;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for format in [Format::Yaml, Format::Toml] {
        if let Some((files, spec)) = common::load(text, format) {
            let resolution = topoc_model::resolve(&spec, &Lock::default());
            common::render(&resolution.diagnostics, &files);
            if let Some(topo) = resolution.topology {
                check_lock(&spec, &resolution.lock);
                downstream(&topo, &files, data.len());
            }
        }
    }
});

fn check_lock(spec: &topoc_spec::TopologySpec, lock: &Lock) {
    let text = lock.render();
    let parsed = Lock::parse(&text).unwrap_or_else(|e| panic!("the lock topoc wrote does not parse: {e}\n{text}"));
    assert_eq!(&parsed, lock, "the lock does not round-trip:\n{text}");
    let again = topoc_model::resolve(spec, lock);
    assert!(again.topology.is_some(), "resolving against its own lock fails: {:#?}", again.diagnostics);
    assert_eq!(&again.lock, lock, "resolving against its own lock changes it");
}

fn downstream(topo: &Topology, files: &topoc_diag::Files, salt: usize) {
    let engine = match salt % 3 {
        0 => EngineProfile::default(),
        1 => EngineProfile::default().with_target(Target::Swarm),
        _ => EngineProfile::parse("20.10").expect("engine"),
    };
    let analysis = topoc_reach::analyze(topo, engine);
    common::render(&analysis.findings, files);
    for level in [topoc_reach::matrix::Level::Classes, topoc_reach::matrix::Level::Networks] {
        let m = topoc_reach::matrix::compute(topo, &analysis, level);
        let _ = topoc_emit::matrix::table(&m);
    }
    let _ = topoc_emit::picture::dot(topo);
    let provenance = Provenance { spec_name: "fuzz.yaml".into(), spec_sha256: "0".repeat(64) };
    let templates = Templates::builtin();
    for target in [Target::Compose, Target::Swarm] {
        let findings = topoc_emit::targets::check(topo, target, &[]);
        common::render(&findings, files);
        let rendered = match target {
            Target::Compose => topoc_emit::compose::render(topo, &provenance, &templates),
            Target::Swarm => topoc_emit::stack::render(topo, &provenance, &templates),
        };
        if findings.has_errors() {
            continue;
        }
        let out = rendered.unwrap_or_else(|e| panic!("{target:?}: the built-in template fails: {e}"));
        if let Err(diags) = topoc_spec::parse(&out, Format::Yaml, FileId(0)) {
            let first = diags.iter().next().map(|d| d.message.clone()).unwrap_or_default();
            panic!("{target:?}: the output is not well-formed YAML ({first}):\n{out}");
        }
    }
}
