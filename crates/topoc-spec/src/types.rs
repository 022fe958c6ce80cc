//! The spec language's syntax types. Every user-written name, address and reference keeps its
//! span (`Sp<T>`) so later stages can point at it. The field doc comments are the schema's
//! descriptions and the source of `docs/spec.md`.

use crate::decode::{Map, Raw, Sp, Text, spec_enum, spec_struct};
use crate::forms::{Address, Attachments, Command, Mount, Port, Rule};

spec_struct! {
    /// A topology spec: address plan, networks, services, templates and the reachability policy.
    pub struct TopologySpec ("the topology") {
        /// The topology's name: the Compose project name and the Swarm stack name.
        /// Lowercase letters, digits, `-` and `_`; starts with a letter or digit.
        pub topology: Sp<String>,
        /// Defaults applied to every network and service that does not say otherwise.
        pub defaults: Option<DefaultsSpec>,
        /// Named address ranges nothing in the topology may overlap (host LAN, VPN, Docker's
        /// default pools): `lan: 192.168.1.0/24`.
        #[serde(default)]
        pub reserved: Map<Sp<String>>,
        /// Named address pools that networks draw their subnets from.
        #[serde(default)]
        pub pools: Map<PoolSpec>,
        /// Networks, keyed by name.
        #[serde(default)]
        pub networks: Map<NetworkSpec>,
        /// Services (containers), keyed by name.
        #[serde(default)]
        pub services: Map<ServiceSpec>,
        /// Named volumes, keyed by name.
        #[serde(default)]
        pub volumes: Map<VolumeSpec>,
        /// Secrets, keyed by name.
        #[serde(default)]
        pub secrets: Map<SecretSpec>,
        /// Blocks of networks, services and volumes stamped once per instance.
        #[serde(default)]
        pub templates: Map<TemplateSpec>,
        /// The reachability contract: who may reach whom, and who may write which volume.
        pub policy: Option<PolicySpec>,
        /// Lint levels, keyed by a lint's code (`image-unpinned`) or a group (`hardening`):
        /// `off`, `note`, `warning` or `error`. The `hardening` group (healthcheck, limits,
        /// read-only root, `no-new-privileges`, `cap_drop`, digests, privileged ports, shared
        /// volumes) is off unless enabled here; a code's own entry wins over its group's.
        #[serde(default)]
        pub lints: Map<Sp<LintLevel>>,
    }
}

spec_enum! {
    /// How a lint is reported: not at all, or at a severity.
    pub enum LintLevel {
        Off = "off",
        Note = "note",
        Warning = "warning",
        Error = "error",
    }
}

spec_struct! {
    /// Topology-wide defaults. Secure by default: networks have no egress and nothing is
    /// published unless the spec says so.
    pub struct DefaultsSpec ("defaults") {
        /// Whether networks reach the outside world unless they say otherwise (default false:
        /// networks are `internal`).
        pub egress: Option<Sp<bool>>,
        /// Host address published ports bind to unless a port says otherwise (Docker's own
        /// default is every address, 0.0.0.0).
        pub host_ip: Option<Sp<String>>,
        /// Restart policy for services that set none (`no`, `always`, `on-failure`,
        /// `unless-stopped`).
        pub restart: Option<Sp<RestartPolicy>>,
        /// What a service that declares no listening port (no `expose`, no published port,
        /// no relay) listens on: `all` ports (default) or none (`declared`: only declared
        /// listeners count).
        pub listen: Option<Sp<Listen>>,
    }
}

spec_enum! {
    /// How the reachability model treats services that declare no listening port.
    pub enum Listen {
        All = "all",
        Declared = "declared",
    }
}

spec_struct! {
    /// An address pool: networks that name it get a subnet of `prefix` bits from `range`.
    pub struct PoolSpec ("a pool") {
        /// The pool's range, e.g. `172.30.0.0/16`.
        pub range: Sp<String>,
        /// Prefix length of each allocated subnet, e.g. `24`.
        pub prefix: Sp<u8>,
    }
}

spec_enum! {
    /// A Docker network driver.
    pub enum Driver {
        Bridge = "bridge",
        Overlay = "overlay",
        Macvlan = "macvlan",
        Ipvlan = "ipvlan",
    }
}

spec_struct! {
    /// A network.
    pub struct NetworkSpec ("a network") {
        /// Network driver: `bridge` (default), `overlay`, `macvlan` or `ipvlan`.
        pub driver: Option<Sp<Driver>>,
        /// The name the engine knows the network by, used verbatim (default: Compose's
        /// `<topology>_<key>`).
        pub name: Option<Sp<String>>,
        /// The network already exists and is not created by the deployment (`name` is its
        /// engine name, default the key).
        pub external: Option<Sp<bool>>,
        /// IPv4 or IPv6 subnet in CIDR form. Exclusive with `pool`.
        pub subnet: Option<Sp<String>>,
        /// Name of a pool to allocate the subnet from. Exclusive with `subnet`.
        pub pool: Option<Sp<String>>,
        /// Gateway address, absolute (`10.0.1.1`) or as a host offset in the subnet (`.254`).
        pub gateway: Option<Sp<Address>>,
        /// Range dynamic addresses are drawn from, in CIDR form inside the subnet.
        pub ip_range: Option<Sp<String>>,
        /// An IPv6 subnet, making the network dual-stack.
        pub subnet6: Option<Sp<String>>,
        /// IPv6 gateway, absolute or as a host offset.
        pub gateway6: Option<Sp<Address>>,
        /// Whether members reach the outside world (default: `defaults.egress`, else false,
        /// which makes the network `internal`).
        pub egress: Option<Sp<bool>>,
        /// Whether standalone containers may attach to an overlay network.
        pub attachable: Option<Sp<bool>>,
        /// Encrypt overlay traffic (IPsec). Overlay only.
        pub encrypted: Option<Sp<bool>>,
        /// Inter-container communication on this bridge (default true). `false` stops members
        /// reaching each other.
        pub icc: Option<Sp<bool>>,
        /// Parent host interface of a macvlan/ipvlan network, e.g. `eth0` or `eth0.50`.
        pub parent: Option<Sp<String>>,
        /// macvlan mode (`bridge`, `private`, `vepa`, `passthru`) or ipvlan mode (`l2`, `l3`,
        /// `l3s`).
        pub mode: Option<Sp<String>>,
        /// Extra driver options passed to the engine unchanged.
        #[serde(default)]
        pub driver_opts: Map<Sp<Text>>,
        /// Labels on the network.
        #[serde(default)]
        pub labels: Map<Sp<Text>>,
    }
}

spec_enum! {
    /// Restart policy.
    pub enum RestartPolicy {
        No = "no",
        Always = "always",
        OnFailure = "on-failure",
        UnlessStopped = "unless-stopped",
    }
}

spec_enum! {
    /// `host` shares the host's network stack; `none` has no network.
    pub enum NetworkModeKeyword {
        Host = "host",
        None = "none",
    }
}

spec_struct! {
    /// A service: one container, or several replicas of it.
    pub struct ServiceSpec ("a service") {
        /// Container image, e.g. `nginx:1.27`.
        pub image: Sp<String>,
        /// Command, as a list (exec form) or a string.
        pub command: Option<Sp<Command>>,
        /// Entrypoint override, as a list or a string.
        pub entrypoint: Option<Sp<Command>>,
        /// Environment variables. Values are text, written as given (`08` stays `08`).
        #[serde(default)]
        pub environment: Map<Sp<Text>>,
        /// Names of secrets (declared under `secrets`) mounted into the service.
        #[serde(default)]
        pub secrets: Vec<Sp<String>>,
        /// Volume, bind and tmpfs mounts with their access mode.
        #[serde(default)]
        pub volumes: Vec<Sp<Mount>>,
        /// Published ports. Nothing is published unless listed here.
        #[serde(default)]
        pub ports: Vec<Sp<Port>>,
        /// Ports the service listens on without publishing them, as Compose's `expose`:
        /// `8080`, `"8000-8010"`, `"5353/udp"`. With published ports' targets and relays'
        /// `listen`, the complete list of what it listens on: reachability is judged on it.
        #[serde(default)]
        pub expose: Vec<Sp<Text>>,
        /// Number of containers (default 1).
        pub replicas: Option<Sp<u32>>,
        /// Deployment settings (placement, resources, restart, update, endpoint mode).
        pub deploy: Option<DeploySpec>,
        /// Health check.
        pub healthcheck: Option<HealthcheckSpec>,
        /// Networks the service attaches to, as a list of names or a mapping of name to
        /// attachment (static `ip`, `range` for replicas, `aliases`, `mac`).
        #[serde(default)]
        pub networks: Attachments,
        /// `host`, `none` or `service:<name>` instead of networks. An escape hatch: reported.
        pub network_mode: Option<Sp<String>>,
        /// Traffic this service forwards at the application level (reverse proxy, socat, NAT):
        /// whoever reaches it reaches these targets.
        #[serde(default)]
        pub relays: Vec<RelaySpec>,
        /// User (and group) the container runs as.
        pub user: Option<Sp<String>>,
        /// Mount the container's root filesystem read-only.
        pub read_only: Option<Sp<bool>>,
        /// Run privileged: full access to the host's devices.
        pub privileged: Option<Sp<bool>>,
        /// Linux capabilities to add.
        #[serde(default)]
        pub cap_add: Vec<Sp<String>>,
        /// Linux capabilities to drop.
        #[serde(default)]
        pub cap_drop: Vec<Sp<String>>,
        /// Security options, e.g. `no-new-privileges:true`.
        #[serde(default)]
        pub security_opt: Vec<Sp<String>>,
        /// Container hostname.
        pub hostname: Option<Sp<String>>,
        /// DNS servers.
        #[serde(default)]
        pub dns: Vec<Sp<String>>,
        /// Extra `/etc/hosts` entries: `name: address` (names only; no reachability).
        #[serde(default)]
        pub extra_hosts: Map<Sp<String>>,
        /// Services that must start first.
        #[serde(default)]
        pub depends_on: Vec<Sp<String>>,
        /// Restart policy (default `defaults.restart`).
        pub restart: Option<Sp<RestartPolicy>>,
        /// GPUs: `all` or a count.
        pub gpus: Option<Sp<String>>,
        /// Working directory inside the container.
        pub working_dir: Option<Sp<String>>,
        /// Labels on the container.
        #[serde(default)]
        pub labels: Map<Sp<Text>>,
    }
}

spec_struct! {
    /// One network attachment of a service.
    pub struct AttachmentSpec ("a network attachment") {
        /// Static IPv4 (or IPv6) address, absolute or as a host offset (`.20`).
        pub ip: Option<Sp<Address>>,
        /// Addresses for replicas: `10.20.0.10-10.20.0.19`, `.10-.19` or a CIDR inside the
        /// subnet. Each replica takes the next address.
        pub range: Option<Sp<String>>,
        /// Static IPv6 address on a dual-stack network.
        pub ip6: Option<Sp<Address>>,
        /// Extra DNS names for this service on this network.
        #[serde(default)]
        pub aliases: Vec<Sp<String>>,
        /// MAC address, e.g. `02:42:ac:11:00:02`.
        pub mac: Option<Sp<String>>,
        /// Gateway priority: the attachment with the highest value provides the default route
        /// (and carries published ports). Engine 28+.
        pub gw_priority: Option<Sp<i32>>,
    }
}

spec_struct! {
    /// A relay: traffic this service forwards to other services.
    pub struct RelaySpec ("a relay") {
        /// Selector of the targets: a service name or glob (`agent-*`), `network:NAME`,
        /// `template:NAME`, or `external`.
        pub to: Sp<String>,
        /// Target ports the relay forwards to (empty: every port).
        #[serde(default)]
        pub ports: Vec<Sp<u16>>,
        /// Port the relay listens on (default: the target ports).
        pub listen: Option<Sp<u16>>,
    }
}

spec_enum! {
    /// Replicated (a fixed number of tasks) or global (one per node).
    pub enum DeployMode {
        Replicated = "replicated",
        Global = "global",
    }
}

spec_enum! {
    /// Swarm service discovery: a virtual IP, or DNS round-robin over task IPs.
    pub enum EndpointMode {
        Vip = "vip",
        Dnsrr = "dnsrr",
    }
}

spec_struct! {
    /// Deployment settings.
    pub struct DeploySpec ("deploy") {
        /// `replicated` (default) or `global`.
        pub mode: Option<Sp<DeployMode>>,
        /// Placement constraints, e.g. `node.role == manager`.
        #[serde(default)]
        pub placement: Vec<Sp<String>>,
        /// Resource limits.
        pub limits: Option<ResourcesSpec>,
        /// Resource reservations.
        pub reservations: Option<ResourcesSpec>,
        /// Swarm endpoint mode: `vip` (default) or `dnsrr`.
        pub endpoint_mode: Option<Sp<EndpointMode>>,
        /// Swarm restart condition: `none`, `on-failure` or `any`.
        pub restart_condition: Option<Sp<String>>,
        /// Swarm rolling update: tasks updated at once.
        pub update_parallelism: Option<Sp<u32>>,
        /// Swarm rolling update: pause between batches, e.g. `10s`.
        pub update_delay: Option<Sp<String>>,
        /// Labels on the Swarm service.
        #[serde(default)]
        pub labels: Map<Sp<Text>>,
    }
}

spec_struct! {
    /// CPU and memory.
    pub struct ResourcesSpec ("resources") {
        /// CPUs, e.g. `0.5`.
        pub cpus: Option<Sp<Text>>,
        /// Memory, e.g. `512M`.
        pub memory: Option<Sp<String>>,
    }
}

spec_struct! {
    /// A health check.
    pub struct HealthcheckSpec ("a healthcheck") {
        /// The check command, as a list (`["CMD", "curl", "-f", "http://localhost"]`) or string.
        pub test: Sp<Command>,
        /// Time between checks, e.g. `30s`.
        pub interval: Option<Sp<String>>,
        /// Time a check may take.
        pub timeout: Option<Sp<String>>,
        /// Failures before the container is unhealthy.
        pub retries: Option<Sp<u32>>,
        /// Grace period after start.
        pub start_period: Option<Sp<String>>,
    }
}

spec_struct! {
    /// A named volume.
    pub struct VolumeSpec ("a volume") {
        /// Volume driver (default `local`).
        pub driver: Option<Sp<String>>,
        /// The volume already exists.
        pub external: Option<Sp<bool>>,
        /// The engine name of the volume, used verbatim.
        pub name: Option<Sp<String>>,
        /// Driver options.
        #[serde(default)]
        pub driver_opts: Map<Sp<Text>>,
        /// Labels on the volume.
        #[serde(default)]
        pub labels: Map<Sp<Text>>,
    }
}

spec_struct! {
    /// A secret: from a file, from an environment variable at deploy time, or pre-existing.
    pub struct SecretSpec ("a secret") {
        /// Path of the file holding the secret, written to compose.yaml as given (Compose
        /// resolves a relative path against the compose file's folder).
        pub file: Option<Sp<String>>,
        /// Environment variable holding the secret when deploying (Compose only).
        pub environment: Option<Sp<String>>,
        /// The secret already exists in the engine.
        pub external: Option<Sp<bool>>,
        /// The engine name of the secret.
        pub name: Option<Sp<String>>,
    }
}

spec_struct! {
    /// A template: networks, services and volumes stamped once per instance. Names and values
    /// may use `{id}` (the instance id) and `{index}` (its 1-based position).
    pub struct TemplateSpec ("a template") {
        /// Instance ids, e.g. `[alpha, beta]`. Exclusive with `count`.
        #[serde(default)]
        pub instances: Vec<Sp<String>>,
        /// Number of instances, with ids `1`..`count`. Exclusive with `instances`.
        pub count: Option<Sp<u32>>,
        /// Networks of each instance.
        #[serde(default)]
        pub networks: Map<Raw<NetworkSpec>>,
        /// Services of each instance.
        #[serde(default)]
        pub services: Map<Raw<ServiceSpec>>,
        /// Volumes of each instance.
        #[serde(default)]
        pub volumes: Map<Raw<VolumeSpec>>,
        /// Existing (non-template) services attached into each instance's networks:
        /// `backend: { "project-{id}": { ip: .3 } }`.
        #[serde(default)]
        pub attach: Map<Raw<Attachments>>,
    }
}

spec_enum! {
    /// What a rule (or the default) says about a path.
    pub enum Verdict {
        Allow = "allow",
        Deny = "deny",
    }
}

spec_enum! {
    /// For rules between template members: only pairs in the same instance, or only pairs in
    /// different instances.
    pub enum Scope {
        SameInstance = "same-instance",
        AcrossInstances = "across-instances",
    }
}

spec_struct! {
    /// The reachability policy.
    pub struct PolicySpec ("the policy") {
        /// Verdict for every path no rule matches: `deny` (default; every reachable pair not
        /// allowed is a finding) or `allow`.
        pub default: Option<Sp<Verdict>>,
        /// Rules, each `allow: {from, to, ...}` or `deny: {from, to, ...}`. When several match
        /// a pair, the most specific wins; between equals, `deny`.
        #[serde(default)]
        pub rules: Vec<Sp<Rule>>,
        /// Who may write and who may only read each volume.
        #[serde(default)]
        pub volumes: Map<VolumePolicySpec>,
    }
}

spec_struct! {
    /// The body of an allow/deny rule.
    pub struct RuleSpec ("a rule") {
        /// Selector of the sources: a service name or glob, `network:NAME` (its members),
        /// `template:NAME` (its instances' members), `host`, `external`, or `*`.
        pub from: Sp<String>,
        /// Selector of the destinations, same forms as `from`.
        pub to: Sp<String>,
        /// Destination ports the rule covers (empty: every port).
        #[serde(default)]
        pub ports: Vec<Sp<u16>>,
        /// Between template members: `same-instance` or `across-instances`.
        pub scope: Option<Sp<Scope>>,
        /// Why the rule exists; shown in findings.
        pub reason: Option<Sp<String>>,
    }
}

spec_struct! {
    /// Volume access policy.
    pub struct VolumePolicySpec ("a volume policy") {
        /// Selectors of the services that may mount the volume read-write.
        #[serde(default)]
        pub writers: Vec<Sp<String>>,
        /// Selectors of the services that may mount it read-only.
        #[serde(default)]
        pub readers: Vec<Sp<String>>,
    }
}
