//! The deployment under test: the topology with every image replaced by the probe, deployed
//! with Docker Compose under a unique project name, and what the engine made of it.

use crate::engine::{Engine, NetworkCreate, Owner};
use crate::error::VerifyError;
use crate::inspect;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};
use topoc_model::{Command, Deploy, Driver, MountSource, NetworkMode, SelectorTarget, Target, Topology};

/// The port every probe container listens on for "any port" reachability.
pub(crate) const PROBE_PORT: u16 = 7000;

/// Rewrite a topology for verification: probe images listening on every port that matters,
/// relays as real forwarders, nothing that needs files or devices from the host, networks
/// renamed and re-parented so nothing touches the machine's real networks.
pub(crate) fn probe_topology(
    topo: &Topology,
    project: &str,
    image: &str,
    parents: &BTreeMap<String, String>,
    target: Target,
) -> Topology {
    let mut t = topo.clone();
    if target == Target::Swarm {
        // What a stack cannot carry (docs/targets.md) changes no path between tasks: drop it.
        for s in &mut t.services {
            for a in &mut s.attachments {
                a.addresses.clear();
                a.ip6 = None;
                a.mac = None;
                a.gw_priority = None;
            }
            for p in &mut s.ports {
                p.host_ip = None;
            }
        }
        for n in &mut t.networks {
            n.gateway = None;
            n.gateway6 = None;
            n.ip_range = None;
            n.subnet6 = None;
        }
    }
    t.name = project.to_owned();
    for n in &mut t.networks {
        if let Some(name) = &n.engine_name {
            n.engine_name = Some(format!("{name}-{project}"));
        }
        if let Some(parent) = &n.parent {
            n.parent = parents.get(parent).cloned();
        }
        if n.external && n.engine_name.is_none() {
            n.engine_name = Some(format!("{}-{project}", n.name));
        }
    }
    let names: Vec<String> = topo.services.iter().map(|s| s.name.clone()).collect();
    // Relay targets must listen on the ports relays forward to.
    let mut relay_ports: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    for s in &topo.services {
        for r in &s.relays {
            for target in relay_targets(topo, &r.to, &names) {
                relay_ports.entry(target).or_default().extend(r.ports.iter().copied());
            }
        }
    }
    for s in &mut t.services {
        let mut args = vec!["serve".to_owned(), "--listen".to_owned(), PROBE_PORT.to_string()];
        let extra = compose_names(s).into_iter().flat_map(|n| relay_ports.get(&n).cloned().unwrap_or_default());
        for port in s.ports.iter().map(|p| p.target).chain(extra).collect::<std::collections::BTreeSet<u16>>() {
            args.push("--listen".into());
            args.push(port.to_string());
        }
        for r in &s.relays {
            let targets = relay_targets(topo, &r.to, &names);
            let ports: Vec<u16> = if r.ports.is_empty() { vec![PROBE_PORT] } else { r.ports.clone() };
            let allowed: Vec<String> =
                targets.iter().flat_map(|name| ports.iter().map(move |p| format!("{name}:{p}"))).collect();
            for listen in r.listen.map(|l| vec![l]).unwrap_or_else(|| ports.clone()) {
                args.push("--listen".into());
                args.push(format!("{listen}={}", allowed.join(",")));
            }
        }
        if matches!(s.network_mode, NetworkMode::Service(_)) {
            // The owner of the namespace already listens on these ports.
            args = vec!["serve".to_owned()];
        }
        s.image = image.to_owned();
        s.command = Some(Command::Exec(args));
        s.entrypoint = None;
        s.environment.clear();
        if target == Target::Swarm {
            s.environment.push((crate::agent::TASKS_ENV.to_owned(), "1".to_owned()));
        }
        s.healthcheck = None;
        s.mounts.retain(|m| matches!(m.source, MountSource::Volume(_)));
        s.secrets.clear();
        s.user = None;
        s.read_only = None;
        s.privileged = false;
        s.cap_add.clear();
        s.cap_drop.clear();
        s.security_opt.clear();
        s.dns.clear();
        s.extra_hosts.clear();
        s.depends_on.clear();
        s.restart = None;
        s.gpus = None;
        s.working_dir = None;
        s.deploy = Deploy::default();
        // A host-mode probe would listen on the machine itself: not deployed, not verified.
        if matches!(s.network_mode, NetworkMode::Host) {
            s.network_mode = NetworkMode::None;
            s.ports.clear();
        }
    }
    t.secrets.clear();
    // Volumes carry no traffic: make them plain project volumes, removed with the project.
    for v in &mut t.volumes {
        v.external = false;
        v.engine_name = None;
        v.driver = None;
        v.driver_opts.clear();
    }
    t
}

/// DNS names a relay forwards to: the services its selector picks (`external` is the
/// stand-in internet, by address).
fn relay_targets(topo: &Topology, to: &topoc_model::Selector, names: &[String]) -> Vec<String> {
    let services: Vec<&topoc_model::Service> = match &to.target {
        SelectorTarget::Services(ids) => ids.iter().map(|id| topo.service(*id)).collect(),
        SelectorTarget::Network(n) => topo.services.iter().filter(|s| s.attachment(*n).is_some()).collect(),
        SelectorTarget::Template(t) => topo
            .services
            .iter()
            .filter(|s| matches!(s.origin, topoc_model::Origin::Template { template, .. } if template == *t))
            .collect(),
        SelectorTarget::All => topo.services.iter().collect(),
        SelectorTarget::External => return vec![crate::host::INET_NS.to_string()],
        SelectorTarget::Host => Vec::new(),
    };
    let _ = names;
    services.into_iter().flat_map(compose_names).collect()
}

/// The Compose service names a service becomes (replicas with their own addresses expand).
pub(crate) fn compose_names(s: &topoc_model::Service) -> Vec<String> {
    if s.attachments.iter().any(|a| a.addresses.len() > 1) {
        (1..=s.replicas).map(|i| format!("{}-{i}", s.name)).collect()
    } else {
        vec![s.name.clone()]
    }
}

/// The engine name Compose gives a network.
pub(crate) fn engine_network_name(project: &str, n: &topoc_model::Network) -> String {
    n.engine_name.clone().unwrap_or_else(|| format!("{project}_{}", n.name))
}

/// Networks declared external must exist before `up`: create them as the spec describes.
/// A stack can only use swarm-scoped external networks: bridges become attachable overlays,
/// LAN networks get `--scope swarm`.
pub(crate) fn create_external(
    engine: &dyn Engine,
    t: &Topology,
    target: Target,
    setup: &mut crate::host::HostSetup,
) -> Result<(), VerifyError> {
    let swarm = target == Target::Swarm;
    for n in t.networks.iter().filter(|n| n.external) {
        let name = n.engine_name.clone().unwrap_or_else(|| n.name.clone());
        let driver = if swarm && n.driver == Driver::Bridge { Driver::Overlay } else { n.driver };
        let subnet = n.subnet.as_ref().map(|s| s.net);
        let options = match (&n.parent, n.driver) {
            (Some(parent), Driver::Macvlan | Driver::Ipvlan) => vec![("parent".to_owned(), parent.clone())],
            _ => Vec::new(),
        };
        engine.create_network(&NetworkCreate {
            name: name.clone(),
            driver,
            attachable: swarm,
            swarm_scope: swarm && driver != Driver::Overlay,
            subnet,
            // As the emitters do: the model's gateway stated, so every engine applies the same.
            gateway: subnet.and_then(|_| n.effective_gateway()),
            ip_range: subnet.and(n.ip_range),
            internal: !n.egress,
            options,
        })?;
        setup.networks.push(name);
    }
    Ok(())
}

/// One deployed container: its Compose service (a stack's service) and the address the engine
/// gave it on each network, by the network's engine name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Container {
    pub(crate) id: String,
    pub(crate) service: String,
    pub(crate) networks: BTreeMap<String, IpAddr>,
}

impl Container {
    /// From `docker inspect`; an endpoint without an address (`none`) is left out.
    pub(crate) fn from_inspect(c: &inspect::Container, project: &str) -> Result<Container, VerifyError> {
        Ok(Container {
            id: c.id.clone(),
            service: c.service(project)?,
            networks: c
                .network_settings
                .networks
                .iter()
                .filter_map(|(name, e)| Some((name.clone(), e.ip_address?)))
                .collect(),
        })
    }
}

/// How many containers the deployment `t` runs: a service per replica (Compose expands
/// replicas with their own addresses into services of one container each); a stack runs no
/// container for a service on no network.
pub(crate) fn expected_containers(t: &Topology, target: Target) -> usize {
    if target == Target::Swarm {
        t.services
            .iter()
            .filter(|s| !matches!(s.network_mode, NetworkMode::None))
            .map(|s| s.replicas.max(1) as usize)
            .sum()
    } else {
        t.services
            .iter()
            .map(|s| {
                compose_names(s).len()
                    * if s.attachments.iter().any(|a| a.addresses.len() > 1) { 1 } else { s.replicas.max(1) as usize }
            })
            .sum()
    }
}

/// The project's containers once all are running (bounded wait).
pub(crate) fn running_containers(
    engine: &dyn Engine,
    project: &str,
    target: Target,
    expected: usize,
    timeout: Duration,
    deploy_said: &str,
) -> Result<Vec<Container>, VerifyError> {
    let deadline = Instant::now() + timeout;
    let owner = match target {
        Target::Swarm => Owner::Stack(project.to_owned()),
        Target::Compose => Owner::Project(project.to_owned()),
    };
    loop {
        let ids = engine.containers(&owner, false)?;
        if ids.len() >= expected {
            let mut out = engine
                .inspect_containers(&ids)?
                .iter()
                .map(|c| Container::from_inspect(c, project))
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by(|a, b| a.service.cmp(&b.service));
            return Ok(out);
        }
        if Instant::now() >= deadline {
            let mut states = engine.container_states(&owner);
            if target == Target::Swarm {
                let errors = engine.stack_task_errors(project);
                if !errors.is_empty() {
                    states.push_str(&format!("tasks not running:\n{errors}"));
                }
            }
            return Err(VerifyError::NotRunning {
                running: ids.len(),
                expected,
                seconds: timeout.as_secs(),
                states,
                deploy_said: deploy_said.trim().to_owned(),
            });
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Networks already on the engine whose subnets overlap the ones this run will create: Docker
/// would refuse to create ours ("Pool overlaps with other one on this address space"), or, in
/// a stack, leave the tasks that need them pending. Checked before anything is deployed, so
/// the user learns which leftover to remove instead of reading a half-deployed failure.
pub(crate) fn existing_overlaps(engine: &dyn Engine, t: &Topology) -> Result<Vec<String>, VerifyError> {
    Ok(overlaps_with(t, &engine.networks()?))
}

/// Create docker_gwbridge before `docker swarm init` would: Docker would give it the next /16
/// of its default pools, which can be a range the spec uses (pantheon's 172.30.x). Ours is the
/// first of Docker's own candidates that overlaps nothing in the spec or on the engine; the
/// options are the ones Docker documents for a custom docker_gwbridge.
pub(crate) fn create_gwbridge(engine: &dyn Engine, t: &Topology) -> Result<(), VerifyError> {
    let existing = engine.networks()?;
    let Some(subnet) = free_gwbridge_subnet(t, &existing) else {
        return Err(VerifyError::Refused("no free subnet for docker_gwbridge in Docker's default pools".into()));
    };
    let option = |k: &str, v: &str| (format!("com.docker.network.bridge.{k}"), v.to_owned());
    engine
        .create_network(&NetworkCreate {
            name: "docker_gwbridge".into(),
            driver: Driver::Bridge,
            attachable: false,
            swarm_scope: false,
            subnet: Some(subnet),
            gateway: None,
            ip_range: None,
            internal: false,
            options: vec![
                option("name", "docker_gwbridge"),
                option("enable_icc", "false"),
                option("enable_ip_masquerade", "true"),
            ],
        })
        .map_err(|e| VerifyError::Refused(format!("cannot create docker_gwbridge ({subnet}): {e}")))
}

/// The first of Docker's candidate pools for docker_gwbridge that overlaps nothing in the spec
/// or on the engine.
fn free_gwbridge_subnet(t: &Topology, existing: &[inspect::Network]) -> Option<ipnet::IpNet> {
    let taken = |candidate: &ipnet::IpNet| {
        let overlaps = |other: ipnet::IpNet| topoc_model::ipam::overlaps(*candidate, other);
        t.networks.iter().flat_map(|n| [&n.subnet, &n.subnet6]).flatten().any(|s| overlaps(s.net))
            || t.reserved.iter().any(|r| overlaps(r.net))
            || existing.iter().flat_map(|n| &n.ipam.config).any(|c| overlaps(c.subnet))
    };
    let sixteens = (18..=31u8).filter_map(|b| ipnet::Ipv4Net::new(Ipv4Addr::new(172, b, 0, 0), 16).ok());
    let twenties = (0..16u8).filter_map(|k| ipnet::Ipv4Net::new(Ipv4Addr::new(192, 168, k * 16, 0), 20).ok());
    sixteens.chain(twenties).map(ipnet::IpNet::V4).find(|c| !taken(c))
}

fn overlaps_with(t: &Topology, existing: &[inspect::Network]) -> Vec<String> {
    let mut found = Vec::new();
    for n in &t.networks {
        for ours in [&n.subnet, &n.subnet6].into_iter().flatten() {
            for theirs in existing {
                for c in theirs.ipam.config.iter().filter(|c| topoc_model::ipam::overlaps(ours.net, c.subnet)) {
                    found.push(format!(
                        "network `{}` ({}) overlaps the existing {} network `{}` ({})",
                        n.name, ours.net, theirs.scope, theirs.name, c.subnet
                    ));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSPECT: &str = r#"[
      {"Name": "bridge", "Scope": "local", "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]}},
      {"Name": "stale_monitoring", "Scope": "swarm", "IPAM": {"Config": [{"Subnet": "10.30.0.0/24"}]}},
      {"Name": "host", "Scope": "local", "IPAM": {"Config": []}},
      {"Name": "odd", "Scope": "local", "IPAM": {"Config": null}}
    ]"#;

    fn topology(spec: &str) -> Topology {
        let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("spec loads");
        topoc_model::resolve(&spec, &topoc_model::Lock::default()).topology.expect("resolves")
    }

    #[test]
    fn a_leftover_network_with_our_subnet_is_named() {
        let topo = topology(
            "topology: t\nnetworks:\n  monitoring: { subnet: 10.30.0.0/25 }\n  other: { subnet: 10.31.0.0/24 }\nservices:\n  a: { image: x, networks: [monitoring, other] }\n",
        );
        let existing = inspect::networks(INSPECT).expect("parses");
        let found = overlaps_with(&topo, &existing);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`monitoring`") && found[0].contains("stale_monitoring"), "{found:?}");
    }

    #[test]
    fn docker_gwbridge_avoids_the_spec_and_the_engine() {
        let topo = topology(
            "topology: t\nnetworks:\n  a: { subnet: 172.18.0.0/16 }\nservices:\n  s: { image: x, networks: [a] }\n",
        );
        let existing = inspect::networks(INSPECT).expect("parses");
        // 172.17 is the engine's bridge, 172.18 the spec's.
        assert_eq!(free_gwbridge_subnet(&topo, &existing), "172.19.0.0/16".parse().ok());
    }
}
