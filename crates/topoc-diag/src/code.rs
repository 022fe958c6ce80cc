//! Stable diagnostic codes. Each code's doc line is its one-sentence description; the name
//! (`topoc::<name>`) is part of the CLI contract and never changes once released.

use serde::{Serialize, Serializer};

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

            /// One sentence describing what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                let name = name.strip_prefix("topoc::").unwrap_or(name);
                Code::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

codes! {
    /// The spec file is not well-formed YAML or TOML.
    Syntax = "syntax", Error;
    /// A value has the wrong type (a list where a mapping belongs, text where a number belongs).
    InvalidType = "invalid-type", Error;
    /// A key the spec language does not know, usually a typo.
    UnknownKey = "unknown-key", Error;
    /// A required key is missing.
    MissingKey = "missing-key", Error;
    /// The same key appears twice in one mapping.
    DuplicateKey = "duplicate-key", Error;
    /// A value is outside the allowed set or range (a port of 70000, a driver that does not exist).
    InvalidValue = "invalid-value", Error;
    /// Two keys that exclude each other are both set (`subnet` and `pool`, `ip` and `range`).
    ConflictingKeys = "conflicting-keys", Error;
    /// The document is too large or expands too far (alias bombs, nesting).
    ResourceLimit = "resource-limit", Error;
    /// A CIDR that does not parse.
    InvalidCidr = "invalid-cidr", Error;
    /// A CIDR with host bits set (10.0.0.1/24): Docker rejects or silently truncates it.
    HostBitsSet = "host-bits-set", Error;
    /// An IP address (or `.N` host offset) that does not parse.
    InvalidAddress = "invalid-address", Error;
    /// A MAC address that does not parse, or is multicast.
    InvalidMac = "invalid-mac", Error;
    /// Two networks that coexist on a host or swarm have overlapping subnets.
    SubnetOverlap = "subnet-overlap", Error;
    /// A subnet or pool overlaps a range the spec reserves (LAN, VPN, Docker pools).
    ReservedOverlap = "reserved-overlap", Error;
    /// A gateway, static address or range lies outside its network's subnet.
    AddressOutsideSubnet = "address-outside-subnet", Error;
    /// A static address is the subnet's network or broadcast address, or its gateway.
    AddressReserved = "address-reserved", Error;
    /// Two attachments claim the same static address on one network.
    DuplicateAddress = "duplicate-address", Error;
    /// Two attachments claim the same MAC address.
    DuplicateMac = "duplicate-mac", Error;
    /// An address range holds fewer addresses than the service has replicas.
    RangeTooSmall = "range-too-small", Error;
    /// A pool has no free block of the requested size left.
    PoolExhausted = "pool-exhausted", Error;
    /// A reference to a network, service, pool, volume, secret or template that does not exist.
    UnknownReference = "unknown-reference", Error;
    /// A name Docker, Compose or Swarm would reject.
    InvalidName = "invalid-name", Error;
    /// Two objects end up with the same name (often after template expansion).
    NameCollision = "name-collision", Error;
    /// Two macvlan/ipvlan networks on the same parent interface and subnet: Docker refuses the second.
    MacvlanDuplicate = "macvlan-duplicate", Error;
    /// A network whose engine name is one Docker predefines (`host`, `bridge`, `none`, `ingress`,
    /// `docker_gwbridge`): attaching to it leaves the network model.
    PredefinedNetwork = "predefined-network", Error;
    /// A `{placeholder}` in a template that the template does not define.
    UnknownPlaceholder = "unknown-placeholder", Error;
    /// A policy selector that does not parse.
    InvalidSelector = "invalid-selector", Error;
    /// The lock file is out of date and `--locked` forbids updating it.
    LockOutdated = "lock-outdated", Error;
    /// The lock file is malformed (it is ignored and left alone), or one of its entries no longer fits.
    LockInvalid = "lock-invalid", Warning;
    /// A combination Docker accepts but that does nothing (ports on an internal-only service).
    Ineffective = "ineffective", Warning;
    /// A path exists between two endpoints that a `deny` rule forbids.
    PolicyViolation = "policy-violation", Error;
    /// With `default: deny`, something grants reachability no rule allows (a network, a
    /// published port, a relay, egress): the pairs it lets through are named.
    OverBroad = "over-broad", Error;
    /// A rule selects nothing, or its scope leaves no pair to judge.
    UnusedRule = "unused-rule", Warning;
    /// An `allow` rule that no path satisfies: the topology does not provide what it allows.
    UnsatisfiedAllow = "unsatisfied-allow", Warning;
    /// A relay that cannot reach the targets it forwards to.
    RelayUnreachable = "relay-unreachable", Warning;
    /// A volume mounted by a service the volume policy does not list, or read-write by a reader.
    VolumeAccess = "volume-access", Error;
    /// `network_mode: host` or `service:`: the service leaves the network model.
    EscapeHatch = "escape-hatch", Warning;
    /// The Docker socket is mounted: whoever controls the container controls the host.
    DockerSocket = "docker-socket", Warning;
    /// A feature the engine version the model assumes (`--engine`) does not support.
    EngineUnsupported = "engine-unsupported", Error;
    /// The build target cannot carry something the spec asks for: it would reject it, or drop
    /// it without a word.
    TargetUnsupported = "target-unsupported", Error;
    /// The build target accepts a setting but will not honour it as the spec means it
    /// (Swarm-only settings under Compose).
    TargetIgnored = "target-ignored", Warning;
    /// A name Swarm rejects: a stack-prefixed service, network or secret name with a dot, a
    /// trailing `-` or `_`, or too long.
    SwarmName = "swarm-name", Error;
    /// A `lints` entry that names no lint or lint group.
    UnknownLint = "unknown-lint", Error;
    /// A service runs `privileged`: every device and every capability of the host.
    Privileged = "privileged", Warning;
    /// `cap_add` grants a capability that reaches the host kernel, its devices or other processes.
    DangerousCapability = "dangerous-capability", Warning;
    /// A `security_opt` turns off the seccomp or AppArmor profile, or SELinux labelling.
    SecurityProfileDisabled = "security-profile-disabled", Warning;
    /// The service runs as root (`user: root`, `0`, `0:0`) explicitly.
    RootUser = "root-user", Note;
    /// An image without a tag, or with a moving tag (`latest`, `stable`, ...): each pull may run
    /// different code.
    ImageUnpinned = "image-unpinned", Warning;
    /// A published port without a host address: Docker binds it on every interface of the host.
    PortAllInterfaces = "port-all-interfaces", Warning;
    /// The same host port, protocol and address are published twice: the second container
    /// fails to start.
    DuplicatePublishedPort = "duplicate-published-port", Error;
    /// A bind mount of a sensitive host path (`/etc`, `/proc`, `/sys`, `/dev`, `/root`, ...).
    SensitiveMount = "sensitive-mount", Warning;
    /// A root-equivalent host path (`/`, `/etc`, `/root`, `/var/lib/docker`, ...) mounted
    /// writable: the container can take over the host.
    RootEquivalentMount = "root-equivalent-mount", Warning;
    /// A credential-shaped environment variable (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, ...) with a
    /// literal value in the spec.
    SecretInEnvironment = "secret-in-environment", Warning;
    /// An environment value holds a connection string with a password (`postgres://u:pw@db/x`).
    CredentialInUrl = "credential-in-url", Warning;
    /// A static address inside the network's `ip_range`, where Docker also hands out dynamic
    /// addresses.
    StaticInDynamicRange = "static-in-dynamic-range", Warning;
    /// A network without a subnet: Docker picks one from its default pools when the network is
    /// created, differently on each host and in each creation order.
    SubnetUnpinned = "subnet-unpinned", Warning;
    /// A subnet inside Docker's default address pools (172.17.0.0/16–172.31.255.255,
    /// 192.168.0.0/16) or the Swarm ingress network (10.0.0.0/24).
    DockerPoolOverlap = "docker-pool-overlap", Warning;
    /// An overlay network without `encrypted: true` carries traffic the policy isolates.
    UnencryptedOverlay = "unencrypted-overlay", Warning;
    /// No `no-new-privileges:true` in `security_opt`: setuid binaries can gain privileges
    /// (`hardening` group).
    NoNewPrivileges = "no-new-privileges", Note;
    /// No `cap_drop: [ALL]`: the service keeps Docker's default capabilities (`hardening` group).
    CapabilitiesUnrestricted = "capabilities-unrestricted", Note;
    /// The root filesystem is writable (`read_only` is not true) (`hardening` group).
    WritableRootFs = "writable-root-fs", Note;
    /// The service has no `healthcheck` (`hardening` group).
    HealthcheckMissing = "healthcheck-missing", Note;
    /// No memory limit under `deploy.limits` (`hardening` group).
    MemoryUnlimited = "memory-unlimited", Note;
    /// No CPU limit under `deploy.limits` (`hardening` group).
    CpuUnlimited = "cpu-unlimited", Note;
    /// An image referenced by tag without a `@sha256:` digest (`hardening` group).
    ImageNoDigest = "image-no-digest", Note;
    /// A host port below 1024 is published (`hardening` group).
    PrivilegedPort = "privileged-port", Note;
    /// A volume mounted by several services that the volume policy does not govern
    /// (`hardening` group).
    SharedVolume = "shared-volume", Note;
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
}
