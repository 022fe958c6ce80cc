//! The Compose target: `compose.yaml` in the Compose Specification (no `version:` key).
//!
//! The render model (`ComposeModel`, version 1) is the contract with templates, documented in
//! docs/templates.md. It is already shaped like Compose: defaults made explicit, replicas with
//! per-replica addresses expanded, every `$` doubled so Compose interpolation leaves values as
//! written.

use crate::lazy::{Items, Model, Root, fields};
use crate::{EmitError, Provenance, Templates};
use serde::Serialize;
use std::net::IpAddr;
use std::sync::Arc;
use topoc_model::{
    Access, CarriedKeys, Command, DeployTimeValue, Driver, FileMount, MountSource, NetworkMode, Protocol, SecretSource,
    Service, Topology,
};

pub const TEMPLATE: &str = "compose.yaml.j2";

#[derive(Debug, Serialize)]
pub struct ComposeModel {
    /// Render model version; templates may check it.
    pub model_version: u32,
    pub header: String,
    pub name: String,
    pub services: Vec<ServiceView>,
    pub networks: Vec<NetworkView>,
    pub volumes: Vec<VolumeView>,
    pub secrets: Vec<SecretView>,
    pub configs: Vec<SecretView>,
    /// Top-level `x-` keys, as JSON values.
    pub extensions: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct NetworkView {
    pub key: String,
    pub name: Option<String>,
    pub external: bool,
    pub driver: String,
    pub internal: bool,
    pub attachable: bool,
    pub enable_ipv6: bool,
    pub driver_opts: Vec<(String, String)>,
    pub ipam: Vec<IpamView>,
    pub ipam_driver: Option<String>,
    pub ipam_options: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    /// Carried keys and `x-` extensions, as JSON values.
    pub carried: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct IpamView {
    pub subnet: String,
    pub gateway: Option<String>,
    pub ip_range: Option<String>,
    /// `aux_addresses` of this subnet's family: (name, address).
    pub aux_addresses: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct ServiceView {
    pub key: String,
    /// Absent for a service that only has `build`.
    pub image: Option<String>,
    pub command: Option<CommandView>,
    pub entrypoint: Option<CommandView>,
    /// Values are Compose text; `None` passes the caller's variable through.
    pub environment: Vec<(String, Option<String>)>,
    pub secrets: Vec<FileMountView>,
    pub configs: Vec<FileMountView>,
    pub volumes: Vec<MountView>,
    pub ports: Vec<PortView>,
    /// Compose's `expose`, each entry as written (`"8000-8010/udp"`).
    pub expose: Vec<String>,
    pub replicas: Option<u32>,
    /// Compose's `scale`, when the spec wrote the count so.
    pub scale: Option<u32>,
    pub deploy: Option<DeployView>,
    pub healthcheck: Option<HealthcheckView>,
    pub networks: Vec<AttachmentView>,
    pub network_mode: Option<String>,
    pub user: Option<String>,
    pub read_only: Option<bool>,
    pub privileged: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    pub hostname: Option<String>,
    pub dns: Vec<String>,
    pub extra_hosts: Vec<(String, String)>,
    pub depends_on: Vec<DependencyView>,
    pub restart: Option<String>,
    pub gpus: Option<String>,
    pub working_dir: Option<String>,
    pub labels: Vec<(String, String)>,
    /// Carried keys and `x-` extensions, as JSON values (already Compose text).
    pub carried: CarriedKeys,
}

/// A secret or config mounted into a service (Compose's long form).
#[derive(Debug, Serialize)]
pub struct FileMountView {
    pub source: String,
    pub target: Option<String>,
    pub uid: Option<String>,
    pub gid: Option<String>,
    pub mode: Option<topoc_model::Json>,
}

/// A `depends_on` entry, long form.
#[derive(Debug, Serialize)]
pub struct DependencyView {
    pub service: String,
    pub condition: &'static str,
    pub restart: bool,
    pub required: bool,
}

/// A command as Compose takes it: a string (shell form) or a list (exec form).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CommandView {
    Shell(String),
    Exec(Vec<String>),
}

#[derive(Debug, Serialize)]
pub struct MountView {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// `bind:`, `volume:` and `tmpfs:` options, as Compose's mappings (absent when empty).
    pub bind: Option<topoc_model::Json>,
    pub volume: Option<topoc_model::Json>,
    pub tmpfs: Option<topoc_model::Json>,
    pub consistency: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PortView {
    pub target: u16,
    /// Absent when the engine picks the host port.
    pub published: Option<String>,
    pub host_ip: Option<String>,
    pub protocol: &'static str,
    /// `host` when the port bypasses the Swarm routing mesh; absent for the default.
    pub mode: Option<&'static str>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DeployView {
    pub mode: Option<String>,
    pub placement: Vec<String>,
    /// `preferences`, `max_replicas_per_node`, as JSON.
    pub placement_carried: CarriedKeys,
    pub limits: Option<ResourcesView>,
    pub reservations: Option<ResourcesView>,
    pub endpoint_mode: Option<String>,
    pub restart_condition: Option<String>,
    pub update_parallelism: Option<u32>,
    pub update_delay: Option<String>,
    pub labels: Vec<(String, String)>,
    /// Compose's `restart_policy`, `update_config`, `rollback_config`, as JSON.
    pub carried: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct ResourcesView {
    pub cpus: Option<String>,
    pub memory: Option<String>,
    /// `pids`, `devices`, `generic_resources`, as JSON.
    pub carried: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct HealthcheckView {
    pub test: Option<CommandView>,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub retries: Option<u32>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    pub disable: bool,
}

#[derive(Debug, Serialize)]
pub struct AttachmentView {
    pub network: String,
    pub ipv4_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub aliases: Vec<String>,
    pub mac_address: Option<String>,
    pub gw_priority: Option<i32>,
    pub carried: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct VolumeView {
    pub key: String,
    pub name: Option<String>,
    pub external: bool,
    pub driver: Option<String>,
    pub driver_opts: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    /// `x-` extensions.
    pub carried: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct SecretView {
    pub key: String,
    pub name: Option<String>,
    pub file: Option<String>,
    pub environment: Option<String>,
    /// Inline content (configs).
    pub content: Option<String>,
    pub external: bool,
    /// Carried keys and `x-` extensions.
    pub carried: CarriedKeys,
}

/// A top-level secret or config.
pub(crate) fn secret_view(
    name: &str,
    engine_name: Option<&str>,
    source: &SecretSource,
    carried: &CarriedKeys,
) -> SecretView {
    SecretView {
        key: name.to_owned(),
        name: engine_name.map(esc),
        file: match source {
            SecretSource::File(f) => Some(esc(f)),
            _ => None,
        },
        environment: match source {
            SecretSource::Environment(e) => Some(esc(e)),
            _ => None,
        },
        content: match source {
            SecretSource::Content(c) => Some(esc(c)),
            _ => None,
        },
        external: matches!(source, SecretSource::External),
        carried: carried.clone(),
    }
}

/// A secret or config mounted into a service.
pub(crate) fn file_mount_view<I>(m: &FileMount<I>, name: &str) -> FileMountView {
    FileMountView {
        source: name.to_owned(),
        target: m.target.as_deref().map(esc),
        uid: m.uid.as_deref().map(esc),
        gid: m.gid.as_deref().map(esc),
        mode: m.mode.clone(),
    }
}

/// A service's environment as Compose text: literal values escaped, then the variables
/// Compose fills in when deploying.
pub(crate) fn environment(s: &Service) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = s.environment.iter().map(|(k, v)| (k.clone(), Some(esc(v)))).collect();
    out.extend(s.deploy_time_environment.iter().map(|(k, v)| match v {
        DeployTimeValue::PassThrough => (k.clone(), None),
        DeployTimeValue::Interpolated(t) => (k.clone(), Some(t.clone())),
    }));
    out
}

/// The image as Compose text, absent for a build-only service.
pub(crate) fn image(s: &Service) -> Option<String> {
    if s.image.is_empty() {
        None
    } else if s.image_interpolated {
        Some(s.image.clone())
    } else {
        Some(esc(&s.image))
    }
}

/// A mount, with its options as Compose's `bind:`, `volume:` and `tmpfs:` mappings.
pub(crate) fn mount_view(topo: &Topology, m: &topoc_model::Mount) -> MountView {
    use serde_json::{Map, Value};
    let (kind, source) = match &m.source {
        MountSource::Volume(v) => ("volume", Some(topo.volume(*v).name.clone())),
        MountSource::Anonymous => ("volume", None),
        MountSource::Bind(path) => ("bind", Some(esc(path))),
        MountSource::Tmpfs => ("tmpfs", None),
    };
    let o = &m.options;
    let object = |pairs: Vec<(&str, Option<Value>)>| {
        let map: Map<String, Value> = pairs.into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))).collect();
        (!map.is_empty()).then_some(Value::Object(map))
    };
    let bind = object(vec![
        ("propagation", o.propagation.map(|p| Value::from(p.as_str()))),
        ("create_host_path", o.create_host_path.then_some(Value::Bool(true))),
        ("selinux", o.selinux.map(|s| Value::from(s.as_str()))),
    ]);
    let volume = object(vec![
        ("nocopy", o.nocopy.then_some(Value::Bool(true))),
        ("subpath", o.subpath.as_deref().map(|s| Value::from(esc(s)))),
    ]);
    let tmpfs = object(vec![
        ("size", o.tmpfs_size.as_deref().map(|s| Value::from(esc(s)))),
        ("mode", o.tmpfs_mode.map(Value::from)),
    ]);
    MountView {
        kind,
        source,
        target: esc(&m.target),
        read_only: m.access == Access::Ro,
        bind,
        volume,
        tmpfs,
        consistency: o.consistency.as_deref().map(esc),
    }
}

/// Compose and the stack loader both interpolate `$VAR` and `${VAR}` in every value; `$$` is
/// a literal `$`.
pub(crate) fn esc(s: &str) -> String {
    s.replace('$', "$$")
}

pub(crate) fn esc_pairs(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.clone(), esc(v))).collect()
}

pub(crate) fn command(c: &Command) -> CommandView {
    match c {
        Command::Shell(s) => CommandView::Shell(esc(s)),
        Command::Exec(args) => CommandView::Exec(args.iter().map(|a| esc(a)).collect()),
    }
}

/// Whether a service's replicas carry their own static addresses, which Compose cannot give
/// one service: then each replica becomes a numbered service.
fn expands_replicas(s: &Service) -> bool {
    s.attachments.iter().any(|a| a.addresses.len() > 1)
}

/// The Compose service names a service becomes (`name`, or `name-1` .. `name-N`).
fn compose_names(s: &Service) -> Vec<String> {
    if expands_replicas(s) {
        (1..=s.replicas).map(|i| format!("{}-{i}", s.name)).collect()
    } else {
        vec![s.name.clone()]
    }
}

/// Build the render model of a topology.
pub fn model(topo: &Topology, provenance: &Provenance) -> ComposeModel {
    // Docker's default bridge exists on every engine: `network_mode: bridge` joins it undeclared.
    let networks = topo.networks.iter().filter(|n| !n.predefined).map(network).collect();
    let mut services = Vec::new();
    for s in &topo.services {
        if expands_replicas(s) {
            // Each numbered replica also answers to the base name (an alias on every network).
            for replica in 0..s.replicas as usize {
                services.push(service(topo, s, Some(replica)));
            }
        } else {
            services.push(service(topo, s, None));
        }
    }
    ComposeModel {
        model_version: 1,
        header: provenance.header(),
        name: topo.name.clone(),
        services,
        networks,
        volumes: topo
            .volumes
            .iter()
            .map(|v| VolumeView {
                key: v.name.clone(),
                name: v.engine_name.as_deref().map(esc),
                external: v.external,
                driver: v.driver.as_deref().map(esc),
                driver_opts: esc_pairs(&v.driver_opts),
                labels: v.labels.clone(),
                carried: v.carried.clone(),
            })
            .collect(),
        secrets: topo
            .secrets
            .iter()
            .map(|s| secret_view(&s.name, s.engine_name.as_deref(), &s.source, &s.carried))
            .collect(),
        configs: topo
            .configs
            .iter()
            .map(|c| secret_view(&c.name, c.engine_name.as_deref(), &c.source, &c.carried))
            .collect(),
        extensions: topo.extensions.clone(),
    }
}

fn network(n: &topoc_model::Network) -> NetworkView {
    let mut driver_opts: Vec<(String, String)> = Vec::new();
    if let Some(parent) = &n.parent {
        driver_opts.push(("parent".into(), esc(parent)));
    }
    if let Some(mode) = &n.mode {
        let key = if n.driver == Driver::Ipvlan { "ipvlan_mode" } else { "macvlan_mode" };
        driver_opts.push((key.into(), esc(mode)));
    }
    if n.encrypted {
        driver_opts.push(("encrypted".into(), String::new()));
    }
    if !n.icc {
        driver_opts.push(("com.docker.network.bridge.enable_icc".into(), "false".into()));
    }
    driver_opts.extend(esc_pairs(&n.driver_opts));
    let mut ipam = Vec::new();
    // Every subnet gets its gateway written out: engines have differed on the default
    // (docs/semantics.md#gateways), and a stated gateway means the same on all of them.
    for (subnet, gateway) in [(&n.subnet, n.effective_gateway()), (&n.subnet6, n.effective_gateway6())] {
        if let Some(s) = subnet {
            let v6 = s.net.network().is_ipv6();
            ipam.push(IpamView {
                subnet: s.net.to_string(),
                gateway: gateway.map(|g| g.to_string()),
                ip_range: n.ip_range.filter(|r| r.network().is_ipv6() == v6).map(|r| r.to_string()),
                aux_addresses: n
                    .aux_addresses
                    .iter()
                    .filter(|a| a.address.is_ipv6() == v6)
                    .map(|a| (esc(&a.name), a.address.to_string()))
                    .collect(),
            });
        }
    }
    let enable_ipv6 = ipam.iter().any(|i| i.subnet.contains(':'));
    NetworkView {
        key: n.name.clone(),
        name: n.engine_name.as_deref().map(esc),
        external: n.external,
        driver: n.driver.as_str().to_owned(),
        internal: !n.egress,
        attachable: n.attachable,
        enable_ipv6,
        driver_opts,
        ipam: if n.external { Vec::new() } else { ipam },
        ipam_driver: n.ipam_driver.as_deref().filter(|_| !n.external).map(esc),
        ipam_options: if n.external { Vec::new() } else { esc_pairs(&n.ipam_options) },
        labels: n.labels.clone(),
        carried: n.carried.clone(),
    }
}

fn service(topo: &Topology, s: &Service, replica: Option<usize>) -> ServiceView {
    let key = match replica {
        Some(i) => format!("{}-{}", s.name, i + 1),
        None => s.name.clone(),
    };
    let network_mode = match &s.network_mode {
        NetworkMode::Host => Some("host".to_owned()),
        NetworkMode::None => Some("none".to_owned()),
        NetworkMode::Service(id) => Some(format!("service:{}", compose_names(topo.service(*id))[0])),
        // Secure default: a service without networks gets none, not Compose's `default`.
        NetworkMode::Networks if s.attachments.is_empty() => Some("none".to_owned()),
        NetworkMode::Networks => None,
        NetworkMode::DefaultBridge => Some("bridge".to_owned()),
    };
    let networks = s
        .attachments
        .iter()
        .filter(|a| !topo.network(a.network).predefined)
        .map(|a| {
            let address = match replica {
                Some(i) => a.addresses.get(i),
                None => a.addresses.first(),
            };
            let mut aliases: Vec<String> = a.aliases.iter().map(|x| esc(x)).collect();
            if replica.is_some() && !aliases.contains(&s.name) {
                aliases.insert(0, s.name.clone());
            }
            AttachmentView {
                network: topo.network(a.network).name.clone(),
                ipv4_address: address.filter(|x| x.is_ipv4()).map(IpAddr::to_string),
                ipv6_address: address.filter(|x| x.is_ipv6()).or(a.ip6.as_ref()).map(IpAddr::to_string),
                aliases,
                mac_address: a.mac.clone(),
                gw_priority: a.gw_priority,
                carried: a.carried.clone(),
            }
        })
        .collect();
    let ports = s
        .ports
        .iter()
        .map(|p| PortView {
            target: p.target,
            published: match (p.published, p.published_range) {
                (Some(port), _) => Some(port.to_string()),
                (None, Some((first, last))) => Some(format!("{first}-{last}")),
                (None, None) => None,
            },
            host_ip: p.host_ip.map(|ip| ip.to_string()),
            protocol: match p.protocol {
                Protocol::Tcp => "tcp",
                Protocol::Udp => "udp",
            },
            mode: (p.mode == topoc_model::PortMode::Host).then_some("host"),
            name: p.name.as_deref().map(esc),
            app_protocol: p.app_protocol.as_deref().map(esc),
        })
        .collect();
    let volumes = s.mounts.iter().map(|m| mount_view(topo, m)).collect();
    let d = &s.deploy;
    let resources = |r: &topoc_model::Resources| {
        (r.cpus.is_some() || r.memory.is_some() || !r.carried.is_empty()).then(|| ResourcesView {
            cpus: r.cpus.as_deref().map(esc),
            memory: r.memory.as_deref().map(esc),
            carried: r.carried.clone(),
        })
    };
    let deploy = DeployView {
        mode: d.mode.map(|m| m.as_str().to_owned()),
        placement: d.placement.iter().map(|p| esc(p)).collect(),
        placement_carried: d.placement_carried.clone(),
        limits: resources(&d.limits),
        reservations: resources(&d.reservations),
        endpoint_mode: d.endpoint_mode.map(|m| m.as_str().to_owned()),
        restart_condition: d.restart_condition.as_deref().map(esc),
        update_parallelism: d.update_parallelism,
        update_delay: d.update_delay.as_deref().map(esc),
        labels: d.labels.clone(),
        carried: d.carried.clone(),
    };
    let has_deploy = !deploy.carried.is_empty()
        || deploy.mode.is_some()
        || !deploy.placement.is_empty()
        || !deploy.placement_carried.is_empty()
        || deploy.limits.is_some()
        || deploy.reservations.is_some()
        || deploy.endpoint_mode.is_some()
        || deploy.restart_condition.is_some()
        || deploy.update_parallelism.is_some()
        || deploy.update_delay.is_some()
        || !deploy.labels.is_empty();
    ServiceView {
        key,
        image: image(s),
        command: s.command.as_ref().map(command),
        entrypoint: s.entrypoint.as_ref().map(command),
        environment: environment(s),
        secrets: s.secrets.iter().map(|m| file_mount_view(m, &topo.secret(m.source).name)).collect(),
        configs: s.configs.iter().map(|m| file_mount_view(m, &topo.config(m.source).name)).collect(),
        volumes,
        ports,
        expose: s.expose.iter().map(|e| esc(&e.text)).collect(),
        replicas: (replica.is_none() && s.replicas != 1 && !s.scale_key).then_some(s.replicas),
        scale: (replica.is_none() && s.scale_key).then_some(s.replicas),
        deploy: has_deploy.then_some(deploy),
        healthcheck: s.healthcheck.as_ref().map(healthcheck),
        networks,
        network_mode,
        user: s.user.as_deref().map(esc),
        read_only: s.read_only,
        privileged: s.privileged,
        cap_add: s.cap_add.iter().map(|x| esc(x)).collect(),
        cap_drop: s.cap_drop.iter().map(|x| esc(x)).collect(),
        security_opt: s.security_opt.iter().map(|x| esc(x)).collect(),
        hostname: s.hostname.as_deref().map(esc),
        dns: s.dns.iter().map(|x| esc(x)).collect(),
        extra_hosts: esc_pairs(&s.extra_hosts),
        depends_on: s
            .depends_on
            .iter()
            .map(|d| DependencyView {
                service: compose_names(topo.service(d.service))[0].clone(),
                condition: d.condition.as_str(),
                restart: d.restart,
                required: d.required,
            })
            .collect(),
        restart: s.restart.map(|r| r.as_str().to_owned()),
        gpus: s.gpus.as_deref().map(esc),
        working_dir: s.working_dir.as_deref().map(esc),
        labels: s.labels.clone(),
        carried: s.carried.clone(),
    }
}

pub(crate) fn healthcheck(h: &topoc_model::Healthcheck) -> HealthcheckView {
    HealthcheckView {
        test: h.test.as_ref().map(command),
        interval: h.interval.as_deref().map(esc),
        timeout: h.timeout.as_deref().map(esc),
        retries: h.retries,
        start_period: h.start_period.as_deref().map(esc),
        start_interval: h.start_interval.as_deref().map(esc),
        disable: h.disable,
    }
}

/// Render `compose.yaml` for a topology.
pub fn render(topo: &Topology, provenance: &Provenance, templates: &Templates) -> Result<String, EmitError> {
    let env = templates.environment();
    let template = env.get_template(TEMPLATE)?;
    Ok(template.render(Root::value(model(topo, provenance)))?)
}

fields!(ComposeModel { model_version, header, name, services, networks, volumes, secrets, configs, extensions });
fields!(NetworkView {
    key,
    name,
    external,
    driver,
    internal,
    attachable,
    enable_ipv6,
    driver_opts,
    ipam,
    ipam_driver,
    ipam_options,
    labels,
    carried
});
fields!(ServiceView {
    key,
    image,
    command,
    entrypoint,
    environment,
    secrets,
    configs,
    volumes,
    ports,
    expose,
    replicas,
    scale,
    deploy,
    healthcheck,
    networks,
    network_mode,
    user,
    read_only,
    privileged,
    cap_add,
    cap_drop,
    security_opt,
    hostname,
    dns,
    extra_hosts,
    depends_on,
    restart,
    gpus,
    working_dir,
    labels,
    carried,
} kept: [deploy, healthcheck, environment]);

impl Model for ComposeModel {
    fn list(model: &Arc<Self>, name: &str) -> Option<minijinja::Value> {
        match name {
            "services" => Some(Items::value(model, |m: &ComposeModel| &m.services)),
            "networks" => Some(Items::value(model, |m: &ComposeModel| &m.networks)),
            _ => None,
        }
    }
}
