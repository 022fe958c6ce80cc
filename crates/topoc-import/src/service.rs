//! Compose services → spec services, key by key. Keys with another shape in the spec
//! (`networks`, `ports`, `volumes`, `deploy`, ...) are rewritten; keys the spec has under the same
//! name pass through to its decoder; the rest are `compose-not-carried` findings.

use crate::convert::Context;
use crate::merge::{list_to_map, split_assignment};
use crate::nodes::{self, entries, get, key_text, map, scalar, seq, string};
use crate::schema;
use topoc_diag::{Code, Diagnostic, Diagnostics, Severity, Span};
use topoc_spec::{Node, NodeKind};

/// The spec takes `KEY:` with no value as Compose does: the caller's variable passed through.
const PASS_THROUGH_VARIABLES: bool = true;

/// Spec service keys that mean something else in Compose, or do not exist there.
const SPEC_ONLY: &[&str] = &["relays", "replicas", "networks", "ports", "volumes", "deploy"];

/// The spec's `services`, and the span of the first service that uses Compose's implicit
/// `default` network, if one does.
pub(crate) fn services(section: Option<&Node>, cx: &Context<'_>, diags: &mut Diagnostics) -> (Node, Option<Span>) {
    let Some(section) = section else {
        return (map(Vec::new(), Span::DETACHED), None);
    };
    let mut out = Vec::new();
    let mut uses_default = None;
    for (name, body) in entries(section) {
        if !active(name, body, cx, diags) {
            continue;
        }
        let (converted, default) = service(body, cx, diags);
        if default && uses_default.is_none() {
            uses_default = Some(name.span);
        }
        out.push((name.clone(), converted));
    }
    (map(out, section.span), uses_default)
}

/// Whether the service runs under the enabled profiles. Profiles the spec carries are kept;
/// otherwise the active services are imported and the others left out, as `docker compose
/// config` leaves them out, each with a finding.
fn active(name: &Node, body: &Node, cx: &Context<'_>, diags: &mut Diagnostics) -> bool {
    let Some(profiles) = get(body, "profiles") else {
        return true;
    };
    if schema::has("ServiceSpec", "profiles") {
        return true;
    }
    let list: Vec<&str> = match &profiles.kind {
        NodeKind::Seq(items) => items.iter().filter_map(Node::as_scalar).collect(),
        NodeKind::Scalar { text, .. } => vec![text.as_str()],
        _ => Vec::new(),
    };
    let on = cx.profiles.iter().any(|p| p == "*" || list.contains(&p.as_str()));
    let names = list.join(", ");
    let d = if on {
        Diagnostic::new(
            Code::ComposeNotCarried,
            format!("profiles are not yet carried by topoc: `{}` is imported as always active", key_text(name)),
        )
        .with_severity(Severity::Note)
    } else {
        Diagnostic::new(
            Code::ComposeNotCarried,
            format!(
                "profiles are not yet carried by topoc: `{}` (profiles {names}) is not enabled and is left out",
                key_text(name)
            ),
        )
    };
    diags.push(
        d.primary(profiles.span, "profiles here")
            .help("enable its profiles with `--profile` to import it, as `docker compose --profile` runs it"),
    );
    on
}

/// One service; whether it attaches to the implicit `default` network.
fn service(body: &Node, cx: &Context<'_>, diags: &mut Diagnostics) -> (Node, bool) {
    let mut out: Vec<(Node, Node)> = Vec::new();
    let has_networks = get(body, "networks").is_some();
    let has_mode = get(body, "network_mode").is_some();
    for (k, v) in entries(body) {
        let key = key_text(k);
        match key {
            "environment" | "labels" => out.push((k.clone(), assignments(key, v, diags))),
            "ports" => out.push((k.clone(), ports(v, diags))),
            "volumes" => out.push((k.clone(), volumes(v, cx, diags))),
            "networks" => out.push((k.clone(), attachments(v, diags))),
            "network_mode" => match v.as_scalar() {
                Some("host" | "none" | "bridge") => out.push((k.clone(), v.clone())),
                Some(m) if m.starts_with("service:") => out.push((k.clone(), v.clone())),
                Some(m) if m.starts_with("container:") => nodes::not_carried(
                    diags,
                    v.span,
                    &format!(
                        "`network_mode: {m}` (a container outside the project, whose networks the model cannot see)"
                    ),
                    "the service is attached to Compose's `default` network instead",
                ),
                Some(m) => nodes::not_carried(
                    diags,
                    v.span,
                    &format!("`network_mode: {m}`"),
                    "the service is attached to Compose's `default` network instead",
                ),
                None => out.push((k.clone(), v.clone())),
            },
            // The spec takes Compose's short and long forms of these as they are.
            "secrets" | "configs" | "depends_on" => out.push((k.clone(), v.clone())),
            "deploy" => deploy(k, v, &mut out, diags),
            "healthcheck" => out.push((k.clone(), sub_keys(v, "HealthcheckSpec", "healthcheck", diags))),
            "extra_hosts" => out.push((k.clone(), extra_hosts(v))),
            "dns" => out.push((k.clone(), words(v))),
            "cap_add" | "cap_drop" | "security_opt" => out.push((k.clone(), words(v))),
            "restart" if v.as_scalar().is_some_and(|r| r.contains(':')) => nodes::not_carried(
                diags,
                v.span,
                &format!("`restart: {}` (a retry count)", v.as_scalar().unwrap_or_default()),
                "the service gets no restart policy",
            ),
            "profiles" if !schema::has("ServiceSpec", "profiles") => {}
            _ if schema::has("ServiceSpec", key) && !SPEC_ONLY.contains(&key) => out.push((k.clone(), v.clone())),
            other => {
                nodes::not_carried(diags, k.span, &format!("the service key `{other}`"), "the service runs without it")
            }
        }
    }
    let default = !has_networks && !has_mode;
    if default {
        let span = Span { end: body.span.start, ..body.span };
        out.push((scalar("networks", span), seq(vec![scalar("default", span)], span)));
    }
    (map(out, body.span), default)
}

/// `environment` and `labels`, list or mapping, as a mapping of text. A variable with no value
/// (passed through from the caller's environment) is not carried.
fn assignments(key: &str, v: &Node, diags: &mut Diagnostics) -> Node {
    let as_map = list_to_map(v, split_assignment);
    let mut out = Vec::new();
    for (name, value) in entries(&as_map) {
        match value.kind {
            NodeKind::Null if key == "environment" && !PASS_THROUGH_VARIABLES => nodes::not_carried(
                diags,
                name.span,
                &format!("the variable `{}` passed through from the caller's environment", key_text(name)),
                "the container does not get it",
            ),
            NodeKind::Null if key == "environment" => out.push((name.clone(), value.clone())),
            NodeKind::Null => out.push((name.clone(), string("", value.span))),
            _ => out.push((name.clone(), value.clone())),
        }
    }
    map(out, v.span)
}

/// A word or a list of words as a list.
fn words(v: &Node) -> Node {
    match &v.kind {
        NodeKind::Scalar { .. } => seq(vec![v.clone()], v.span),
        _ => v.clone(),
    }
}

fn ports(v: &Node, diags: &mut Diagnostics) -> Node {
    let NodeKind::Seq(items) = &v.kind else {
        return v.clone();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            // Ranges (`8000-8010:8000-8010`) are the spec's short form too.
            NodeKind::Scalar { .. } => out.push(item.clone()),
            NodeKind::Map(entries) => {
                let mut keep = Vec::new();
                for (k, val) in entries {
                    let key = key_text(k);
                    match key {
                        _ if schema::has("PortLong", key) => keep.push((k.clone(), val.clone())),
                        other => nodes::not_carried(
                            diags,
                            k.span,
                            &format!("the port key `{other}`"),
                            "the port is published without it",
                        ),
                    }
                }
                out.push(map(keep, item.span));
            }
            _ => out.push(item.clone()),
        }
    }
    seq(out, v.span)
}

fn volumes(v: &Node, cx: &Context<'_>, diags: &mut Diagnostics) -> Node {
    let NodeKind::Seq(items) = &v.kind else {
        return v.clone();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            NodeKind::Scalar { text, .. } => {
                if let Some(m) = short_mount(text, item.span, cx, diags) {
                    out.push(m);
                }
            }
            NodeKind::Map(_) => {
                if let Some(m) = long_mount(item, cx, diags) {
                    out.push(m);
                }
            }
            _ => out.push(item.clone()),
        }
    }
    seq(out, v.span)
}

/// `source:target[:options]` as written (the spec reads Compose's short form, options and lone
/// anonymous volumes included), the source rebased onto the project folder.
fn short_mount(text: &str, span: Span, cx: &Context<'_>, diags: &mut Diagnostics) -> Option<Node> {
    let Some((source, rest)) = text.split_once(':') else {
        return Some(string(text, span));
    };
    let Some(source) = cx.rebase(source, span) else {
        nodes::not_carried(diags, span, "a bind mount from a file outside the project folder", "it is left out");
        return None;
    };
    Some(string(format!("{source}:{rest}"), span))
}

fn long_mount(item: &Node, cx: &Context<'_>, diags: &mut Diagnostics) -> Option<Node> {
    let kind = get(item, "type").and_then(Node::as_scalar).unwrap_or("volume");
    let mut out = Vec::new();
    for (k, v) in entries(item) {
        let key = key_text(k);
        match key {
            "source" if kind == "bind" => {
                let text = v.as_scalar().unwrap_or_default();
                let path = if text.starts_with(['/', '.', '~']) { text.to_owned() } else { format!("./{text}") };
                let Some(path) = cx.rebase(&path, v.span) else {
                    nodes::not_carried(
                        diags,
                        v.span,
                        "a bind mount from a file outside the project folder",
                        "it is left out",
                    );
                    return None;
                };
                out.push((k.clone(), string(path, v.span)));
            }
            _ if schema::has("MountLong", key) => out.push((k.clone(), v.clone())),
            other => {
                nodes::not_carried(diags, k.span, &format!("the mount key `{other}`"), "the mount is made without it")
            }
        }
    }
    Some(map(out, item.span))
}

/// `networks`, list or mapping; attachment keys renamed to the spec's.
fn attachments(v: &Node, diags: &mut Diagnostics) -> Node {
    let NodeKind::Map(list) = &v.kind else {
        return v.clone();
    };
    let mut out = Vec::new();
    for (name, body) in list {
        if matches!(body.kind, NodeKind::Null) {
            out.push((name.clone(), body.clone()));
            continue;
        }
        let mut keep = Vec::new();
        for (k, val) in entries(body) {
            let key = key_text(k);
            let renamed = match key {
                "ipv4_address" => "ip",
                "ipv6_address" => "ip6",
                "mac_address" => "mac",
                "aliases" | "gw_priority" => key,
                _ if schema::has("AttachmentSpec", key) && !matches!(key, "ip" | "ip6" | "mac" | "range") => key,
                other => {
                    nodes::not_carried(
                        diags,
                        k.span,
                        &format!("the attachment key `{other}`"),
                        "the service is attached without it",
                    );
                    continue;
                }
            };
            keep.push((scalar(renamed, k.span), val.clone()));
        }
        out.push((name.clone(), map(keep, body.span)));
    }
    map(out, v.span)
}

/// Compose's `deploy` into the spec's: `replicas` moves up to the service, `placement.constraints`,
/// `restart_policy.condition` and `update_config` flatten.
fn deploy(k: &Node, v: &Node, out: &mut Vec<(Node, Node)>, diags: &mut Diagnostics) {
    let mut spec = Vec::new();
    for (dk, dv) in entries(v) {
        let key = key_text(dk);
        match key {
            "replicas" => out.push((dk.clone(), dv.clone())),
            "mode" | "endpoint_mode" => spec.push((dk.clone(), dv.clone())),
            "labels" => spec.push((dk.clone(), list_to_map(dv, split_assignment))),
            "placement" => {
                // Only constraints: topoc's short list; with preferences or
                // max_replicas_per_node, Compose's mapping as it is.
                let keys: Vec<&str> = entries(dv).iter().map(|(pk, _)| key_text(pk)).collect();
                if keys.iter().all(|k| *k == "constraints") {
                    if let Some((pk, pv)) = entries(dv).first() {
                        spec.push((scalar("placement", pk.span), pv.clone()));
                    }
                } else {
                    spec.push((dk.clone(), sub_keys(dv, "PlacementSpec", "deploy.placement", diags)));
                }
            }
            "resources" => {
                for (rk, rv) in entries(dv) {
                    match key_text(rk) {
                        kind @ ("limits" | "reservations") => spec.push((
                            scalar(kind, rk.span),
                            sub_keys(rv, "ResourcesSpec", &format!("deploy.resources.{kind}"), diags),
                        )),
                        other => nodes::not_carried(
                            diags,
                            rk.span,
                            &format!("`deploy.resources.{other}`"),
                            "the service runs without it",
                        ),
                    }
                }
            }
            "restart_policy" => {
                flattened(dv, "restart_policy", &[("condition", "restart_condition")], &mut spec, diags)
            }
            "update_config" => flattened(
                dv,
                "update_config",
                &[("parallelism", "update_parallelism"), ("delay", "update_delay")],
                &mut spec,
                diags,
            ),
            other => {
                nodes::not_carried(diags, dk.span, &format!("`deploy.{other}`"), "the service is deployed without it")
            }
        }
    }
    if !spec.is_empty() {
        out.push((k.clone(), map(spec, v.span)));
    }
}

/// A Compose `deploy` sub-mapping the spec writes flat: each key of `renames` becomes its spec
/// key (`update_config.delay` → `update_delay`); any other key is not carried.
fn flattened(v: &Node, parent: &str, renames: &[(&str, &str)], spec: &mut Vec<(Node, Node)>, diags: &mut Diagnostics) {
    for (k, val) in entries(v) {
        let key = key_text(k);
        match renames.iter().find(|(compose, _)| *compose == key) {
            Some((_, flat)) => spec.push((scalar(*flat, k.span), val.clone())),
            None => nodes::not_carried(diags, k.span, &format!("`deploy.{parent}.{key}`"), "Swarm uses its default"),
        }
    }
}

/// A mapping whose keys are the spec type's own; others are not carried.
fn sub_keys(v: &Node, definition: &str, context: &str, diags: &mut Diagnostics) -> Node {
    let mut keep = Vec::new();
    for (k, val) in entries(v) {
        let key = key_text(k);
        if schema::has(definition, key) {
            keep.push((k.clone(), val.clone()));
        } else {
            nodes::not_carried(diags, k.span, &format!("`{context}.{key}`"), "the service runs without it");
        }
    }
    map(keep, v.span)
}

/// `extra_hosts` as a mapping of name to address (`host:ip`, `host=ip` or a mapping).
fn extra_hosts(v: &Node) -> Node {
    list_to_map(v, |t| match t.split_once('=') {
        Some((h, a)) => (h, Some(a)),
        None => match t.split_once(':') {
            Some((h, a)) => (h, Some(a)),
            None => (t, None),
        },
    })
}
