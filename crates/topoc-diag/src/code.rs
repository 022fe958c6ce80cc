//! Stable diagnostic codes. The name (`topoc::<name>`) is part of the CLI contract and never
//! changes once released.
//!
//! Each code's doc comment is its rule's documentation, the one source of it: the first
//! paragraph is the one-sentence [`Code::description`] (SARIF's short description, the rule
//! index), further paragraphs before the first heading say more about what it flags, and the
//! sections `## Why`, `## How to fix` and `## Equivalent rules` (in KICS, dclint and
//! compose-lint) follow. `docs/rules/<name>.md` and `topoc rule <name>` are generated from it
//! and from the rule's fixtures (`tests/fixtures/diagnostics/<name>/`); the code that reports a
//! finding refers to its code instead of repeating the text.

use serde::{Serialize, Serializer};
use std::sync::OnceLock;

/// How bad a finding is. `Error` fails `topoc check` (exit 1); warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, $sev:ident; )+) => {
        /// Every diagnostic code topoc can report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[doc = $doc])+ $variant, )+ }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable kebab-case name, without the `topoc::` prefix.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)+ }
            }

            /// Each code's doc comment as the compiler hands it over: a line per `///` line,
            /// each with the space that follows `///`. In the order of [`Code::ALL`].
            const RAW_DOCS: &'static [&'static str] = &[$(concat!($($doc, "\n"),+)),+];

            pub fn from_name(name: &str) -> Option<Code> {
                let name = name.strip_prefix("topoc::").unwrap_or(name);
                Code::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

codes! {
    /// The spec file is not well-formed YAML or TOML.
    ///
    /// ## Why
    ///
    /// topoc reads nothing from a file it cannot parse; the position is the parser's.
    ///
    /// ## How to fix
    ///
    /// Fix the YAML or TOML at the position shown (an unclosed quote or bracket, a tab in YAML
    /// indentation).
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `invalid-yaml`
    Syntax = "syntax", Error;
    /// A value has the wrong type (a list where a mapping belongs, text where a number belongs).
    ///
    /// ## Why
    ///
    /// A value of the wrong type would be guessed at by Docker Compose (or rejected late); topoc
    /// refuses it at its line.
    ///
    /// ## How to fix
    ///
    /// Write the value in the form the help names (a list, a mapping, a number).
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `invalid-schema`
    InvalidType = "invalid-type", Error;
    /// A key the spec language does not know, usually a typo.
    ///
    /// ## Why
    ///
    /// A misspelt key is silently ignored by many tools, so the setting it meant never applies.
    ///
    /// ## How to fix
    ///
    /// Use the suggested key; `topoc schema` lists every key.
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `invalid-schema`
    UnknownKey = "unknown-key", Error;
    /// A required key is missing.
    ///
    /// ## Why
    ///
    /// Without it topoc cannot build the object (a service without `image`).
    ///
    /// ## How to fix
    ///
    /// Add the key.
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `invalid-schema`
    MissingKey = "missing-key", Error;
    /// The same key appears twice in one mapping.
    ///
    /// ## Why
    ///
    /// YAML parsers keep one of the two values silently; which one differs between tools.
    ///
    /// ## How to fix
    ///
    /// Keep one of the two entries.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    DuplicateKey = "duplicate-key", Error;
    /// A value is outside the allowed set or range (a port of 70000, a driver that does not exist).
    ///
    /// ## Why
    ///
    /// The engine, Compose or Swarm would reject the value, or read it differently.
    ///
    /// ## How to fix
    ///
    /// Use a value from the allowed set or range.
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `invalid-schema`
    InvalidValue = "invalid-value", Error;
    /// Two keys that exclude each other are both set (`subnet` and `pool`, `ip` and `range`).
    ///
    /// ## Why
    ///
    /// The two settings contradict each other; Docker would pick one or fail.
    ///
    /// ## How to fix
    ///
    /// Keep one of the two keys.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    ConflictingKeys = "conflicting-keys", Error;
    /// The document is too large or expands too far (alias bombs, nesting).
    ///
    /// In the reachability model: it holds one edge per pair of service classes that reach each
    /// other. Past 4,000,000 such pairs, or 8,000,000 reasons on them (`MAX_EDGES` in
    /// `crates/topoc-reach/src/graph.rs`, about 800 MB), topoc refuses the analysis, pointing at
    /// the network, published port or relay whose reach passed the limit, instead of taking the
    /// machine's memory. The answer itself is that large in these cases: thousands of template
    /// instances on one shared network that scoped rules tell apart, a relay that every instance
    /// reaches and that reaches every instance, or hundreds of services that each relay to a glob
    /// matching all of them. Split the network, drop the scopes that keep the instances apart, or
    /// relay to fewer targets.
    ///
    /// ## Why
    ///
    /// Alias bombs and very deep documents exhaust memory; topoc refuses them before expanding.
    ///
    /// ## How to fix
    ///
    /// Write the document out, or split it.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    ResourceLimit = "resource-limit", Error;
    /// A Compose key or value form the topoc spec does not carry yet: reported where it is
    /// written instead of being dropped, so nothing changes meaning without a word.
    ///
    /// ## Why
    ///
    /// `topoc check compose.yaml` and `topoc import` read a compose file through the spec
    /// language. A key the spec cannot hold (or an interpolated value where topoc needs the real
    /// one: a name, an address, a port) would otherwise vanish from the analysis and from the
    /// imported spec, and the verdict would be about a different deployment.
    ///
    /// ## How to fix
    ///
    /// Write the value out where topoc needs it (an address instead of `${SUBNET}`), or accept the
    /// loss knowingly: `topoc import --lossy` writes the spec without it. docs/compose-keys.md lists
    /// what topoc models, carries and refuses.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    ComposeNotCarried = "compose-not-carried", Warning;
    /// A compose file refers to something Compose could not load: a missing `-f`, `include` or
    /// `extends` file, an `extends` cycle, or a service `extends` names that does not exist.
    ///
    /// ## Why
    ///
    /// `docker compose` refuses such a project outright; topoc reads what Compose reads, so it
    /// refuses it too, at the reference.
    ///
    /// ## How to fix
    ///
    /// Fix the path or the service name (the message suggests the closest one), or break the
    /// `extends` cycle.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    ComposeReference = "compose-reference", Error;
    /// A CIDR that does not parse.
    ///
    /// ## Why
    ///
    /// A subnet that does not parse cannot be allocated, checked or emitted.
    ///
    /// ## How to fix
    ///
    /// Write `address/prefix`, e.g. `10.0.1.0/24`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    InvalidCidr = "invalid-cidr", Error;
    /// A CIDR with host bits set (10.0.0.1/24): Docker rejects or silently truncates it.
    ///
    /// ## Why
    ///
    /// Docker rejects or truncates such a subnet, so the network gets another range than the one
    /// written.
    ///
    /// ## How to fix
    ///
    /// Use the network address the help suggests.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    HostBitsSet = "host-bits-set", Error;
    /// An IP address (or `.N` host offset) that does not parse.
    ///
    /// ## Why
    ///
    /// An address that does not parse, or a `.N` offset outside the subnet, cannot be assigned.
    ///
    /// ## How to fix
    ///
    /// Write a full address or a host offset inside the subnet.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    InvalidAddress = "invalid-address", Error;
    /// A MAC address that does not parse, or is multicast.
    ///
    /// ## Why
    ///
    /// The engine refuses a malformed or multicast MAC address when it starts the container.
    ///
    /// ## How to fix
    ///
    /// Use a unicast MAC, e.g. with a locally administered prefix `02:`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    InvalidMac = "invalid-mac", Error;
    /// Two networks that coexist on a host or swarm have overlapping subnets.
    ///
    /// ## Why
    ///
    /// Docker refuses the second of two overlapping networks ("Pool overlaps"), and routing between
    /// them is ambiguous.
    ///
    /// ## How to fix
    ///
    /// Give one of the networks another subnet, or allocate both from one pool.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    SubnetOverlap = "subnet-overlap", Error;
    /// A subnet or pool overlaps a range the spec reserves (LAN, VPN, Docker pools).
    ///
    /// ## Why
    ///
    /// The spec says this range is taken (LAN, VPN, Docker pools); a network inside it breaks
    /// routing to it.
    ///
    /// ## How to fix
    ///
    /// Move the subnet or pool out of the reserved range.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    ReservedOverlap = "reserved-overlap", Error;
    /// A gateway, static address or range lies outside its network's subnet.
    ///
    /// ## Why
    ///
    /// Docker refuses a gateway, static address or `ip_range` outside its subnet.
    ///
    /// ## How to fix
    ///
    /// Use an address inside the subnet.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    AddressOutsideSubnet = "address-outside-subnet", Error;
    /// A static address is the subnet's network or broadcast address, or its gateway.
    ///
    /// ## Why
    ///
    /// The network, broadcast and gateway addresses cannot be given to a container.
    ///
    /// ## How to fix
    ///
    /// Pick another host address.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    AddressReserved = "address-reserved", Error;
    /// Two attachments claim the same static address on one network.
    ///
    /// ## Why
    ///
    /// The second container with the same static address fails to start ("Address already in use").
    ///
    /// ## How to fix
    ///
    /// Give each attachment its own address.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    DuplicateAddress = "duplicate-address", Error;
    /// Two attachments claim the same MAC address.
    ///
    /// ## Why
    ///
    /// Two interfaces with one MAC address on a segment break delivery for both.
    ///
    /// ## How to fix
    ///
    /// Give each attachment its own MAC address.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    DuplicateMac = "duplicate-mac", Error;
    /// An address range holds fewer addresses than the service has replicas.
    ///
    /// ## Why
    ///
    /// Replicas beyond the range have no address and fail to start.
    ///
    /// ## How to fix
    ///
    /// Widen the range, or lower `replicas`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    RangeTooSmall = "range-too-small", Error;
    /// A pool has no free block of the requested size left.
    ///
    /// ## Why
    ///
    /// No network can be allocated from a full pool.
    ///
    /// ## How to fix
    ///
    /// Widen the pool, shrink `prefix`, or move some networks to another pool.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    PoolExhausted = "pool-exhausted", Error;
    /// A reference to a network, service, pool, volume, secret or template that does not exist.
    ///
    /// ## Why
    ///
    /// A reference to nothing is dropped or rejected later; the spec does not mean what it says.
    ///
    /// ## How to fix
    ///
    /// Use the suggested name, or declare the object.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    UnknownReference = "unknown-reference", Error;
    /// A name Docker, Compose or Swarm would reject.
    ///
    /// ## Why
    ///
    /// Docker, Compose or Swarm rejects the name when deploying.
    ///
    /// ## How to fix
    ///
    /// Use lowercase letters, digits, `-` and `_`.
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `service-container-name-regex` (the Compose-name part)
    InvalidName = "invalid-name", Error;
    /// Two objects end up with the same name (often after template expansion).
    ///
    /// ## Why
    ///
    /// Two objects with one name overwrite each other in the generated file.
    ///
    /// ## How to fix
    ///
    /// Rename one; in a template use `{id}` in every name.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    NameCollision = "name-collision", Error;
    /// Two macvlan/ipvlan networks on the same parent interface and subnet: Docker refuses the second.
    ///
    /// ## Why
    ///
    /// Docker refuses a second macvlan/ipvlan network on the same parent and subnet.
    ///
    /// ## How to fix
    ///
    /// Use one network for both, or different parents (VLAN sub-interfaces).
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    MacvlanDuplicate = "macvlan-duplicate", Error;
    /// A network whose engine name is one Docker predefines (`host`, `bridge`, `none`, `ingress`,
    /// `docker_gwbridge`): attaching to it leaves the network model.
    ///
    /// ## Why
    ///
    /// An external network named `host` puts the container in the host's network namespace,
    /// `none` cuts it off, `ingress` and `docker_gwbridge` are Swarm's own plumbing: none of them
    /// behaves like the network the spec declares, so a verdict of isolation would be wrong.
    /// `bridge` (a warning) joins Docker's default bridge, which every container started without
    /// a network shares; so does `network_mode: bridge` (a warning too: the model holds the
    /// default bridge as a predefined network, but not the containers outside the spec on it).
    /// Listing that predefined network under `networks` is an error: Compose joins docker0
    /// only through `network_mode: bridge`.
    ///
    /// ## How to fix
    ///
    /// Declare a network of the topology's own, or say what is meant directly
    /// (`network_mode: host`, which topoc models as an escape hatch; `network_mode: bridge`).
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    PredefinedNetwork = "predefined-network", Error;
    /// A `{placeholder}` in a template that the template does not define.
    ///
    /// ## Why
    ///
    /// The placeholder would be written out literally.
    ///
    /// ## How to fix
    ///
    /// Use `{id}` or `{index}`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    UnknownPlaceholder = "unknown-placeholder", Error;
    /// A policy selector that does not parse.
    ///
    /// ## Why
    ///
    /// A selector that does not parse selects nothing.
    ///
    /// ## How to fix
    ///
    /// Use a service name or glob, `network:NAME`, `template:NAME`, `host`, `external` or `*`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    InvalidSelector = "invalid-selector", Error;
    /// The lock file is out of date and `--locked` forbids updating it.
    ///
    /// ## Why
    ///
    /// Under `--locked` (CI) the lock file must already match the spec.
    ///
    /// ## How to fix
    ///
    /// Run `topoc check` without `--locked` and commit the updated lock file.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    LockOutdated = "lock-outdated", Error;
    /// The lock file is malformed (it is ignored and left alone), or one of its entries no longer fits.
    ///
    /// ## Why
    ///
    /// An unreadable lock, or an entry that no longer fits, would move subnets on the next run.
    ///
    /// ## How to fix
    ///
    /// Let topoc rewrite the lock (run without `--locked`) and review the moved subnets.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    LockInvalid = "lock-invalid", Warning;
    /// A combination Docker accepts but that does nothing (ports on an internal-only service).
    ///
    /// ## Why
    ///
    /// Docker accepts the setting and does nothing with it (ports on an internal-only service): the
    /// spec promises something the deployment does not do.
    ///
    /// ## How to fix
    ///
    /// Remove the setting, or give the service what it needs for it to apply (a network with
    /// egress).
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    Ineffective = "ineffective", Warning;
    /// A path exists between two endpoints that a `deny` rule forbids.
    ///
    /// ## Why
    ///
    /// The topology lets a pair talk that the policy forbids; the finding names the path (network,
    /// published port, relay) that allows it.
    ///
    /// ## How to fix
    ///
    /// Remove the path (detach the service, stop publishing, narrow the relay), or change the rule
    /// if the path is intended.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    PolicyViolation = "policy-violation", Error;
    /// With `default: deny`, something grants reachability no rule allows (a network, a
    /// published port, a relay, egress): the pairs it lets through are named.
    ///
    /// ## Why
    ///
    /// Under `default: deny` every reachable pair must be allowed; this grant (a network, a port, a
    /// relay, egress) lets through pairs no rule allows.
    ///
    /// ## How to fix
    ///
    /// Split the network, or allow the pairs explicitly if they are intended.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    OverBroad = "over-broad", Error;
    /// A rule selects nothing, or its scope leaves no pair to judge.
    ///
    /// ## Why
    ///
    /// A rule that selects nothing is usually a typo or a leftover, and documents a protection that
    /// does not exist.
    ///
    /// ## How to fix
    ///
    /// Fix the selector, or remove the rule.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    UnusedRule = "unused-rule", Warning;
    /// An `allow` rule that no path satisfies: the topology does not provide what it allows.
    ///
    /// ## Why
    ///
    /// The policy allows a path the topology does not provide: the services cannot talk as
    /// intended.
    ///
    /// ## How to fix
    ///
    /// Attach both to a common network, publish the port, or add the relay.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    UnsatisfiedAllow = "unsatisfied-allow", Warning;
    /// A relay that cannot reach the targets it forwards to.
    ///
    /// ## Why
    ///
    /// A relay that cannot reach its targets forwards nothing.
    ///
    /// ## How to fix
    ///
    /// Attach the relay to a network it shares with its targets.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    RelayUnreachable = "relay-unreachable", Warning;
    /// A volume mounted by a service the volume policy does not list, or read-write by a reader.
    ///
    /// ## Why
    ///
    /// The volume policy says who may write and who may read; this mount exceeds it.
    ///
    /// ## How to fix
    ///
    /// Mount read-only, or add the service to `writers`/`readers`.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS *Shared Volumes Between Containers* (`8c978947`): related: topoc judges sharing
    ///   against the policy
    VolumeAccess = "volume-access", Error;
    /// `network_mode: host` or `service:`: the service leaves the network model.
    ///
    /// ## Why
    ///
    /// With `network_mode: host` the service is on the host's network stack: it reaches every
    /// bridge container like the host, and every port it opens is open on the host's addresses.
    /// `service:` shares another service's namespace.
    ///
    /// ## How to fix
    ///
    /// Attach the service to networks and publish only the ports it serves.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Shared Host Network Namespace* (`071a71ff`)
    /// - compose-lint: CL-0008 host network mode
    EscapeHatch = "escape-hatch", Warning;
    /// The Docker socket is mounted: whoever controls the container controls the host.
    ///
    /// ## Why
    ///
    /// The Docker API is root on the host: whoever controls the container can start a privileged
    /// container that mounts `/`. Read-only mounting does not help: the API is still writable
    /// through the socket.
    ///
    /// ## How to fix
    ///
    /// Use a socket proxy that allows only the API calls the service needs, or run the service on
    /// the host.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Docker Socket Mounted In Container* (`d6355c88`)
    /// - compose-lint: CL-0001 host control socket exposed
    DockerSocket = "docker-socket", Warning;
    /// A feature the engine version the model assumes (`--engine`) does not support.
    ///
    /// ## Why
    ///
    /// Compose refuses to create the container on an engine that lacks the feature.
    ///
    /// ## How to fix
    ///
    /// Upgrade the engine, or drop the setting (name the engine with `--engine`).
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    EngineUnsupported = "engine-unsupported", Error;
    /// The build target cannot carry something the spec asks for: it would reject it, or drop
    /// it without a word.
    ///
    /// ## Why
    ///
    /// The target would reject the setting, or drop it without a word (a Swarm stack ignores
    /// `ipv4_address`).
    ///
    /// ## How to fix
    ///
    /// Drop the setting, or use `--allow-drop FEATURE` knowingly.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    TargetUnsupported = "target-unsupported", Error;
    /// The build target accepts a setting but will not honour it as the spec means it
    /// (Swarm-only settings under Compose).
    ///
    /// ## Why
    ///
    /// The target accepts the setting and does not honour it as the spec means it.
    ///
    /// ## How to fix
    ///
    /// Remove the setting for this target, or build for the target that honours it.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    TargetIgnored = "target-ignored", Warning;
    /// A name Swarm rejects: a stack-prefixed service, network or secret name with a dot, a
    /// trailing `-` or `_`, or too long.
    ///
    /// ## Why
    ///
    /// Swarm rejects the stack-prefixed name.
    ///
    /// ## How to fix
    ///
    /// Shorten the name, or remove dots and trailing `-`/`_`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    SwarmName = "swarm-name", Error;
    /// A `lints` entry that names no lint or lint group.
    ///
    /// ## Why
    ///
    /// An entry under `lints` that names no lint configures nothing: the rule it meant keeps its
    /// default.
    ///
    /// ## How to fix
    ///
    /// Use a code from this index, or the group `hardening` (or `default`).
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: this is about topoc's own spec, model or targets.
    UnknownLint = "unknown-lint", Error;
    /// A service runs `privileged`: every device and every capability of the host.
    ///
    /// ## Why
    ///
    /// A privileged container has every capability, every host device and no
    /// seccomp/AppArmor/SELinux confinement: root in it is root on the host.
    ///
    /// ## How to fix
    ///
    /// Remove `privileged`; add the capabilities it needs with `cap_add`.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Privileged Containers Enabled* (`ae5b6871`)
    /// - compose-lint: CL-0002 privileged mode
    Privileged = "privileged", Warning;
    /// `cap_add` grants a capability that reaches the host kernel, its devices or other processes.
    ///
    /// ## Why
    ///
    /// These capabilities reach beyond the container: `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`,
    /// `SYS_PTRACE`, `DAC_READ_SEARCH`, `BPF`, `ALL` are known escapes or kernel code execution;
    /// `NET_ADMIN` reconfigures its networks; `SYS_TIME`, `SYS_NICE`, `SYS_RESOURCE` affect the
    /// whole host; `SYSLOG` and `PERFMON` disclose host data. Capabilities Docker grants by default
    /// (`CHOWN`, `SETUID`, `NET_BIND_SERVICE`...) are not reported.
    ///
    /// ## How to fix
    ///
    /// Add only the capabilities the service needs; isolate a service that needs one of these (no
    /// secrets, no shared volumes, its own network).
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Container Capabilities Unrestricted* (`ce76b7d0`), for `cap_add`
    /// - compose-lint: CL-0011 strong host-adjacent capability, CL-0024 host-code-execution
    ///   capability, CL-0028 host-reaching, CL-0029 host-availability, CL-0030 host-disclosure
    ///   capability
    DangerousCapability = "dangerous-capability", Warning;
    /// A `security_opt` turns off the seccomp or AppArmor profile, or SELinux labelling.
    ///
    /// ## Why
    ///
    /// `seccomp:unconfined` allows every system call (including the ones container escapes use),
    /// `apparmor:unconfined` and `label:disable` drop the mandatory access control that confines
    /// the container.
    ///
    /// ## How to fix
    ///
    /// Remove the option; if a system call is missing, use a custom profile (`seccomp:<file>`).
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Default Seccomp Profile Disabled* (`404fde2c`)
    /// - compose-lint: CL-0009 security profile disabled
    SecurityProfileDisabled = "security-profile-disabled", Warning;
    /// The service runs as root (`user: root`, `0`, `0:0`) explicitly.
    ///
    /// ## Why
    ///
    /// A process that escapes the container, or writes to a bind mount, does it as root. Only the
    /// explicit choice is flagged (`root`, `0`, `root:…` or `0:…`; images that say nothing also
    /// run as root).
    ///
    /// ## How to fix
    ///
    /// Run as an unprivileged user (`user: "1000:1000"`).
    ///
    /// ## Equivalent rules
    ///
    /// - compose-lint: CL-0018 explicit root user
    RootUser = "root-user", Note;
    /// An image without a tag, or with a moving tag (`latest`, `stable`, ...): each pull may run
    /// different code.
    ///
    /// ## Why
    ///
    /// Without a tag Docker pulls `latest`; moving tags (`latest`, `stable`, `edge`, `nightly`,
    /// `main`...) change with every push, so the same spec deploys different code on different
    /// days.
    ///
    /// ## How to fix
    ///
    /// Name a release tag, or pin a digest.
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `service-image-require-explicit-tag`
    /// - compose-lint: CL-0004 image not pinned to a version
    ImageUnpinned = "image-unpinned", Warning;
    /// A published port without a host address: Docker binds it on every interface of the host.
    ///
    /// ## Why
    ///
    /// Docker binds a port without a host address on every interface, public ones included, and its
    /// iptables rules accept the traffic before ufw or firewalld see it. On Swarm every published
    /// port is on every address of every node (`host_ip` is not applied), so every published port
    /// is reported there. An explicit `0.0.0.0` or `::` binds every interface just the same. A port
    /// the policy explicitly lets `external` reach (an `allow` rule from `external` to the service
    /// covering the port) is meant to be public and is not reported.
    ///
    /// ## How to fix
    ///
    /// Bind an address (`127.0.0.1:8080:80`, `host_ip:` in the long form, or `defaults.host_ip`).
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Container Traffic Not Bound To Host Interface* (`451d79dc`)
    /// - dclint: `no-unbound-port-interfaces`
    /// - compose-lint: CL-0005 ports bound to all interfaces
    PortAllInterfaces = "port-all-interfaces", Warning;
    /// The same host port, protocol and address are published twice: the second container
    /// fails to start.
    ///
    /// ## Why
    ///
    /// Two publications of one host port and protocol on colliding addresses (equal, or either on
    /// every interface): Docker cannot bind the second and that container does not start; on Swarm
    /// a published port belongs to one service. Ports the engine does not publish (`ineffective`,
    /// such as a macvlan-only service's), and ports whose host port the engine picks, are not
    /// counted.
    ///
    /// ## How to fix
    ///
    /// Publish a different host port, or bind each to a different address.
    ///
    /// ## Equivalent rules
    ///
    /// - dclint: `no-duplicate-exported-ports`
    DuplicatePublishedPort = "duplicate-published-port", Error;
    /// A bind mount of a sensitive host path (`/etc`, `/proc`, `/sys`, `/dev`, `/root`, ...).
    ///
    /// ## Why
    ///
    /// Host configuration and secrets (`/etc`, `/root`, `/home`), kernel interfaces (`/proc`,
    /// `/sys`), devices (`/dev`), runtime state (`/run`, `/var/lib/docker`), logs and binaries
    /// become visible to whoever controls the container, even read-only. The time-zone files
    /// `/etc/localtime` and `/etc/timezone` are not reported; the Docker socket is
    /// `docker-socket`'s (other runtimes' sockets, under `/run`, are reported here).
    ///
    /// ## How to fix
    ///
    /// Mount only the file or directory the service needs, read-only, or copy it into a volume or
    /// secret.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Volume Has Sensitive Host Directory* (`1c1325ff`)
    /// - compose-lint: CL-0013 sensitive host path
    SensitiveMount = "sensitive-mount", Warning;
    /// A root-equivalent host path (`/`, `/etc`, `/root`, `/var/lib/docker`, ...) mounted
    /// writable: the container can take over the host.
    ///
    /// ## Why
    ///
    /// Writing host configuration (`/etc/cron.d`, `/etc/sudoers`), root's keys, host binaries or
    /// the runtimes' state (`/var/lib/docker`) is root on the host. `/`, `/var` and `/var/lib` are
    /// matched exactly (a database's `/var/lib/mysql` is not the host's).
    ///
    /// ## How to fix
    ///
    /// Mount it read-only, mount only the file needed, or use a named volume.
    ///
    /// ## Equivalent rules
    ///
    /// - compose-lint: CL-0025 root-equivalent host path mounted writable
    /// - KICS: *Volume Has Sensitive Host Directory* (`1c1325ff`)
    RootEquivalentMount = "root-equivalent-mount", Warning;
    /// A credential-shaped environment variable (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, ...) with a
    /// literal value in the spec.
    ///
    /// ## Why
    ///
    /// A credential in an environment value is in git, in the generated compose file and in `docker
    /// inspect` for everyone with access to the engine. Keys ending in `_FILE`/`_PATH`, numbers,
    /// booleans and `/run/secrets/` paths are not reported.
    ///
    /// ## How to fix
    ///
    /// Declare a `secrets` entry, list it in the service's `secrets`, and point the service at
    /// `/run/secrets/<name>` (`*_FILE` variables where the image supports them).
    ///
    /// ## Equivalent rules
    ///
    /// - compose-lint: CL-0020 credential-shaped env key with a literal value
    SecretInEnvironment = "secret-in-environment", Warning;
    /// An environment value holds a connection string with a password (`postgres://u:pw@db/x`).
    ///
    /// ## Why
    ///
    /// A password inside a connection string (`postgres://u:pw@db/x`) leaks the same way as a
    /// password variable, under any variable name.
    ///
    /// ## How to fix
    ///
    /// Keep the password in a secret and build the URL at start-up, or use the client's
    /// password-file setting.
    ///
    /// ## Equivalent rules
    ///
    /// - compose-lint: CL-0021 credential in a connection-string env value
    CredentialInUrl = "credential-in-url", Warning;
    /// A static address inside the network's `ip_range`, where Docker also hands out dynamic
    /// addresses.
    ///
    /// ## Why
    ///
    /// Docker draws dynamic addresses (containers without a static address, `docker run` on an
    /// attachable network, verify probes) from `ip_range`; a static address inside it can be taken
    /// first, and then the service fails with "Address already in use".
    ///
    /// ## How to fix
    ///
    /// Put static addresses outside `ip_range`, or shrink `ip_range`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: it needs the whole address plan, which only topoc
    ///   models.
    StaticInDynamicRange = "static-in-dynamic-range", Warning;
    /// A network without a subnet: Docker picks one from its default pools when the network is
    /// created, differently on each host and in each creation order.
    ///
    /// ## Why
    ///
    /// A network without `subnet` or `pool` gets a range from Docker's default pools when it is
    /// created: different on each host and in each creation order, able to collide with a network
    /// that pins the same range later ("Pool overlaps"), and invisible to topoc's overlap and
    /// reserved-range checks. External networks are not reported: they are created elsewhere.
    ///
    /// ## How to fix
    ///
    /// Give it a `subnet`, or a `pool` (kept stable by the lock file).
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Networks Not Set* (`ce14a68b`) is the nearest: topoc never leaves a service on the
    ///   default network (it emits `network_mode: none`), so only the unpinned subnet remains
    SubnetUnpinned = "subnet-unpinned", Warning;
    /// A subnet inside Docker's default address pools (172.17.0.0/16–172.31.255.255,
    /// 192.168.0.0/16) or the Swarm ingress network (10.0.0.0/24).
    ///
    /// ## Why
    ///
    /// docker0 holds 172.17.0.0/16, and every network created without a subnet — by this project or
    /// any other on the host — takes the next free block of Docker's default pools (172.17–172.19
    /// /16s, 172.20/14, 172.24/14, 172.28/14 as /16s, and 192.168.0.0/16 as /20s; moby
    /// `ipamutils`). Whichever is created second fails with "Pool overlaps". On Swarm (or for
    /// overlay networks) the ingress network usually holds 10.0.0.0/24. A pool's range is judged
    /// like a subnet (once, not for each network it allocates). macvlan/ipvlan subnets are the
    /// LAN's own and are not judged.
    ///
    /// ## How to fix
    ///
    /// Pick a range Docker does not allocate from (10.x above 10.0.0.0/24, or 100.64.0.0/10), or
    /// change the daemon's `default-address-pools` and list the old ranges under `reserved`.
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: it needs the whole address plan, which only topoc
    ///   models.
    DockerPoolOverlap = "docker-pool-overlap", Warning;
    /// An overlay network without `encrypted: true` carries traffic the policy isolates.
    ///
    /// ## Why
    ///
    /// VXLAN carries overlay traffic between nodes in clear text: anyone on the underlay reads it
    /// and can inject packets, whatever the policy says. Reported when the policy isolates (a
    /// `deny` default or rule).
    ///
    /// ## How to fix
    ///
    /// Set `encrypted: true` (IPsec; allow ESP, IP protocol 50, between the nodes).
    ///
    /// ## Equivalent rules
    ///
    /// - none in KICS, dclint or compose-lint: it needs the whole address plan, which only topoc
    ///   models.
    UnencryptedOverlay = "unencrypted-overlay", Warning;
    /// No `no-new-privileges:true` in `security_opt`: setuid binaries can gain privileges
    /// (`hardening` group).
    ///
    /// ## Why
    ///
    /// Without `no-new-privileges`, setuid and file-capability binaries in the image can raise a
    /// process's privileges after an exploit.
    ///
    /// ## How to fix
    ///
    /// Add `security_opt: ["no-new-privileges:true"]`.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *No New Privileges Not Set* (`27fcc7d6`) and *Security Opt Not Set* (`610e266e`)
    /// - compose-lint: CL-0003 privilege escalation not blocked
    NoNewPrivileges = "no-new-privileges", Note;
    /// No `cap_drop: [ALL]`: the service keeps Docker's default capabilities (`hardening` group).
    ///
    /// ## Why
    ///
    /// Docker's default capability set (`NET_RAW`, `CHOWN`, `SETUID`, `DAC_OVERRIDE`...) is more
    /// than most services use; `NET_RAW` alone allows ARP and DNS spoofing on the container's
    /// networks.
    ///
    /// ## How to fix
    ///
    /// Drop all (`cap_drop: [ALL]`) and add back what the service needs.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Container Capabilities Unrestricted* (`ce76b7d0`)
    /// - compose-lint: CL-0006 no capability restrictions
    CapabilitiesUnrestricted = "capabilities-unrestricted", Note;
    /// The root filesystem is writable (`read_only` is not true) (`hardening` group).
    ///
    /// ## Why
    ///
    /// A writable root filesystem lets an attacker replace binaries and keep tools in the
    /// container.
    ///
    /// ## How to fix
    ///
    /// Set `read_only: true` and mount a volume or tmpfs where the service writes.
    ///
    /// ## Equivalent rules
    ///
    /// - compose-lint: CL-0007 filesystem not read-only
    WritableRootFs = "writable-root-fs", Note;
    /// The service has no `healthcheck`, or one with `disable: true` (`hardening` group).
    ///
    /// ## Why
    ///
    /// Without a healthcheck the engine knows the process runs, not that it serves; rolling updates
    /// and `depends_on` cannot wait for readiness. (The image may define one: then turn the rule
    /// off for the topology.)
    ///
    /// ## How to fix
    ///
    /// Add a `healthcheck`.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Healthcheck Not Set* (`698ed579`)
    HealthcheckMissing = "healthcheck-missing", Note;
    /// No memory limit under `deploy.limits` (`hardening` group).
    ///
    /// ## Why
    ///
    /// A leaking service can push the host into the OOM killer, which may kill another service.
    ///
    /// ## How to fix
    ///
    /// Set `deploy.limits.memory`.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Memory Not Limited* (`bb9ac4f7`)
    /// - compose-lint: CL-0026 no memory/CPU limits
    MemoryUnlimited = "memory-unlimited", Note;
    /// No CPU limit under `deploy.limits` (`hardening` group).
    ///
    /// ## Why
    ///
    /// One busy service can take every CPU of the host.
    ///
    /// ## How to fix
    ///
    /// Set `deploy.limits.cpus`.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Cpus Not Limited* (`6b610c50`)
    /// - compose-lint: CL-0026 no memory/CPU limits
    CpuUnlimited = "cpu-unlimited", Note;
    /// An image referenced by tag without a `@sha256:` digest (`hardening` group).
    ///
    /// ## Why
    ///
    /// A tag can be re-pushed; only a digest names fixed bytes.
    ///
    /// ## How to fix
    ///
    /// Append the digest you tested: `name:tag@sha256:…`.
    ///
    /// ## Equivalent rules
    ///
    /// - compose-lint: CL-0019 image tag without digest
    ImageNoDigest = "image-no-digest", Note;
    /// A host port below 1024 is published (`hardening` group).
    ///
    /// ## Why
    ///
    /// A host port below 1024 usually means the container listens on a privileged port too, which
    /// keeps `NET_BIND_SERVICE`.
    ///
    /// ## How to fix
    ///
    /// Publish a port of 1024 or above, or accept it for the public port.
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Privileged Ports Mapped In Container* (`bc2908f3`)
    PrivilegedPort = "privileged-port", Note;
    /// A volume mounted by several services that the volume policy does not govern
    /// (`hardening` group).
    ///
    /// ## Why
    ///
    /// A volume mounted by several services without a volume policy: one compromised service can
    /// tamper with the others' data, and nothing says who should write.
    ///
    /// ## How to fix
    ///
    /// Add a `policy.volumes` entry with `writers` and `readers` (then `volume-access` enforces
    /// it).
    ///
    /// ## Equivalent rules
    ///
    /// - KICS: *Shared Volumes Between Containers* (`8c978947`)
    SharedVolume = "shared-volume", Note;
}

/// A code's documentation, cleaned once from its doc comment.
struct Docs {
    markdown: String,
    description: String,
}

fn docs() -> &'static [Docs] {
    static DOCS: OnceLock<Vec<Docs>> = OnceLock::new();
    DOCS.get_or_init(|| {
        Code::RAW_DOCS
            .iter()
            .map(|raw| {
                let lines: Vec<&str> = raw.lines().map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end()).collect();
                let description = lines.iter().take_while(|l| !l.is_empty()).copied().collect::<Vec<_>>().join(" ");
                let mut markdown = lines.join("\n").trim().to_owned();
                markdown.push('\n');
                Docs { markdown, description }
            })
            .collect()
    })
}

impl Code {
    /// The rule's documentation: its doc comment, as Markdown (see the module documentation
    /// for its sections).
    pub fn documentation(self) -> &'static str {
        &docs()[self as usize].markdown
    }

    /// One sentence describing what the code means: the doc comment's first paragraph.
    pub fn description(self) -> &'static str {
        &docs()[self as usize].description
    }

    /// Where the rule's page is published (SARIF's `helpUri`).
    pub fn help_uri(self) -> String {
        format!("https://topoc.dev/rules/{}", self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "topoc::{}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_described() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate code names");
        for code in Code::ALL {
            assert!(!code.description().is_empty(), "{code} has no description");
            assert_eq!(Code::from_name(&code.to_string()), Some(*code));
        }
    }

    #[test]
    fn documentation_is_the_doc_comment_and_description_its_first_paragraph() {
        assert_eq!(Code::ALL.len(), Code::RAW_DOCS.len());
        let doc = Code::OverBroad.documentation();
        assert!(doc.starts_with("With `default: deny`, something grants reachability no rule allows (a network, a\n"));
        assert!(doc.contains("\n\n## Why\n\n"), "{doc}");
        assert_eq!(
            Code::OverBroad.description(),
            "With `default: deny`, something grants reachability no rule allows (a network, a published port, \
             a relay, egress): the pairs it lets through are named."
        );
        for code in Code::ALL {
            assert!(!code.description().contains('#'), "{code}: the description ran into a heading");
            assert!(code.documentation().ends_with('\n') && !code.documentation().ends_with("\n\n"));
        }
    }
}
