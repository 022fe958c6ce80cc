//! The merged compose model → the spec's node tree: the project name, networks, volumes and
//! secrets here, services in `service.rs`. Every node keeps the span of the compose text it
//! came from; nodes topoc adds (the implicit `default` network, `defaults.egress`) borrow the
//! span of what made them necessary.

use crate::nodes::{self, entries, get, key_text, map, scalar, string};
use crate::schema;
use crate::service;
use std::path::Path;
use topoc_diag::{Diagnostic, Diagnostics, Files, Severity, Span};
use topoc_spec::{Node, NodeKind};

pub(crate) struct Context<'a> {
    pub(crate) project_name: Option<String>,
    pub(crate) project_dir: &'a Path,
    pub(crate) profiles: &'a [String],
    pub(crate) files: &'a Files,
}

impl Context<'_> {
    /// A relative host path written in the file of `span`, rewritten relative to the project
    /// folder (an `include`d or `extends`ed file in another folder resolves its paths against
    /// its own folder). `None` when the file lies outside the project folder.
    pub(crate) fn rebase(&self, path: &str, span: Span) -> Option<String> {
        if !path.starts_with('.') {
            return Some(path.to_owned());
        }
        let Some(file) = self.files.get(span.file) else {
            return Some(path.to_owned());
        };
        let dir = clean(Path::new(&file.path).parent().unwrap_or(Path::new("")));
        let project = clean(self.project_dir);
        if dir == project {
            return Some(path.to_owned());
        }
        let rel = dir.strip_prefix(&project).ok()?;
        let rest = path.strip_prefix("./").unwrap_or(path);
        let joined = Path::new(".").join(rel).join(rest);
        Some(joined.to_string_lossy().replace('\\', "/"))
    }
}

/// A path without `.` components, so `./a` and `a` compare equal.
fn clean(p: &Path) -> std::path::PathBuf {
    p.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

/// The spec tree of a merged compose model.
pub(crate) fn project(compose: &Node, cx: &Context<'_>, diags: &mut Diagnostics) -> Node {
    let top = compose.span;
    let at_start = Span { end: top.start, ..top };
    let mut out: Vec<(Node, Node)> = Vec::new();
    let name = project_name(compose, cx, diags);
    out.push((scalar("topology", name.span), name));
    // Compose networks reach the outside world unless `internal`; topoc's default is the reverse.
    out.push((
        scalar("defaults", at_start),
        map(vec![(scalar("egress", at_start), scalar("true", at_start))], at_start),
    ));
    let (services, uses_default) = service::services(get(compose, "services"), cx, diags);
    let mut networks = networks(get(compose, "networks"), diags);
    if let Some(span) = uses_default
        && !entries(&networks).iter().any(|(k, _)| key_text(k) == "default")
    {
        let NodeKind::Map(list) = &mut networks.kind else { unreachable!("networks is a mapping") };
        list.push((scalar("default", span), map(Vec::new(), span)));
    }
    if !entries(&networks).is_empty() {
        out.push((scalar("networks", networks.span), networks));
    }
    out.push((scalar("services", services.span), services));
    for (k, v) in entries(compose) {
        let key = key_text(k);
        match key {
            "name" | "services" | "networks" => {}
            "volumes" => out.push((k.clone(), volumes(v, diags))),
            "secrets" => out.push((k.clone(), secrets(v, "SecretSpec", cx, diags))),
            "configs" if schema::has("TopologySpec", "configs") => {
                out.push((k.clone(), secrets(v, "ConfigSpec", cx, diags)))
            }
            "version" => diags.push(
                Diagnostic::new(
                    topoc_diag::Code::ComposeNotCarried,
                    "`version` is obsolete: Compose ignores it, and so does the spec",
                )
                .with_severity(Severity::Note)
                .primary(k.span, "ignored"),
            ),
            x if schema::has("TopologySpec", x) => out.push((k.clone(), v.clone())),
            x if x.starts_with("x-") => diags.push(
                Diagnostic::new(
                    topoc_diag::Code::ComposeNotCarried,
                    format!("the extension `{x}` is not carried: only what it lends through anchors is"),
                )
                .with_severity(Severity::Note)
                .primary(k.span, "extension field")
                .note("its anchors and merge keys are expanded where they are used, so nothing else changes"),
            ),
            other => nodes::not_carried(
                diags,
                k.span,
                &format!("the top-level `{other}`"),
                "the spec has no such section; what it declares is left out",
            ),
        }
    }
    let mut spec = map(out, top);
    literal_text(&mut spec, diags);
    spec
}

/// `name:`, `-p`/`COMPOSE_PROJECT_NAME`, or the project folder's name, normalised as Compose
/// normalises it (lowercase; letters, digits, `-` and `_`).
fn project_name(compose: &Node, cx: &Context<'_>, diags: &mut Diagnostics) -> Node {
    if let Some(name) = &cx.project_name {
        return scalar(normalise_name(name), Span { end: compose.span.start, ..compose.span });
    }
    if let Some(n) = get(compose, "name")
        && let Some(text) = n.as_scalar()
    {
        if nodes::interpolates(text) {
            nodes::not_carried(
                diags,
                n.span,
                "an interpolated project name",
                "the project is named after its folder instead",
            );
        } else {
            return string(text, n.span);
        }
    }
    let dir = std::fs::canonicalize(cx.project_dir).unwrap_or_else(|_| cx.project_dir.to_path_buf());
    let base = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
    scalar(normalise_name(&base), Span { end: compose.span.start, ..compose.span })
}

fn normalise_name(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
        .collect();
    let trimmed = kept.trim_start_matches(['-', '_']);
    if trimmed.is_empty() { "project".into() } else { trimmed.to_owned() }
}

/// Top-level networks: Compose's keys to the spec's (`internal` → `egress`, `ipam.config` →
/// `subnet`/`gateway`/`ip_range`/`subnet6`/`gateway6`, the macvlan/ipvlan driver options →
/// `parent`/`mode`, `encrypted` and `enable_icc` → their own keys).
fn networks(section: Option<&Node>, diags: &mut Diagnostics) -> Node {
    let Some(section) = section else {
        return map(Vec::new(), Span::DETACHED);
    };
    let mut out = Vec::new();
    for (name, body) in entries(section) {
        out.push((name.clone(), network(body, diags)));
    }
    map(out, section.span)
}

fn network(body: &Node, diags: &mut Diagnostics) -> Node {
    let mut out: Vec<(Node, Node)> = Vec::new();
    let mut ipv6: Option<(Node, bool)> = None;
    let mut has_subnet6 = false;
    for (k, v) in entries(body) {
        let key = key_text(k);
        match key {
            "driver" | "name" | "attachable" | "labels" => out.push((k.clone(), labels_or_value(key, v))),
            "external" => match &v.kind {
                NodeKind::Map(_) => nodes::not_carried(
                    diags,
                    k.span,
                    "`external` with a `name` mapping (a legacy form)",
                    "write `external: true` and `name:` beside it",
                ),
                _ => out.push((k.clone(), v.clone())),
            },
            "internal" => {
                let egress = match v.as_scalar() {
                    Some("true") => "false",
                    Some("false") => "true",
                    _ => {
                        out.push((scalar("egress", k.span), v.clone()));
                        continue;
                    }
                };
                out.push((scalar("egress", k.span), scalar(egress, v.span)));
            }
            "enable_ipv6" => ipv6 = Some((k.clone(), v.as_scalar() == Some("true"))),
            "ipam" => has_subnet6 |= ipam(v, &mut out, diags),
            "driver_opts" => driver_opts(v, &mut out, diags),
            other if schema::has("NetworkSpec", other) && !SPEC_ONLY_NETWORK.contains(&other) => {
                out.push((k.clone(), v.clone()))
            }
            other => nodes::not_carried(
                diags,
                k.span,
                &format!("the network key `{other}`"),
                "the network is created without it",
            ),
        }
    }
    if let Some((k, on)) = ipv6
        && on != has_subnet6
    {
        nodes::not_carried(
            diags,
            k.span,
            &format!("`enable_ipv6: {on}` without an IPv6 subnet in `ipam`"),
            "topoc enables IPv6 exactly on networks with an IPv6 subnet",
        );
    }
    map(out, body.span)
}

/// Spec keys a compose network never has under the same name.
const SPEC_ONLY_NETWORK: &[&str] = &[
    "egress",
    "subnet",
    "subnet6",
    "gateway",
    "gateway6",
    "ip_range",
    "aux_addresses",
    "pool",
    "parent",
    "mode",
    "icc",
    "encrypted",
];

fn labels_or_value(key: &str, v: &Node) -> Node {
    if key == "labels" { crate::merge::list_to_map(v, crate::merge::split_assignment) } else { v.clone() }
}

/// `ipam.config` into the spec's subnet keys and `aux_addresses`, `ipam.driver` and
/// `ipam.options` into the spec's `ipam`; whether an IPv6 subnet was found.
fn ipam(v: &Node, out: &mut Vec<(Node, Node)>, diags: &mut Diagnostics) -> bool {
    let mut v6 = false;
    let mut kept: Vec<(Node, Node)> = Vec::new();
    let mut aux: Vec<(Node, Node)> = Vec::new();
    for (k, body) in entries(v) {
        match key_text(k) {
            "driver" | "options" => kept.push((k.clone(), body.clone())),
            "config" => {
                let NodeKind::Seq(configs) = &body.kind else {
                    nodes::not_carried(diags, body.span, "an `ipam.config` that is not a list", "ignored");
                    continue;
                };
                let (mut seen4, mut seen6) = (false, false);
                for c in configs {
                    let subnet = get(c, "subnet").and_then(Node::as_scalar).unwrap_or_default();
                    let is6 = subnet.contains(':');
                    if (is6 && seen6) || (!is6 && seen4) {
                        nodes::not_carried(
                            diags,
                            c.span,
                            "a second subnet of one address family",
                            "the network gets the first subnet of each family only",
                        );
                        continue;
                    }
                    if is6 {
                        seen6 = true;
                        v6 = true;
                    } else {
                        seen4 = true;
                    }
                    for (ck, cv) in entries(c) {
                        let name = match (key_text(ck), is6) {
                            ("subnet", false) => "subnet",
                            ("gateway", false) => "gateway",
                            ("ip_range", false) => "ip_range",
                            ("subnet", true) => "subnet6",
                            ("gateway", true) => "gateway6",
                            ("aux_addresses", _) => {
                                for (name, addr) in entries(cv) {
                                    if aux.iter().any(|(n, _)| key_text(n) == key_text(name)) {
                                        nodes::not_carried(
                                            diags,
                                            name.span,
                                            "an aux address name used in two subnets",
                                            "the network reserves the first address of that name only",
                                        );
                                    } else {
                                        aux.push((name.clone(), addr.clone()));
                                    }
                                }
                                continue;
                            }
                            (other, _) => {
                                nodes::not_carried(
                                    diags,
                                    ck.span,
                                    &format!("`ipam.config.{other}`{}", if is6 { " of an IPv6 subnet" } else { "" }),
                                    "the network is created without it",
                                );
                                continue;
                            }
                        };
                        out.push((scalar(name, ck.span), cv.clone()));
                    }
                }
            }
            other => nodes::not_carried(diags, k.span, &format!("`ipam.{other}`"), "the network is created without it"),
        }
    }
    if !aux.is_empty() {
        out.push((scalar("aux_addresses", v.span), map(aux, v.span)));
    }
    if !kept.is_empty() {
        out.push((scalar("ipam", v.span), map(kept, v.span)));
    }
    v6
}

/// Driver options with spec keys of their own become those keys; the rest stay options.
fn driver_opts(v: &Node, out: &mut Vec<(Node, Node)>, diags: &mut Diagnostics) {
    let mut rest = Vec::new();
    let _ = diags;
    for (k, val) in entries(v) {
        match (key_text(k), val.as_scalar()) {
            ("parent", _) => out.push((scalar("parent", k.span), val.clone())),
            ("macvlan_mode" | "ipvlan_mode", _) => out.push((scalar("mode", k.span), val.clone())),
            ("encrypted", _) => out.push((scalar("encrypted", k.span), scalar("true", val.span))),
            ("com.docker.network.bridge.enable_icc", Some("false")) => {
                out.push((scalar("icc", k.span), scalar("false", val.span)))
            }
            _ => rest.push((k.clone(), val.clone())),
        }
    }
    if !rest.is_empty() {
        out.push((scalar("driver_opts", v.span), map(rest, v.span)));
    }
}

/// Top-level volumes: the same keys in both languages.
fn volumes(section: &Node, diags: &mut Diagnostics) -> Node {
    let mut out = Vec::new();
    for (name, body) in entries(section) {
        let mut keep = Vec::new();
        for (k, v) in entries(body) {
            let key = key_text(k);
            match (key, &v.kind) {
                ("external", NodeKind::Map(_)) => nodes::not_carried(
                    diags,
                    k.span,
                    "`external` with a `name` mapping (a legacy form)",
                    "write `external: true` and `name:` beside it",
                ),
                ("labels", _) => keep.push((k.clone(), labels_or_value(key, v))),
                _ if schema::has("VolumeSpec", key) => keep.push((k.clone(), v.clone())),
                _ => nodes::not_carried(
                    diags,
                    k.span,
                    &format!("the volume key `{key}`"),
                    "the volume is created without it",
                ),
            }
        }
        out.push((name.clone(), map(keep, body.span)));
    }
    map(out, section.span)
}

/// Top-level secrets and configs: the same keys; a relative `file` is rebased onto the project
/// folder.
fn secrets(section: &Node, definition: &str, cx: &Context<'_>, diags: &mut Diagnostics) -> Node {
    let mut out = Vec::new();
    for (name, body) in entries(section) {
        let mut keep = Vec::new();
        for (k, v) in entries(body) {
            let key = key_text(k);
            match key {
                "file" => {
                    let text = v.as_scalar().unwrap_or_default();
                    match cx.rebase(text, v.span) {
                        Some(path) => keep.push((k.clone(), string(path, v.span))),
                        None => nodes::not_carried(
                            diags,
                            v.span,
                            "a secret file outside the project folder, named from an included file",
                            "the secret is left without its file",
                        ),
                    }
                }
                _ if schema::has(definition, key) => keep.push((k.clone(), v.clone())),
                _ => nodes::not_carried(
                    diags,
                    k.span,
                    &format!("the secret key `{key}`"),
                    "the secret is declared without it",
                ),
            }
        }
        out.push((name.clone(), map(keep, body.span)));
    }
    map(out, section.span)
}

/// How a value's scalars are read into the spec: Compose reads `$$` as a literal `$` and
/// interpolates `$VAR`; the spec's text is literal, and a value Compose is to fill in is written
/// `{ interpolate: "..." }`, which the spec takes in `image`, environment values, the label
/// values of services, networks and volumes, and the values of carried keys (docs/spec.md, "Interpolation"). Elsewhere (names, addresses, ports,
/// networks, mounts) topoc needs the value, and an interpolation there is not carried.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    Literal,
    /// Interpolated scalars become `{ interpolate: ... }`, in values (not in keys).
    Interpolate,
}

fn literal_text(spec: &mut Node, diags: &mut Diagnostics) {
    let NodeKind::Map(top) = &mut spec.kind else { return };
    for (k, v) in top {
        literal_scalar(k, Text::Literal, diags);
        let context = match key_text(k) {
            "services" => topoc_spec::compose_keys::SERVICE,
            "networks" => topoc_spec::compose_keys::NETWORK,
            "volumes" => topoc_spec::compose_keys::VOLUME,
            "secrets" => topoc_spec::compose_keys::SECRET,
            "configs" => topoc_spec::compose_keys::CONFIG,
            _ => {
                text(v, Text::Literal, diags);
                continue;
            }
        };
        let NodeKind::Map(objects) = &mut v.kind else { continue };
        for (name, body) in objects {
            literal_scalar(name, Text::Literal, diags);
            let NodeKind::Map(keys) = &mut body.kind else {
                text(body, Text::Literal, diags);
                continue;
            };
            for (key, value) in keys {
                let mode = if takes_interpolation(context, key_text(key)) { Text::Interpolate } else { Text::Literal };
                literal_scalar(key, Text::Literal, diags);
                text(value, mode, diags);
            }
        }
    }
}

/// Whether the spec takes `{ interpolate: ... }` in the values of this key.
fn takes_interpolation(context: &str, key: &str) -> bool {
    use topoc_spec::compose_keys::{KEYS, NETWORK, SERVICE, Status, VOLUME};
    (context == SERVICE && matches!(key, "image" | "environment"))
        || ([SERVICE, NETWORK, VOLUME].contains(&context) && key == "labels")
        || KEYS.iter().any(|(c, k, s)| *c == context && *k == key && *s == Status::Carried)
}

fn text(node: &mut Node, mode: Text, diags: &mut Diagnostics) {
    match &mut node.kind {
        NodeKind::Scalar { .. } => literal_scalar(node, mode, diags),
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| text(n, mode, diags)),
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                literal_scalar(k, Text::Literal, diags);
                text(v, mode, diags);
            }
        }
        NodeKind::Null => {}
    }
}

fn literal_scalar(node: &mut Node, mode: Text, diags: &mut Diagnostics) {
    let NodeKind::Scalar { text, .. } = &mut node.kind else { return };
    if nodes::interpolates(text) {
        if mode == Text::Interpolate {
            let span = node.span;
            let inner = string(std::mem::take(text), span);
            *node = map(vec![(scalar(topoc_spec::carried::INTERPOLATE, span), inner)], span);
            return;
        }
        nodes::not_carried(
            diags,
            node.span,
            &format!("the interpolation in `{text}`"),
            "topoc needs this value to analyse the topology, and cannot know it before deployment",
        );
    }
    if text.contains("$$") {
        *text = nodes::unescape_dollars(text);
    }
}
