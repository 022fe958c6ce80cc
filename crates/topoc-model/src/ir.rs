//! The resolved topology: templates expanded, subnets allocated, addresses computed, every
//! reference turned into a typed id. Later stages (reachability, emitters) read only this.

use ipnet::IpNet;
use std::net::IpAddr;
use topoc_diag::Span;
pub use topoc_spec::{
    Access, Command, Condition, DeployMode, Driver, EndpointMode, Json, LintLevel, Listen, PortMode, Propagation,
    Protocol, RestartPolicy, Scope, Selinux, Verdict,
};

/// Compose keys carried outside the model, in Compose's spelling, as the JSON Compose is to
/// read: already Compose text (literal `$` doubled, interpolations kept). Emitters write them
/// unchanged.
pub type CarriedKeys = Vec<(String, Json)>;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
id_type!(NetworkId, ServiceId, VolumeId, SecretId, ConfigId, TemplateId, PoolId);

/// Where an object came from: written directly, or stamped by a template instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Declared,
    Template { template: TemplateId, instance: u32 },
}

#[derive(Debug, Clone)]
pub struct Topology {
    pub name: String,
    pub name_span: Span,
    pub defaults: Defaults,
    pub reserved: Vec<Reserved>,
    pub pools: Vec<Pool>,
    pub networks: Vec<Network>,
    pub services: Vec<Service>,
    pub volumes: Vec<Volume>,
    pub secrets: Vec<Secret>,
    pub configs: Vec<Config>,
    pub templates: Vec<Template>,
    pub policy: Policy,
    /// Top-level `x-` keys.
    pub extensions: CarriedKeys,
    /// The spec's `lints` entries, as written (validated by the linter).
    pub lints: Vec<LintSetting>,
}

/// One `lints` entry: a code or group name and its level.
#[derive(Debug, Clone)]
pub struct LintSetting {
    pub name: String,
    pub name_span: Span,
    pub level: LintLevel,
    pub span: Span,
}

impl Topology {
    pub fn network(&self, id: NetworkId) -> &Network {
        &self.networks[id.index()]
    }
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }
    pub fn volume(&self, id: VolumeId) -> &Volume {
        &self.volumes[id.index()]
    }
    pub fn secret(&self, id: SecretId) -> &Secret {
        &self.secrets[id.index()]
    }
    pub fn config(&self, id: ConfigId) -> &Config {
        &self.configs[id.index()]
    }
    pub fn template(&self, id: TemplateId) -> &Template {
        &self.templates[id.index()]
    }
}

#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub egress: bool,
    pub host_ip: Option<IpAddr>,
    pub restart: Option<RestartPolicy>,
    /// What services that declare no listening port listen on (`None`: all ports).
    pub listen: Option<Listen>,
}

/// A range nothing may overlap.
#[derive(Debug, Clone)]
pub struct Reserved {
    pub name: String,
    pub net: IpNet,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: PoolId,
    pub name: String,
    pub span: Span,
    pub range: IpNet,
    pub prefix: u8,
}

/// Where a network's subnet came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetSource {
    Explicit,
    /// Allocated from a pool; `locked` when the lock file already held it.
    Pool {
        pool: PoolId,
        locked: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub net: IpNet,
    pub span: Span,
    pub source: SubnetSource,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub id: NetworkId,
    pub name: String,
    pub span: Span,
    /// The engine's name when the spec fixes it (`name:`), else Compose derives one.
    pub engine_name: Option<String>,
    pub driver: Driver,
    pub external: bool,
    pub subnet: Option<Subnet>,
    pub gateway: Option<IpAddr>,
    pub ip_range: Option<IpNet>,
    pub subnet6: Option<Subnet>,
    pub gateway6: Option<IpAddr>,
    /// Addresses the engine's IPAM must not hand out (Compose's `aux_addresses`), by name, in
    /// the spec's order; static addresses must avoid them and ranges skip them.
    pub aux_addresses: Vec<AuxAddress>,
    /// The IPAM driver (`ipam.driver`) and its options, when the spec names them.
    pub ipam_driver: Option<String>,
    pub ipam_options: Vec<(String, String)>,
    /// Members reach the outside world; false means `internal: true`.
    pub egress: bool,
    pub egress_span: Span,
    pub attachable: bool,
    pub encrypted: bool,
    pub icc: bool,
    pub parent: Option<String>,
    pub mode: Option<String>,
    pub driver_opts: Vec<(String, String)>,
    /// Labels as Compose text (a literal `$` doubled, an interpolation as written), as for
    /// services, volumes and `deploy.labels`.
    pub labels: Vec<(String, String)>,
    pub origin: Origin,
    /// Carried keys and `x-` extensions.
    pub carried: CarriedKeys,
    /// Docker's default `bridge` network (docker0), which `network_mode: bridge` joins: topoc
    /// neither creates nor declares it, allocates it no subnet (the engine chose one, 172.17.0.0/16
    /// unless the daemon says otherwise), and its members reach each other by address only
    /// (no embedded DNS there; `links` give names).
    pub predefined: bool,
}

/// A reserved address of a network (`aux_addresses`).
#[derive(Debug, Clone)]
pub struct AuxAddress {
    pub name: String,
    pub address: IpAddr,
    pub span: Span,
}

impl Network {
    /// The reserved address `addr` is, if it is one.
    pub fn aux_address(&self, addr: IpAddr) -> Option<&AuxAddress> {
        self.aux_addresses.iter().find(|a| a.address == addr)
    }

    /// The gateway of `subnet` on the engine: the declared `gateway`, else the one Docker's IPAM
    /// takes ([`crate::ipam::default_gateway`], which follows `ip_range`). The emitters write it
    /// out, so the artifact does not leave it to the engine.
    pub fn effective_gateway(&self) -> Option<IpAddr> {
        self.gateway.or_else(|| crate::ipam::default_gateway(self.subnet.as_ref()?.net, self.ip_range))
    }

    /// The gateway of `subnet6`, by the same rule as [`Network::effective_gateway`].
    pub fn effective_gateway6(&self) -> Option<IpAddr> {
        self.gateway6.or_else(|| crate::ipam::default_gateway(self.subnet6.as_ref()?.net, self.ip_range))
    }

    pub fn is_lan(&self) -> bool {
        matches!(self.driver, Driver::Macvlan | Driver::Ipvlan)
    }
}

#[derive(Debug, Clone)]
pub enum NetworkMode {
    /// Attached to the networks listed (possibly none: no network at all).
    Networks,
    Host,
    None,
    Service(ServiceId),
    /// `network_mode: bridge`: Docker's default bridge (docker0), the service's one attachment
    /// is to the predefined network [`Network::predefined`] that stands for it.
    DefaultBridge,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub network: NetworkId,
    /// The attachment's key in the spec.
    pub span: Span,
    /// Static addresses, one per replica (empty: dynamic).
    pub addresses: Vec<IpAddr>,
    pub address_span: Span,
    pub ip6: Option<IpAddr>,
    pub aliases: Vec<String>,
    pub mac: Option<String>,
    pub mac_span: Span,
    pub gw_priority: Option<i32>,
    /// Compose's `priority`, `link_local_ips`, `driver_opts`, `interface_name`.
    pub carried: CarriedKeys,
}

#[derive(Debug, Clone)]
pub struct PublishedPort {
    pub target: u16,
    /// The host port; `None` when Compose (or the engine) picks a free one.
    pub published: Option<u16>,
    /// A host range of which the engine picks a free port (`8000-8010:80`, `published:
    /// "8000-8010"`); `published` is then `None`. A container range (`8000-8010:8000-8010`) is
    /// one port per pair instead, as Compose expands it.
    pub published_range: Option<(u16, u16)>,
    pub host_ip: Option<IpAddr>,
    pub protocol: Protocol,
    pub mode: PortMode,
    pub span: Span,
    /// Compose's `name` and `app_protocol` (documentation only).
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

impl PublishedPort {
    /// The host port as words: `8080`, or `an ephemeral port`.
    pub fn host_port(&self) -> String {
        match (self.published, self.published_range) {
            (Some(p), _) => p.to_string(),
            (None, Some((first, last))) => format!("{first}-{last} (the engine picks one)"),
            (None, None) => "an ephemeral port".to_owned(),
        }
    }
}

/// One `expose` entry: a port or an inclusive range, with its protocol, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposedPorts {
    pub first: u16,
    pub last: u16,
    pub protocol: Protocol,
    /// The entry as written (`"8000-8010/udp"`), which is what Compose is given.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum MountSource {
    Volume(VolumeId),
    /// A volume the engine creates for this container, with no name in the spec.
    Anonymous,
    Bind(String),
    Tmpfs,
}

#[derive(Debug, Clone)]
pub struct Mount {
    pub source: MountSource,
    pub target: String,
    pub access: Access,
    pub span: Span,
    pub options: MountOptions,
}

/// Mount options that do not change what is mounted or who may write it.
#[derive(Debug, Clone, Default)]
pub struct MountOptions {
    pub propagation: Option<Propagation>,
    pub create_host_path: bool,
    pub selinux: Option<Selinux>,
    pub nocopy: bool,
    pub subpath: Option<String>,
    /// tmpfs size, as written (`64m`).
    pub tmpfs_size: Option<String>,
    pub tmpfs_mode: Option<u32>,
    pub consistency: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Relay {
    pub to: Selector,
    pub ports: Vec<u16>,
    pub listen: Option<u16>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Deploy {
    pub mode: Option<DeployMode>,
    pub placement: Vec<String>,
    /// Compose's `placement.preferences` and `placement.max_replicas_per_node`, as JSON.
    pub placement_carried: CarriedKeys,
    pub limits: Resources,
    pub reservations: Resources,
    pub endpoint_mode: Option<EndpointMode>,
    pub restart_condition: Option<String>,
    pub update_parallelism: Option<u32>,
    pub update_delay: Option<String>,
    pub labels: Vec<(String, String)>,
    /// Compose's `restart_policy`, `update_config` and `rollback_config`, as JSON.
    pub carried: CarriedKeys,
}

#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub cpus: Option<String>,
    pub memory: Option<String>,
    /// Compose's `pids`, `devices` and `generic_resources`, as JSON.
    pub carried: CarriedKeys,
}

#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// `None` with `disable`.
    pub test: Option<Command>,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub retries: Option<u32>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    pub disable: bool,
}

/// A service's dependency on another.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub service: ServiceId,
    pub condition: Condition,
    pub restart: bool,
    pub required: bool,
}

/// A secret or config mounted into a service.
#[derive(Debug, Clone)]
pub struct FileMount<I> {
    pub source: I,
    pub target: Option<String>,
    pub uid: Option<String>,
    pub gid: Option<String>,
    /// As Compose is to read it (a number).
    pub mode: Option<Json>,
}

/// An environment variable Compose resolves when deploying.
#[derive(Debug, Clone)]
pub enum DeployTimeValue {
    /// The caller's variable of the same name (`KEY` with no value).
    PassThrough,
    /// A Compose interpolation, e.g. `${DB_PASSWORD:?}`.
    Interpolated(String),
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub span: Span,
    /// The image; empty when the service only has `build` (Compose then names it).
    pub image: String,
    /// The image is a Compose interpolation (`nginx:${TAG}`), resolved when deploying.
    pub image_interpolated: bool,
    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    /// Variables with literal values.
    pub environment: Vec<(String, String)>,
    /// Variables whose values Compose fills in when deploying (after the literal ones).
    pub deploy_time_environment: Vec<(String, DeployTimeValue)>,
    pub secrets: Vec<FileMount<SecretId>>,
    pub configs: Vec<FileMount<ConfigId>>,
    pub mounts: Vec<Mount>,
    pub ports: Vec<PublishedPort>,
    /// Compose's `expose`: ports it listens on without publishing them.
    pub expose: Vec<ExposedPorts>,
    pub replicas: u32,
    /// The spec wrote the count as Compose's `scale` (emitted so), not `replicas`.
    pub scale_key: bool,
    pub deploy: Deploy,
    pub healthcheck: Option<Healthcheck>,
    pub attachments: Vec<Attachment>,
    pub network_mode: NetworkMode,
    pub network_mode_span: Span,
    pub relays: Vec<Relay>,
    pub user: Option<String>,
    pub read_only: Option<bool>,
    pub privileged: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    pub hostname: Option<String>,
    pub dns: Vec<String>,
    pub extra_hosts: Vec<(String, String)>,
    pub depends_on: Vec<Dependency>,
    pub restart: Option<RestartPolicy>,
    pub gpus: Option<String>,
    pub working_dir: Option<String>,
    pub labels: Vec<(String, String)>,
    pub origin: Origin,
    /// Carried keys and `x-` extensions, in Compose's spelling.
    pub carried: CarriedKeys,
    /// Where the settings the linter judges are written.
    pub spans: ServiceSpans,
}

/// Spans of a service's settings, for findings that point at them. A setting the spec leaves
/// out has no span (`None`, or an empty list); findings then point at the service's name.
#[derive(Debug, Clone, Default)]
pub struct ServiceSpans {
    pub image: Option<Span>,
    pub user: Option<Span>,
    pub read_only: Option<Span>,
    pub privileged: Option<Span>,
    /// One per `cap_add` entry, in order.
    pub cap_add: Vec<Span>,
    /// One per `cap_drop` entry, in order.
    pub cap_drop: Vec<Span>,
    /// One per `security_opt` entry, in order.
    pub security_opt: Vec<Span>,
    /// One (key, value) pair per `environment` entry, in order.
    pub environment: Vec<(Span, Span)>,
    pub restart: Option<Span>,
    pub deploy_limits: Option<Span>,
}

impl Service {
    pub fn attachment(&self, network: NetworkId) -> Option<&Attachment> {
        self.attachments.iter().find(|a| a.network == network)
    }
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub id: VolumeId,
    pub name: String,
    pub span: Span,
    pub driver: Option<String>,
    pub external: bool,
    pub engine_name: Option<String>,
    pub driver_opts: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    pub origin: Origin,
    /// `x-` extensions.
    pub carried: CarriedKeys,
}

#[derive(Debug, Clone)]
pub enum SecretSource {
    File(String),
    Environment(String),
    External,
    /// Inline content (configs only).
    Content(String),
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub id: SecretId,
    pub name: String,
    pub span: Span,
    pub source: SecretSource,
    pub engine_name: Option<String>,
    /// Carried keys (`driver`, `labels`, ...) and `x-` extensions.
    pub carried: CarriedKeys,
}

/// A config: like a secret, for files that are not secret.
#[derive(Debug, Clone)]
pub struct Config {
    pub id: ConfigId,
    pub name: String,
    pub span: Span,
    pub source: SecretSource,
    pub engine_name: Option<String>,
    pub carried: CarriedKeys,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub id: TemplateId,
    pub name: String,
    pub span: Span,
    pub instances: Vec<String>,
}

/// What a selector picks. Resolved against the topology; `text` is what the user wrote.
#[derive(Debug, Clone)]
pub struct Selector {
    pub text: String,
    pub span: Span,
    pub target: SelectorTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorTarget {
    /// Services by exact name or glob; the matches, in service order.
    Services(Vec<ServiceId>),
    /// The members of a network.
    Network(NetworkId),
    /// The members of every instance of a template.
    Template(TemplateId),
    Host,
    External,
    /// Every service.
    All,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub verdict: Verdict,
    pub from: Selector,
    pub to: Selector,
    pub ports: Vec<u16>,
    pub scope: Option<Scope>,
    pub reason: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct VolumePolicy {
    pub volume: VolumeId,
    pub span: Span,
    pub writers: Vec<Selector>,
    pub readers: Vec<Selector>,
}

#[derive(Debug, Clone)]
pub struct Policy {
    /// Whether the spec has a `policy` section; without one nothing is judged.
    pub declared: bool,
    pub default: Verdict,
    pub default_span: Span,
    pub rules: Vec<Rule>,
    pub volumes: Vec<VolumePolicy>,
}
