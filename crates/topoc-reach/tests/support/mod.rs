//! Shared by the model tests of this crate: a YAML spec resolved and analysed with the default
//! engine profile, and the ports one endpoint reaches another on.

use topoc_diag::{Diagnostic, FileId, Severity};
use topoc_model::{Lock, Topology, resolve};
use topoc_reach::{Analysis, EngineProfile, analyze};

/// The model, or the errors of resolution.
pub(crate) fn model(spec: &str) -> Result<(Topology, Analysis), Vec<Diagnostic>> {
    let loaded = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&loaded, &Lock::default());
    match r.topology {
        Some(t) => {
            let a = analyze(&t, EngineProfile::default());
            Ok((t, a))
        }
        None => Err(r.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect()),
    }
}

/// The ports `from` reaches `to` on, or `-`.
pub(crate) fn reach(t: &Topology, a: &Analysis, from: &str, to: &str) -> String {
    let e = |n: &str| a.endpoint(t, n).unwrap_or_else(|| panic!("no endpoint {n}"));
    let ports = a.reach.ports(e(from), e(to));
    if ports.is_empty() { "-".into() } else { ports.to_string() }
}
