//! The Swarm target: a stack file for `docker stack deploy` (Compose file format 3.x).
//!
//! The render model (`StackModel`, version 1) is shaped like the stack file, as
//! `compose::ComposeModel` is shaped like `compose.yaml`. The stack format is narrower than
//! the Compose Specification, and `docker stack deploy` drops some of what it accepts without
//! a word, so this model holds only what a stack carries; `targets::check` refuses the rest
//! before anything is rendered (or, under `--allow-drop`, reports what this model leaves out):
//!
//! - `version: "3.9"`: the newest format Docker CLI 20.10 knows; later CLIs take it too. (Only
//!   newer CLIs read a missing `version` as 3.13; older ones defaulted to 1.0 and refused it.)
//! - No top-level `name:` (the format rejects it): the stack name is the `docker stack deploy`
//!   argument, which the header names.
//! - Networks are overlays (`bridge`, the spec's default driver, becomes `overlay`; macvlan and
//!   ipvlan networks the deployment would create are left out), `ipam.config` holds `subnet`
//!   only, no `enable_ipv6`.
//! - Attachments carry aliases only: a Swarm task cannot have a static address, so a service
//!   with per-replica addresses is one service with `deploy.replicas`.
//! - Ports use the long syntax with `published` as an integer, and no `host_ip`.
//! - `network_mode: host` becomes Swarm's predefined `host` network, declared external. Swarm
//!   has no `none` network for services: a service left without networks (refused unless the
//!   loss is accepted) is written without `networks`, and joins the stack's `default` network.
//! - `restart` becomes `deploy.restart_policy.condition`.
//! - `deploy.resources.*.cpus` is a string, as the format requires.

use crate::compose::{
    CommandView, FileMountView, HealthcheckView, MountView, ResourcesView, VolumeView, command, esc, esc_pairs,
};
use crate::lazy::{Items, Model, Root, fields};
use crate::{EmitError, Provenance, Templates};
use serde::Serialize;
use std::sync::Arc;
use topoc_model::{
    CarriedKeys, DeployMode, Driver, NetworkMode, PortMode, Protocol, RestartPolicy, SecretSource, Service, Topology,
};

pub const TEMPLATE: &str = "stack.yaml.j2";

/// The stack file format version written.
pub const FORMAT_VERSION: &str = "3.9";

#[derive(Debug, Serialize)]
pub struct StackModel {
    /// Render model version; templates may check it.
    pub model_version: u32,
    pub header: String,
    /// The stack name `docker stack deploy` must be given (the topology name), as comment text.
    pub stack: String,
    /// The file format version (`version:`).
    pub format_version: &'static str,
    pub services: Vec<ServiceView>,
    pub networks: Vec<NetworkView>,
    pub volumes: Vec<VolumeView>,
    pub secrets: Vec<SecretView>,
    pub configs: Vec<SecretView>,
    /// Top-level `x-` keys.
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
    pub driver_opts: Vec<(String, String)>,
    pub subnet: Option<String>,
    pub labels: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct ServiceView {
    pub key: String,
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
    pub deploy: Option<DeployView>,
    pub healthcheck: Option<HealthcheckView>,
    pub networks: Vec<AttachmentView>,
    pub user: Option<String>,
    pub working_dir: Option<String>,
    pub read_only: Option<bool>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub hostname: Option<String>,
    pub dns: Vec<String>,
    /// `host:address` entries (the list form every 3.x version reads).
    pub extra_hosts: Vec<String>,
    pub labels: Vec<(String, String)>,
    /// `x-` extensions (the stack file takes no carried keys: `targets::check` reports them).
    pub extensions: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct PortView {
    pub target: u16,
    /// Absent when Swarm picks the host port.
    pub published: Option<u16>,
    pub protocol: &'static str,
    /// `ingress` (the routing mesh) or `host`, always written.
    pub mode: &'static str,
}

#[derive(Debug, Serialize)]
pub struct DeployView {
    pub mode: Option<String>,
    pub replicas: Option<u32>,
    pub endpoint_mode: Option<String>,
    pub placement: Vec<String>,
    pub limits: Option<ResourcesView>,
    pub reservations: Option<ResourcesView>,
    pub restart_condition: Option<String>,
    pub update_parallelism: Option<u32>,
    pub update_delay: Option<String>,
    pub labels: Vec<(String, String)>,
    /// Compose's `restart_policy`, `update_config`, `rollback_config`, as JSON.
    pub carried: CarriedKeys,
}

#[derive(Debug, Serialize)]
pub struct AttachmentView {
    pub network: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SecretView {
    pub key: String,
    pub name: Option<String>,
    pub file: Option<String>,
    pub external: bool,
    /// `x-` extensions.
    pub extensions: CarriedKeys,
}

/// Whether a stack file can carry a config from this source (`targets::check` reports the rest).
fn stack_config_source(source: &SecretSource) -> bool {
    matches!(source, SecretSource::File(_) | SecretSource::External)
}

fn extensions(carried: &CarriedKeys) -> CarriedKeys {
    carried.iter().filter(|(k, _)| k.starts_with("x-")).cloned().collect()
}

/// Whether the stack can create this network: not a node-local macvlan/ipvlan network.
fn emitted(n: &topoc_model::Network) -> bool {
    !n.predefined && (n.external || !n.is_lan())
}

/// A key for a predefined network that no spec network uses.
fn free_key(base: &str, topo: &Topology) -> String {
    let taken = |k: &str| topo.networks.iter().any(|n| n.name == k);
    if !taken(base) {
        return base.to_owned();
    }
    (1..).map(|i| format!("{base}-{i}")).find(|k| !taken(k)).unwrap_or_else(|| base.to_owned())
}

/// Swarm's restart condition for a Compose restart policy.
fn restart_condition(r: RestartPolicy) -> &'static str {
    match r {
        RestartPolicy::No => "none",
        RestartPolicy::OnFailure => "on-failure",
        RestartPolicy::Always | RestartPolicy::UnlessStopped => "any",
    }
}

/// Build the render model of a topology.
pub fn model(topo: &Topology, provenance: &Provenance) -> StackModel {
    let host_key = free_key("host", topo);
    let services: Vec<ServiceView> = topo.services.iter().map(|s| service(topo, s, &host_key)).collect();
    let mut networks: Vec<NetworkView> = topo.networks.iter().filter(|n| emitted(n)).map(network).collect();
    if topo.services.iter().any(|s| matches!(s.network_mode, NetworkMode::Host)) {
        networks.push(NetworkView {
            key: host_key,
            name: Some("host".to_owned()),
            external: true,
            driver: String::new(),
            internal: false,
            attachable: false,
            driver_opts: Vec::new(),
            subnet: None,
            labels: Vec::new(),
        });
    }
    StackModel {
        model_version: 1,
        header: provenance.header(),
        stack: crate::escape::comment_text(&topo.name),
        format_version: FORMAT_VERSION,
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
                carried: extensions(&v.carried),
            })
            .collect(),
        secrets: topo
            .secrets
            .iter()
            .filter(|s| !matches!(s.source, SecretSource::Environment(_)))
            .map(|s| secret_view(&s.name, s.engine_name.as_deref(), &s.source, &s.carried))
            .collect(),
        configs: topo
            .configs
            .iter()
            .filter(|c| stack_config_source(&c.source))
            .map(|s| secret_view(&s.name, s.engine_name.as_deref(), &s.source, &s.carried))
            .collect(),
        extensions: topo.extensions.clone(),
    }
}

fn secret_view(key: &str, name: Option<&str>, source: &SecretSource, carried: &CarriedKeys) -> SecretView {
    SecretView {
        key: key.to_owned(),
        name: name.map(esc),
        file: match source {
            SecretSource::File(f) => Some(esc(f)),
            _ => None,
        },
        external: matches!(source, SecretSource::External),
        extensions: extensions(carried),
    }
}

fn network(n: &topoc_model::Network) -> NetworkView {
    let mut driver_opts: Vec<(String, String)> = Vec::new();
    if n.encrypted {
        driver_opts.push(("encrypted".into(), String::new()));
    }
    driver_opts.extend(esc_pairs(&n.driver_opts));
    NetworkView {
        key: n.name.clone(),
        name: n.engine_name.as_deref().map(esc),
        external: n.external,
        driver: match n.driver {
            // The spec's default driver is the target's own network: an overlay in a swarm.
            Driver::Bridge => Driver::Overlay.as_str().to_owned(),
            d => d.as_str().to_owned(),
        },
        internal: !n.egress,
        attachable: n.attachable,
        driver_opts,
        subnet: n.subnet.as_ref().filter(|s| s.net.network().is_ipv4()).map(|s| s.net.to_string()),
        labels: n.labels.clone(),
    }
}

fn service(topo: &Topology, s: &Service, host_key: &str) -> ServiceView {
    let networks: Vec<AttachmentView> = match &s.network_mode {
        NetworkMode::Host => vec![AttachmentView { network: host_key.to_owned(), aliases: Vec::new() }],
        NetworkMode::None | NetworkMode::Service(_) | NetworkMode::DefaultBridge => Vec::new(),
        NetworkMode::Networks => s
            .attachments
            .iter()
            .filter(|a| emitted(topo.network(a.network)))
            .map(|a| AttachmentView {
                network: topo.network(a.network).name.clone(),
                aliases: a.aliases.iter().map(|x| esc(x)).collect(),
            })
            .collect(),
    };
    let ports = s
        .ports
        .iter()
        .map(|p| PortView {
            target: p.target,
            published: p.published,
            protocol: match p.protocol {
                Protocol::Tcp => "tcp",
                Protocol::Udp => "udp",
            },
            mode: match p.mode {
                PortMode::Ingress => "ingress",
                PortMode::Host => "host",
            },
        })
        .collect();
    let volumes = s
        .mounts
        .iter()
        .map(|m| {
            let mut view: MountView = crate::compose::mount_view(topo, m);
            // The stack format has neither: Swarm never creates a missing host path, and
            // relabels nothing.
            if let Some(serde_json::Value::Object(bind)) = &mut view.bind {
                bind.remove("create_host_path");
                bind.remove("selinux");
                if bind.is_empty() {
                    view.bind = None;
                }
            }
            view
        })
        .collect();
    let d = &s.deploy;
    let resources = |r: &topoc_model::Resources| {
        (r.cpus.is_some() || r.memory.is_some()).then(|| ResourcesView {
            // `pids`, `devices`, `generic_resources` are the carried-key feature here.
            cpus: r.cpus.as_deref().map(esc),
            memory: r.memory.as_deref().map(esc),
            carried: Vec::new(),
        })
    };
    let deploy = DeployView {
        mode: d.mode.map(|m| m.as_str().to_owned()),
        replicas: (s.replicas != 1 && d.mode != Some(DeployMode::Global)).then_some(s.replicas),
        endpoint_mode: d.endpoint_mode.map(|m| m.as_str().to_owned()),
        placement: d.placement.iter().map(|p| esc(p)).collect(),
        limits: resources(&d.limits),
        reservations: resources(&d.reservations),
        restart_condition: d
            .restart_condition
            .as_deref()
            .map(esc)
            .or_else(|| s.restart.map(|r| restart_condition(r).to_owned())),
        update_parallelism: d.update_parallelism,
        update_delay: d.update_delay.as_deref().map(esc),
        labels: d.labels.clone(),
        carried: d.carried.clone(),
    };
    let has_deploy = !deploy.carried.is_empty()
        || deploy.mode.is_some()
        || deploy.replicas.is_some()
        || deploy.endpoint_mode.is_some()
        || !deploy.placement.is_empty()
        || deploy.limits.is_some()
        || deploy.reservations.is_some()
        || deploy.restart_condition.is_some()
        || deploy.update_parallelism.is_some()
        || deploy.update_delay.is_some()
        || !deploy.labels.is_empty();
    let secrets = s
        .secrets
        .iter()
        .filter(|m| !matches!(topo.secret(m.source).source, SecretSource::Environment(_)))
        .map(|m| crate::compose::file_mount_view(m, &topo.secret(m.source).name))
        .collect();
    let configs = s
        .configs
        .iter()
        .filter(|m| stack_config_source(&topo.config(m.source).source))
        .map(|m| crate::compose::file_mount_view(m, &topo.config(m.source).name))
        .collect();
    ServiceView {
        key: s.name.clone(),
        image: crate::compose::image(s),
        command: s.command.as_ref().map(command),
        entrypoint: s.entrypoint.as_ref().map(command),
        environment: crate::compose::environment(s),
        secrets,
        configs,
        volumes,
        ports,
        expose: s.expose.iter().map(|e| esc(&e.text)).collect(),
        deploy: has_deploy.then_some(deploy),
        healthcheck: s.healthcheck.as_ref().map(crate::compose::healthcheck),
        networks,
        user: s.user.as_deref().map(esc),
        working_dir: s.working_dir.as_deref().map(esc),
        read_only: s.read_only,
        cap_add: s.cap_add.iter().map(|x| esc(x)).collect(),
        cap_drop: s.cap_drop.iter().map(|x| esc(x)).collect(),
        hostname: s.hostname.as_deref().map(esc),
        dns: s.dns.iter().map(|x| esc(x)).collect(),
        extra_hosts: s.extra_hosts.iter().map(|(h, ip)| esc(&format!("{h}:{ip}"))).collect(),
        labels: s.labels.clone(),
        extensions: extensions(&s.carried),
    }
}

/// Render the stack file for a topology. Refusals are `targets::check`'s job: this renders
/// only what a stack carries.
pub fn render(topo: &Topology, provenance: &Provenance, templates: &Templates) -> Result<String, EmitError> {
    let env = templates.environment();
    let template = env.get_template(TEMPLATE)?;
    Ok(template.render(Root::value(model(topo, provenance)))?)
}

fields!(StackModel {
    model_version,
    header,
    stack,
    format_version,
    services,
    networks,
    volumes,
    secrets,
    configs,
    extensions,
});
fields!(NetworkView { key, name, external, driver, internal, attachable, driver_opts, subnet, labels });
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
    deploy,
    healthcheck,
    networks,
    user,
    working_dir,
    read_only,
    cap_add,
    cap_drop,
    hostname,
    dns,
    extra_hosts,
    labels,
    extensions,
} kept: [deploy, healthcheck]);

impl Model for StackModel {
    fn list(model: &Arc<Self>, name: &str) -> Option<minijinja::Value> {
        match name {
            "services" => Some(Items::value(model, |m: &StackModel| &m.services)),
            "networks" => Some(Items::value(model, |m: &StackModel| &m.networks)),
            _ => None,
        }
    }
}
