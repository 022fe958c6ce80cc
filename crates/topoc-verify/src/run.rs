//! One verify run: set up the host, deploy, plan and send the probes, compare, tear down —
//! teardown also on failure and on Ctrl-C.

use crate::agent::{self, Target};
use crate::deploy::{self, Container, PROBE_PORT};
use crate::exec;
use crate::host::{self, HostSetup};
use crate::probe::{Kind, Origin, Probe};
use crate::{Options, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use topoc_model::{NetworkId, NetworkMode, Topology};
use topoc_reach::{Analysis, Endpoint, Via};

/// Everything to undo: the compose project and the host setup.
#[derive(Debug, Default)]
pub(crate) struct Cleanup {
    pub(crate) compose: Option<(Vec<String>, String, std::path::PathBuf)>,
    /// A deployed stack: removed, then its networks waited for.
    pub(crate) stack: Option<(String, std::path::PathBuf)>,
    /// verify initialised the swarm, so it leaves it again.
    pub(crate) leave_swarm: bool,
    /// docker_gwbridge did not exist before: removed after leaving, since it outlives the
    /// swarm and its /20 would collide with later deployments.
    pub(crate) remove_gwbridge: bool,
    pub(crate) setup: HostSetup,
    /// The probe image, when this run imported it: removed last, once no container uses it.
    pub(crate) image: Option<String>,
    pub(crate) done: bool,
}

impl Cleanup {
    pub(crate) fn run(&mut self) -> Vec<String> {
        if self.done {
            return Vec::new();
        }
        self.done = true;
        let mut problems = Vec::new();
        if let Some((compose, project, file)) = self.compose.take() {
            let mut args: Vec<String> = compose[1..].to_vec();
            args.extend(["-p".into(), project.clone(), "-f".into(), file.display().to_string()]);
            args.extend(["down".into(), "-v".into(), "--remove-orphans".into(), "--timeout".into(), "1".into()]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            if let Err(e) = exec::check(&compose[0], &refs, Duration::from_secs(120)) {
                problems.push(e);
            }
            let _ = std::fs::remove_file(&file);
        }
        if let Some((stack, file)) = self.stack.take() {
            if let Err(e) = exec::check("docker", &["stack", "rm", &stack], Duration::from_secs(120)) {
                problems.push(e);
            }
            // Stack removal is asynchronous: wait (bounded) until the tasks' containers and
            // then the networks are gone, so nothing outlives the run.
            let label = format!("label=com.docker.stack.namespace={stack}");
            let deadline = Instant::now() + Duration::from_secs(120);
            for what in [&["ps", "-aq", "--filter"][..], &["network", "ls", "-q", "--filter"][..]] {
                while Instant::now() < deadline {
                    let mut args = what.to_vec();
                    args.push(&label);
                    let left = exec::run("docker", &args, None, Duration::from_secs(20))
                        .map(|o| o.stdout.trim().to_owned())
                        .unwrap_or_default();
                    if left.is_empty() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
            // `docker stack rm` keeps the stack's volumes: remove them (only the stack's own,
            // by its namespace label), now that no task container holds them.
            let volumes =
                exec::run("docker", &["volume", "ls", "-q", "--filter", &label], None, Duration::from_secs(20))
                    .map(|o| o.stdout)
                    .unwrap_or_default();
            for v in volumes.lines().filter(|l| !l.is_empty()) {
                if let Err(e) = exec::check("docker", &["volume", "rm", v], Duration::from_secs(30)) {
                    problems.push(format!("stack volume {v} could not be removed: {e}"));
                }
            }
            // Networks that outlived the wait are removed by name: left to `swarm leave`, a
            // swarm-scoped network can linger on the engine with its subnet still taken.
            let left = exec::run("docker", &["network", "ls", "-q", "--filter", &label], None, Duration::from_secs(20))
                .map(|o| o.stdout)
                .unwrap_or_default();
            for id in left.lines().filter(|l| !l.is_empty()) {
                if let Err(e) = exec::check("docker", &["network", "rm", id], Duration::from_secs(30)) {
                    problems.push(format!("stack network {id} could not be removed: {e}"));
                }
            }
            let _ = std::fs::remove_file(&file);
        }
        problems.extend(self.setup.teardown());
        if self.leave_swarm
            && let Err(e) = exec::check("docker", &["swarm", "leave", "--force"], Duration::from_secs(60))
        {
            problems.push(e);
        }
        // Also when `swarm init` failed after verify created the bridge for it.
        if self.remove_gwbridge {
            let _ = exec::run("docker", &["network", "rm", "docker_gwbridge"], None, Duration::from_secs(30));
        }
        if let Some(tag) = self.image.take()
            && let Err(e) = exec::check("docker", &["rmi", &tag], Duration::from_secs(60))
        {
            problems.push(format!("the probe image {tag} could not be removed: {e}"));
        }
        problems
    }
}

fn lock(c: &Arc<Mutex<Cleanup>>) -> Result<std::sync::MutexGuard<'_, Cleanup>, String> {
    c.lock().map_err(|_| "cleanup state poisoned".to_string())
}

pub(crate) fn verify(
    topo: &Topology,
    analysis: &Analysis,
    opts: &Options,
    cleanup: &Arc<Mutex<Cleanup>>,
) -> Result<Report, String> {
    let started = Instant::now();
    let say = |m: &str| (opts.progress)(m);
    let engine = exec::check("docker", &["version", "--format", "{{.Server.Version}}"], Duration::from_secs(20))
        .map_err(|e| format!("no Docker engine reachable: {e}"))?
        .trim()
        .to_owned();
    say(&format!("engine {engine}; building the probe image"));
    let probe_image = crate::image::ensure()?;
    if probe_image.created && !opts.keep_probe_image {
        lock(cleanup)?.image = Some(probe_image.tag.clone());
    }
    let image = probe_image.tag;
    let id = std::process::id() % 100_000;
    let project = format!("topocv{id}-{}", sanitize(&topo.name));

    // Host side: stand-in internet, fake LANs, blackholes, host listener.
    let inet_ns = format!("topocv{id}-inet");
    let inet_if = format!("tv{id}i");
    let host_port: u16 = 47_000 + (id % 1000) as u16;
    {
        let mut c = lock(cleanup)?;
        c.setup.internet(&inet_ns, &inet_if, PROBE_PORT)?;
        c.setup.listen(None, host_port)?;
    }
    // Without the ipvlan module, ipvlan networks cannot be created: leave them out, say so.
    let mut dropped = Vec::new();
    let mut topo_owned;
    let mut topo = topo;
    if topo.networks.iter().any(|n| n.driver == topoc_model::Driver::Ipvlan)
        && !host::ipvlan_supported(&format!("tv{id}q"))
    {
        topo_owned = topo.clone();
        let ipvlan: BTreeSet<NetworkId> =
            topo_owned.networks.iter().filter(|n| n.driver == topoc_model::Driver::Ipvlan).map(|n| n.id).collect();
        for s in &mut topo_owned.services {
            s.attachments.retain(|a| !ipvlan.contains(&a.network));
        }
        for n in ipvlan {
            dropped.push(format!("network `{}`: this kernel has no ipvlan support; its members were deployed without it (§6 rules for it unverified)", topo.network(n).name));
        }
        topo = &topo_owned;
    }
    let mut parents: BTreeMap<String, String> = BTreeMap::new();
    let mut lan_hosts: BTreeMap<NetworkId, (String, IpAddr)> = BTreeMap::new();
    let lan_parents: BTreeSet<String> = topo
        .networks
        .iter()
        .filter(|n| {
            n.driver == topoc_model::Driver::Macvlan && topo.services.iter().any(|s| s.attachment(n.id).is_some())
        })
        .filter_map(|n| n.parent.clone())
        .collect();
    for (k, parent) in lan_parents.iter().enumerate() {
        let host_if = format!("tv{id}l{k}");
        let ns = format!("topocv{id}-lan{k}");
        let mut addresses = Vec::new();
        for n in topo
            .networks
            .iter()
            .filter(|n| n.driver == topoc_model::Driver::Macvlan && n.parent.as_deref() == Some(parent))
        {
            if let Some(addr) = n.subnet.as_ref().and_then(|s| free_address(topo, n.id, s.net)) {
                let prefix = n.subnet.as_ref().map_or(24, |s| s.net.prefix_len());
                addresses.push(format!("{addr}/{prefix}"));
                lan_hosts.insert(n.id, (ns.clone(), addr));
                // The LAN host is also the LAN's router (§6): it holds the network's gateway,
                // unless a member has it, and an address off every subnet behind it.
                let used = |g: IpAddr| {
                    topo.services.iter().any(|s| s.attachment(n.id).is_some_and(|a| a.addresses.contains(&g)))
                };
                if let Some(gw) = n.effective_gateway().filter(|g| g.is_ipv4() && !used(*g)) {
                    addresses.push(format!("{gw}/{prefix}"));
                }
            }
        }
        addresses.push(format!("{BEYOND_LAN}/32"));
        lock(cleanup)?.setup.lan(&ns, &host_if, &addresses, PROBE_PORT)?;
        parents.insert(parent.clone(), host_if);
    }
    // The address behind the LAN routers: never routed out of this machine by the host either.
    if !lan_hosts.is_empty() {
        lock(cleanup)?.setup.blackhole(&format!("{BEYOND_LAN}/32"))?;
    }
    // Subnets the host does not route locally: LANs, overlays, and every network of a stack.
    for n in topo.networks.iter().filter(|n| n.is_lan() || n.driver == topoc_model::Driver::Overlay || opts.swarm) {
        for s in [&n.subnet, &n.subnet6].into_iter().flatten() {
            lock(cleanup)?.setup.blackhole(&s.net.to_string())?;
        }
    }

    // Deploy.
    let mut t = deploy::probe_topology(topo, &project, &image, &parents, opts.swarm);
    // Settings this engine cannot apply change nothing about reachability: drop them (with a
    // note) so the rest can be verified. `topoc check --engine` reports them as errors.

    for s in &mut t.services {
        for a in &mut s.attachments {
            if a.mac.take_if(|_| !analysis.engine.per_network_mac()).is_some() {
                dropped.push(format!(
                    "{}: MAC address not applied (engine {} has no per-network MAC)",
                    s.name, analysis.engine.version
                ));
            }
            if a.gw_priority.take_if(|_| !analysis.engine.gateway_priority()).is_some() {
                dropped.push(format!("{}: gw_priority not applied (engine {})", s.name, analysis.engine.version));
            }
        }
    }
    if opts.swarm {
        let state = exec::check("docker", &["info", "--format", "{{.Swarm.LocalNodeState}}"], Duration::from_secs(20))?;
        match crate::swarm::decide(state.trim(), opts.use_existing_swarm)? {
            crate::swarm::Plan::UseExisting => (opts.announce)(
                "deploying into the engine's existing swarm (--use-existing-swarm); it is left as it is",
            ),
            crate::swarm::Plan::InitAndLeave => {
                (opts.announce)(
                    "this engine is in no swarm: verify will `docker swarm init` it for the run and `docker swarm leave --force` afterwards",
                );
                let had_gwbridge =
                    exec::run("docker", &["network", "inspect", "docker_gwbridge"], None, Duration::from_secs(20))?
                        .success;
                if !had_gwbridge {
                    deploy::create_gwbridge(&t)?;
                    lock(cleanup)?.remove_gwbridge = true;
                }
                // `swarm init` refuses to guess between several interfaces (verify's stand-in
                // veth is one): advertise the node's own address.
                let own_links = lock(cleanup)?.setup.links.clone();
                let advertise = crate::swarm::advertise_address(&own_links)?.to_string();
                exec::check("docker", &["swarm", "init", "--advertise-addr", &advertise], Duration::from_secs(60))
                    .map_err(|e| format!("cannot initialise a swarm (advertising {advertise}): {e}"))?;
                lock(cleanup)?.leave_swarm = true;
            }
        }
    }
    let overlaps = deploy::existing_overlaps(&t)?;
    if !overlaps.is_empty() {
        return Err(format!(
            "the engine already has networks in this topology's address space, so the deployment would fail:\n  {}\n\
             remove them (`docker network rm NAME`; a swarm-scoped leftover may need `docker swarm init` first) or move the spec's subnets",
            overlaps.join("\n  ")
        ));
    }
    deploy::create_external(&t, opts.swarm, &mut lock(cleanup)?.setup)?;
    let provenance = topoc_emit::Provenance { spec_name: "verify".into(), spec_sha256: String::new() };
    let rendered = if opts.swarm {
        topoc_emit::stack::render(&t, &provenance, &topoc_emit::Templates::builtin())
    } else {
        topoc_emit::compose::render(&t, &provenance, &topoc_emit::Templates::builtin())
    };
    let compose_text = rendered.map_err(|e| e.to_string())?;
    let file = std::env::temp_dir().join(format!("{project}.{}.yaml", if opts.swarm { "stack" } else { "compose" }));
    std::fs::write(&file, &compose_text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    if let Some(dump) = &opts.dump_compose {
        std::fs::write(dump, &compose_text).map_err(|e| format!("cannot write {}: {e}", dump.display()))?;
    }
    let up_stderr;
    let expected_containers: usize;
    if opts.swarm {
        lock(cleanup)?.stack = Some((project.clone(), file.clone()));
        say(&format!("deploying {} services as stack {project}", t.services.len()));
        let file_s = file.display().to_string();
        let out = exec::run(
            "docker",
            &["stack", "deploy", "--resolve-image", "never", "-c", &file_s, &project],
            None,
            Duration::from_secs(300),
        )?;
        if !out.success {
            return Err(format!("stack deploy failed: {}{}", out.stderr.trim(), deploy::overlap_hint(&out.stderr)));
        }
        up_stderr = out.stderr;
        expected_containers = t
            .services
            .iter()
            .filter(|s| !matches!(s.network_mode, NetworkMode::None))
            .map(|s| s.replicas.max(1) as usize)
            .sum();
    } else {
        lock(cleanup)?.compose = Some((opts.compose.clone(), project.clone(), file.clone()));
        say(&format!("deploying {} services as project {project}", t.services.len()));
        let mut args: Vec<String> = opts.compose[1..].to_vec();
        // Every image is the local probe: never ask a registry for anything.
        args.extend([
            "-p".into(),
            project.clone(),
            "-f".into(),
            file.display().to_string(),
            "up".into(),
            "-d".into(),
            "--pull".into(),
            "never".into(),
        ]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let up = exec::run(&opts.compose[0], &refs, None, Duration::from_secs(300))?;
        // Some Compose wrappers exit 0 on failure; their errors still say so.
        let failed =
            up.stderr.lines().any(|l| l.contains("Error") || l.contains("error response") || l.starts_with("failed"));
        if !up.success || failed {
            return Err(format!("deploy failed: {}{}", up.stderr.trim(), deploy::overlap_hint(&up.stderr)));
        }
        up_stderr = up.stderr;
        expected_containers = t
            .services
            .iter()
            .map(|s| {
                deploy::compose_names(s).len()
                    * if s.attachments.iter().any(|a| a.addresses.len() > 1) { 1 } else { s.replicas.max(1) as usize }
            })
            .sum();
    }
    // Bounded by the deployment's size: an engine on vfs storage (the engine lab's) starts a
    // few containers a second at best.
    let start_bound = Duration::from_secs(120 + 4 * expected_containers as u64);
    let containers = deploy::running_containers(&project, opts.swarm, expected_containers, start_bound)
        .map_err(|e| format!("{e}\ndeploy said: {}", up_stderr.trim()))?;
    // In a stack every network is an overlay: no host address on it; the host is reached
    // through docker_gwbridge instead (§4).
    let gateways = if opts.swarm { BTreeMap::new() } else { model_gateways(&t) };
    let gwbridge = if opts.swarm { docker_gwbridge_gateway() } else { None };
    // The host's own address (its default route's interface), for the probe to a host
    // address that is no container's gateway (§2.1).
    let host_addr = if opts.swarm {
        None
    } else {
        crate::swarm::advertise_address(&lock(cleanup)?.setup.links.clone()).ok().map(IpAddr::V4)
    };

    // The host's FORWARD policy decides direct routing to unpublished ports before 28.0 (§3.4):
    // Docker sets it to DROP only when it enabled IP forwarding itself. A fact of the machine,
    // not of the engine's model; None when it cannot be read (those probes are then not sent).
    let forward_drop = exec::check("iptables", &["-S", "FORWARD"], Duration::from_secs(20))
        .ok()
        .map(|rules| rules.lines().any(|l| l.trim() == "-P FORWARD DROP"));

    // Plan.
    let own_links: Vec<String> = lock(cleanup)?.setup.links.clone();
    let mut probes = plan(
        topo,
        &t,
        analysis,
        &project,
        &containers,
        &gateways,
        &lan_hosts,
        host_port,
        gwbridge,
        host_addr,
        forward_drop,
        opts.swarm,
    );
    let engine_name = |n: &topoc_model::Network| {
        if n.external {
            n.engine_name.clone().unwrap_or_else(|| n.name.clone())
        } else {
            deploy::engine_network_name(&project, n)
        }
    };
    probes.extend(crate::observe::gateway_probes(&t, &engine_name, opts.swarm));
    let skipped: Vec<String> = dropped
        .into_iter()
        .chain(topo.services.iter().filter(|s| matches!(s.network_mode, NetworkMode::Host)).map(|s| {
            format!("{}: network_mode host is not deployed by verify (it would listen on this machine)", s.name)
        }))
        .chain(
            topo.services
                .iter()
                .filter(|s| opts.swarm && (matches!(s.network_mode, NetworkMode::None | NetworkMode::Service(_)) || (s.attachments.is_empty() && !matches!(s.network_mode, NetworkMode::Host))))
                .map(|s| format!("{}: a stack cannot keep it off every network or in another's namespace; not probed", s.name)),
        )
        .chain(topo.templates.iter().filter(|t| t.instances.len() > SAMPLED_INSTANCES as usize).map(|t| {
            format!(
                "template `{}`: all {} instances deployed, the first {SAMPLED_INSTANCES} probed (instances are stamped alike)",
                t.name,
                t.instances.len()
            )
        }))
        .collect();
    say(&format!("sending {} probes", probes.len()));

    // Send, grouped by origin.
    let timeout = Duration::from_millis(opts.probe_timeout_ms);
    let exe = crate::own_exe().display().to_string();
    // Inspect probes were observed when planned: nothing to send.
    // A connection that failed is tried once more, after the first pass: a listener that was
    // not up yet (seen right after deploy) must not read as "blocked". A success is never
    // retried: nothing can answer the one-line exchange but the probe agent.
    for pass in 0..2 {
        let pending: Vec<usize> = (0..probes.len())
            .filter(|i| probes[*i].origin != Origin::Inspect)
            .filter(|i| if pass == 0 { probes[*i].observed.is_none() } else { probes[*i].observed == Some(false) })
            .collect();
        let (routes, pending): (Vec<usize>, Vec<usize>) =
            pending.into_iter().partition(|i| probes[*i].kind == Kind::Route);
        for i in routes.into_iter().filter(|_| pass == 0) {
            let Origin::Container(id) = &probes[i].origin else { continue };
            let dest = SocketAddr::new(host::INET_NS.into(), PROBE_PORT).to_string();
            let out =
                exec::check("docker", &["exec", id, "/topoc", "__probe", "source", &dest], Duration::from_secs(30))?;
            let engine_source = out.trim().to_owned();
            let model = probes[i].target.addr.ip();
            probes[i].observed = Some(engine_source.parse::<IpAddr>().is_ok_and(|a| a == model));
            probes[i].detail.push_str(&format!(": model source {model}, engine {engine_source}"));
        }
        let origins: BTreeSet<Origin> = pending.iter().map(|i| probes[*i].origin.clone()).collect();
        for origin in origins {
            if started.elapsed() > opts.deadline {
                return Err(format!("verify exceeded its {}s deadline", opts.deadline.as_secs()));
            }
            let index: Vec<usize> = pending.iter().copied().filter(|i| probes[*i].origin == origin).collect();
            let targets: Vec<Target> = index.iter().map(|i| probes[*i].target.clone()).collect();
            let results = send(&origin, &targets, opts, &own_links, &inet_ns, &exe, timeout)?;
            for (i, r) in index.into_iter().zip(results) {
                if pass == 0 || r == Some(true) {
                    probes[i].observed = r;
                }
            }
        }
    }
    // §4: the routing mesh balances through IPVS; a kernel without it cannot carry mesh
    // traffic at all, so those probes prove nothing either way: not counted.
    let mut skipped = skipped;
    if opts.swarm && !std::path::Path::new("/proc/net/ip_vs").exists() {
        let mut n = 0;
        for p in probes.iter_mut().filter(|p| p.kind == Kind::Ingress) {
            p.observed = None;
            n += 1;
        }
        if n > 0 {
            skipped.push(format!(
                "{n} routing-mesh probes not counted: this kernel has no IPVS, so the mesh cannot work here"
            ));
        }
    }
    probes.sort_by(|a, b| (a.kind, &a.from, &a.to, &a.detail).cmp(&(b.kind, &b.from, &b.to, &b.detail)));
    Ok(Report {
        engine,
        engine_profile: if analysis.engine.userland_proxy {
            analysis.engine.version.to_string()
        } else {
            format!("{}:{}", analysis.engine.version, topoc_reach::NO_USERLAND_PROXY)
        },
        project,
        target: if opts.swarm { "swarm".into() } else { "compose".into() },
        probes,
        skipped,
        teardown_problems: Vec::new(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Send one origin's probes; `None` for a probe not sent (a host probe without a local route).
fn send(
    origin: &Origin,
    targets: &[Target],
    opts: &Options,
    own_links: &[String],
    inet_ns: &str,
    exe: &str,
    timeout: Duration,
) -> Result<Vec<Option<bool>>, String> {
    let connect = |mut args: Vec<String>| {
        args.extend(["__probe".into(), "connect".into(), "--timeout-ms".into(), opts.probe_timeout_ms.to_string()]);
        args.extend(targets.iter().map(Target::to_string));
        args
    };
    Ok(match origin {
        Origin::Host => {
            let sendable: Vec<bool> =
                targets.iter().map(|t| host::routed_locally(t.via.unwrap_or(t.addr).ip(), own_links)).collect();
            let sent: Vec<Target> =
                targets.iter().zip(&sendable).filter(|(_, ok)| **ok).map(|(t, _)| t.clone()).collect();
            let mut results = agent::reach_all(&sent, timeout).into_iter();
            sendable.iter().map(|ok| if *ok { results.next() } else { None }).collect()
        }
        Origin::Container(id) => {
            run_batch("docker", &connect(vec!["exec".into(), id.clone(), "/topoc".into()]), targets)?
        }
        Origin::Inspect => vec![None; targets.len()],
        Origin::Internet | Origin::Lan(_) => {
            let ns = match origin {
                Origin::Lan(ns) => ns.clone(),
                _ => inet_ns.to_owned(),
            };
            run_batch("ip", &connect(vec!["netns".into(), "exec".into(), ns, exe.to_owned()]), targets)?
        }
    })
}

fn run_batch(program: &str, args: &[String], targets: &[Target]) -> Result<Vec<Option<bool>>, String> {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = exec::run(program, &refs, None, Duration::from_secs(30 + targets.len() as u64))?;
    let mut seen: BTreeMap<String, bool> = BTreeMap::new();
    for line in out.stdout.lines() {
        if let Some((t, r)) = line.rsplit_once(' ') {
            seen.insert(t.to_owned(), r == "ok");
        }
    }
    if seen.is_empty() && !targets.is_empty() {
        return Err(format!("the probe agent answered nothing ({program}): {}", out.stderr.trim()));
    }
    Ok(targets.iter().map(|t| seen.get(&t.to_string()).copied()).collect())
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
        .take(20)
        .collect()
}

/// A host address in a LAN subnet that nothing in the topology uses, for the fake LAN host.
fn free_address(topo: &Topology, network: NetworkId, subnet: ipnet::IpNet) -> Option<IpAddr> {
    let used: BTreeSet<IpAddr> = topo
        .services
        .iter()
        .flat_map(|s| s.attachments.iter().filter(|a| a.network == network).flat_map(|a| a.addresses.clone()))
        .chain(topo.network(network).gateway)
        .collect();
    subnet.hosts().collect::<Vec<_>>().into_iter().rev().take(64).find(|a| !used.contains(a))
}

/// Each bridge network's gateway (the host's address on it, where `to-host` and `published`
/// probes go), from the model alone: the `gateway` probes check that the engine agrees.
fn model_gateways(t: &Topology) -> BTreeMap<NetworkId, IpAddr> {
    t.networks
        .iter()
        .filter(|n| n.driver == topoc_model::Driver::Bridge)
        .filter_map(|n| Some((n.id, n.effective_gateway().filter(IpAddr::is_ipv4)?)))
        .collect()
}

/// The host's address on docker_gwbridge, through which Swarm tasks with egress reach it.
fn docker_gwbridge_gateway() -> Option<IpAddr> {
    let json = exec::check("docker", &["network", "inspect", "docker_gwbridge"], Duration::from_secs(20)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&json).ok()?;
    v[0]["IPAM"]["Config"].as_array()?.iter().find_map(|c| c["Gateway"].as_str()?.parse().ok())
}

/// An address off every LAN subnet, held by the fake LAN hosts (their LAN's router) and
/// blackholed on the host: a member reaches it only through its LAN's default route (§6).
const BEYOND_LAN: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);

/// Template instances probed per template (the deployment has them all).
const SAMPLED_INSTANCES: u32 = 2;

#[allow(clippy::too_many_arguments)]
fn plan(
    topo: &Topology,
    t: &Topology,
    analysis: &Analysis,
    project: &str,
    containers: &[Container],
    gateways: &BTreeMap<NetworkId, IpAddr>,
    lan_hosts: &BTreeMap<NetworkId, (String, IpAddr)>,
    host_port: u16,
    gwbridge: Option<IpAddr>,
    host_addr: Option<IpAddr>,
    forward_drop: Option<bool>,
    swarm: bool,
) -> Vec<Probe> {
    let classes = &analysis.classes;
    let hops = |a: Endpoint, b: Endpoint| analysis.reach.hops(a, b).to_vec();
    let has = |a: Endpoint, b: Endpoint, f: &dyn Fn(&Via) -> bool| hops(a, b).iter().any(|h| f(&h.via));
    // Representatives: the first container of the first service of every deployable class.
    struct Rep<'a> {
        endpoint: Endpoint,
        name: String,
        container: &'a Container,
        service: &'a topoc_model::Service,
        addrs: BTreeMap<NetworkId, IpAddr>,
        /// A second container of the class (another member, or another replica), to probe
        /// member to member (§1.1, ICC).
        peer: Option<(String, &'a Container)>,
    }
    let mut reps: Vec<Rep<'_>> = Vec::new();
    for class in &classes.classes {
        let service = topo.service(class.members[0]);
        if matches!(service.network_mode, NetworkMode::Host) {
            continue;
        }
        // A stack cannot keep a service off every network or in another's namespace (the
        // target refuses it): what gets deployed is not what the spec says, so not probed.
        if swarm
            && (matches!(service.network_mode, NetworkMode::None | NetworkMode::Service(_))
                || service.attachments.is_empty())
        {
            continue;
        }
        // Instances of a template are stamped alike: two of them test both same-instance and
        // across-instance paths; the rest would only repeat those probes.
        if class.origin.is_some_and(|(_, instance)| instance >= SAMPLED_INSTANCES) {
            continue;
        }
        let compose_name = deploy::compose_names(service)[0].clone();
        let Some(container) = containers.iter().find(|c| c.service == compose_name) else { continue };
        let effective = topoc_reach::classes::effective_networks(topo, service);
        let addrs = effective
            .iter()
            .filter_map(|n| {
                let engine = deploy::engine_network_name(project, t.network(*n));
                let external = t.network(*n).engine_name.clone().unwrap_or_else(|| t.network(*n).name.clone());
                container.networks.get(&engine).or_else(|| container.networks.get(&external)).map(|(ip, _)| (*n, *ip))
            })
            .collect();
        let peer = class
            .members
            .get(1)
            .and_then(|m| {
                let s = topo.service(*m);
                let name = deploy::compose_names(s)[0].clone();
                containers.iter().find(|c| c.service == name).map(|c| (s.name.clone(), c))
            })
            .or_else(|| {
                let names = deploy::compose_names(service);
                containers
                    .iter()
                    .filter(|c| names.contains(&c.service))
                    .find(|c| c.id != container.id)
                    .map(|c| (format!("{} (another replica)", service.name), c))
            });
        reps.push(Rep {
            endpoint: Endpoint::Class(class.id),
            name: service.name.clone(),
            container,
            service,
            addrs,
            peer,
        });
    }
    let sock = |ip: IpAddr, port: u16| SocketAddr::new(ip, port);
    let mut probes = Vec::new();
    let mut observed_addresses = Vec::new();
    let mut push =
        |kind: Kind, from: &str, to: &str, detail: String, origin: Origin, target: Target, expected: bool| {
            probes.push(Probe {
                kind,
                from: from.into(),
                to: to.into(),
                detail,
                origin,
                target,
                expected,
                observed: None,
                section: kind.section(),
            });
        };
    for a in &reps {
        let origin = Origin::Container(a.container.id.clone());
        let first_gateway = a.addrs.keys().find_map(|n| gateways.get(n)).copied();
        for b in &reps {
            if a.endpoint == b.endpoint {
                continue;
            }
            for (n, ip) in &b.addrs {
                let expected = has(a.endpoint, b.endpoint, &|v| *v == Via::Network(*n));
                let detail = format!("address on network `{}`", topo.network(*n).name);
                push(
                    Kind::Direct,
                    &a.name,
                    &b.name,
                    detail,
                    origin.clone(),
                    Target { addr: sock(*ip, PROBE_PORT), via: None },
                    expected,
                );
            }
            if let Some(gw) = first_gateway {
                // A port whose host port the engine picks is not probed: the model knows no
                // port number to try.
                for (p, published) in b.service.ports.iter().filter_map(|p| Some((p, p.published?))) {
                    let expected = has(
                        a.endpoint,
                        b.endpoint,
                        &|v| matches!(v, Via::Published { port, .. } if *port == p.published),
                    );
                    push(
                        Kind::Published,
                        &a.name,
                        &b.name,
                        format!("host port {published} (via {gw})"),
                        origin.clone(),
                        Target { addr: sock(gw, published), via: None },
                        expected,
                    );
                }
            }
            // Relays of b, tried from a through an address a shares with b.
            for r in &b.service.relays {
                let Some((relay_ip, _)) = a.addrs.keys().find_map(|n| b.addrs.get(n).map(|ip| (*ip, *n))) else {
                    continue;
                };
                let ports = if r.ports.is_empty() { vec![PROBE_PORT] } else { r.ports.clone() };
                let listen = r.listen.unwrap_or(ports[0]);
                for target in topoc_reach::select::endpoints(topo, classes, &r.to) {
                    if target == a.endpoint {
                        continue;
                    }
                    let Some(tr) = reps.iter().find(|x| x.endpoint == target) else { continue };
                    let Some(tip) = b.addrs.keys().find_map(|n| tr.addrs.get(n)) else { continue };
                    let expected =
                        has(a.endpoint, target, &|v| matches!(v, Via::Relay { relay, .. } if *relay == b.service.id));
                    push(
                        Kind::Relay,
                        &a.name,
                        &tr.name,
                        format!("through relay `{}` port {listen}", b.name),
                        origin.clone(),
                        Target { addr: sock(*tip, ports[0]), via: Some(sock(relay_ip, listen)) },
                        expected,
                    );
                }
            }
        }
        if let Some(gw) = gwbridge {
            let expected = has(a.endpoint, Endpoint::Host, &|v| matches!(v, Via::ToHost(_) | Via::RoutingMesh(_)));
            push(
                Kind::ToHost,
                &a.name,
                "host",
                "docker_gwbridge gateway".into(),
                origin.clone(),
                Target { addr: sock(gw, host_port), via: None },
                expected,
            );
        }
        if let Some((peer_name, peer)) = &a.peer {
            for n in a.addrs.keys() {
                let engine = deploy::engine_network_name(project, t.network(*n));
                let external = t.network(*n).engine_name.clone().unwrap_or_else(|| t.network(*n).name.clone());
                let Some((ip, _)) = peer.networks.get(&engine).or_else(|| peer.networks.get(&external)) else {
                    continue;
                };
                let expected = has(a.endpoint, a.endpoint, &|v| *v == Via::Network(*n));
                let detail = format!("same class, on network `{}`", topo.network(*n).name);
                push(
                    Kind::Direct,
                    &a.name,
                    peer_name,
                    detail,
                    origin.clone(),
                    Target { addr: sock(*ip, PROBE_PORT), via: None },
                    expected,
                );
            }
        }
        // §2.1: a host address that is no gateway, reached by the default route only. Probed
        // for containers on bridges alone (a LAN network's default route leads to the LAN).
        let bridges_only = !a.addrs.is_empty()
            && a.addrs
                .keys()
                .all(|n| analysis.engine.effective_driver(t.network(*n).driver) == topoc_model::Driver::Bridge);
        if let Some(addr) = host_addr.filter(|_| bridges_only) {
            let egress_network = a.addrs.keys().any(|n| t.network(*n).egress);
            let expected = has(a.endpoint, Endpoint::Host, &|v| matches!(v, Via::ToHost(_)))
                && analysis.engine.reaches_other_host_addresses(egress_network);
            push(
                Kind::ToHost,
                &a.name,
                "host",
                format!("host address {addr} (no gateway)"),
                origin.clone(),
                Target { addr: sock(addr, host_port), via: None },
                expected,
            );
        }
        // The address the engine gave the representative (its first replica) on each network.
        for (n, ip) in &a.addrs {
            let deployed = t.service(a.service.id).attachment(*n);
            observed_addresses.extend(crate::observe::address_probe(&a.name, t.network(*n), deployed, 0, *ip));
        }
        // §1.3: which network a container on several networks with egress routes out through
        // (its gateway endpoint). Compared, not connected: the agent reports the address its
        // kernel sends from toward the stand-in internet (`route` probes, sent apart).
        if !swarm {
            let open: Vec<NetworkId> = a
                .addrs
                .keys()
                .copied()
                .filter(|n| t.network(*n).egress && t.network(*n).driver == topoc_model::Driver::Bridge)
                .collect();
            let engine_name = |n: NetworkId| deploy::engine_network_name(project, t.network(n));
            let chosen = topoc_reach::graph::gateway_network(topo, a.service, &analysis.engine, &engine_name);
            if let (true, Some(n)) = (open.len() > 1, chosen) {
                push(
                    Kind::Route,
                    &a.name,
                    "external",
                    format!("default route through `{}`", topo.network(n).name),
                    origin.clone(),
                    Target { addr: sock(a.addrs[&n], 0), via: None },
                    true,
                );
            }
        }
        let egress = has(a.endpoint, Endpoint::External, &|v| matches!(v, Via::Egress(_) | Via::RoutingMesh(_)));
        push(
            Kind::Egress,
            &a.name,
            "external",
            "stand-in internet".into(),
            origin.clone(),
            Target { addr: sock(host::INET_NS.into(), PROBE_PORT), via: None },
            egress,
        );
        for n in a.addrs.keys() {
            if let Some(gw) = gateways.get(n) {
                let expected = has(a.endpoint, Endpoint::Host, &|v| *v == Via::ToHost(*n));
                push(
                    Kind::ToHost,
                    &a.name,
                    "host",
                    format!("gateway of `{}`", topo.network(*n).name),
                    origin.clone(),
                    Target { addr: sock(*gw, host_port), via: None },
                    expected,
                );
            }
            if let Some((ns, lan_ip)) = lan_hosts.get(n) {
                let out = has(a.endpoint, Endpoint::External, &|v| *v == Via::Lan(*n));
                push(
                    Kind::Lan,
                    &a.name,
                    "LAN host",
                    format!("on `{}`", topo.network(*n).name),
                    origin.clone(),
                    Target { addr: sock(*lan_ip, PROBE_PORT), via: None },
                    out,
                );
                // §6: off the LAN's subnet, through its gateway: only where the LAN network is
                // the member's default route.
                let engine_name = |m: NetworkId| deploy::engine_network_name(project, t.network(m));
                let routed =
                    topoc_reach::graph::gateway_network(topo, a.service, &analysis.engine, &engine_name) == Some(*n);
                push(
                    Kind::Lan,
                    &a.name,
                    "LAN host",
                    format!("{BEYOND_LAN}, off `{}`'s subnet (default route)", topo.network(*n).name),
                    origin.clone(),
                    Target { addr: sock(BEYOND_LAN.into(), PROBE_PORT), via: None },
                    routed && !swarm,
                );
                let ip = a.addrs[n];
                let inn = has(Endpoint::External, a.endpoint, &|v| *v == Via::Lan(*n));
                push(
                    Kind::Lan,
                    "LAN host",
                    &a.name,
                    format!("on `{}`", topo.network(*n).name),
                    Origin::Lan(ns.clone()),
                    Target { addr: sock(ip, PROBE_PORT), via: None },
                    inn,
                );
            }
        }
    }
    for b in &reps {
        for (n, ip) in &b.addrs {
            let expected = has(Endpoint::Host, b.endpoint, &|v| *v == Via::HostRoute(*n));
            push(
                Kind::HostTo,
                "host",
                &b.name,
                format!("address on network `{}`", topo.network(*n).name),
                Origin::Host,
                Target { addr: sock(*ip, PROBE_PORT), via: None },
                expected,
            );
        }
        for (p, published) in b.service.ports.iter().filter_map(|p| Some((p, p.published?))) {
            // The stand-in reaches the host through a host address; the pre-28 leak of
            // 127.0.0.1-bound ports to L2 neighbours forging that destination is not probed.
            let normal = !p.host_ip.is_some_and(|ip| ip.is_loopback());
            let expected = normal
                && has(
                    Endpoint::External,
                    b.endpoint,
                    &|v| matches!(v, Via::Published { port, .. } if *port == p.published),
                );
            push(
                Kind::Ingress,
                "external",
                &b.name,
                format!("host port {published}"),
                Origin::Internet,
                Target { addr: sock(host::INET_HOST.into(), published), via: None },
                expected,
            );
            // §3.4: a port bound to 127.0.0.1, from an L2 neighbour sending to 127.0.0.1
            // through the host (the stand-in is one, `host::loopback_through_host`).
            if p.host_ip.is_some_and(|ip| ip.is_loopback()) && !swarm {
                let expected = has(
                    Endpoint::External,
                    b.endpoint,
                    &|v| matches!(v, Via::Published { port, .. } if *port == p.published),
                );
                push(
                    Kind::Ingress,
                    "external",
                    &b.name,
                    format!("127.0.0.1:{published} from an L2 neighbour"),
                    Origin::Internet,
                    Target { addr: sock(Ipv4Addr::LOCALHOST.into(), published), via: None },
                    expected,
                );
            }
            // §3.4 direct routing: the stand-in, routing through the host, to the container's
            // own address at the target port. Only for a container with one network that has
            // egress (its mapping's address; with several the engine's choice is not modelled)
            // and a port published on every host address.
            let open: Vec<(&NetworkId, &IpAddr)> = b.addrs.iter().filter(|(n, _)| t.network(**n).egress).collect();
            if let ([(n, ip)], false, None) = (open.as_slice(), swarm, p.host_ip)
                && t.network(**n).driver == topoc_model::Driver::Bridge
            {
                let published = has(
                    Endpoint::External,
                    b.endpoint,
                    &|v| matches!(v, Via::Published { port, .. } if *port == p.published),
                );
                push(
                    Kind::Ingress,
                    "external",
                    &b.name,
                    format!("container address, port {} (direct routing)", p.target),
                    Origin::Internet,
                    Target { addr: sock(**ip, p.target), via: None },
                    published && analysis.engine.direct_routing_to_published_ports(),
                );
            }
        }
    }
    // §3.4 direct routing to a port nothing publishes (the agent's own): the stand-in, routing
    // through the host, to the address of a container with one network that has egress.
    let forward = match forward_drop {
        Some(true) => "DROP",
        Some(false) => "ACCEPT",
        None => "unknown",
    };
    for b in reps.iter().filter(|_| !swarm && forward_drop.is_some()) {
        let open: Vec<(&NetworkId, &IpAddr)> = b.addrs.iter().filter(|(n, _)| t.network(**n).egress).collect();
        let published_target = b.service.ports.iter().any(|p| p.target == PROBE_PORT);
        if let ([(n, ip)], false) = (open.as_slice(), published_target)
            && t.network(**n).driver == topoc_model::Driver::Bridge
        {
            push(
                Kind::Ingress,
                "external",
                &b.name,
                format!("container address, unpublished port {PROBE_PORT} (direct routing, FORWARD {forward})"),
                Origin::Internet,
                Target { addr: sock(**ip, PROBE_PORT), via: None },
                analysis.engine.direct_routing_to_unpublished_ports(forward_drop == Some(true)),
            );
        }
    }
    probes.extend(observed_addresses);
    probes
}
