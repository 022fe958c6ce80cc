//! The spec language's syntax types. Every user-written name, address and reference keeps its
//! span (`Sp<T>`) so later stages can point at it. The field doc comments are the schema's
//! descriptions and the source of `docs/spec.md`.

use crate::carried::{Carried, Cpus, Duration, Size, Str};
use crate::decode::{Map, Raw, Sp, Text, spec_enum, spec_struct};
use crate::forms::{
    Address, Attachments, Build, Command, DependsOn, Devices, EnvFiles, Environment, FileRefs, Hook, Labels, ListOrMap,
    Mount, Port, Profile, Rule, StringOrList, Ulimits,
};

spec_struct! {
    /// A topology spec: address plan, networks, services, templates and the reachability policy.
    pub struct TopologySpec ("the topology") extensible {
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
        /// Configs (files mounted into services), keyed by name.
        #[serde(default)]
        pub configs: Map<ConfigSpec>,
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
    pub struct NetworkSpec ("a network") extensible {
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
        /// Addresses the engine's IPAM must not hand out, by name (Compose's
        /// `ipam.config[].aux_addresses`, written into the config of the subnet holding each):
        /// absolute or a host offset; topoc reserves them too.
        #[serde(default)]
        pub aux_addresses: Map<Sp<Address>>,
        /// Compose's `ipam` with its `driver` and `options`; the address plan is the keys above.
        pub ipam: Option<Sp<IpamSpec>>,
        /// Whether members reach the outside world (default: `defaults.egress`, else false,
        /// which makes the network `internal`).
        pub egress: Option<Sp<bool>>,
        /// Compose's `internal`: the opposite of `egress`, which it sets (both given must agree).
        pub internal: Option<Sp<bool>>,
        /// Compose's `enable_ipv6`: must agree with the subnets (true exactly when the network
        /// has an IPv6 subnet, which topoc writes `enable_ipv6` for anyway).
        pub enable_ipv6: Option<Sp<bool>>,
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
        /// Labels on the network, as a mapping or a list of `key=value`.
        #[serde(default)]
        pub labels: Labels,
        /// Whether the network gives its members IPv4 addresses (Compose's `enable_ipv4`,
        /// default true; engine 28+).
        pub enable_ipv4: Option<Carried<bool>>,
    }
}

spec_struct! {
    /// Compose's `ipam` of a network, without `config`: topoc writes that from the network's
    /// `subnet`, `gateway`, `ip_range`, `subnet6`, `gateway6` and `aux_addresses`.
    pub struct IpamSpec ("ipam") {
        /// The IPAM driver (default: the engine's `default`).
        pub driver: Option<Sp<String>>,
        /// Options passed to the IPAM driver unchanged.
        #[serde(default)]
        pub options: Map<Sp<Text>>,
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
    /// A service: one container, or several replicas of it. Keys other than the network ones
    /// are Compose's own, with Compose's value forms (docs/compose-keys.md).
    pub struct ServiceSpec ("a service") extensible {
        /// Container image, e.g. `nginx:1.27`, or `{ interpolate: "nginx:${TAG:-1.27}" }`.
        /// Optional when the service has `build` (Compose then names the image itself).
        pub image: Option<Sp<crate::carried::ComposeText>>,
        /// How to build the image: a context path, or Compose's long form.
        pub build: Option<Carried<Build>>,
        /// Command, as a list (exec form) or a string.
        pub command: Option<Sp<Command>>,
        /// Entrypoint override, as a list or a string.
        pub entrypoint: Option<Sp<Command>>,
        /// Environment variables, as a mapping or a list of `KEY=value`. Values are text,
        /// written as given (`08` stays `08`); a name with no value (`KEY:` or `- KEY`) passes
        /// the caller's variable through; `{ interpolate: "${VAR}" }` is resolved by Compose.
        #[serde(default)]
        pub environment: Environment,
        /// Files of environment variables: a path, a list, or `{ path, required, format }`.
        pub env_file: Option<Carried<EnvFiles>>,
        /// Secrets (declared under `secrets`) mounted into the service: names, or
        /// `{ source, target, uid, gid, mode }`.
        #[serde(default)]
        pub secrets: FileRefs,
        /// Configs (declared under `configs`) mounted into the service, same forms as `secrets`.
        #[serde(default)]
        pub configs: FileRefs,
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
        /// Compose's `scale`: the number of containers, as `replicas`, written as `scale`.
        pub scale: Option<Sp<u32>>,
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
        /// Services that must start first: a list of names, or Compose's long form
        /// `name: { condition, restart, required }`.
        #[serde(default)]
        pub depends_on: DependsOn,
        /// Restart policy (default `defaults.restart`).
        pub restart: Option<Sp<RestartPolicy>>,
        /// GPUs: `all` or a count.
        pub gpus: Option<Sp<String>>,
        /// Working directory inside the container.
        pub working_dir: Option<Sp<String>>,
        /// Labels on the container, as a mapping or a list of `key=value`.
        #[serde(default)]
        pub labels: Labels,
        /// Annotations on the container, as a mapping or a list of `key=value`.
        pub annotations: Option<Carried<ListOrMap>>,
        /// Whether `docker compose up` attaches to the service's output (default true).
        pub attach: Option<Carried<bool>>,
        /// Block I/O limits: `weight`, `weight_device`, `device_read_bps`, ...
        pub blkio_config: Option<Carried<BlkioSpec>>,
        /// cgroup namespace: `host` or `private`.
        pub cgroup: Option<Carried<CgroupMode>>,
        /// Parent cgroup of the container.
        pub cgroup_parent: Option<Carried<Str>>,
        /// A fixed container name instead of Compose's `<project>-<service>-<n>`.
        pub container_name: Option<Carried<Str>>,
        /// Usable CPUs (Windows).
        pub cpu_count: Option<Carried<u64>>,
        /// Usable percentage of the CPUs (Windows), 0 to 100.
        pub cpu_percent: Option<Carried<u8>>,
        /// CFS scheduler period, in microseconds.
        pub cpu_period: Option<Carried<u64>>,
        /// CFS scheduler quota, in microseconds.
        pub cpu_quota: Option<Carried<u64>>,
        /// Real-time scheduler period, in microseconds (Compose 2.40 takes a number only).
        pub cpu_rt_period: Option<Carried<u64>>,
        /// Real-time scheduler runtime, in microseconds.
        pub cpu_rt_runtime: Option<Carried<u64>>,
        /// Relative CPU weight.
        pub cpu_shares: Option<Carried<u64>>,
        /// CPUs the container may use, e.g. `1.5`.
        pub cpus: Option<Carried<Cpus>>,
        /// CPUs the container may run on, e.g. `0-3` or `0,1`.
        pub cpuset: Option<Carried<Str>>,
        /// Credential spec of a managed service account (Windows): `config`, `file` or `registry`.
        pub credential_spec: Option<Carried<CredentialSpec>>,
        /// Device cgroup rules, e.g. `c 1:3 mr`.
        pub device_cgroup_rules: Option<Carried<Vec<Str>>>,
        /// Host devices: `/dev/ttyUSB0:/dev/ttyUSB0:rwm` or `{ source, target, permissions }`.
        pub devices: Option<Carried<Devices>>,
        /// DNS resolver options, e.g. `use-vc`.
        pub dns_opt: Option<Carried<Vec<Str>>>,
        /// DNS search domains: one or a list.
        pub dns_search: Option<Carried<StringOrList>>,
        /// Container domain name.
        pub domainname: Option<Carried<Str>>,
        /// Extra groups for the container's user.
        pub group_add: Option<Carried<Vec<Str>>>,
        /// Run an init process (tini) as PID 1.
        pub init: Option<Carried<bool>>,
        /// IPC namespace: `private`, `shareable`, `host`, `service:NAME` or `container:NAME`.
        pub ipc: Option<Carried<Str>>,
        /// Isolation technology (Windows: `process`, `hyperv`).
        pub isolation: Option<Carried<Str>>,
        /// Files of labels: one path or a list.
        pub label_file: Option<Carried<StringOrList>>,
        /// Links to other services, `service` or `service:alias`: extra DNS names on shared
        /// networks (they grant no reachability).
        pub links: Option<Carried<Vec<Str>>>,
        /// Logging driver and its options.
        pub logging: Option<Carried<LoggingSpec>>,
        /// Memory limit, e.g. `512m`.
        pub mem_limit: Option<Carried<Size>>,
        /// Memory soft limit, e.g. `256m`.
        pub mem_reservation: Option<Carried<Size>>,
        /// Swappiness, 0 to 100.
        pub mem_swappiness: Option<Carried<u8>>,
        /// Memory plus swap limit, e.g. `1g`, or `-1` for unlimited swap.
        pub memswap_limit: Option<Carried<SwapSize>>,
        /// Keep the kernel's OOM killer off this container.
        pub oom_kill_disable: Option<Carried<bool>>,
        /// OOM score adjustment, -1000 to 1000.
        pub oom_score_adj: Option<Carried<i32>>,
        /// PID namespace: `host`, `service:NAME` or `container:NAME`.
        pub pid: Option<Carried<Str>>,
        /// Most processes in the container (`-1`: unlimited).
        pub pids_limit: Option<Carried<i64>>,
        /// Platform of the image, e.g. `linux/arm64`.
        pub platform: Option<Carried<Str>>,
        /// Commands run in the container after it starts.
        pub post_start: Option<Carried<Vec<Hook>>>,
        /// Commands run in the container before it stops.
        pub pre_stop: Option<Carried<Vec<Hook>>>,
        /// Profiles the service belongs to; a service with profiles starts only when one is
        /// enabled (`docker compose --profile NAME`).
        pub profiles: Option<Carried<Vec<Profile>>>,
        /// When to pull the image: `always`, `never`, `missing`, `build`, `if_not_present`,
        /// `daily`, `weekly`, or `every_<duration>`.
        pub pull_policy: Option<Carried<PullPolicy>>,
        /// OCI runtime, e.g. `runc` or `runsc`.
        pub runtime: Option<Carried<Str>>,
        /// Size of `/dev/shm`, e.g. `64m`.
        pub shm_size: Option<Carried<Size>>,
        /// Keep stdin open.
        pub stdin_open: Option<Carried<bool>>,
        /// Time to wait after the stop signal before killing, e.g. `1m30s`.
        pub stop_grace_period: Option<Carried<Duration>>,
        /// Signal that stops the container, e.g. `SIGINT`.
        pub stop_signal: Option<Carried<Str>>,
        /// Storage driver options, e.g. `size: 20G`.
        pub storage_opt: Option<Carried<Map<Str>>>,
        /// Kernel parameters, as a mapping or a list of `name=value`.
        pub sysctls: Option<Carried<ListOrMap>>,
        /// tmpfs mounts: one path or a list (`/run`, `/tmp:size=64m`).
        pub tmpfs: Option<Carried<StringOrList>>,
        /// Allocate a terminal.
        pub tty: Option<Carried<bool>>,
        /// Resource limits: `nofile: 65535` or `nofile: { soft: 1024, hard: 65535 }`.
        pub ulimits: Option<Carried<Ulimits>>,
        /// User namespace mode, e.g. `host`.
        pub userns_mode: Option<Carried<Str>>,
        /// UTS namespace: `host`.
        pub uts: Option<Carried<Str>>,
    }
}

/// The Compose keys a service carries, in Compose's spelling, with their values.
macro_rules! carried_keys {
    ($ty:ident { $($field:ident),* $(,)? } without_extensions) => {
        impl $ty {
            /// The carried keys this mapping has, with the JSON Compose is to read.
            pub fn carried(&self) -> Vec<(String, crate::carried::Json)> {
                let mut out = Vec::new();
                $( if let Some(c) = &self.$field { out.push((stringify!($field).to_owned(), c.json.clone())); } )*
                out
            }
        }
    };
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $ty {
            /// The carried keys this mapping has, then its `x-` extensions, with the JSON
            /// Compose is to read.
            pub fn carried(&self) -> Vec<(String, crate::carried::Json)> {
                #[allow(unused_mut)]
                let mut out = Vec::new();
                $( if let Some(c) = &self.$field { out.push((stringify!($field).to_owned(), c.json.clone())); } )*
                out.extend(self.extensions.0.iter().cloned());
                out
            }
        }
    };
}

carried_keys!(ServiceSpec {
    build,
    env_file,
    annotations,
    attach,
    blkio_config,
    cgroup,
    cgroup_parent,
    container_name,
    cpu_count,
    cpu_percent,
    cpu_period,
    cpu_quota,
    cpu_rt_period,
    cpu_rt_runtime,
    cpu_shares,
    cpus,
    cpuset,
    credential_spec,
    device_cgroup_rules,
    devices,
    dns_opt,
    dns_search,
    domainname,
    group_add,
    init,
    ipc,
    isolation,
    label_file,
    links,
    logging,
    mem_limit,
    mem_reservation,
    mem_swappiness,
    memswap_limit,
    oom_kill_disable,
    oom_score_adj,
    pid,
    pids_limit,
    platform,
    post_start,
    pre_stop,
    profiles,
    pull_policy,
    runtime,
    shm_size,
    stdin_open,
    stop_grace_period,
    stop_signal,
    storage_opt,
    sysctls,
    tmpfs,
    tty,
    ulimits,
    userns_mode,
    uts,
});
carried_keys!(NetworkSpec { enable_ipv4 });
carried_keys!(SecretSpec { driver, driver_opts, labels, template_driver });
carried_keys!(ConfigSpec { labels, template_driver });
carried_keys!(VolumeSpec {});

spec_enum! {
    /// A cgroup namespace.
    pub enum CgroupMode {
        Host = "host",
        Private = "private",
    }
}

crate::carried::checked_text!(
    /// When Compose pulls an image.
    PullPolicy,
    "a pull policy (always, never, missing, build, if_not_present, daily, weekly, every_<duration>)",
    { "type": "string" },
    |t| match t {
        "always" | "never" | "missing" | "build" | "if_not_present" | "daily" | "weekly" => None,
        _ => match t.strip_prefix("every_") {
            Some(d) => crate::carried::duration_problem(d),
            None => Some("use always, never, missing, build, if_not_present, daily, weekly or every_<duration>".into()),
        },
    }
);

crate::carried::checked_text!(
    /// A swap limit: a size, or `-1` for unlimited swap.
    SwapSize,
    "a size such as 1g, or -1",
    { "type": ["string", "integer"] },
    |t| if t == "-1" { None } else { crate::carried::size_problem(t) }
);

spec_struct! {
    /// Block I/O limits.
    pub struct BlkioSpec ("blkio_config") {
        /// Relative weight, 10 to 1000.
        pub weight: Option<Sp<u16>>,
        /// Weights per device.
        #[serde(default)]
        pub weight_device: Vec<BlkioWeight>,
        /// Read rate per device, in bytes per second.
        #[serde(default)]
        pub device_read_bps: Vec<BlkioRate>,
        /// Read rate per device, in operations per second.
        #[serde(default)]
        pub device_read_iops: Vec<BlkioRate>,
        /// Write rate per device, in bytes per second.
        #[serde(default)]
        pub device_write_bps: Vec<BlkioRate>,
        /// Write rate per device, in operations per second.
        #[serde(default)]
        pub device_write_iops: Vec<BlkioRate>,
    }
}

spec_struct! {
    /// A device and its weight.
    pub struct BlkioWeight ("a device weight") {
        pub path: Sp<Str>,
        pub weight: Sp<u16>,
    }
}

spec_struct! {
    /// A device and its rate (a size per second, or a number of operations).
    pub struct BlkioRate ("a device rate") {
        pub path: Sp<Str>,
        pub rate: Sp<Size>,
    }
}

spec_struct! {
    /// A Windows credential spec.
    pub struct CredentialSpec ("credential_spec") {
        /// A config holding the spec.
        pub config: Option<Sp<Str>>,
        /// A file holding the spec.
        pub file: Option<Sp<Str>>,
        /// A registry value holding the spec.
        pub registry: Option<Sp<Str>>,
    }
}

spec_struct! {
    /// Logging driver and options.
    pub struct LoggingSpec ("logging") {
        /// Driver, e.g. `json-file`, `local`, `syslog`.
        pub driver: Option<Sp<Str>>,
        /// Driver options, e.g. `max-size: 10m`.
        #[serde(default)]
        pub options: Map<Option<Str>>,
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
        /// Compose's `priority`: the order in which the engine connects the networks.
        pub priority: Option<Carried<i32>>,
        /// Link-local addresses (`169.254.0.0/16`, `fe80::/10`) the container also has here.
        pub link_local_ips: Option<Carried<Vec<Str>>>,
        /// Options for the network driver on this endpoint.
        pub driver_opts: Option<Carried<Map<Str>>>,
        /// The interface name inside the container, e.g. `eth7`.
        pub interface_name: Option<Carried<Str>>,
    }
}

carried_keys!(AttachmentSpec { priority, link_local_ips, driver_opts, interface_name } without_extensions);

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

spec_enum! {
    /// When Swarm restarts a task.
    pub enum RestartCondition {
        None = "none",
        OnFailure = "on-failure",
        Any = "any",
    }
}

spec_struct! {
    /// Deployment settings.
    pub struct DeploySpec ("deploy") {
        /// `replicated` (default) or `global`.
        pub mode: Option<Sp<DeployMode>>,
        /// Placement constraints, e.g. `[node.role == manager]`, or Compose's mapping
        /// `{ constraints, preferences, max_replicas_per_node }`.
        #[serde(default)]
        pub placement: crate::forms::Placement,
        /// Resource limits.
        pub limits: Option<ResourcesSpec>,
        /// Resource reservations.
        pub reservations: Option<ResourcesSpec>,
        /// Compose's form of `limits` and `reservations`: `resources: { limits, reservations }`.
        /// Exclusive with the flat keys.
        pub resources: Option<Sp<DeployResourcesSpec>>,
        /// Swarm endpoint mode: `vip` (default) or `dnsrr`.
        pub endpoint_mode: Option<Sp<EndpointMode>>,
        /// Swarm restart condition: `none`, `on-failure` or `any`.
        pub restart_condition: Option<Sp<RestartCondition>>,
        /// Swarm rolling update: tasks updated at once.
        pub update_parallelism: Option<Sp<u32>>,
        /// Swarm rolling update: pause between batches, e.g. `10s`.
        pub update_delay: Option<Sp<Duration>>,
        /// Labels on the Swarm service, as a mapping or a list of `key=value`.
        #[serde(default)]
        pub labels: Labels,
        /// Compose's restart policy: `{ condition, delay, max_attempts, window }`. Exclusive
        /// with `restart_condition`.
        pub restart_policy: Option<Carried<RestartPolicySpec>>,
        /// Compose's rolling update settings: `{ parallelism, delay, failure_action, monitor,
        /// max_failure_ratio, order }`. Exclusive with `update_parallelism`/`update_delay`.
        pub update_config: Option<Carried<UpdateConfigSpec>>,
        /// Compose's rollback settings, the same keys as `update_config`.
        pub rollback_config: Option<Carried<UpdateConfigSpec>>,
    }
}

carried_keys!(DeploySpec { restart_policy, update_config, rollback_config } without_extensions);

spec_struct! {
    /// A restart policy (Compose's `deploy.restart_policy`).
    pub struct RestartPolicySpec ("restart_policy") {
        /// `none`, `on-failure` or `any`.
        pub condition: Option<Sp<RestartCondition>>,
        /// Wait between restarts, e.g. `5s`.
        pub delay: Option<Sp<Duration>>,
        /// Restarts before giving up.
        pub max_attempts: Option<Sp<u64>>,
        /// How long to wait before deciding a restart succeeded, e.g. `120s`.
        pub window: Option<Sp<Duration>>,
    }
}

spec_enum! {
    /// What a rolling update does when a task fails.
    pub enum FailureAction {
        Continue = "continue",
        Rollback = "rollback",
        Pause = "pause",
    }
}

spec_enum! {
    /// Whether a rolling update stops the old task first or starts the new one first.
    pub enum UpdateOrder {
        StopFirst = "stop-first",
        StartFirst = "start-first",
    }
}

spec_struct! {
    /// Rolling update (or rollback) settings.
    pub struct UpdateConfigSpec ("update_config") {
        /// Tasks updated at once.
        pub parallelism: Option<Sp<u64>>,
        /// Pause between batches, e.g. `10s`.
        pub delay: Option<Sp<Duration>>,
        /// `continue`, `rollback` or `pause`.
        pub failure_action: Option<Sp<FailureAction>>,
        /// How long to watch each task for failure, e.g. `30s`.
        pub monitor: Option<Sp<Duration>>,
        /// Failure rate tolerated, e.g. `0.1`.
        pub max_failure_ratio: Option<Sp<Cpus>>,
        /// `stop-first` or `start-first`.
        pub order: Option<Sp<UpdateOrder>>,
    }
}

spec_struct! {
    /// CPU and memory.
    pub struct ResourcesSpec ("resources") {
        /// CPUs, e.g. `0.5`.
        pub cpus: Option<Sp<Text>>,
        /// Memory, e.g. `512M`.
        pub memory: Option<Sp<String>>,
        /// The most processes (limits only).
        pub pids: Option<Carried<u64>>,
        /// Device reservations, e.g. GPUs: `[{ capabilities: [gpu], count: all }]`
        /// (reservations only).
        pub devices: Option<Carried<Vec<crate::forms::DeviceRequestSpec>>>,
        /// Swarm generic resources (reservations only).
        pub generic_resources: Option<Carried<Vec<crate::forms::GenericResourceSpec>>>,
    }
}

carried_keys!(ResourcesSpec { pids, devices, generic_resources } without_extensions);

spec_struct! {
    /// Compose's `deploy.resources`: the same `limits` and `reservations` as topoc's flat form.
    pub struct DeployResourcesSpec ("deploy.resources") {
        /// Resource limits.
        pub limits: Option<ResourcesSpec>,
        /// Resource reservations.
        pub reservations: Option<ResourcesSpec>,
    }
}

spec_struct! {
    /// A health check.
    pub struct HealthcheckSpec ("a healthcheck") {
        /// The check command, as a list (`["CMD", "curl", "-f", "http://localhost"]`) or string.
        /// Required unless `disable: true`.
        pub test: Option<Sp<Command>>,
        /// Time between checks, e.g. `30s`.
        pub interval: Option<Sp<Duration>>,
        /// Time a check may take.
        pub timeout: Option<Sp<Duration>>,
        /// Failures before the container is unhealthy.
        pub retries: Option<Sp<u32>>,
        /// Grace period after start.
        pub start_period: Option<Sp<Duration>>,
        /// Time between checks during the start period (engine 25+).
        pub start_interval: Option<Sp<Duration>>,
        /// Turn off the image's health check.
        pub disable: Option<Sp<bool>>,
    }
}

spec_struct! {
    /// A named volume.
    pub struct VolumeSpec ("a volume") extensible {
        /// Volume driver (default `local`).
        pub driver: Option<Sp<String>>,
        /// The volume already exists.
        pub external: Option<Sp<bool>>,
        /// The engine name of the volume, used verbatim.
        pub name: Option<Sp<String>>,
        /// Driver options.
        #[serde(default)]
        pub driver_opts: Map<Sp<Text>>,
        /// Labels on the volume, as a mapping or a list of `key=value`.
        #[serde(default)]
        pub labels: Labels,
    }
}

spec_struct! {
    /// A secret: from a file, from an environment variable at deploy time, or pre-existing.
    pub struct SecretSpec ("a secret") extensible {
        /// Path of the file holding the secret, written to compose.yaml as given (Compose
        /// resolves a relative path against the compose file's folder).
        pub file: Option<Sp<String>>,
        /// Environment variable holding the secret when deploying (Compose only).
        pub environment: Option<Sp<String>>,
        /// The secret already exists in the engine.
        pub external: Option<Sp<bool>>,
        /// The engine name of the secret.
        pub name: Option<Sp<String>>,
        /// Secret driver (Swarm).
        pub driver: Option<Carried<Str>>,
        /// Secret driver options (Swarm).
        pub driver_opts: Option<Carried<Map<Str>>>,
        /// Labels on the secret, as a mapping or a list of `key=value`.
        pub labels: Option<Carried<ListOrMap>>,
        /// Template driver for the secret's content, e.g. `golang` (Swarm).
        pub template_driver: Option<Carried<Str>>,
    }
}

spec_struct! {
    /// A config: from a file, from inline content, from an environment variable at deploy
    /// time, or pre-existing.
    pub struct ConfigSpec ("a config") extensible {
        /// Path of the file holding the config, written as given.
        pub file: Option<Sp<String>>,
        /// The config's content, inline.
        pub content: Option<Sp<String>>,
        /// Environment variable holding the config when deploying.
        pub environment: Option<Sp<String>>,
        /// The config already exists in the engine.
        pub external: Option<Sp<bool>>,
        /// The engine name of the config.
        pub name: Option<Sp<String>>,
        /// Labels on the config, as a mapping or a list of `key=value`.
        pub labels: Option<Carried<ListOrMap>>,
        /// Template driver for the config's content, e.g. `golang` (Swarm).
        pub template_driver: Option<Carried<Str>>,
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
