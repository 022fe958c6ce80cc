//! Values the spec accepts in more than one form (a short string or a long mapping, a list or a
//! mapping). Each decodes into one type, so later stages see a single shape.

use crate::carried::{Size, Str, interpolation, is_interpolation};
use crate::decode::{Decode, Decoder, Map, Sp, Text, spec_enum, spec_struct};
use crate::node::{Node, NodeKind};
use crate::types::{AttachmentSpec, RuleSpec, Verdict};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use topoc_diag::Span;
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
                Vec::<Text>::decode(node, d).map(|v| Command::Exec(v.into_iter().map(|t| t.0).collect()))
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

spec_enum! {
    /// What a mount mounts.
    pub enum MountType {
        Bind = "bind",
        Volume = "volume",
        Tmpfs = "tmpfs",
    }
}

spec_enum! {
    /// Mount propagation of a bind mount.
    pub enum Propagation {
        Shared = "shared",
        Rshared = "rshared",
        Slave = "slave",
        Rslave = "rslave",
        Private = "private",
        Rprivate = "rprivate",
    }
}

spec_enum! {
    /// SELinux relabelling of a bind mount: `z` shared between containers, `Z` private.
    pub enum Selinux {
        Shared = "z",
        Private = "Z",
    }
}

spec_struct! {
    /// Options of a bind mount (Compose's `bind:`).
    pub struct BindOptions ("bind options") {
        /// `shared`, `rshared`, `slave`, `rslave`, `private` or `rprivate`.
        pub propagation: Option<Sp<Propagation>>,
        /// Create the host path when it is missing (the short form's behaviour; default false
        /// in the long form).
        pub create_host_path: Option<Sp<bool>>,
        /// SELinux relabelling: `z` or `Z`.
        pub selinux: Option<Sp<Selinux>>,
    }
}

spec_struct! {
    /// Options of a volume mount (Compose's `volume:`).
    pub struct VolumeOptions ("volume options") {
        /// Do not copy the image's content into a new volume.
        pub nocopy: Option<Sp<bool>>,
        /// Mount this path inside the volume instead of its root.
        pub subpath: Option<Sp<String>>,
    }
}

spec_struct! {
    /// Options of a tmpfs mount (Compose's `tmpfs:`).
    pub struct TmpfsOptions ("tmpfs options") {
        /// Size limit, e.g. `64m`.
        pub size: Option<Sp<Size>>,
        /// File mode of the mount point, e.g. `1777` (octal as Compose reads it).
        pub mode: Option<Sp<u32>>,
    }
}

spec_struct! {
    /// A mount, long form. Without `type`, the kind follows from `source`: absent is tmpfs, a
    /// path (`/`, `./`, `~`) is a bind mount, anything else names a volume; `type: volume`
    /// without a source is an anonymous volume.
    pub struct MountLong ("a mount") {
        /// `bind`, `volume` or `tmpfs` (default: from `source`).
        #[serde(rename = "type")]
        pub r#type: Option<Sp<MountType>>,
        /// A volume name, a host path, or nothing for tmpfs.
        pub source: Option<Sp<String>>,
        /// Path inside the container.
        pub target: Sp<String>,
        /// `rw` (default) or `ro`.
        pub access: Option<Sp<Access>>,
        /// Compose's spelling of `access: ro`.
        pub read_only: Option<Sp<bool>>,
        /// Bind mount options.
        pub bind: Option<BindOptions>,
        /// Volume mount options.
        pub volume: Option<VolumeOptions>,
        /// tmpfs mount options.
        pub tmpfs: Option<TmpfsOptions>,
        /// Consistency (Docker Desktop on macOS): `consistent`, `cached` or `delegated`.
        pub consistency: Option<Sp<String>>,
    }
}

/// A mount: Compose's short form `source:target[:options]` (options `ro`, `rw`, `z`, `Z`,
/// a propagation, `nocopy`, a consistency, comma-separated), a lone `target` (an anonymous
/// volume), or the long form.
#[derive(Debug, Clone)]
pub struct Mount(pub MountLong);

impl Decode for Mount {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Scalar { text, .. } = &node.kind else {
            return MountLong::decode(node, d).map(Mount);
        };
        let parts: Vec<&str> = text.split(':').collect();
        let sp = |s: &str| Sp::new(s.to_owned(), node.span);
        let (source, target, options) = match parts.as_slice() {
            [target] if target.starts_with('/') => (None, *target, None),
            [source, target] => (Some(sp(source)), *target, None),
            [source, target, options] => (Some(sp(source)), *target, Some(*options)),
            _ => {
                d.invalid_value(
                    node.span,
                    format!("`{text}` is not a mount"),
                    Some("write `source:/target`, `source:/target:ro`, `/target` (an anonymous volume), or the long form with `source`, `target`, `access`".into()),
                );
                return None;
            }
        };
        let is_bind = source.as_ref().is_some_and(|s| s.starts_with(['/', '.', '~']));
        let mut long = MountLong {
            r#type: source.is_none().then(|| Sp::new(MountType::Volume, node.span)),
            source,
            target: sp(target),
            access: None,
            read_only: None,
            // Compose's short form creates a missing host directory.
            bind: is_bind.then(|| BindOptions {
                propagation: None,
                create_host_path: Some(Sp::new(true, node.span)),
                selinux: None,
            }),
            volume: None,
            tmpfs: None,
            consistency: None,
        };
        for option in options.into_iter().flat_map(|o| o.split(',')) {
            let at = Sp::new((), node.span);
            match option {
                "ro" => long.access = Some(at.map(|_| Access::Ro)),
                "rw" => long.access = Some(at.map(|_| Access::Rw)),
                "z" | "Z" if is_bind => {
                    let selinux = if option == "z" { Selinux::Shared } else { Selinux::Private };
                    if let Some(b) = long.bind.as_mut() {
                        b.selinux = Some(at.map(|_| selinux));
                    }
                }
                "nocopy" if !is_bind => {
                    long.volume = Some(VolumeOptions { nocopy: Some(at.map(|_| true)), subpath: None });
                }
                "consistent" | "cached" | "delegated" => long.consistency = Some(sp(option)),
                p if is_bind && Propagation::NAMES.contains(&p) => {
                    let prop = match p {
                        "shared" => Propagation::Shared,
                        "rshared" => Propagation::Rshared,
                        "slave" => Propagation::Slave,
                        "rslave" => Propagation::Rslave,
                        "private" => Propagation::Private,
                        _ => Propagation::Rprivate,
                    };
                    if let Some(b) = long.bind.as_mut() {
                        b.propagation = Some(at.map(|_| prop));
                    }
                }
                other => {
                    let allowed = if is_bind {
                        "ro, rw, z, Z, shared, rshared, slave, rslave, private, rprivate, consistent, cached, delegated"
                    } else {
                        "ro, rw, nocopy, consistent, cached, delegated"
                    };
                    d.invalid_value(
                        node.span,
                        format!("mount option `{other}` is not one of {allowed}"),
                        Some(
                            "write `source:target:ro`, or options separated by commas such as `./data:/data:ro,z`"
                                .into(),
                        ),
                    );
                    return None;
                }
            }
        }
        Some(Mount(long))
    }
}

impl JsonSchema for Mount {
    fn schema_name() -> Cow<'static, str> {
        "Mount".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<MountLong>();
        json_schema!({ "oneOf": [ { "type": "string", "description": "source:target[:options] or /target" }, long ] })
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
        /// Host port (default: none given, Compose picks a free one), or a range `"8000-8010"`
        /// of which the engine picks a free one.
        pub published: Option<Sp<HostPorts>>,
        /// Host address to bind (default: `defaults.host_ip`, else every address).
        pub host_ip: Option<Sp<String>>,
        /// `tcp` (default) or `udp`.
        pub protocol: Option<Sp<Protocol>>,
        /// Swarm: `ingress` (default, routing mesh) or `host`.
        pub mode: Option<Sp<PortMode>>,
        /// A name for the port (documentation, Compose `name`).
        pub name: Option<Sp<String>>,
        /// The application protocol, e.g. `http` or `grpc` (Compose `app_protocol`).
        pub app_protocol: Option<Sp<String>>,
    }
}

/// A host port, or an inclusive range of them (`8000-8010`), as Compose writes `published`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPorts {
    pub first: u16,
    pub last: u16,
}

impl HostPorts {
    pub fn one(port: u16) -> HostPorts {
        HostPorts { first: port, last: port }
    }

    /// `8000`, or `8000-8010`.
    pub fn parse(text: &str) -> Option<HostPorts> {
        let port = |s: &str| s.trim().parse::<u16>().ok();
        match text.split_once('-') {
            Some((a, b)) => Some(HostPorts { first: port(a)?, last: port(b)? }),
            None => port(text).map(HostPorts::one),
        }
    }

    pub fn is_range(self) -> bool {
        self.first != self.last
    }

    /// How many ports the range holds (1 for a single port).
    pub fn count(self) -> u32 {
        u32::from(self.last) - u32::from(self.first) + 1
    }
}

impl std::fmt::Display for HostPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_range() { write!(f, "{}-{}", self.first, self.last) } else { write!(f, "{}", self.first) }
    }
}

impl Decode for HostPorts {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let Some(text) = node.as_scalar() else {
            d.type_error(node, "a port number or a range such as \"8000-8010\"");
            return None;
        };
        match HostPorts::parse(text) {
            Some(p) if p.first <= p.last => Some(p),
            Some(_) => {
                d.invalid_value(
                    node.span,
                    format!("`{text}` is not a port range: it ends before it starts"),
                    Some("write the lower port first, e.g. `8000-8010`".into()),
                );
                None
            }
            None if text.trim().parse::<i128>().is_ok() => {
                d.invalid_value(node.span, format!("{text} is out of range (between 0 and 65535)"), None);
                None
            }
            None => {
                d.invalid_value(node.span, format!("`{text}` is not a port or a port range"), None);
                None
            }
        }
    }
}

impl JsonSchema for HostPorts {
    fn schema_name() -> Cow<'static, str> {
        "HostPorts".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "oneOf": [
            { "type": "integer", "minimum": 0, "maximum": 65535 },
            { "type": "string", "pattern": "^[0-9]+(-[0-9]+)?$", "description": "a host port or a range, 8000-8010" }
        ] })
    }
}

/// A published port: `"[host_ip:]published:target[/protocol]"`, `"target"`, or the long form.
/// The second field is the last container port of a short-form range (`"8000-8010:8000-8010"`,
/// `"6000-6001"`), whose ports map one to one onto the host range, as Compose expands them.
#[derive(Debug, Clone)]
pub struct Port(pub PortLong, pub Option<u16>);

impl Decode for Port {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Scalar { text, .. } = &node.kind else {
            return PortLong::decode(node, d).map(|long| Port(long, None));
        };
        match parse_short_port(text) {
            Some(Ok((host_ip, published, targets, protocol))) => Some(Port(
                PortLong {
                    target: Sp::new(targets.first, node.span),
                    published: published.map(|p| Sp::new(p, node.span)),
                    host_ip: host_ip.map(|h| Sp::new(h, node.span)),
                    protocol: protocol.map(|p| Sp::new(p, node.span)),
                    mode: None,
                    name: None,
                    app_protocol: None,
                },
                targets.is_range().then_some(targets.last),
            )),
            Some(Err(problem)) => {
                d.invalid_value(
                    node.span,
                    format!("`{text}` is not a port mapping: {problem}"),
                    Some("a container range maps onto a host range of the same length (`8000-8010:8000-8010`); a single container port may take a host range (`8000-8010:80`)".into()),
                );
                None
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

/// `(host_ip, published, targets, protocol)` of a short port mapping.
type ShortPort = (Option<String>, Option<HostPorts>, HostPorts, Option<Protocol>);

/// A short port mapping; `Some(Err)` for well-formed ranges Compose refuses (as compose-go
/// does: lengths that differ, a container range on one host port, a range that runs backwards).
fn parse_short_port(text: &str) -> Option<Result<ShortPort, &'static str>> {
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
    let ports = |s: &str| HostPorts::parse(s).filter(|p| p.first != 0 && !s.contains(' '));
    let (published, target) = match rest.split_once(':') {
        // `127.0.0.1::80`: a host address, no host port.
        Some(("", target)) if host_ip.is_some() => (None, ports(target)?),
        Some((published, target)) => (Some(ports(published)?), ports(target)?),
        None if host_ip.is_none() => (None, ports(rest)?),
        None => return None,
    };
    if published.is_some_and(|p| p.first > p.last) || target.first > target.last {
        return Some(Err("the range ends before it starts"));
    }
    if let Some(p) = published
        && target.is_range()
        && p.count() != target.count()
    {
        return Some(Err(if p.is_range() {
            "the host and container ranges differ in length"
        } else {
            "a container range needs a host range of the same length"
        }));
    }
    Some(Ok((host_ip, published, target, protocol)))
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
                // Exact: growing by push reserved room for four attachments of about 500 bytes
                // each per stamped service (a fifth of the peak while resolving 25,000).
                let mut out = Vec::with_capacity(entries.len());
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
        AttachmentSpec {
            ip: None,
            range: None,
            ip6: None,
            aliases: Vec::new(),
            mac: None,
            gw_priority: None,
            priority: None,
            link_local_ips: None,
            driver_opts: None,
            interface_name: None,
        }
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

/// A value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// Text as written (`$` is literal).
    Literal(String),
    /// `{ interpolate: "..." }`: Compose resolves it when deploying.
    Interpolated(String),
    /// No value (`KEY:` or `- KEY`): the caller's variable of that name, if set.
    PassThrough,
}

/// One environment variable.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: Sp<String>,
    pub value: EnvValue,
    pub value_span: Span,
}

/// A service's environment: a mapping, or Compose's list of `KEY=value` and `KEY`.
#[derive(Debug, Clone, Default)]
pub struct Environment(pub Vec<EnvVar>);

impl Environment {
    /// The variables with literal values, as a mapping.
    pub fn literals(&self) -> Map<Sp<Text>> {
        let entries = self
            .0
            .iter()
            .filter_map(|v| match &v.value {
                EnvValue::Literal(t) => Some((v.name.clone(), Sp::new(Text(t.clone()), v.value_span))),
                _ => None,
            })
            .collect();
        Map { entries }
    }
}

impl Decode for Environment {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Null => Some(Environment::default()),
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    let Some(text) = item.as_scalar() else {
                        d.type_error(item, "`KEY=value` or `KEY`");
                        ok = false;
                        continue;
                    };
                    let (name, value) = match text.split_once('=') {
                        Some((k, v)) => (k, EnvValue::Literal(v.to_owned())),
                        None => (text, EnvValue::PassThrough),
                    };
                    out.push(EnvVar { name: Sp::new(name.to_owned(), item.span), value, value_span: item.span });
                }
                ok.then_some(Environment(out))
            }
            NodeKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                let mut ok = true;
                for (k, v) in entries {
                    let Some(key) = d.key(k) else {
                        ok = false;
                        continue;
                    };
                    let value = match &v.kind {
                        NodeKind::Null => EnvValue::PassThrough,
                        NodeKind::Scalar { text, .. } => EnvValue::Literal(text.clone()),
                        _ if is_interpolation(v) => match interpolation(v, d) {
                            Some(t) => EnvValue::Interpolated(t),
                            None => {
                                ok = false;
                                continue;
                            }
                        },
                        _ => {
                            d.type_error(v, "a value, nothing (pass the caller's variable through), or `{ interpolate: \"${VAR}\" }`");
                            ok = false;
                            continue;
                        }
                    };
                    out.push(EnvVar { name: Sp::new(key.to_owned(), k.span), value, value_span: v.span });
                }
                ok.then_some(Environment(out))
            }
            NodeKind::Scalar { .. } => {
                d.type_error(node, "a mapping of variables, or a list of `KEY=value`");
                None
            }
        }
    }
    fn missing() -> Option<Self> {
        Some(Environment::default())
    }
}

impl JsonSchema for Environment {
    fn schema_name() -> Cow<'static, str> {
        "Environment".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let interp = g.subschema_for::<crate::carried::Interpolation>();
        json_schema!({ "oneOf": [
            { "type": "object", "additionalProperties": { "anyOf": [{ "type": ["string", "number", "boolean", "null"] }, interp] } },
            { "type": "array", "items": { "type": "string" } },
            { "type": "null" }
        ] })
    }
}

/// Labels: a mapping, or Compose's list of `key=value` (`key` alone is an empty value). A
/// mapping's value may be `{ interpolate: "${VAR}" }`. The values are held as Compose text:
/// a literal `$` doubled, an interpolation as written.
#[derive(Debug, Clone, Default)]
pub struct Labels(pub Map<Sp<Text>>);

impl std::ops::Deref for Labels {
    type Target = Map<Sp<Text>>;
    fn deref(&self) -> &Map<Sp<Text>> {
        &self.0
    }
}

impl Decode for Labels {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Seq(items) = &node.kind else {
            if matches!(node.kind, NodeKind::Null) {
                return Some(Labels::default());
            }
            let entries = d.expect_map(node, "name: value")?;
            let mut ok = true;
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let Some(key) = d.key(k) else {
                    ok = false;
                    continue;
                };
                // A value is Compose text: a literal with `$` doubled, or an interpolation as
                // written, for Compose to resolve.
                let value = if is_interpolation(v) {
                    interpolation(v, d).map(Text)
                } else {
                    Text::decode(v, d).map(|t| Text(crate::carried::compose_literal(&t.0)))
                };
                match value {
                    Some(value) => out.push((Sp::new(key.to_owned(), k.span), Sp::new(value, v.span))),
                    None => ok = false,
                }
            }
            return ok.then_some(Labels(Map { entries: out }));
        };
        let mut entries = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            let Some(text) = item.as_scalar() else {
                d.type_error(item, "`key=value`");
                ok = false;
                continue;
            };
            let (k, v) = text.split_once('=').unwrap_or((text, ""));
            let value = Text(crate::carried::compose_literal(v));
            entries.push((Sp::new(k.to_owned(), item.span), Sp::new(value, item.span)));
        }
        ok.then_some(Labels(Map { entries }))
    }
    fn missing() -> Option<Self> {
        Some(Labels::default())
    }
}

impl JsonSchema for Labels {
    fn schema_name() -> Cow<'static, str> {
        "Labels".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let interp = g.subschema_for::<crate::carried::Interpolation>();
        json_schema!({ "oneOf": [
            { "type": "object", "additionalProperties": { "anyOf": [{ "type": ["string", "number", "boolean"] }, interp] } },
            { "type": "array", "items": { "type": "string" } },
            { "type": "null" }
        ] })
    }
}

/// Compose's `list_or_dict`: a mapping of names to values (or nothing), or a list of
/// `name=value`.
#[derive(Debug, Clone)]
pub struct ListOrMap;

impl Decode for ListOrMap {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(_) => Vec::<Str>::decode(node, d).map(|_| ListOrMap),
            _ => Map::<Option<Str>>::decode(node, d).map(|_| ListOrMap),
        }
    }
}

impl JsonSchema for ListOrMap {
    fn schema_name() -> Cow<'static, str> {
        "ListOrMap".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "oneOf": [
            { "type": "object", "additionalProperties": { "type": ["string", "number", "boolean", "null", "object"] } },
            { "type": "array", "items": { "type": ["string", "object"] } }
        ] })
    }
}

/// One string or a list of them.
#[derive(Debug, Clone)]
pub struct StringOrList;

impl Decode for StringOrList {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(_) => Vec::<Str>::decode(node, d).map(|_| StringOrList),
            _ => Str::decode(node, d).map(|_| StringOrList),
        }
    }
}

impl JsonSchema for StringOrList {
    fn schema_name() -> Cow<'static, str> {
        "StringOrList".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "oneOf": [{ "type": ["string", "object"] }, { "type": "array", "items": { "type": ["string", "object"] } }] })
    }
}

spec_enum! {
    /// What a dependency waits for.
    pub enum Condition {
        ServiceStarted = "service_started",
        ServiceHealthy = "service_healthy",
        ServiceCompletedSuccessfully = "service_completed_successfully",
    }
}

spec_struct! {
    /// How a service depends on another (Compose's long form of `depends_on`).
    pub struct DependencySpec ("a dependency") {
        /// `service_started` (default), `service_healthy` or `service_completed_successfully`.
        pub condition: Option<Sp<Condition>>,
        /// Restart this service when the dependency is updated.
        pub restart: Option<Sp<bool>>,
        /// Whether the dependency must exist (default true); `false` only warns.
        pub required: Option<Sp<bool>>,
    }
}

/// `depends_on`: a list of names, or a mapping of name to `{ condition, restart, required }`.
#[derive(Debug, Clone, Default)]
pub struct DependsOn(pub Vec<(Sp<String>, DependencySpec)>);

impl Decode for DependsOn {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let plain = || DependencySpec { condition: None, restart: None, required: None };
        match &node.kind {
            NodeKind::Map(_) => Map::<Option<DependencySpec>>::decode(node, d)
                .map(|m| DependsOn(m.entries.into_iter().map(|(k, v)| (k, v.unwrap_or_else(plain))).collect())),
            _ => Vec::<Sp<String>>::decode(node, d).map(|v| DependsOn(v.into_iter().map(|n| (n, plain())).collect())),
        }
    }
    fn missing() -> Option<Self> {
        Some(DependsOn::default())
    }
}

impl JsonSchema for DependsOn {
    fn schema_name() -> Cow<'static, str> {
        "DependsOn".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let dep = g.subschema_for::<DependencySpec>();
        json_schema!({ "oneOf": [
            { "type": "array", "items": { "type": "string" } },
            { "type": "object", "additionalProperties": { "anyOf": [dep, { "type": "null" }] } }
        ] })
    }
}

spec_struct! {
    /// A secret or config mounted into a service, long form.
    pub struct FileRef ("a secret or config reference") {
        /// The secret's or config's name under the top-level `secrets` or `configs`.
        pub source: Sp<String>,
        /// Path (or file name under `/run/secrets`) inside the container.
        pub target: Option<Sp<String>>,
        /// Owner's user id.
        pub uid: Option<Sp<Text>>,
        /// Owner's group id.
        pub gid: Option<Sp<Text>>,
        /// File mode, e.g. `0440`: octal when written with a leading `0` or `0o`, as Compose
        /// reads YAML.
        pub mode: Option<Sp<FileMode>>,
    }
}

/// A file mode. Compose's YAML reader takes `0440` as octal (YAML 1.1), so topoc does too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMode(pub u32);

impl Decode for FileMode {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let Some(text) = node.as_scalar() else {
            d.type_error(node, "a file mode such as 0440");
            return None;
        };
        let parsed = match text.strip_prefix("0o") {
            Some(octal) => u32::from_str_radix(octal, 8).ok(),
            None if text.len() > 1 && text.starts_with('0') => u32::from_str_radix(&text[1..], 8).ok(),
            None => text.parse::<u32>().ok(),
        };
        match parsed.filter(|m| *m <= 0o7777) {
            Some(m) => Some(FileMode(m)),
            None => {
                d.invalid_value(
                    node.span,
                    format!("`{text}` is not a file mode"),
                    Some("write an octal mode with a leading 0, e.g. `0440`".into()),
                );
                None
            }
        }
    }
}

impl JsonSchema for FileMode {
    fn schema_name() -> Cow<'static, str> {
        "FileMode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["integer", "string"], "description": "a file mode; `0440` is octal" })
    }
}

/// A service's `secrets` or `configs`: names, or long-form references.
#[derive(Debug, Clone, Default)]
pub struct FileRefs(pub Vec<FileRef>);

impl Decode for FileRefs {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Seq(items) = &node.kind else {
            return Vec::<FileRef>::decode(node, d).map(FileRefs);
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            let r = match &item.kind {
                NodeKind::Scalar { .. } => Sp::<String>::decode(item, d).map(|source| FileRef {
                    source,
                    target: None,
                    uid: None,
                    gid: None,
                    mode: None,
                }),
                _ => FileRef::decode(item, d),
            };
            match r {
                Some(r) => out.push(r),
                None => ok = false,
            }
        }
        ok.then_some(FileRefs(out))
    }
    fn missing() -> Option<Self> {
        Some(FileRefs::default())
    }
}

impl JsonSchema for FileRefs {
    fn schema_name() -> Cow<'static, str> {
        "FileRefs".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<FileRef>();
        json_schema!({ "type": ["array", "null"], "items": { "anyOf": [{ "type": "string" }, long] } })
    }
}

spec_struct! {
    /// A host device, long form.
    pub struct DeviceSpec ("a device") {
        /// Path on the host.
        pub source: Sp<Str>,
        /// Path in the container (default: the same).
        pub target: Option<Sp<Str>>,
        /// cgroup permissions, e.g. `rwm`.
        pub permissions: Option<Sp<Str>>,
    }
}

/// `devices`: `host[:container[:permissions]]` strings or long forms.
#[derive(Debug, Clone)]
pub struct Devices;

impl Decode for Devices {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Seq(items) = &node.kind else {
            d.type_error(node, "a list of devices");
            return None;
        };
        let mut ok = true;
        for item in items {
            ok &= match &item.kind {
                NodeKind::Scalar { .. } => Str::decode(item, d).is_some(),
                _ => DeviceSpec::decode(item, d).is_some(),
            };
        }
        ok.then_some(Devices)
    }
}

impl JsonSchema for Devices {
    fn schema_name() -> Cow<'static, str> {
        "Devices".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<DeviceSpec>();
        json_schema!({ "type": "array", "items": { "anyOf": [{ "type": "string" }, long] } })
    }
}

spec_enum! {
    /// Format of an env file.
    pub enum EnvFileFormat {
        Raw = "raw",
    }
}

spec_struct! {
    /// An env file, long form.
    pub struct EnvFileSpec ("an env file") {
        /// Path of the file (relative to the compose file's folder).
        pub path: Sp<Str>,
        /// Whether the file must exist (default true).
        pub required: Option<Sp<bool>>,
        /// `raw`: values are taken as written, without interpolation or quotes.
        pub format: Option<Sp<EnvFileFormat>>,
    }
}

/// `env_file`: a path, or a list of paths and long forms.
#[derive(Debug, Clone)]
pub struct EnvFiles;

impl Decode for EnvFiles {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let NodeKind::Seq(items) = &node.kind else {
            return Str::decode(node, d).map(|_| EnvFiles);
        };
        let mut ok = true;
        for item in items {
            ok &= match &item.kind {
                NodeKind::Scalar { .. } => Str::decode(item, d).is_some(),
                _ => EnvFileSpec::decode(item, d).is_some(),
            };
        }
        ok.then_some(EnvFiles)
    }
}

impl JsonSchema for EnvFiles {
    fn schema_name() -> Cow<'static, str> {
        "EnvFiles".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<EnvFileSpec>();
        json_schema!({ "oneOf": [{ "type": "string" }, { "type": "array", "items": { "anyOf": [{ "type": "string" }, long] } }] })
    }
}

spec_struct! {
    /// A lifecycle hook: a command run in the container.
    pub struct Hook ("a hook") {
        /// The command, as a list or a string.
        pub command: Sp<Command>,
        /// User to run it as.
        pub user: Option<Sp<Str>>,
        /// Run it privileged.
        pub privileged: Option<Sp<bool>>,
        /// Its working directory.
        pub working_dir: Option<Sp<Str>>,
        /// Its environment, as a mapping or a list of `KEY=value`.
        pub environment: Option<ListOrMap>,
    }
}

crate::carried::checked_text!(
    /// A profile name.
    Profile,
    "a profile name",
    { "type": "string", "pattern": "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$" },
    |t| {
        let ok = t.len() >= 2
            && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        (!ok).then(|| "a profile name starts with a letter or digit and has letters, digits, `_`, `.` and `-`".into())
    }
);

spec_struct! {
    /// Soft and hard limits of a ulimit.
    pub struct UlimitLimits ("a ulimit") {
        pub soft: Sp<i64>,
        pub hard: Sp<i64>,
    }
}

/// `ulimits`: a limit name and one value, or `{ soft, hard }`.
#[derive(Debug, Clone)]
pub struct Ulimits;

impl Decode for Ulimits {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let entries = d.expect_map(node, "ulimits: `nofile: 65535` or `nofile: { soft, hard }`")?;
        let mut ok = true;
        for (_, v) in entries {
            ok &= match &v.kind {
                NodeKind::Map(_) => UlimitLimits::decode(v, d).is_some(),
                _ => i64::decode(v, d).is_some(),
            };
        }
        ok.then_some(Ulimits)
    }
}

impl JsonSchema for Ulimits {
    fn schema_name() -> Cow<'static, str> {
        "Ulimits".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<UlimitLimits>();
        json_schema!({ "type": "object", "additionalProperties": { "anyOf": [{ "type": "integer" }, long] } })
    }
}

spec_struct! {
    /// How to build a service's image (Compose's long form of `build`).
    pub struct BuildSpec ("build") {
        /// The build context: a path or a URL.
        pub context: Option<Sp<Str>>,
        /// The Dockerfile, relative to the context.
        pub dockerfile: Option<Sp<Str>>,
        /// The Dockerfile's content, inline.
        pub dockerfile_inline: Option<Sp<Str>>,
        /// Build arguments, as a mapping or a list of `NAME=value`.
        pub args: Option<ListOrMap>,
        /// SSH agent sockets or keys for the build.
        pub ssh: Option<ListOrMap>,
        /// Images to use as cache sources.
        #[serde(default)]
        pub cache_from: Vec<Sp<Str>>,
        /// Cache export destinations.
        #[serde(default)]
        pub cache_to: Vec<Sp<Str>>,
        /// Named extra contexts.
        pub additional_contexts: Option<ListOrMap>,
        /// Extra privileges for the build, e.g. `network.host`.
        #[serde(default)]
        pub entitlements: Vec<Sp<Str>>,
        /// Extra `/etc/hosts` entries during the build.
        pub extra_hosts: Option<ListOrMap>,
        /// Isolation of the build containers.
        pub isolation: Option<Sp<Str>>,
        /// Labels on the image.
        pub labels: Option<ListOrMap>,
        /// Network of the build containers (`host`, `none`, `default`).
        pub network: Option<Sp<Str>>,
        /// Build without the cache.
        pub no_cache: Option<Sp<bool>>,
        /// Platforms to build for.
        #[serde(default)]
        pub platforms: Vec<Sp<Str>>,
        /// Build with elevated privileges.
        pub privileged: Option<Sp<bool>>,
        /// Provenance attestation: `true`, `false` or a mode.
        pub provenance: Option<Sp<Str>>,
        /// Always pull the base images.
        pub pull: Option<Sp<bool>>,
        /// SBOM attestation: `true`, `false` or options.
        pub sbom: Option<Sp<Str>>,
        /// Secrets (declared under `secrets`) the build may read.
        #[serde(default)]
        pub secrets: FileRefs,
        /// Size of `/dev/shm` of the build containers.
        pub shm_size: Option<Sp<Size>>,
        /// Extra tags for the image.
        #[serde(default)]
        pub tags: Vec<Sp<Str>>,
        /// The build stage to stop at.
        pub target: Option<Sp<Str>>,
        /// ulimits of the build containers.
        pub ulimits: Option<Ulimits>,
    }
}

/// `build`: a context path, or the long form.
#[derive(Debug, Clone)]
pub struct Build(pub Option<Box<BuildSpec>>);

impl Decode for Build {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar { .. } => Str::decode(node, d).map(|_| Build(None)),
            _ => BuildSpec::decode(node, d).map(|b| Build(Some(Box::new(b)))),
        }
    }
}

impl JsonSchema for Build {
    fn schema_name() -> Cow<'static, str> {
        "Build".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let long = g.subschema_for::<BuildSpec>();
        json_schema!({ "oneOf": [{ "type": "string" }, long] })
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
        let one = HostPorts::one;
        let short = |t: &str| parse_short_port(t).and_then(Result::ok);
        assert_eq!(short("8080:80"), Some((None, Some(one(8080)), one(80), None)));
        assert_eq!(
            short("127.0.0.1:8080:80/udp"),
            Some((Some("127.0.0.1".into()), Some(one(8080)), one(80), Some(Protocol::Udp)))
        );
        assert_eq!(short("[::1]:53:53"), Some((Some("::1".into()), Some(one(53)), one(53), None)));
        assert_eq!(short("80"), Some((None, None, one(80), None)));
        assert_eq!(short("127.0.0.1::80"), Some((Some("127.0.0.1".into()), None, one(80), None)));
        assert_eq!(parse_short_port("0:80"), None);
        assert_eq!(parse_short_port("a:b"), None);
        assert_eq!(parse_short_port("80/sctp"), None);
    }

    #[test]
    fn short_port_ranges_follow_compose() {
        let range = |first, last| HostPorts { first, last };
        let short = |t: &str| parse_short_port(t).and_then(Result::ok);
        assert_eq!(short("8000-8010:8000-8010"), Some((None, Some(range(8000, 8010)), range(8000, 8010), None)));
        assert_eq!(short("9090-9091:8080-8081"), Some((None, Some(range(9090, 9091)), range(8080, 8081), None)));
        assert_eq!(
            short("127.0.0.1:5000-5010:5000-5010/udp"),
            Some((Some("127.0.0.1".into()), Some(range(5000, 5010)), range(5000, 5010), Some(Protocol::Udp)))
        );
        assert_eq!(short("7000-7005:80"), Some((None, Some(range(7000, 7005)), HostPorts::one(80), None)));
        assert_eq!(short("6000-6001"), Some((None, None, range(6000, 6001), None)));
        let refused = |t: &str| parse_short_port(t).and_then(Result::err);
        assert_eq!(refused("9090-9092:8080-8081"), Some("the host and container ranges differ in length"));
        assert_eq!(refused("8000:80-81"), Some("a container range needs a host range of the same length"));
        assert_eq!(refused("8005-8000:80"), Some("the range ends before it starts"));
    }
}

/// `count` of a device reservation (`deploy.resources.reservations.devices[].count`): a number
/// of devices, or `all` (which Compose reads as -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceCount {
    All,
    Devices(u32),
}

impl Decode for DeviceCount {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match node.as_scalar() {
            Some("all") => Some(DeviceCount::All),
            Some(text) if let Ok(count) = text.parse::<u32>() => Some(DeviceCount::Devices(count)),
            _ => {
                d.type_error(node, "a number of devices, or `all`");
                None
            }
        }
    }
}

impl JsonSchema for DeviceCount {
    fn schema_name() -> Cow<'static, str> {
        "DeviceCount".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "oneOf": [{ "type": "integer", "minimum": 0 }, { "const": "all" }], "description": "a number of devices, or all" })
    }
}

spec_struct! {
    /// A device reservation: devices with the given capabilities, from a driver.
    pub struct DeviceRequestSpec ("a device reservation") {
        /// Capabilities the devices must have, e.g. `[gpu]`. Required.
        pub capabilities: Vec<Sp<Str>>,
        /// The device driver, e.g. `nvidia`.
        pub driver: Option<Sp<Str>>,
        /// How many devices: a number or `all`. Exclusive with `device_ids`.
        pub count: Option<Sp<DeviceCount>>,
        /// The devices by id. Exclusive with `count`.
        #[serde(default)]
        pub device_ids: Vec<Sp<Str>>,
        /// Driver options.
        #[serde(default)]
        pub options: Map<Sp<Text>>,
    }
}

spec_struct! {
    /// A Swarm generic resource: `{ discrete_resource_spec: { kind, value } }`.
    pub struct GenericResourceSpec ("a generic resource") {
        /// A countable resource of a kind, e.g. `{ kind: gpu, value: 2 }`.
        pub discrete_resource_spec: Option<Sp<DiscreteResourceSpec>>,
    }
}

spec_struct! {
    /// A countable resource.
    pub struct DiscreteResourceSpec ("a discrete resource") {
        /// The resource's kind, as the nodes advertise it.
        pub kind: Sp<Str>,
        /// How many.
        pub value: Sp<u64>,
    }
}

/// `deploy.placement`: topoc's list of constraints, or Compose's mapping `{ constraints,
/// preferences, max_replicas_per_node }`; both mean the same constraints.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Placement constraints, e.g. `node.role == manager`.
    pub constraints: Vec<Sp<String>>,
    /// Compose's `preferences`, e.g. `[{ spread: node.labels.zone }]`.
    pub preferences: Option<crate::carried::Carried<Vec<PlacementPreferenceSpec>>>,
    /// Compose's `max_replicas_per_node`.
    pub max_replicas_per_node: Option<crate::carried::Carried<u64>>,
}

impl Placement {
    /// `preferences` and `max_replicas_per_node`, with the JSON Compose is to read.
    pub fn carried(&self) -> Vec<(String, crate::carried::Json)> {
        let mut out = Vec::new();
        if let Some(p) = &self.preferences {
            out.push(("preferences".to_owned(), p.json.clone()));
        }
        if let Some(m) = &self.max_replicas_per_node {
            out.push(("max_replicas_per_node".to_owned(), m.json.clone()));
        }
        out
    }
}

spec_struct! {
    /// Compose's long form of `deploy.placement`.
    pub struct PlacementSpec ("placement") {
        /// Placement constraints.
        #[serde(default)]
        pub constraints: Vec<Sp<String>>,
        /// Spread preferences.
        pub preferences: Option<crate::carried::Carried<Vec<PlacementPreferenceSpec>>>,
        /// The most tasks of the service on one node.
        pub max_replicas_per_node: Option<crate::carried::Carried<u64>>,
    }
}

spec_struct! {
    /// A placement preference: spread tasks over the values of a node label.
    pub struct PlacementPreferenceSpec ("a placement preference") {
        /// The label to spread over, e.g. `node.labels.zone`.
        pub spread: Sp<Str>,
    }
}

impl Decode for Placement {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(_) => Some(Placement { constraints: Vec::decode(node, d)?, ..Placement::default() }),
            _ => {
                let long = PlacementSpec::decode(node, d)?;
                Some(Placement {
                    constraints: long.constraints,
                    preferences: long.preferences,
                    max_replicas_per_node: long.max_replicas_per_node,
                })
            }
        }
    }
    fn missing() -> Option<Self> {
        Some(Placement::default())
    }
}

impl JsonSchema for Placement {
    fn schema_name() -> Cow<'static, str> {
        "Placement".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let list = generator.subschema_for::<Vec<String>>();
        let long = generator.subschema_for::<PlacementSpec>();
        json_schema!({ "oneOf": [list, long], "description": "placement constraints, or Compose's { constraints, preferences, max_replicas_per_node }" })
    }
}
