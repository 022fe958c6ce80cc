//! The run loop without Docker: a fake engine that reports containers and networks from
//! tables and answers probes from a table, to show that a disagreement is reported as a
//! mismatch and that nothing the engine reports becomes an expectation.

use crate::agent::Destination;
use crate::deploy::{self, Container};
use crate::engine::{Engine, NetworkCreate, Owner, SwarmState};
use crate::error::VerifyError;
use crate::inspect;
use crate::probe::{Kind, Origin, Probe};
use crate::run::{self, Run};
use crate::send::Sender;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use topoc_model::{Target, Topology};
use topoc_reach::Analysis;

pub(crate) const PROJECT: &str = "topocv1-t";

pub(crate) fn topology(text: &str) -> Topology {
    let spec = topoc_spec::load(text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("loads");
    let r = topoc_model::resolve(&spec, &topoc_model::Lock::default());
    r.topology.unwrap_or_else(|| panic!("resolves: {:?}", r.diagnostics))
}

pub(crate) fn analysis(t: &Topology, target: Target) -> Analysis {
    topoc_reach::analyze(t, topoc_reach::EngineProfile::default().with_target(target))
}

/// The probe deployment of `topo`, as a compose run makes it.
pub(crate) fn deployed(topo: &Topology) -> Topology {
    deploy::probe_topology(topo, PROJECT, "topoc-probe:test", &BTreeMap::new(), Target::Compose)
}

pub(crate) fn ip(s: &str) -> IpAddr {
    s.parse().expect("an address")
}

/// A container as the engine would report it: Compose service `service`, these addresses by
/// network name in the spec (the engine's names are derived as Compose derives them).
pub(crate) fn container(id: &str, service: &str, networks: &[(&str, &str)]) -> inspect::Container {
    inspect::Container {
        id: id.into(),
        config: inspect::ContainerConfig {
            labels: Some([(inspect::COMPOSE_SERVICE.to_owned(), service.to_owned())].into_iter().collect()),
        },
        network_settings: inspect::NetworkSettings {
            networks: networks
                .iter()
                .map(|(n, a)| (format!("{PROJECT}_{n}"), inspect::Endpoint { ip_address: Some(ip(a)), gateway: None }))
                .collect(),
        },
    }
}

/// A network as the engine would report it.
pub(crate) fn network(name: &str, subnet: &str, gateway: Option<&str>) -> inspect::Network {
    inspect::Network {
        name: format!("{PROJECT}_{name}"),
        scope: "local".into(),
        ipam: inspect::Ipam {
            config: vec![inspect::IpamConfig { subnet: subnet.parse().expect("subnet"), gateway: gateway.map(ip) }],
        },
    }
}

/// An engine that holds a deployment already running, and a table of which probe targets
/// answer (everything else is blocked). It records what it was asked to do.
#[derive(Default)]
pub(crate) struct FakeEngine {
    pub(crate) containers: Vec<inspect::Container>,
    pub(crate) networks: Vec<inspect::Network>,
    /// Which targets (as `Target` displays them) answer which origin.
    pub(crate) answers: BTreeMap<(Origin, String), bool>,
    /// The source address each container's kernel picks toward the stand-in internet (the
    /// `route` probes); `none` for a container not in the table.
    pub(crate) sources: BTreeMap<String, IpAddr>,
    pub(crate) calls: Mutex<Vec<String>>,
}

impl FakeEngine {
    fn called(&self, what: String) {
        if let Ok(mut c) = self.calls.lock() {
            c.push(what);
        }
    }
}

impl Engine for FakeEngine {
    fn version(&self) -> Result<String, VerifyError> {
        Ok("20.10.24".into())
    }
    fn image_exists(&self, _: &str) -> Result<bool, VerifyError> {
        Ok(true)
    }
    fn import_image(&self, tag: &str, _: &[&str], _: &[u8]) -> Result<(), VerifyError> {
        self.called(format!("import {tag}"));
        Ok(())
    }
    fn remove_image(&self, tag: &str) -> Result<(), VerifyError> {
        self.called(format!("rmi {tag}"));
        Ok(())
    }
    fn networks(&self) -> Result<Vec<inspect::Network>, VerifyError> {
        Ok(self.networks.clone())
    }
    fn network(&self, name: &str) -> Result<Option<inspect::Network>, VerifyError> {
        Ok(self.networks.iter().find(|n| n.name == name).cloned())
    }
    fn create_network(&self, n: &NetworkCreate) -> Result<(), VerifyError> {
        self.called(format!("network create {}", n.name));
        Ok(())
    }
    fn remove_network(&self, name: &str) -> Result<(), VerifyError> {
        self.called(format!("network rm {name}"));
        Ok(())
    }
    fn owned_networks(&self, _: &Owner) -> Result<Vec<String>, VerifyError> {
        Ok(Vec::new())
    }
    fn compose_up(&self, _: &[String], project: &str, _: &Path) -> Result<String, VerifyError> {
        self.called(format!("up {project}"));
        Ok(String::new())
    }
    fn compose_down(&self, _: &[String], project: &str, _: &Path) -> Result<(), VerifyError> {
        self.called(format!("down {project}"));
        Ok(())
    }
    fn stack_deploy(&self, stack: &str, _: &Path) -> Result<String, VerifyError> {
        self.called(format!("stack deploy {stack}"));
        Ok(String::new())
    }
    fn stack_rm(&self, stack: &str) -> Result<(), VerifyError> {
        self.called(format!("stack rm {stack}"));
        Ok(())
    }
    fn stack_task_errors(&self, _: &str) -> String {
        String::new()
    }
    fn containers(&self, _: &Owner, _: bool) -> Result<Vec<String>, VerifyError> {
        Ok(self.containers.iter().map(|c| c.id.clone()).collect())
    }
    fn inspect_containers(&self, ids: &[String]) -> Result<Vec<inspect::Container>, VerifyError> {
        Ok(self.containers.iter().filter(|c| ids.contains(&c.id)).cloned().collect())
    }
    fn container_states(&self, _: &Owner) -> String {
        String::new()
    }
    fn volumes(&self, _: &Owner) -> Result<Vec<String>, VerifyError> {
        Ok(Vec::new())
    }
    fn remove_volume(&self, name: &str) -> Result<(), VerifyError> {
        self.called(format!("volume rm {name}"));
        Ok(())
    }
    fn swarm_state(&self) -> Result<SwarmState, VerifyError> {
        Ok(SwarmState::Inactive)
    }
    fn swarm_init(&self, a: Ipv4Addr) -> Result<(), VerifyError> {
        self.called(format!("swarm init {a}"));
        Ok(())
    }
    fn swarm_leave(&self) -> Result<(), VerifyError> {
        self.called("swarm leave".into());
        Ok(())
    }
    fn exec_probe(&self, container: &str, args: &[String], _: Duration) -> Result<(String, String), VerifyError> {
        if args.get(1).is_some_and(|a| a == "source") {
            let shown = self.sources.get(container).map_or_else(|| "none".to_owned(), IpAddr::to_string);
            return Ok((format!("{shown}\n"), String::new()));
        }
        // The agent's own output format, from the table.
        let targets = args.iter().skip_while(|a| !a.contains(':')).filter_map(|a| a.parse::<Destination>().ok());
        let out = targets
            .map(|t| {
                format!("{t} {}\n", if self.answer(&Origin::Container(container.into()), &t) { "ok" } else { "fail" })
            })
            .collect();
        Ok((out, String::new()))
    }
}

impl FakeEngine {
    fn answer(&self, origin: &Origin, t: &Destination) -> bool {
        self.answers.get(&(origin.clone(), t.to_string())).copied().unwrap_or(false)
    }
}

/// Probes from containers go through `exec_probe`, as the live sender sends them; the host,
/// internet and LAN ones are answered from the same table.
impl Sender for FakeEngine {
    fn send(&self, origin: &Origin, targets: &[Destination]) -> Result<Vec<Option<bool>>, VerifyError> {
        match origin {
            Origin::Container(id) => {
                let mut args = vec!["__probe".to_owned(), "connect".into()];
                args.extend(targets.iter().map(Destination::to_string));
                let (out, err) = self.exec_probe(id, &args, Duration::from_secs(1))?;
                crate::send::answers(&out, &err, "fake", targets)
            }
            Origin::Inspect => Ok(vec![None; targets.len()]),
            _ => Ok(targets.iter().map(|t| Some(self.answer(origin, t))).collect()),
        }
    }

    fn source(&self, container: &str, dest: std::net::SocketAddr) -> Result<String, VerifyError> {
        self.exec_probe(container, &crate::send::source_args(dest), Duration::from_secs(1)).map(|(out, _)| out)
    }
}

/// The fake engine's containers, as the run reads them.
pub(crate) fn running(engine: &FakeEngine) -> Vec<Container> {
    deploy::running_containers(engine, PROJECT, Target::Compose, engine.containers.len(), Duration::from_secs(1), "")
        .expect("all running")
}

pub(crate) fn probe_all(topo: &Topology, engine: &FakeEngine) -> Vec<Probe> {
    let t = deployed(topo);
    let a = analysis(topo, Target::Compose);
    let lan = BTreeMap::new();
    let run = Run {
        topo,
        deployed: &t,
        analysis: &a,
        project: PROJECT,
        lan_hosts: &lan,
        host_port: 47_001,
        host_addr: None,
        forward_drop: None,
        target: Target::Compose,
        instance_bound: crate::plan::INSTANCE_BOUND,
    };
    let containers = running(engine);
    run::probe_deployment(&run, engine, &containers, engine, &|_| {}, Instant::now(), Duration::from_secs(60))
        .expect("the run loop finishes")
        .probes
}

const SPEC: &str = "topology: t
networks:
  front: { subnet: 10.61.0.0/24, egress: true }
  back: { subnet: 10.62.0.0/24 }
services:
  web: { image: x, networks: { front: { ip: .10 }, back: { ip: .10 } }, ports: [\"18080:80\"] }
  db: { image: x, networks: { back: { ip: .20 } } }
  hidden: { image: x, networks: { front: { ip: .30 } } }
";

/// The engine as the model describes it: the model's addresses and gateways.
fn faithful() -> FakeEngine {
    FakeEngine {
        containers: vec![
            container("c-web", "web", &[("front", "10.61.0.10"), ("back", "10.62.0.10")]),
            container("c-db", "db", &[("back", "10.62.0.20")]),
            container("c-hidden", "hidden", &[("front", "10.61.0.30")]),
        ],
        networks: vec![
            network("front", "10.61.0.0/24", Some("10.61.0.1")),
            network("back", "10.62.0.0/24", Some("10.62.0.1")),
        ],
        ..FakeEngine::default()
    }
}

fn find<'a>(probes: &'a [Probe], kind: Kind, from: &str, to: &str, detail: &str) -> &'a Probe {
    probes
        .iter()
        .find(|p| p.kind == kind && p.from == from && p.to == to && p.detail.contains(detail))
        .unwrap_or_else(|| panic!("no {kind} probe {from} → {to} ({detail}) in {probes:#?}"))
}

/// Answer every probe the model expects to reach, and nothing else.
fn answering_the_model(engine: &mut FakeEngine, topo: &Topology) {
    let planned = probe_all(topo, engine);
    engine.answers = planned
        .iter()
        .filter(|p| p.origin != Origin::Inspect)
        .map(|p| ((p.origin.clone(), p.target.to_string()), p.expected))
        .collect();
}

#[test]
fn an_engine_that_behaves_as_the_model_says_gives_no_mismatch() {
    let topo = topology(SPEC);
    let mut engine = faithful();
    answering_the_model(&mut engine, &topo);
    let probes = probe_all(&topo, &engine);
    let mismatches: Vec<&Probe> = probes.iter().filter(|p| p.mismatch()).collect();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    // Something is expected to reach and something not: the table was not one-sided.
    assert!(probes.iter().any(|p| p.expected) && probes.iter().any(|p| !p.expected && p.observed.is_some()));
    assert!(find(&probes, Kind::Direct, "web", "db", "`back`").expected);
    assert!(!find(&probes, Kind::Direct, "hidden", "db", "`back`").expected);
}

#[test]
fn a_path_the_model_forbids_is_a_mismatch() {
    let topo = topology(SPEC);
    let mut engine = faithful();
    answering_the_model(&mut engine, &topo);
    // The engine lets `hidden` reach `db` (an iptables rule the model does not know).
    engine.answers.insert((Origin::Container("c-hidden".into()), "10.62.0.20:7000".into()), true);
    let probes = probe_all(&topo, &engine);
    let leak = find(&probes, Kind::Direct, "hidden", "db", "`back`");
    assert_eq!((leak.expected, leak.observed), (false, Some(true)));
    assert!(leak.mismatch());
}

#[test]
fn what_the_engine_reports_is_observed_never_expected() {
    let topo = topology(SPEC);
    let honest = {
        let mut e = faithful();
        answering_the_model(&mut e, &topo);
        probe_all(&topo, &e)
    };
    // The engine puts `db` at another address and reports another gateway for `front`.
    let mut engine = faithful();
    engine.containers[1] = container("c-db", "db", &[("back", "10.62.0.99")]);
    engine.networks[0] = network("front", "10.61.0.0/24", Some("10.61.0.254"));
    // It answers as the model says, wherever it put things.
    engine.answers = honest
        .iter()
        .map(|p| {
            let target = p.target.to_string().replace("10.62.0.20:", "10.62.0.99:");
            ((p.origin.clone(), target), p.expected)
        })
        .collect();
    let probes = probe_all(&topo, &engine);
    // Both reports are mismatches of their own kind.
    let address = find(&probes, Kind::Address, "db", "back", "model 10.62.0.20");
    assert_eq!((address.expected, address.observed), (true, Some(false)), "{address:?}");
    let gateway = find(&probes, Kind::Gateway, "front", "gateway", "model 10.61.0.1, engine 10.61.0.254");
    assert!(gateway.mismatch(), "{gateway:?}");
    let mismatched: Vec<Kind> = probes.iter().filter(|p| p.mismatch()).map(|p| p.kind).collect();
    assert_eq!(mismatched, [Kind::Address, Kind::Gateway], "{probes:#?}");
    // The probes to db go where the engine put it, with the model's expectation; the probes
    // to the host go to the model's gateway, not the one the engine reported.
    let to_db = find(&probes, Kind::Direct, "web", "db", "`back`");
    assert_eq!(to_db.target.addr.ip(), ip("10.62.0.99"));
    assert!(to_db.expected);
    let to_host = find(&probes, Kind::ToHost, "hidden", "host", "gateway of `front`");
    assert_eq!(to_host.target.addr.ip(), ip("10.61.0.1"));
    // Every connection probe expects what it expected against the faithful engine.
    let expectation = |ps: &[Probe]| -> BTreeMap<(Kind, String, String, String), bool> {
        ps.iter()
            .filter(|p| p.origin != Origin::Inspect)
            .map(|p| ((p.kind, p.from.clone(), p.to.clone(), p.detail.clone()), p.expected))
            .collect()
    };
    assert_eq!(expectation(&probes), expectation(&honest));
}

#[test]
fn a_container_without_a_service_label_stops_the_run() {
    let mut engine = faithful();
    engine.containers[0].config.labels = None;
    let err = deploy::running_containers(&engine, PROJECT, Target::Compose, 3, Duration::from_secs(1), "")
        .expect_err("an unlabelled container");
    assert!(matches!(err, VerifyError::Unreadable { .. }), "{err}");
}

#[test]
fn teardown_undoes_what_the_run_recorded_once() {
    let engine = FakeEngine::default();
    let mut cleanup = crate::cleanup::Cleanup {
        compose: Some(crate::cleanup::ComposeProject {
            compose: vec!["docker".into(), "compose".into()],
            project: PROJECT.into(),
            file: std::env::temp_dir().join("topoc-verify-test-does-not-exist.yaml"),
        }),
        image: Some("topoc-probe:test".into()),
        leave_swarm: true,
        ..Default::default()
    };
    assert!(cleanup.run(&engine).is_empty());
    assert!(cleanup.run(&engine).is_empty());
    let calls = engine.calls.lock().expect("calls").clone();
    assert_eq!(calls, [format!("down {PROJECT}"), "swarm leave".into(), "rmi topoc-probe:test".into()]);
}

#[test]
fn a_route_probe_compares_the_agents_source_address_with_the_model() {
    let topo = topology(
        "topology: t
networks:
  a-first: { subnet: 10.66.1.0/24, egress: true }
  z-last: { subnet: 10.66.2.0/24, egress: true }
services:
  plain: { image: x, networks: { a-first: { ip: .5 }, z-last: { ip: .5 } } }
",
    );
    let mut engine = FakeEngine {
        containers: vec![container("c-plain", "plain", &[("a-first", "10.66.1.5"), ("z-last", "10.66.2.5")])],
        networks: vec![
            network("a-first", "10.66.1.0/24", Some("10.66.1.1")),
            network("z-last", "10.66.2.0/24", Some("10.66.2.1")),
        ],
        ..FakeEngine::default()
    };
    // The model: no priority, the network name decides (`a-first`).
    engine.sources.insert("c-plain".into(), ip("10.66.1.5"));
    let probes = probe_all(&topo, &engine);
    let route = find(&probes, Kind::Route, "plain", "external", "through `a-first`");
    assert_eq!((route.expected, route.observed), (true, Some(true)), "{route:?}");
    assert!(route.detail.ends_with(": model source 10.66.1.5, engine 10.66.1.5"), "{route:?}");
    // An engine that routes out through the other network is a mismatch; one with no route too.
    engine.sources.insert("c-plain".into(), ip("10.66.2.5"));
    let probes = probe_all(&topo, &engine);
    assert!(find(&probes, Kind::Route, "plain", "external", "engine 10.66.2.5").mismatch());
    engine.sources.clear();
    let probes = probe_all(&topo, &engine);
    assert!(find(&probes, Kind::Route, "plain", "external", "engine none").mismatch());
}
