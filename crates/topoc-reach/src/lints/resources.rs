//! Health and resource limits: what keeps one service from failing silently or starving the
//! others. All in the `hardening` group.

use super::at;
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Service, Topology};

pub(super) fn check(topo: &Topology, on: &dyn Fn(Code) -> bool, out: &mut Diagnostics) {
    let rules: [(Code, super::ServiceRule); 3] = [
        (Code::HealthcheckMissing, healthcheck_missing),
        (Code::MemoryUnlimited, memory_unlimited),
        (Code::CpuUnlimited, cpu_unlimited),
    ];
    let active: Vec<_> = rules.into_iter().filter(|(code, _)| on(*code)).map(|(_, rule)| rule).collect();
    for s in &topo.services {
        for rule in &active {
            rule(s, out);
        }
    }
}

/// The rule of [`Code::HealthcheckMissing`], documented at the code.
fn healthcheck_missing(s: &Service, out: &mut Diagnostics) {
    if s.healthcheck.as_ref().is_none_or(|h| h.disable) {
        out.push(
            Diagnostic::new(Code::HealthcheckMissing, format!("`{}` has no healthcheck", s.name))
                .primary(s.span, "no `healthcheck`")
                .help("add `healthcheck: { test: [\"CMD\", \"…\"], interval: 30s }` (or rely on the image's HEALTHCHECK and turn the rule off)"),
        );
    }
}

/// Where a missing limit is reported: the `deploy.limits` that lacks it, else the service.
fn limits_label(s: &Service) -> (topoc_diag::Span, &'static str) {
    (
        at(s.spans.deploy_limits, s),
        if s.spans.deploy_limits.is_some() { "limits without it" } else { "no `deploy.limits`" },
    )
}

/// The rule of [`Code::MemoryUnlimited`], documented at the code.
fn memory_unlimited(s: &Service, out: &mut Diagnostics) {
    if s.deploy.limits.memory.is_none() {
        let (span, label) = limits_label(s);
        out.push(
            Diagnostic::new(Code::MemoryUnlimited, format!("`{}` has no memory limit", s.name))
                .primary(span, label)
                .help("set `deploy: { limits: { memory: 512M } }`"),
        );
    }
}

/// The rule of [`Code::CpuUnlimited`], documented at the code.
fn cpu_unlimited(s: &Service, out: &mut Diagnostics) {
    if s.deploy.limits.cpus.is_none() {
        let (span, label) = limits_label(s);
        out.push(
            Diagnostic::new(Code::CpuUnlimited, format!("`{}` has no CPU limit", s.name))
                .primary(span, label)
                .help("set `deploy: { limits: { cpus: \"1.0\" } }`"),
        );
    }
}
