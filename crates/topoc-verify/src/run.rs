//! One verify run: set up the host, deploy, plan and send the probes, compare, tear down —
//! teardown also on failure and on Ctrl-C. The steps that touch the engine go through
//! [`Engine`]; [`probe_deployment`] (from the running deployment to the observed probes) is
//! tested with a fake engine below.

use crate::cleanup::{Cleanup, ComposeProject};
use crate::deploy::{self, Container, PROBE_PORT};
use crate::engine::Engine;
use crate::error::VerifyError;
use crate::exec;
use crate::host;
use crate::plan;
use crate::probe::Kind;
use crate::send::{self, Sender};
use crate::{Options, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use topoc_model::{Driver, NetworkId, Target, Topology};
use topoc_reach::Analysis;

fn lock(c: &Arc<Mutex<Cleanup>>) -> Result<MutexGuard<'_, Cleanup>, VerifyError> {
    c.lock().map_err(|_| VerifyError::Internal("cleanup state poisoned".into()))
}

/// What verify set up on the host for the run.
struct Site {
    inet_ns: String,
    host_port: u16,
    /// Each macvlan parent of the spec, and the veth that stands in for it.
    parents: BTreeMap<String, String>,
    lan_hosts: BTreeMap<NetworkId, (String, IpAddr)>,
}

pub(crate) fn verify(
    engine: &dyn Engine,
    topo: &Topology,
    analysis: &Analysis,
    opts: &Options,
    cleanup: &Arc<Mutex<Cleanup>>,
) -> Result<Report, VerifyError> {
    let started = Instant::now();
    let say = |m: &str| (opts.progress)(m);
    let engine_version =
        engine.version().map_err(|e| VerifyError::Refused(format!("no Docker engine reachable: {e}")))?;
    say(&format!("engine {engine_version}; building the probe image"));
    let probe_image = crate::image::ensure(engine)?;
    if probe_image.created && !opts.keep_probe_image {
        lock(cleanup)?.image = Some(probe_image.tag.clone());
    }
    let id = std::process::id() % 100_000;
    let project = format!("topocv{id}-{}", sanitize(&topo.name));

    // Without the ipvlan module, ipvlan networks cannot be created: leave them out, say so.
    let mut dropped = Vec::new();
    let without_ipvlan;
    let mut topo = topo;
    if topo.networks.iter().any(|n| n.driver == Driver::Ipvlan) && !host::ipvlan_supported(&format!("tv{id}q")) {
        let (t, notes) = drop_ipvlan(topo);
        without_ipvlan = t;
        dropped.extend(notes);
        topo = &without_ipvlan;
    }
    let site = set_up_host(topo, id, opts.target, cleanup)?;

    // Deploy.
    let mut t = deploy::probe_topology(topo, &project, &probe_image.tag, &site.parents, opts.target);
    dropped.extend(drop_unsupported(&mut t, analysis));
    if opts.target == Target::Swarm {
        prepare_swarm(engine, &t, opts, cleanup)?;
    }
    let overlaps = deploy::existing_overlaps(engine, &t)?;
    if !overlaps.is_empty() {
        return Err(VerifyError::Refused(format!(
            "the engine already has networks in this topology's address space, so the deployment would fail:\n  {}\n\
             remove them (`docker network rm NAME`; a swarm-scoped leftover may need `docker swarm init` first) or move the spec's subnets",
            overlaps.join("\n  ")
        )));
    }
    deploy::create_external(engine, &t, opts.target, &mut lock(cleanup)?.setup)?;
    let deploy_said = deploy_probes(engine, &t, &project, opts, cleanup)?;
    let expected_containers = deploy::expected_containers(&t, opts.target);
    // Bounded by the deployment's size: an engine on vfs storage (a nested engine without a
    // volume at its /var/lib/docker) starts a few containers a second at best.
    let start_bound = Duration::from_secs(120 + 4 * expected_containers as u64);
    let containers =
        deploy::running_containers(engine, &project, opts.target, expected_containers, start_bound, &deploy_said)?;

    // The host's own address (its default route's interface), for the probe to a host
    // address that is no container's gateway (§2.1).
    let own_links: Vec<String> = lock(cleanup)?.setup.links.clone();
    let host_addr = match opts.target {
        Target::Swarm => None,
        Target::Compose => crate::swarm::advertise_address(&own_links).ok().map(IpAddr::V4),
    };
    // The host's FORWARD policy decides direct routing to unpublished ports before 28.0 (§3.4):
    // Docker sets it to DROP only when it enabled IP forwarding itself. A fact of the machine,
    // not of the engine's model; None when it cannot be read (those probes are then not sent).
    let forward_drop = exec::check("iptables", &["-S", "FORWARD"], Duration::from_secs(20))
        .ok()
        .map(|rules| rules.lines().any(|l| l.trim() == "-P FORWARD DROP"));
    let sender = send::Live {
        engine,
        own_links,
        inet_ns: site.inet_ns.clone(),
        exe: crate::own_exe().display().to_string(),
        timeout_ms: opts.probe_timeout_ms,
    };
    let run = Run {
        topo,
        deployed: &t,
        analysis,
        project: &project,
        lan_hosts: &site.lan_hosts,
        host_port: site.host_port,
        host_addr,
        forward_drop,
        target: opts.target,
        instance_bound: if opts.all_instances { u32::MAX } else { plan::INSTANCE_BOUND },
    };
    let plan::Plan { mut probes, sampling } =
        probe_deployment(&run, engine, &containers, &sender, &say, started, opts.deadline)?;

    let mut skipped: Vec<String> = dropped.into_iter().chain(plan::not_probed(topo, opts.target)).collect();
    // §4: the routing mesh balances through IPVS; a kernel without it cannot carry mesh
    // traffic at all, so those probes prove nothing either way: not counted.
    if opts.target == Target::Swarm && !std::path::Path::new("/proc/net/ip_vs").exists() {
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
    Ok(Report {
        engine: engine_version,
        engine_profile: if analysis.engine.userland_proxy {
            analysis.engine.version.to_string()
        } else {
            format!("{}:{}", analysis.engine.version, topoc_reach::NO_USERLAND_PROXY)
        },
        project,
        target: opts.target,
        probes,
        skipped,
        sampling,
        teardown_problems: Vec::new(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The topology without its ipvlan networks (their members deployed without them), and a note
/// for each.
fn drop_ipvlan(topo: &Topology) -> (Topology, Vec<String>) {
    let mut t = topo.clone();
    let ipvlan: BTreeSet<NetworkId> = t.networks.iter().filter(|n| n.driver == Driver::Ipvlan).map(|n| n.id).collect();
    for s in &mut t.services {
        s.attachments.retain(|a| !ipvlan.contains(&a.network));
    }
    let notes = ipvlan
        .into_iter()
        .map(|n| {
            format!(
                "network `{}`: this kernel has no ipvlan support; its members were deployed without it (§6 rules for it unverified)",
                topo.network(n).name
            )
        })
        .collect();
    (t, notes)
}

/// Settings this engine cannot apply change nothing about reachability: drop them (with a
/// note) so the rest can be verified. `topoc check --engine` reports them as errors.
fn drop_unsupported(t: &mut Topology, analysis: &Analysis) -> Vec<String> {
    let mut notes = Vec::new();
    for s in &mut t.services {
        for a in &mut s.attachments {
            if a.mac.take_if(|_| !analysis.engine.per_network_mac()).is_some() {
                notes.push(format!(
                    "{}: MAC address not applied (engine {} has no per-network MAC)",
                    s.name, analysis.engine.version
                ));
            }
            if a.gw_priority.take_if(|_| !analysis.engine.gateway_priority()).is_some() {
                notes.push(format!("{}: gw_priority not applied (engine {})", s.name, analysis.engine.version));
            }
        }
    }
    notes
}

/// Host side: stand-in internet, fake LANs, blackholes, host listener.
fn set_up_host(topo: &Topology, id: u32, target: Target, cleanup: &Arc<Mutex<Cleanup>>) -> Result<Site, VerifyError> {
    let inet_ns = format!("topocv{id}-inet");
    let inet_if = format!("tv{id}i");
    let host_port: u16 = 47_000 + (id % 1000) as u16;
    {
        let mut c = lock(cleanup)?;
        c.setup.internet(&inet_ns, &inet_if, PROBE_PORT)?;
        c.setup.listen(None, host_port)?;
    }
    let mut parents: BTreeMap<String, String> = BTreeMap::new();
    let mut lan_hosts: BTreeMap<NetworkId, (String, IpAddr)> = BTreeMap::new();
    let lan_parents: BTreeSet<String> = topo
        .networks
        .iter()
        .filter(|n| n.driver == Driver::Macvlan && topo.services.iter().any(|s| s.attachment(n.id).is_some()))
        .filter_map(|n| n.parent.clone())
        .collect();
    for (k, parent) in lan_parents.iter().enumerate() {
        let host_if = format!("tv{id}l{k}");
        let ns = format!("topocv{id}-lan{k}");
        let mut addresses = Vec::new();
        for n in topo.networks.iter().filter(|n| n.driver == Driver::Macvlan && n.parent.as_deref() == Some(parent)) {
            if let Some(addr) = n.subnet.as_ref().and_then(|s| plan::free_address(topo, n.id, s.net)) {
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
        addresses.push(format!("{}/32", plan::BEYOND_LAN));
        lock(cleanup)?.setup.lan(&ns, &host_if, &addresses, PROBE_PORT)?;
        parents.insert(parent.clone(), host_if);
    }
    // The address behind the LAN routers: never routed out of this machine by the host either.
    if !lan_hosts.is_empty() {
        lock(cleanup)?.setup.blackhole(&format!("{}/32", plan::BEYOND_LAN))?;
    }
    // Subnets the host does not route locally: LANs, overlays, and every network of a stack.
    for n in topo.networks.iter().filter(|n| n.is_lan() || n.driver == Driver::Overlay || target == Target::Swarm) {
        for s in [&n.subnet, &n.subnet6].into_iter().flatten() {
            lock(cleanup)?.setup.blackhole(&s.net.to_string())?;
        }
    }
    Ok(Site { inet_ns, host_port, parents, lan_hosts })
}

/// A `--target swarm` run: use the engine's swarm if allowed, else make one and record that it
/// is to be left.
fn prepare_swarm(
    engine: &dyn Engine,
    t: &Topology,
    opts: &Options,
    cleanup: &Arc<Mutex<Cleanup>>,
) -> Result<(), VerifyError> {
    match crate::swarm::decide(&engine.swarm_state()?, opts.use_existing_swarm)? {
        crate::swarm::Plan::UseExisting => {
            (opts.announce)("deploying into the engine's existing swarm (--use-existing-swarm); it is left as it is")
        }
        crate::swarm::Plan::InitAndLeave => {
            (opts.announce)(
                "this engine is in no swarm: verify will `docker swarm init` it for the run and `docker swarm leave --force` afterwards",
            );
            if engine.network("docker_gwbridge")?.is_none() {
                deploy::create_gwbridge(engine, t)?;
                lock(cleanup)?.remove_gwbridge = true;
            }
            // `swarm init` refuses to guess between several interfaces (verify's stand-in
            // veth is one): advertise the node's own address.
            let own_links = lock(cleanup)?.setup.links.clone();
            engine.swarm_init(crate::swarm::advertise_address(&own_links)?)?;
            lock(cleanup)?.leave_swarm = true;
        }
    }
    Ok(())
}

/// Render the probe deployment, write it, and bring it up; returns what the deploy said.
fn deploy_probes(
    engine: &dyn Engine,
    t: &Topology,
    project: &str,
    opts: &Options,
    cleanup: &Arc<Mutex<Cleanup>>,
) -> Result<String, VerifyError> {
    let provenance = topoc_emit::Provenance { spec_name: "verify".into(), spec_sha256: String::new() };
    let rendered = match opts.target {
        Target::Swarm => topoc_emit::stack::render(t, &provenance, &topoc_emit::Templates::builtin()),
        Target::Compose => topoc_emit::compose::render(t, &provenance, &topoc_emit::Templates::builtin()),
    };
    let text = rendered.map_err(|e| VerifyError::Render(e.to_string()))?;
    let file = std::env::temp_dir().join(format!(
        "{project}.{}.yaml",
        match opts.target {
            Target::Swarm => "stack",
            Target::Compose => "compose",
        }
    ));
    std::fs::write(&file, &text).map_err(|e| VerifyError::io(&file, e))?;
    if let Some(dump) = &opts.dump_compose {
        std::fs::write(dump, &text).map_err(|e| VerifyError::io(dump, e))?;
    }
    let say = |m: &str| (opts.progress)(m);
    if opts.target == Target::Swarm {
        lock(cleanup)?.stack = Some((project.to_owned(), file.clone()));
        say(&format!("deploying {} services as stack {project}", t.services.len()));
        engine.stack_deploy(project, &file)
    } else {
        lock(cleanup)?.compose =
            Some(ComposeProject { compose: opts.compose.clone(), project: project.to_owned(), file: file.clone() });
        say(&format!("deploying {} services as project {project}", t.services.len()));
        engine.compose_up(&opts.compose, project, &file)
    }
}

/// The running deployment, as the planner and the gateway probes need it.
pub(crate) struct Run<'a> {
    pub(crate) topo: &'a Topology,
    pub(crate) deployed: &'a Topology,
    pub(crate) analysis: &'a Analysis,
    pub(crate) project: &'a str,
    pub(crate) lan_hosts: &'a BTreeMap<NetworkId, (String, IpAddr)>,
    pub(crate) host_port: u16,
    pub(crate) host_addr: Option<IpAddr>,
    pub(crate) forward_drop: Option<bool>,
    pub(crate) target: Target,
    pub(crate) instance_bound: u32,
}

/// From the running deployment to every probe observed: plan from the model, add the engine's
/// reports as `gateway` and `address` observations, send the rest, sort.
pub(crate) fn probe_deployment(
    run: &Run<'_>,
    engine: &dyn Engine,
    containers: &[Container],
    sender: &dyn Sender,
    say: &dyn Fn(&str),
    started: Instant,
    deadline: Duration,
) -> Result<plan::Plan, VerifyError> {
    // The host's address on docker_gwbridge, through which Swarm tasks with egress reach it: a
    // place to send a probe to, not an expectation.
    let gwbridge = if run.target == Target::Swarm {
        engine.network("docker_gwbridge")?.and_then(|n| n.first_gateway())
    } else {
        None
    };
    let mut plan = plan::plan(&plan::Input {
        topo: run.topo,
        deployed: run.deployed,
        analysis: run.analysis,
        project: run.project,
        containers,
        lan_hosts: run.lan_hosts,
        host_port: run.host_port,
        gwbridge,
        host_addr: run.host_addr,
        forward_drop: run.forward_drop,
        target: run.target,
        instance_bound: run.instance_bound,
    });
    let engine_name = |n: &topoc_model::Network| {
        if n.external {
            n.engine_name.clone().unwrap_or_else(|| n.name.clone())
        } else {
            deploy::engine_network_name(run.project, n)
        }
    };
    let mut inspected = BTreeMap::new();
    for n in crate::observe::compared_networks(run.deployed) {
        let name = engine_name(n);
        let network = engine.network(&name)?;
        inspected.insert(name, network);
    }
    let lookup = |name: &str| inspected.get(name).cloned().flatten();
    plan.probes.extend(crate::observe::gateway_probes(run.deployed, &engine_name, &lookup, run.target));
    say(&format!("sending {} probes", plan.probes.len()));
    send::send_all(&mut plan.probes, sender, started, deadline)?;
    plan.probes.sort_by(|a, b| (a.kind, &a.from, &a.to, &a.detail).cmp(&(b.kind, &b.from, &b.to, &b.detail)));
    Ok(plan)
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
        .take(20)
        .collect()
}
