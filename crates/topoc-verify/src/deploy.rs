//! The deployment under test: the topology with every image replaced by the probe, deployed
//! with Docker Compose under a unique project name, and what the engine made of it.

use crate::exec;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};
use topoc_model::{Command, Deploy, Driver, MountSource, NetworkMode, SelectorTarget, Topology};

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
    swarm: bool,
) -> Topology {
    let mut t = topo.clone();
    if swarm {
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
        if swarm {
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
pub(crate) fn create_external(t: &Topology, swarm: bool, setup: &mut crate::host::HostSetup) -> Result<(), String> {
    for n in t.networks.iter().filter(|n| n.external) {
        let name = n.engine_name.clone().unwrap_or_else(|| n.name.clone());
        let driver = if swarm && n.driver == Driver::Bridge { Driver::Overlay } else { n.driver };
        let mut args = vec!["network".to_owned(), "create".into(), "--driver".into(), driver.as_str().into()];
        if swarm {
            args.push("--attachable".into());
            if driver != Driver::Overlay {
                args.extend(["--scope".into(), "swarm".into()]);
            }
        }
        if let Some(s) = &n.subnet {
            args.extend(["--subnet".into(), s.net.to_string()]);
            // As the emitters do: the model's gateway stated, so every engine applies the same.
            if let Some(g) = n.effective_gateway() {
                args.extend(["--gateway".into(), g.to_string()]);
            }
            if let Some(r) = n.ip_range {
                args.extend(["--ip-range".into(), r.to_string()]);
            }
        }
        if !n.egress {
            args.push("--internal".into());
        }
        if let (Some(parent), Driver::Macvlan | Driver::Ipvlan) = (&n.parent, n.driver) {
            args.extend(["--opt".into(), format!("parent={parent}")]);
        }
        args.push(name.clone());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        exec::check("docker", &refs, Duration::from_secs(30))?;
        setup.networks.push(name);
    }
    Ok(())
}

/// One deployed container: its Compose service and its address and gateway on each network.
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub(crate) id: String,
    pub(crate) service: String,
    pub(crate) networks: BTreeMap<String, (IpAddr, Option<IpAddr>)>,
}

/// The project's containers once all are running (bounded wait).
pub(crate) fn running_containers(
    project: &str,
    swarm: bool,
    expected: usize,
    timeout: Duration,
) -> Result<Vec<Container>, String> {
    let deadline = Instant::now() + timeout;
    let label = if swarm {
        format!("label=com.docker.stack.namespace={project}")
    } else {
        format!("label=com.docker.compose.project={project}")
    };
    loop {
        let ids = exec::check("docker", &["ps", "-q", "--no-trunc", "--filter", &label], Duration::from_secs(30))?;
        let ids: Vec<&str> = ids.lines().filter(|l| !l.is_empty()).collect();
        if ids.len() >= expected {
            let mut args = vec!["inspect"];
            args.extend(ids.iter().copied());
            let json = exec::check("docker", &args, Duration::from_secs(30))?;
            return parse_inspect(&json, project);
        }
        if Instant::now() >= deadline {
            let states = exec::run(
                "docker",
                &["ps", "-a", "--filter", &label, "--format", "{{.Names}} {{.Status}}"],
                None,
                Duration::from_secs(30),
            )
            .map(|o| o.stdout)
            .unwrap_or_default();
            let tasks = if swarm { deploy_task_errors(project) } else { String::new() };
            return Err(format!(
                "only {} of {expected} containers are running after {}s:\n{states}{tasks}",
                ids.len(),
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn parse_inspect(json: &str, project: &str) -> Result<Vec<Container>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("docker inspect: {e}"))?;
    let mut out = Vec::new();
    for c in value.as_array().into_iter().flatten() {
        let labels = &c["Config"]["Labels"];
        let service = match labels["com.docker.compose.service"].as_str() {
            Some(s) => s.to_owned(),
            // Swarm tasks: `<stack>_<service>`.
            None => labels["com.docker.swarm.service.name"]
                .as_str()
                .map(|s| s.strip_prefix(&format!("{project}_")).unwrap_or(s).to_owned())
                .unwrap_or_default(),
        };
        let mut networks = BTreeMap::new();
        if let Some(nets) = c["NetworkSettings"]["Networks"].as_object() {
            for (name, n) in nets {
                let ip = n["IPAddress"].as_str().and_then(|s| s.parse().ok());
                let gw = n["Gateway"].as_str().and_then(|s| s.parse().ok());
                if let Some(ip) = ip {
                    networks.insert(name.clone(), (ip, gw));
                }
            }
        }
        out.push(Container { id: c["Id"].as_str().unwrap_or_default().to_owned(), service, networks });
    }
    out.sort_by(|a, b| a.service.cmp(&b.service));
    Ok(out)
}

/// Networks already on the engine whose subnets overlap the ones this run will create: Docker
/// would refuse to create ours ("Pool overlaps with other one on this address space"), or, in
/// a stack, leave the tasks that need them pending. Checked before anything is deployed, so
/// the user learns which leftover to remove instead of reading a half-deployed failure.
pub(crate) fn existing_overlaps(t: &Topology) -> Result<Vec<String>, String> {
    Ok(overlaps_with(t, &engine_subnets()?))
}

/// `(name, scope, subnet)` of every network on the engine.
fn engine_subnets() -> Result<Vec<(String, String, ipnet::IpNet)>, String> {
    let ids = exec::check("docker", &["network", "ls", "-q", "--no-trunc"], Duration::from_secs(20))?;
    let ids: Vec<&str> = ids.lines().filter(|l| !l.is_empty()).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = vec!["network", "inspect"];
    args.extend(ids.iter().copied());
    let json = exec::check("docker", &args, Duration::from_secs(30))?;
    parse_network_subnets(&json)
}

/// Create docker_gwbridge before `docker swarm init` would: Docker would give it the next /16
/// of its default pools, which can be a range the spec uses (pantheon's 172.30.x). Ours is the
/// first of Docker's own candidates that overlaps nothing in the spec or on the engine; the
/// options are the ones Docker documents for a custom docker_gwbridge.
pub(crate) fn create_gwbridge(t: &Topology) -> Result<(), String> {
    let existing = engine_subnets()?;
    let taken = |candidate: &ipnet::IpNet| {
        let overlaps = |other: ipnet::IpNet| topoc_model::ipam::overlaps(*candidate, other);
        t.networks.iter().flat_map(|n| [&n.subnet, &n.subnet6]).flatten().any(|s| overlaps(s.net))
            || t.reserved.iter().any(|r| overlaps(r.net))
            || existing.iter().any(|(_, _, net)| overlaps(*net))
    };
    let candidates = (18..=31u8)
        .map(|b| ipnet::IpNet::V4(ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(172, b, 0, 0), 16).expect("valid /16")))
        .chain((0..16u8).map(|k| {
            ipnet::IpNet::V4(ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(192, 168, k * 16, 0), 20).expect("valid /20"))
        }));
    let Some(subnet) = candidates.into_iter().find(|c| !taken(c)) else {
        return Err("no free subnet for docker_gwbridge in Docker's default pools".into());
    };
    let subnet = subnet.to_string();
    exec::check(
        "docker",
        &[
            "network",
            "create",
            "--subnet",
            &subnet,
            "--opt",
            "com.docker.network.bridge.name=docker_gwbridge",
            "--opt",
            "com.docker.network.bridge.enable_icc=false",
            "--opt",
            "com.docker.network.bridge.enable_ip_masquerade=true",
            "docker_gwbridge",
        ],
        Duration::from_secs(30),
    )
    .map(|_| ())
    .map_err(|e| format!("cannot create docker_gwbridge ({subnet}): {e}"))
}

/// `(name, scope, subnet)` of each network in `docker network inspect` output.
fn parse_network_subnets(json: &str) -> Result<Vec<(String, String, ipnet::IpNet)>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("docker network inspect: {e}"))?;
    let mut out = Vec::new();
    for n in value.as_array().into_iter().flatten() {
        let name = n["Name"].as_str().unwrap_or_default().to_owned();
        let scope = n["Scope"].as_str().unwrap_or_default().to_owned();
        for c in n["IPAM"]["Config"].as_array().into_iter().flatten() {
            if let Some(subnet) = c["Subnet"].as_str().and_then(|s| s.parse::<ipnet::IpNet>().ok()) {
                out.push((name.clone(), scope.clone(), subnet));
            }
        }
    }
    Ok(out)
}

fn overlaps_with(t: &Topology, existing: &[(String, String, ipnet::IpNet)]) -> Vec<String> {
    let mut found = Vec::new();
    for n in &t.networks {
        for ours in [&n.subnet, &n.subnet6].into_iter().flatten() {
            for (name, scope, theirs) in existing {
                if topoc_model::ipam::overlaps(ours.net, *theirs) {
                    found.push(format!(
                        "network `{}` ({}) overlaps the existing {scope} network `{name}` ({theirs})",
                        n.name, ours.net
                    ));
                }
            }
        }
    }
    found
}

fn deploy_task_errors(project: &str) -> String {
    let errors = stack_task_errors(project);
    if errors.is_empty() { errors } else { format!("tasks not running:\n{errors}") }
}

/// What a "Pool overlaps" refusal during the deployment itself means. The engine held no
/// overlapping network beforehand (checked first), so Docker allocated one during the run: a
/// network without an IPv4 subnet (IPv6-only, or none given) takes one from Docker's default
/// pools (172.17-31.x and 192.168.x, 10.x for overlays), which can be one the spec also uses:
/// which one it takes depends on what the engine allocated before (the live suite hit this
/// with showcase's old 172.30.0.0/16 pool beside its IPv6-only tenant networks).
pub(crate) fn overlap_hint(stderr: &str) -> &'static str {
    if stderr.contains("Pool overlaps") {
        "\nhint: a network Docker gave a subnet of its own during this deployment (one the spec \
         leaves without an IPv4 subnet) took addresses the spec uses: move the spec's subnets \
         out of Docker's default pools (`topoc check` reports them as topoc::docker-pool-overlap) \
         or give every network an IPv4 subnet"
    } else {
        ""
    }
}

/// Why a stack's tasks are not running, from `docker stack ps` (the task errors Swarm keeps).
fn stack_task_errors(project: &str) -> String {
    exec::run(
        "docker",
        &["stack", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}", project],
        None,
        Duration::from_secs(30),
    )
    .map(|o| o.stdout.lines().filter(|l| !l.contains(" Running ")).map(|l| format!("  {l}\n")).collect::<String>())
    .unwrap_or_default()
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

    #[test]
    fn only_pool_overlaps_get_the_hint() {
        assert!(
            overlap_hint("Error response from daemon: Pool overlaps with other one on this address space")
                .contains("docker-pool-overlap")
        );
        assert_eq!(overlap_hint("Error response from daemon: network not found"), "");
    }

    #[test]
    fn inspect_output_yields_every_subnet() {
        let subnets = parse_network_subnets(INSPECT).expect("parses");
        let names: Vec<&str> = subnets.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["bridge", "stale_monitoring"]);
    }

    #[test]
    fn a_leftover_network_with_our_subnet_is_named() {
        let spec = "topology: t\nnetworks:\n  monitoring: { subnet: 10.30.0.0/25 }\n  other: { subnet: 10.31.0.0/24 }\nservices:\n  a: { image: x, networks: [monitoring, other] }\n";
        let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("spec loads");
        let topo = topoc_model::resolve(&spec, &topoc_model::Lock::default()).topology.expect("resolves");
        let existing = parse_network_subnets(INSPECT).expect("parses");
        let found = overlaps_with(&topo, &existing);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`monitoring`") && found[0].contains("stale_monitoring"), "{found:?}");
    }
}
