//! Values the spec accepts in more than one form (a short string or a long mapping, a list or a
//! mapping). Each decodes into one type, so later stages see a single shape.

use crate::decode::{Decode, Decoder, Map, Sp, spec_enum, spec_struct};
use crate::node::{Node, NodeKind};
use crate::types::{AttachmentSpec, RuleSpec, Verdict};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use topoc_diag::{Code, Diagnostic};

/// An address as written: absolute (`10.0.1.2`, `fd00::2`) or a host offset (`.254`). YAML
/// editors read `.254` as a number, so the schema admits both; the loader keeps the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address(pub String);

impl Decode for Address {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        String::decode(node, d).map(Address)
    }
}

impl JsonSchema for Address {
    fn schema_name() -> Cow<'static, str> {
        "Address".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number"], "description": "an IP address, or a host offset in the subnet such as .254" })
    }
}

/// A command: exec form (a list) or shell form (a string, split by the engine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Exec(Vec<String>),
    Shell(String),
}

impl Decode for Command {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar { text, .. } => Some(Command::Shell(text.clone())),
            NodeKind::Seq(_) => {
                Vec::<crate::decode::Text>::decode(node, d).map(|v| Command::Exec(v.into_iter().map(|t| t.0).collect()))
            }
            _ => {
                d.type_error(node, "a list of arguments or a command string");
                None
            }
        }
    }
}

impl JsonSchema for Command {
    fn schema_name() -> Cow<'static, str> {
        "Command".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "oneOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
        ] })
    }
}

spec_enum! {
    /// Read-write or read-only.
    pub enum Access {
        Rw = "rw",
        Ro = "ro",
    }
}

spec_struct! {
    /// A mount, long form. The kind follows from `source`: absent is tmpfs, a path (`/`, `./`,
    /// `~`) is a bind mount, anything else names a volume.
    pub struct MountLong ("a mount") {
        /// A volume name, a host path, or nothing for tmpfs.
        pub source: Option<Sp<String>>,
        /// Path inside the container.
        pub target: Sp<String>,
        /// `rw` (default) or `ro`.
        pub access: Option<Sp<Access>>,
    }
}

/// A mount: `source:target[:ro|rw]` or the long form.
#[derive(Debug, Clone)]
pub struct Mount(pub MountLong);

impl Decode for Mount {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Scalar { text, .. } = &node.kind else {
            return MountLong::decode(node, d).map(Mount);
        };
        let parts: Vec<&str> = text.split(':').collect();
        let sp = |s: &str| Sp::new(s.to_owned(), node.span);
        let (source, target, access) = match parts.as_slice() {
            [target] if target.starts_with('/') => (None, *target, None),
            [source, target] => (Some(sp(source)), *target, None),
            [source, target, mode] => {
                let access = match *mode {
                    "ro" => Access::Ro,
                    "rw" => Access::Rw,
                    other => {
                        d.invalid_value(
                            node.span,
                            format!("mount mode `{other}` is not `ro` or `rw`"),
                            Some("write `source:target:ro` or `source:target:rw`".into()),
                        );
                        return None;
                    }
                };
                (Some(sp(source)), *target, Some(Sp::new(access, node.span)))
            }
            _ => {
                d.invalid_value(
                    node.span,
                    format!("`{text}` is not a mount"),
                    Some("write `source:/target`, `source:/target:ro`, or the long form with `source`, `target`, `access`".into()),
                );
                return None;
            }
        };
        Some(Mount(MountLong { source, target: sp(target), access }))
    }
}

impl JsonSchema for Mount {
    fn schema_name() -> Cow<'static, str> {
        "Mount".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<MountLong>();
        json_schema!({ "oneOf": [ { "type": "string", "description": "source:target[:ro|rw]" }, long ] })
    }
}

spec_enum! {
    /// Transport protocol of a port.
    pub enum Protocol {
        Tcp = "tcp",
        Udp = "udp",
    }
}

spec_enum! {
    /// Swarm publishing mode: through the routing mesh on every node, or on the task's node.
    pub enum PortMode {
        Ingress = "ingress",
        Host = "host",
    }
}

spec_struct! {
    /// A published port, long form.
    pub struct PortLong ("a port") {
        /// Container port.
        pub target: Sp<u16>,
        /// Host port (default: the same as `target`).
        pub published: Option<Sp<u16>>,
        /// Host address to bind (default: `defaults.host_ip`, else every address).
        pub host_ip: Option<Sp<String>>,
        /// `tcp` (default) or `udp`.
        pub protocol: Option<Sp<Protocol>>,
        /// Swarm: `ingress` (default, routing mesh) or `host`.
        pub mode: Option<Sp<PortMode>>,
    }
}

/// A published port: `"[host_ip:]published:target[/protocol]"`, `"target"`, or the long form.
#[derive(Debug, Clone)]
pub struct Port(pub PortLong);

impl Decode for Port {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Scalar { text, .. } = &node.kind else {
            return PortLong::decode(node, d).map(Port);
        };
        match parse_short_port(text) {
            Some((host_ip, published, target, protocol)) => {
                let sp = |v| Sp::new(v, node.span);
                Some(Port(PortLong {
                    target: sp(target),
                    published: published.map(sp),
                    host_ip: host_ip.map(|h| Sp::new(h, node.span)),
                    protocol: protocol.map(|p| Sp::new(p, node.span)),
                    mode: None,
                }))
            }
            None => {
                d.invalid_value(
                    node.span,
                    format!("`{text}` is not a port mapping"),
                    Some("write `8080:80`, `127.0.0.1:8080:80`, `53:53/udp`, or the long form with `target` and `published`".into()),
                );
                None
            }
        }
    }
}

/// `(host_ip, published, target, protocol)` of a short port mapping.
type ShortPort = (Option<String>, Option<u16>, u16, Option<Protocol>);

fn parse_short_port(text: &str) -> Option<ShortPort> {
    let (body, protocol) = match text.rsplit_once('/') {
        Some((b, "tcp")) => (b, Some(Protocol::Tcp)),
        Some((b, "udp")) => (b, Some(Protocol::Udp)),
        Some(_) => return None,
        None => (text, None),
    };
    // An IPv6 host address is bracketed: `[::1]:8080:80`.
    let (host_ip, rest) = if let Some(stripped) = body.strip_prefix('[') {
        let (ip, rest) = stripped.split_once("]:")?;
        (Some(ip.to_owned()), rest)
    } else {
        match body.matches(':').count() {
            2 => {
                let (ip, rest) = body.split_once(':')?;
                (Some(ip.to_owned()), rest)
            }
            _ => (None, body),
        }
    };
    let port = |s: &str| s.parse::<u16>().ok().filter(|p| *p != 0);
    match rest.split_once(':') {
        Some((published, target)) => Some((host_ip, Some(port(published)?), port(target)?, protocol)),
        None if host_ip.is_none() => Some((None, None, port(rest)?, protocol)),
        None => None,
    }
}

impl JsonSchema for Port {
    fn schema_name() -> Cow<'static, str> {
        "Port".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<PortLong>();
        json_schema!({ "oneOf": [
            { "type": "string", "description": "[host_ip:]published:target[/protocol]" },
            { "type": "integer", "minimum": 1, "maximum": 65535 },
            long
        ] })
    }
}

/// A service's networks: a list of names, or a mapping of name to attachment settings.
#[derive(Debug, Clone, Default)]
pub struct Attachments(pub Map<AttachmentSpec>);

impl Decode for Attachments {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Null => Some(Attachments::default()),
            NodeKind::Seq(_) => {
                let names = Vec::<Sp<String>>::decode(node, d)?;
                let entries = names.into_iter().map(|n| (n, AttachmentSpec::plain())).collect();
                Some(Attachments(Map { entries }))
            }
            NodeKind::Map(entries) => {
                let mut ok = true;
                let mut out = Vec::new();
                for (k, v) in entries {
                    let Some(key) = d.key(k) else {
                        ok = false;
                        continue;
                    };
                    let spec = match v.kind {
                        NodeKind::Null => Some(AttachmentSpec::plain()),
                        _ => AttachmentSpec::decode(v, d),
                    };
                    match spec {
                        Some(s) => out.push((Sp::new(key.to_owned(), k.span), s)),
                        None => ok = false,
                    }
                }
                ok.then_some(Attachments(Map { entries: out }))
            }
            NodeKind::Scalar { .. } => {
                d.type_error(node, "a list of network names or a mapping of network to attachment");
                None
            }
        }
    }
    fn missing() -> Option<Self> {
        Some(Attachments::default())
    }
}

impl AttachmentSpec {
    /// An attachment with no settings: a dynamic address, no aliases.
    pub fn plain() -> Self {
        AttachmentSpec { ip: None, range: None, ip6: None, aliases: Vec::new(), mac: None, gw_priority: None }
    }
}

impl JsonSchema for Attachments {
    fn schema_name() -> Cow<'static, str> {
        "Attachments".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let att = g.subschema_for::<AttachmentSpec>();
        json_schema!({ "oneOf": [
            { "type": "array", "items": { "type": "string" } },
            { "type": "object", "additionalProperties": { "anyOf": [att, { "type": "null" }] } },
            { "type": "null" }
        ] })
    }
}

/// A policy rule: `allow: {...}` or `deny: {...}`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub verdict: Sp<Verdict>,
    pub body: RuleSpec,
}

impl Decode for Rule {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let entries = d.expect_map(node, "a rule: `allow: {from, to}` or `deny: {from, to}`")?;
        let [(key, body)] = entries else {
            d.diags.push(
                Diagnostic::new(Code::InvalidValue, "a rule has exactly one key, `allow` or `deny`")
                    .primary(node.span, format!("{} keys here", entries.len()))
                    .help("write `- allow: { from: A, to: B }` or `- deny: { from: A, to: B }`"),
            );
            return None;
        };
        let verdict = Sp::<Verdict>::decode(key, d)?;
        let body = RuleSpec::decode(body, d)?;
        Some(Rule { verdict, body })
    }
}

impl JsonSchema for Rule {
    fn schema_name() -> Cow<'static, str> {
        "Rule".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let body = g.subschema_for::<RuleSpec>();
        json_schema!({
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "properties": { "allow": body.clone(), "deny": body },
            "additionalProperties": false
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports() {
        assert_eq!(parse_short_port("8080:80"), Some((None, Some(8080), 80, None)));
        assert_eq!(
            parse_short_port("127.0.0.1:8080:80/udp"),
            Some((Some("127.0.0.1".into()), Some(8080), 80, Some(Protocol::Udp)))
        );
        assert_eq!(parse_short_port("[::1]:53:53"), Some((Some("::1".into()), Some(53), 53, None)));
        assert_eq!(parse_short_port("80"), Some((None, None, 80, None)));
        assert_eq!(parse_short_port("0:80"), None);
        assert_eq!(parse_short_port("a:b"), None);
        assert_eq!(parse_short_port("80/sctp"), None);
    }
}
