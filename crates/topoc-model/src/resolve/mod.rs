//! From spec to [`Topology`]: one pass per concern, each collecting diagnostics.

mod addresses;
mod checks;
mod compose_rules;
mod engine_names;
mod expose;
mod networks;
mod policy;
mod reinterpreted;
mod services;
mod templates;

use crate::ir::*;
use crate::lock::Lock;
use crate::names;
use foldhash::HashMap;
use topoc_diag::{Code, Diagnostic, Diagnostics, Span};
use topoc_spec::{Sp, TopologySpec};

/// What resolving a spec gives: the topology (when free of errors), the updated lock, and every
/// diagnostic found on the way.
#[derive(Debug)]
pub struct Resolution {
    pub topology: Option<Topology>,
    pub lock: Lock,
    pub diagnostics: Diagnostics,
}

/// Resolve a spec against the previous lock.
pub fn resolve(spec: &TopologySpec, lock: &Lock) -> Resolution {
    let mut cx = Cx::default();
    let name = spec.topology.value.clone();
    if let Some(problem) = names::project_name_problem(&name) {
        cx.push(
            Diagnostic::new(Code::InvalidName, format!("invalid topology name `{name}`"))
                .primary(spec.topology.span, problem)
                .help(format!("try `{}`", suggest_project_name(&name))),
        );
    }
    let defaults = networks::defaults(spec, &mut cx);
    let reserved = networks::reserved(spec, &mut cx);
    let pools = networks::pools(spec, &reserved, &mut cx);
    let expanded = templates::expand(spec, &mut cx);
    let mut topo = Topology {
        name,
        name_span: spec.topology.span,
        defaults,
        reserved,
        pools,
        networks: Vec::new(),
        services: Vec::new(),
        volumes: Vec::new(),
        secrets: Vec::new(),
        configs: Vec::new(),
        extensions: spec.extensions.0.clone(),
        templates: expanded.templates.clone(),
        policy: Policy {
            declared: false,
            default: Verdict::Deny,
            default_span: Span::DETACHED,
            rules: Vec::new(),
            volumes: Vec::new(),
        },
        lints: spec
            .lints
            .iter()
            .map(|(k, v)| LintSetting { name: k.value.clone(), name_span: k.span, level: v.value, span: v.span })
            .collect(),
    };
    networks::declare(&mut topo, &expanded, &mut cx);
    let new_lock = networks::allocate_pools(&mut topo, &expanded, lock, &mut cx);
    networks::finish(&mut topo, &expanded, &mut cx);
    services::declare_volumes_and_secrets(&mut topo, spec, &expanded, &mut cx);
    services::declare(&expanded, &mut cx);
    services::resolve_all(&mut topo, &expanded, &mut cx);
    compose_rules::check_cycles(&topo, &expanded, &mut cx);
    topo.policy = policy::resolve(spec, &topo, &mut cx);
    services::resolve_relays(&mut topo, &expanded, &mut cx);
    checks::run(&topo, &mut cx);
    engine_names::check(&topo, &mut cx);

    let mut diagnostics = cx.diags;
    diagnostics.sort();
    let topology = (!diagnostics.has_errors()).then_some(topo);
    Resolution { topology, lock: new_lock, diagnostics }
}

fn suggest_project_name(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    let s = s.trim_start_matches(['-', '_']).to_owned();
    if s.is_empty() { "my-topology".into() } else { s }
}

/// Shared state of one resolve: diagnostics and the name tables.
#[derive(Default)]
pub(crate) struct Cx {
    pub(crate) diags: Diagnostics,
    pub(crate) network_ids: HashMap<String, NetworkId>,
    pub(crate) service_ids: HashMap<String, ServiceId>,
    pub(crate) volume_ids: HashMap<String, VolumeId>,
    pub(crate) secret_ids: HashMap<String, SecretId>,
    pub(crate) config_ids: HashMap<String, ConfigId>,
    pub(crate) pool_ids: HashMap<String, PoolId>,
    /// Pools declared but refused (bad range, overlap): references to them are not "unknown".
    pub(crate) refused_pools: std::collections::HashSet<String>,
    pub(crate) template_ids: HashMap<String, TemplateId>,
    /// Networks that asked for a subnet (written, or from a pool) and did not get one because
    /// of an error already reported (an invalid CIDR, a refused or exhausted pool): an address
    /// on them is not reported again as "needs a subnet".
    pub(crate) unplaced_networks: std::collections::HashSet<String>,
}

impl Cx {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Report a dangling reference with a "did you mean" from the known names.
    pub(crate) fn unknown(&mut self, kind: &str, name: &Sp<String>, known: impl Iterator<Item = String>) {
        let known: Vec<String> = known.collect();
        let mut d = Diagnostic::new(Code::UnknownReference, format!("unknown {kind} `{}`", name.value))
            .primary(name.span, format!("no {kind} has this name"));
        d = match topoc_diag::did_you_mean(&name.value, known.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if known.is_empty() => d.help(format!("the spec declares no {kind}s")),
            None => d.help(format!("declare it, or use one of: {}", preview(&known))),
        };
        self.push(d);
    }

    /// Report a name Compose would refuse (or read as an extension: an `x-` network), or one too long
    /// to write (a stamped name can outgrow its template's key).
    pub(crate) fn check_key(&mut self, kind: &str, name: &str, span: Span) {
        let chars = topoc_spec::limits::written_key_chars(name);
        if chars > topoc_spec::limits::MAX_KEY_CHARS {
            self.push(
                Diagnostic::new(
                    Code::ResourceLimit,
                    format!(
                        "a {kind} name of {chars} characters as written; names are at most {}",
                        topoc_spec::limits::MAX_KEY_CHARS
                    ),
                )
                .primary(span, "too long")
                .help("shorten the name (or the instance ids it is stamped with)"),
            );
            return;
        }
        // Compose 2.40.3 reads an `x-` network key as an extension (services, volumes and
        // secrets may be named so).
        if name.starts_with("x-") && kind == "network" {
            self.push(
                Diagnostic::new(Code::InvalidName, format!("invalid {kind} name `{name}`"))
                    .primary(span, "Compose reads a key starting with `x-` as an extension, not as a name")
                    .help(format!("rename it, e.g. `{}`", name.trim_start_matches("x-"))),
            );
            return;
        }
        if let Some(problem) = names::key_problem(name) {
            self.push(
                Diagnostic::new(Code::InvalidName, format!("invalid {kind} name `{name}`"))
                    .primary(span, problem)
                    .help(format!("rename it, e.g. `{}`", names::sanitize_key(name))),
            );
        }
    }
}

/// " (template `t`, instance `x`)" for stamped objects, "" for declared ones.
pub(crate) fn origin_text(topo: &Topology, origin: &Origin) -> String {
    match origin {
        Origin::Declared => String::new(),
        Origin::Template { template, instance } => {
            let t = &topo.templates.get(template.index());
            match t {
                Some(t) => format!(
                    " (template `{}`, instance `{}`)",
                    t.name,
                    t.instances.get(*instance as usize).map_or("?", String::as_str)
                ),
                None => String::new(),
            }
        }
    }
}

/// At most eight names, sorted, for help texts.
pub(crate) fn preview(names: &[String]) -> String {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    let shown: Vec<&str> = sorted.iter().take(8).map(|s| s.as_str()).collect();
    let more = names.len().saturating_sub(8);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}
