//! Security and hygiene lints on the resolved topology: the Docker Compose rules of KICS,
//! dclint and compose-lint that apply to what topoc emits, and the address-plan rules only a
//! model of the whole topology can check. Each rule is documented once, in the doc comment of
//! its `Code` (crates/topoc-diag/src/code.rs), from which `docs/rules/<code>.md` and
//! `topoc rule <code>` are generated; the functions here refer to their code.
//!
//! Every rule belongs to a group. The `default` group runs unless the spec's `lints` section
//! turns a rule off; the `hardening` group (baseline settings KICS and compose-lint ask of every
//! service, opinionated for most topologies) runs only when the spec enables it. The spec's
//! `lints` entries also set a rule's severity: a code's own entry wins over its group's.

mod capabilities;
mod images;
mod mounts;
mod network;
mod ports;
mod resources;
mod secrets;

use topoc_diag::{Code, Diagnostic, Diagnostics, Severity, did_you_mean};
use topoc_model::{LintLevel, Service, Topology};

/// Which rules run without being asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// On unless turned off.
    Default,
    /// Off unless enabled (`lints: { hardening: note }`).
    Hardening,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Default => "default",
            Group::Hardening => "hardening",
        }
    }
}

/// Every configurable rule and its group. `docker-socket` and `escape-hatch` are the hygiene
/// findings of the reachability model (`hygiene.rs`); the rest are defined in this module.
pub const RULES: &[(Code, Group)] = &[
    (Code::DockerSocket, Group::Default),
    (Code::EscapeHatch, Group::Default),
    (Code::Privileged, Group::Default),
    (Code::DangerousCapability, Group::Default),
    (Code::SecurityProfileDisabled, Group::Default),
    (Code::RootUser, Group::Default),
    (Code::ImageUnpinned, Group::Default),
    (Code::PortAllInterfaces, Group::Default),
    (Code::DuplicatePublishedPort, Group::Default),
    (Code::SensitiveMount, Group::Default),
    (Code::RootEquivalentMount, Group::Default),
    (Code::SecretInEnvironment, Group::Default),
    (Code::CredentialInUrl, Group::Default),
    (Code::StaticInDynamicRange, Group::Default),
    (Code::SubnetUnpinned, Group::Default),
    (Code::DockerPoolOverlap, Group::Default),
    (Code::UnencryptedOverlay, Group::Default),
    (Code::NoNewPrivileges, Group::Hardening),
    (Code::CapabilitiesUnrestricted, Group::Hardening),
    (Code::WritableRootFs, Group::Hardening),
    (Code::HealthcheckMissing, Group::Hardening),
    (Code::MemoryUnlimited, Group::Hardening),
    (Code::CpuUnlimited, Group::Hardening),
    (Code::ImageNoDigest, Group::Hardening),
    (Code::PrivilegedPort, Group::Hardening),
    (Code::SharedVolume, Group::Hardening),
];

/// The group of a configurable rule, `None` for codes the `lints` section cannot configure.
pub fn group(code: Code) -> Option<Group> {
    RULES.iter().find(|(c, _)| *c == code).map(|(_, g)| *g)
}

/// Run every lint rule, pushing findings at their default severity. Findings of one rule at
/// the same spec lines (the services one template stamps) are grouped by `analyze`. Findings of
/// rules the spec's `lints` section leaves off are dropped group by group, so a large topology
/// does not hold a disabled finding per service ([`configure`] applies the levels).
pub(crate) fn check(topo: &Topology, engine: &crate::EngineProfile, public: ports::Public<'_>, out: &mut Diagnostics) {
    let runs = |code: Code| runs(topo, code);
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut run = |rules: &dyn Fn(&mut Diagnostics)| {
        let mut group_found = Diagnostics::new();
        rules(&mut group_found);
        found.extend(group_found.into_iter().filter(|d| runs(d.code)));
    };
    // Rules that are off are not run at all; what a group still reports for a code that is
    // off (one pass yielding two kinds) is dropped here.
    run(&|d| capabilities::check(topo, &runs, d));
    run(&|d| images::check(topo, &runs, d));
    run(&|d| ports::check(topo, engine, &runs, public, d));
    run(&|d| mounts::check(topo, &runs, d));
    run(&|d| secrets::check(topo, d));
    run(&|d| resources::check(topo, &runs, d));
    run(&|d| network::check(topo, engine, d));
    // Findings of the services one template stamps share their spec lines: `analyze` groups
    // them into one finding per cause (`Diagnostics::group_causes`).
    out.extend(found.into_iter().collect());
}

/// Apply the spec's `lints` levels to `findings` (dropping what is off), and report `lints`
/// entries that name no rule or group.
pub(crate) fn configure(topo: &Topology, findings: Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::new();
    for setting in &topo.lints {
        let known = Code::from_name(&setting.name).and_then(group).is_some()
            || [Group::Default, Group::Hardening].iter().any(|g| g.as_str() == setting.name);
        if !known {
            let names = RULES.iter().map(|(c, _)| c.as_str()).chain(["default", "hardening"]);
            let mut d = Diagnostic::new(Code::UnknownLint, format!("`{}` is not a lint or lint group", setting.name))
                .primary(setting.name_span, "no such lint");
            d = match (Code::from_name(&setting.name), did_you_mean(&setting.name, names)) {
                (Some(_), _) => {
                    d.note("findings of the model and of resolution are not lints: they cannot be configured")
                }
                (None, Some(s)) => d.help(format!("did you mean `{s}`?")),
                (None, None) => d.help("see docs/rules/README.md for the lints and their groups"),
            };
            out.push(d);
        }
    }
    for d in findings.iter() {
        let Some(group) = group(d.code) else {
            out.push(d.clone());
            continue;
        };
        let severity = match level(topo, d.code, group) {
            Some(LintLevel::Off) => continue,
            Some(LintLevel::Note) => Severity::Note,
            Some(LintLevel::Warning) => Severity::Warning,
            Some(LintLevel::Error) => Severity::Error,
            None if group == Group::Hardening => continue,
            None => d.severity,
        };
        out.push(d.clone().with_severity(severity));
    }
    out
}

/// A rule that looks at one service at a time.
type ServiceRule = fn(&Service, &mut Diagnostics);

/// Whether the rule of `code` runs for this topology: a `default` rule unless the spec's
/// `lints` section turns it off, a `hardening` rule only when the section turns it on. Codes
/// that are not lints always "run".
pub fn runs(topo: &Topology, code: Code) -> bool {
    match group(code) {
        Some(g) => match level(topo, code, g) {
            Some(LintLevel::Off) => false,
            Some(_) => true,
            None => g == Group::Default,
        },
        None => true,
    }
}

/// The level the spec's `lints` section sets for a rule: its own entry, else its group's.
fn level(topo: &Topology, code: Code, group: Group) -> Option<LintLevel> {
    let by_name = |name: &str| topo.lints.iter().rev().find(|s| s.name == name).map(|s| s.level);
    by_name(code.as_str()).or_else(|| by_name(group.as_str()))
}

/// Where a finding about a setting points: the setting, else the service's name.
fn at(setting: Option<topoc_diag::Span>, s: &Service) -> topoc_diag::Span {
    setting.unwrap_or(s.span)
}
