//! The policy section: selectors resolved to services, networks and templates.

use super::Cx;
use crate::ir::*;
use crate::names::glob_match;
use topoc_diag::{Code, Diagnostic};
use topoc_spec::{Sp, TopologySpec};

pub(crate) fn resolve(spec: &TopologySpec, topo: &Topology, cx: &mut Cx) -> Policy {
    let Some(p) = &spec.policy else {
        return Policy {
            declared: false,
            default: Verdict::Deny,
            default_span: topoc_diag::Span::DETACHED,
            rules: Vec::new(),
            volumes: Vec::new(),
        };
    };
    let rules = p
        .rules
        .iter()
        .filter_map(|r| {
            let body = &r.value.body;
            let from = selector(&body.from, topo, cx);
            let to = selector(&body.to, topo, cx);
            Some(Rule {
                verdict: r.value.verdict.value,
                from: from?,
                to: to?,
                ports: body.ports.iter().map(|p| p.value).collect(),
                scope: body.scope.as_ref().map(|s| s.value),
                reason: body.reason.as_ref().map(|s| s.value.clone()),
                span: r.value.verdict.span,
            })
        })
        .collect();
    let mut volumes = Vec::new();
    for (pattern, vp) in p.volumes.iter() {
        let matched: Vec<VolumeId> =
            topo.volumes.iter().filter(|v| glob_match(pattern, &v.name)).map(|v| v.id).collect();
        if matched.is_empty() && pattern.contains(['*', '?']) {
            cx.push(
                Diagnostic::new(Code::UnusedRule, format!("volume pattern `{}` matches no volume", pattern.value))
                    .primary(pattern.span, "matches nothing")
                    .help("fix the pattern, or remove the entry"),
            );
            continue;
        }
        if matched.is_empty() {
            cx.unknown("volume", pattern, topo.volumes.iter().map(|v| v.name.clone()));
            continue;
        }
        let writers: Vec<Selector> = vp.writers.iter().filter_map(|s| selector(s, topo, cx)).collect();
        let readers: Vec<Selector> = vp.readers.iter().filter_map(|s| selector(s, topo, cx)).collect();
        for volume in matched {
            volumes.push(VolumePolicy {
                volume,
                span: pattern.span,
                writers: writers.clone(),
                readers: readers.clone(),
            });
        }
    }
    Policy {
        // A policy of volumes alone judges no reachability.
        declared: !p.rules.is_empty() || p.default.is_some(),
        default: p.default.as_ref().map_or(Verdict::Deny, |d| d.value),
        default_span: p.default.as_ref().map_or(topoc_diag::Span::DETACHED, |d| d.span),
        rules,
        volumes,
    }
}

/// Resolve a selector: `*`, `host`, `external`, `network:N`, `template:T`, `service:S` or a
/// bare service name or glob.
pub(crate) fn selector(text: &Sp<String>, topo: &Topology, cx: &mut Cx) -> Option<Selector> {
    let raw = text.value.trim();
    let make = |target| Some(Selector { text: raw.to_owned(), span: text.span, target });
    match raw {
        "*" => return make(SelectorTarget::All),
        "host" => return make(SelectorTarget::Host),
        "external" => return make(SelectorTarget::External),
        _ => {}
    }
    let (kind, name) = match raw.split_once(':') {
        Some((kind, name)) => (kind, name),
        None => ("service", raw),
    };
    let name_sp = Sp::new(name.to_owned(), text.span);
    match kind {
        "network" => match cx.network_ids.get(name) {
            Some(&id) => make(SelectorTarget::Network(id)),
            None => {
                cx.unknown("network", &name_sp, topo.networks.iter().map(|n| n.name.clone()));
                None
            }
        },
        "template" => match cx.template_ids.get(name) {
            Some(&id) => make(SelectorTarget::Template(id)),
            None => {
                cx.unknown("template", &name_sp, topo.templates.iter().map(|t| t.name.clone()));
                None
            }
        },
        "service" if name.contains(['*', '?']) => {
            let matched = topo.services.iter().filter(|s| glob_match(name, &s.name)).map(|s| s.id).collect();
            make(SelectorTarget::Services(matched))
        }
        "service" => match cx.service_ids.get(name) {
            Some(&id) => make(SelectorTarget::Services(vec![id])),
            None => {
                if kind == "service" && !raw.contains(':') && cx.network_ids.contains_key(name) {
                    cx.push(
                        Diagnostic::new(Code::UnknownReference, format!("no service is named `{name}`; a network is"))
                            .primary(text.span, "bare names select services")
                            .help(format!("write `network:{name}` to select the network's members")),
                    );
                } else {
                    cx.unknown("service", &name_sp, topo.services.iter().map(|s| s.name.clone()));
                }
                None
            }
        },
        other => {
            let d = Diagnostic::new(Code::InvalidSelector, format!("unknown selector kind `{other}:`"))
                .primary(text.span, "not a selector")
                .help("selectors are `*`, `host`, `external`, `network:NAME`, `template:NAME`, `service:NAME`, or a service name or glob");
            cx.push(d);
            None
        }
    }
}
