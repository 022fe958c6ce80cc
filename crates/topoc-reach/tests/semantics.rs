//! One minimal spec per rule of the reachability model, with the pairs it must and must not
//! connect. Each case names the section of docs/semantics.md it encodes.

use topoc_diag::{Code, FileId};
use topoc_model::{Lock, Target, Topology, resolve};
use topoc_reach::{Analysis, EngineProfile, analyze};

fn model(spec: &str, engine: &str) -> (Topology, Analysis) {
    let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, &Lock::default());
    let topo = r.topology.unwrap_or_else(|| panic!("resolves: {:#?}", r.diagnostics));
    let analysis = analyze(&topo, EngineProfile::parse(engine).expect("engine"));
    (topo, analysis)
}

/// `from → to` as "all ports", "port 80", or "-" when unreachable.
fn reach(t: &Topology, a: &Analysis, from: &str, to: &str) -> String {
    let e = |n: &str| a.endpoint(t, n).unwrap_or_else(|| panic!("no endpoint {n}"));
    let ports = a.reach.ports(e(from), e(to));
    if ports.is_empty() { "-".into() } else { ports.to_string() }
}

struct Case {
    section: &'static str,
    rule: &'static str,
    engine: &'static str,
    spec: &'static str,
    expect: &'static [(&'static str, &'static str, &'static str)],
}

const ACROSS: &str = "topology: t\nnetworks: { a: { egress: true }, b: { egress: true } }\nservices:\n  server: { image: x, networks: [b], ports: [\"18060:60\"] }\n  client: { image: x, networks: [a] }\n  neighbour: { image: x, networks: [b] }\n";

const CASES: &[Case] = &[
    Case {
        section: "§3.4",
        rule: "with the userland proxy, a published port is reached from other networks",
        engine: "26.1",
        spec: ACROSS,
        expect: &[("client", "server", "port 60"), ("neighbour", "server", "all ports")],
    },
    Case {
        section: "§3.4",
        rule: "without the userland proxy, only members of the publisher's networks reach it (published-across-networks.yaml)",
        engine: "28.5:no-userland-proxy",
        spec: ACROSS,
        expect: &[("client", "server", "-"), ("neighbour", "server", "all ports"), ("external", "server", "port 60")],
    },
    Case {
        section: "§1.1",
        rule: "members of one network reach each other on every port",
        engine: "current",
        spec: "topology: t\nnetworks: { n: {} }\nservices:\n  a: { image: x, networks: [n] }\n  b: { image: x, networks: [n] }\n",
        expect: &[("a", "b", "all ports"), ("b", "a", "all ports")],
    },
    Case {
        section: "§1.1",
        rule: "icc: false stops members of a bridge reaching each other",
        engine: "current",
        spec: "topology: t\nnetworks: { n: { icc: false } }\nservices:\n  a: { image: x, networks: [n] }\n  b: { image: x, networks: [n] }\n",
        expect: &[("a", "b", "-"), ("host", "a", "all ports")],
    },
    Case {
        section: "§1.2",
        rule: "members of different networks do not reach each other",
        engine: "current",
        spec: "topology: t\nnetworks: { n1: {}, n2: {} }\nservices:\n  a: { image: x, networks: [n1] }\n  b: { image: x, networks: [n2] }\n",
        expect: &[("a", "b", "-"), ("b", "a", "-")],
    },
    Case {
        section: "§1.3",
        rule: "a multi-homed container does not route between its networks",
        engine: "current",
        spec: "topology: t\nnetworks: { n1: {}, n2: {} }\nservices:\n  a: { image: x, networks: [n1] }\n  m: { image: x, networks: [n1, n2] }\n  b: { image: x, networks: [n2] }\n",
        expect: &[("a", "m", "all ports"), ("m", "b", "all ports"), ("a", "b", "-")],
    },
    Case {
        section: "§1.3",
        rule: "a declared relay forwards: whoever reaches it reaches its targets on its ports, transitively",
        engine: "current",
        spec: "topology: t\nnetworks: { n1: {}, n2: {}, n3: {} }\nservices:\n  a: { image: x, networks: [n1] }\n  r1: { image: x, networks: [n1, n2], relays: [{ to: r2, ports: [9000] }] }\n  r2: { image: x, networks: [n2, n3], relays: [{ to: b, ports: [80], listen: 9000 }] }\n  b: { image: x, networks: [n3] }\n",
        expect: &[("a", "r2", "port 9000"), ("r1", "b", "port 80"), ("a", "b", "port 80"), ("b", "a", "-")],
    },
    Case {
        section: "§3.5, §2.1",
        rule: "a non-internal bridge gives egress; an internal one does not",
        engine: "current",
        spec: "topology: t\nnetworks: { out: { egress: true }, inside: {} }\nservices:\n  a: { image: x, networks: [out] }\n  b: { image: x, networks: [inside] }\n",
        expect: &[("a", "external", "all ports"), ("b", "external", "-")],
    },
    Case {
        section: "§2.3",
        rule: "ports of a service only on internal networks are not published",
        engine: "current",
        spec: "topology: t\nnetworks: { inside: {}, out: { egress: true } }\nservices:\n  a: { image: x, networks: [inside], ports: [\"8081:7000\"] }\n  c: { image: x, networks: [out] }\n",
        expect: &[("external", "a", "-"), ("c", "a", "-"), ("host", "a", "all ports")],
    },
    Case {
        section: "§3.4, §1.2",
        rule: "published ports are reached from outside and from containers of other non-internal networks",
        engine: "current",
        spec: "topology: t\nnetworks: { web: { egress: true }, other: { egress: true }, closed: {} }\nservices:\n  w: { image: x, networks: [web], ports: [\"8080:80\"] }\n  o: { image: x, networks: [other] }\n  i: { image: x, networks: [closed] }\n",
        expect: &[("external", "w", "port 80"), ("o", "w", "port 80"), ("i", "w", "-")],
    },
    Case {
        section: "§3.4",
        rule: "a port bound to 127.0.0.1 is reached by the host only (engine 28+)",
        engine: "28.2",
        spec: "topology: t\nnetworks: { web: { egress: true }, other: { egress: true } }\nservices:\n  w: { image: x, networks: [web], ports: [\"127.0.0.1:8080:80\"] }\n  o: { image: x, networks: [other] }\n",
        expect: &[("external", "w", "-"), ("o", "w", "-")],
    },
    Case {
        section: "§3.4 (engine ≤ 27)",
        rule: "before 28.0 a loopback-bound port was reachable from the LAN segment",
        engine: "27.5",
        spec: "topology: t\nnetworks: { web: { egress: true } }\nservices:\n  w: { image: x, networks: [web], ports: [\"127.0.0.1:8080:80\"] }\n",
        expect: &[("external", "w", "port 80")],
    },
    Case {
        section: "§3.1, §2.2",
        rule: "the host reaches bridge members on every port, internal networks included",
        engine: "current",
        spec: "topology: t\nnetworks: { inside: {} }\nservices:\n  a: { image: x, networks: [inside] }\n",
        expect: &[("host", "a", "all ports"), ("a", "host", "all ports")],
    },
    Case {
        section: "§2.2 (engine 25.0.0–25.0.3)",
        rule: "on 25.0.0–25.0.3 internal bridges had no address: the host could not reach them",
        engine: "25.0.2",
        spec: "topology: t\nnetworks: { inside: {} }\nservices:\n  a: { image: x, networks: [inside] }\n",
        expect: &[("host", "a", "-")],
    },
    Case {
        section: "§6",
        rule: "macvlan members are LAN hosts both ways on every port, internal or not; the host cannot reach them",
        engine: "current",
        spec: "topology: t\nnetworks: { lan: { driver: macvlan, parent: eth0, subnet: 192.168.50.0/24 } }\nservices:\n  a: { image: x, networks: { lan: { ip: .20 } } }\n",
        expect: &[("external", "a", "all ports"), ("a", "external", "all ports"), ("host", "a", "-")],
    },
    Case {
        section: "§4, §3.1",
        rule: "the host has no route into overlays; a non-internal overlay gives egress",
        engine: "current",
        spec: "topology: t\nnetworks: { o: { driver: overlay, egress: true }, i: { driver: overlay } }\nservices:\n  a: { image: x, networks: [o] }\n  b: { image: x, networks: [i] }\n",
        expect: &[("host", "a", "-"), ("a", "external", "all ports"), ("b", "external", "-")],
    },
    Case {
        section: "§10.5",
        rule: "network_mode: host is the host's stack: it reaches bridge members and the outside reaches it",
        engine: "current",
        spec: "topology: t\nnetworks: { n: {} }\nservices:\n  h: { image: x, network_mode: host }\n  a: { image: x, networks: [n] }\n",
        expect: &[("h", "a", "all ports"), ("external", "h", "all ports")],
    },
    Case {
        section: "§10.5",
        rule: "network_mode: service:X has exactly X's reach",
        engine: "current",
        spec: "topology: t\nnetworks: { n: {} }\nservices:\n  x: { image: x, networks: [n] }\n  s: { image: x, network_mode: \"service:x\" }\n  b: { image: x, networks: [n] }\n",
        expect: &[("s", "b", "all ports"), ("b", "s", "all ports")],
    },
];

#[test]
fn every_rule_of_the_model() {
    let mut failures = Vec::new();
    for case in CASES {
        let (t, a) = model(case.spec, case.engine);
        for (from, to, want) in case.expect {
            let got = reach(&t, &a, from, to);
            if got != *want {
                failures.push(format!(
                    "{} {} ({}): {from} → {to}: expected {want}, got {got}",
                    case.section, case.rule, case.engine
                ));
            }
        }
    }
    assert!(failures.is_empty(), "model disagrees with its rules:\n{}", failures.join("\n"));
}

/// The codes of the model's findings. The lints' own codes (`topoc_reach::lints`, tested in
/// tests/lints.rs) are left out: these specs are sketches, without subnets or image tags.
fn codes(spec: &str) -> Vec<Code> {
    let (_, a) = model(spec, "current");
    a.findings.iter().map(|d| d.code).filter(|c| !lint_only(*c)).collect()
}

fn lint_only(code: Code) -> bool {
    topoc_reach::lints::group(code).is_some() && !matches!(code, Code::DockerSocket | Code::EscapeHatch)
}

#[test]
fn ineffective_ports_and_escape_hatches_are_reported() {
    assert!(
        codes("topology: t\nnetworks: { i: {} }\nservices:\n  a: { image: x, networks: [i], ports: [\"80:80\"] }\n")
            .contains(&Code::Ineffective)
    );
    assert!(codes("topology: t\nservices:\n  h: { image: x, network_mode: host }\n").contains(&Code::EscapeHatch));
    assert!(
        codes(
            "topology: t\nservices:\n  d: { image: x, volumes: [\"/var/run/docker.sock:/var/run/docker.sock:ro\"] }\n"
        )
        .contains(&Code::DockerSocket)
    );
}

const POLICY_BASE: &str =
    "topology: t\nnetworks: { n: {} }\nservices:\n  a: { image: x, networks: [n] }\n  b: { image: x, networks: [n] }\n";

fn with_policy(rules: &str) -> String {
    format!("{POLICY_BASE}policy:\n  default: deny\n  rules:\n    - allow: {{ from: host, to: \"*\" }}\n{rules}")
}

#[test]
fn default_deny_reports_the_granting_network() {
    let c = codes(&with_policy(""));
    assert_eq!(c.iter().filter(|c| **c == Code::OverBroad).count(), 1, "{c:?}");
    assert!(codes(&with_policy("    - allow: { from: network:n, to: network:n }\n")).is_empty());
}

#[test]
fn the_most_specific_rule_wins_and_deny_wins_ties() {
    // The specific deny beats the network-wide allow.
    let c = codes(&with_policy("    - allow: { from: network:n, to: network:n }\n    - deny: { from: a, to: b }\n"));
    assert_eq!(c, vec![Code::PolicyViolation]);
    // Equal specificity: deny wins.
    let c = codes(&with_policy(
        "    - allow: { from: a, to: b }\n    - deny: { from: a, to: b }\n    - allow: { from: b, to: a }\n",
    ));
    assert!(c.contains(&Code::PolicyViolation), "{c:?}");
}

#[test]
fn port_lists_split_the_verdict() {
    // Allowing one port leaves every other port of the network denied by default.
    let c = codes(&with_policy("    - allow: { from: a, to: b, ports: [5432] }\n    - allow: { from: b, to: a }\n"));
    assert_eq!(c, vec![Code::OverBroad]);
}

#[test]
fn unused_and_unsatisfied_rules() {
    let c = codes(&with_policy(
        "    - allow: { from: network:n, to: network:n }\n    - allow: { from: \"nothing-*\", to: a }\n",
    ));
    assert!(c.contains(&Code::UnusedRule), "{c:?}");
    let spec = "topology: t\nnetworks: { n1: {}, n2: {} }\nservices:\n  a: { image: x, networks: [n1] }\n  b: { image: x, networks: [n2] }\npolicy:\n  rules:\n    - allow: { from: host, to: \"*\" }\n    - allow: { from: a, to: b }\n";
    assert!(codes(spec).contains(&Code::UnsatisfiedAllow));
}

#[test]
fn template_scope_separates_instances() {
    let spec = "topology: t\nnetworks: { shared: {} }\ntemplates:\n  p:\n    instances: [x, y]\n    services:\n      \"s-{id}\": { image: x, networks: [shared] }\n      \"t-{id}\": { image: x, networks: [shared] }\npolicy:\n  rules:\n    - allow: { from: host, to: \"*\" }\n    - allow: { from: template:p, to: template:p, scope: same-instance }\n    - deny: { from: template:p, to: template:p, scope: across-instances }\n";
    let c = codes(spec);
    assert_eq!(c, vec![Code::PolicyViolation], "instances sharing a network break across-instance isolation");
}

#[test]
fn volume_policy_is_enforced() {
    let spec = "topology: t\nvolumes: { data: {} }\nservices:\n  w: { image: x, volumes: [\"data:/d\"] }\n  r: { image: x, volumes: [\"data:/d\"] }\n  o: { image: x, volumes: [\"data:/d:ro\"] }\npolicy:\n  volumes:\n    data: { writers: [w], readers: [r] }\n";
    let c = codes(spec);
    assert_eq!(c.iter().filter(|c| **c == Code::VolumeAccess).count(), 2, "{c:?}");
}

#[test]
fn twenty_thousand_services_are_checked_by_class() {
    let spec = "topology: big\npools:\n  p: { range: 10.0.0.0/8, prefix: 24 }\nnetworks:\n  main: { subnet: 192.168.0.0/24 }\nservices:\n  core: { image: x, networks: [main] }\ntemplates:\n  t:\n    count: 5000\n    networks: { \"net-{id}\": { pool: p } }\n    services:\n      \"a-{id}\": { image: x, networks: [\"net-{id}\"] }\n      \"b-{id}\": { image: x, networks: [\"net-{id}\"] }\n      \"c-{id}\": { image: x, networks: [\"net-{id}\"] }\n      \"d-{id}\": { image: x, networks: [\"net-{id}\"] }\n    attach:\n      core: { \"net-{id}\": {} }\npolicy:\n  rules:\n    - allow: { from: host, to: \"*\" }\n    - allow: { from: template:t, to: template:t, scope: same-instance }\n    - allow: { from: core, to: template:t }\n    - allow: { from: template:t, to: core }\n    - deny: { from: template:t, to: template:t, scope: across-instances }\n";
    let (t, a) = model(spec, "current");
    assert_eq!(t.services.len(), 20_001);
    assert!(a.classes.classes.len() <= 5_001, "{} classes", a.classes.classes.len());
    let model_findings: Vec<_> = a.findings.iter().filter(|d| !lint_only(d.code)).collect();
    assert!(model_findings.is_empty(), "{:#?}", model_findings.iter().take(3).collect::<Vec<_>>());
    let m = topoc_reach::matrix::compute(&t, &a, topoc_reach::matrix::Level::Templates);
    assert_eq!(m.labels, vec!["core", "template:t", "host", "external"]);
}

#[test]
fn swarm_routing_mesh_publishes_internal_services_and_gives_them_egress() {
    // §4 (observed on 20.10.24): an ingress-mode port attaches the task to `ingress` and
    // docker_gwbridge, so an internal-only service is published and reaches the outside.
    let spec = "topology: t\nnetworks: { mon: { driver: overlay } }\nservices:\n  grafana: { image: x, networks: [mon], ports: [\"3000:3000\"] }\n  prom: { image: x, networks: [mon] }\n";
    let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("loads");
    let topo = resolve(&spec, &Lock::default()).topology.expect("resolves");
    let compose = analyze(&topo, EngineProfile::default());
    let swarm = analyze(&topo, EngineProfile::default().with_target(Target::Swarm));
    assert_eq!(reach(&topo, &compose, "external", "grafana"), "-");
    assert_eq!(reach(&topo, &swarm, "external", "grafana"), "port 3000");
    assert_eq!(reach(&topo, &swarm, "grafana", "external"), "all ports");
    assert_eq!(reach(&topo, &swarm, "prom", "external"), "-");
    // §3.4: Swarm ignores host_ip; a loopback binding does not keep the outside away.
    let spec = "topology: t\nnetworks: { web: { egress: true } }\nservices:\n  w: { image: x, networks: [web], ports: [\"127.0.0.1:8080:80\"] }\n";
    let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("loads");
    let topo = resolve(&spec, &Lock::default()).topology.expect("resolves");
    assert_eq!(
        reach(&topo, &analyze(&topo, EngineProfile::default().with_target(Target::Swarm)), "external", "w"),
        "port 80"
    );
    // §4, §3.1: a stack's networks are overlays: the host has no route into them.
    assert_eq!(
        reach(&topo, &analyze(&topo, EngineProfile::default().with_target(Target::Swarm)), "host", "w"),
        "port 80"
    );
}

/// §1.3: the network a multi-homed service routes out through (tests/live/gateway-priority.yaml).
#[test]
fn gateway_network_follows_gw_priority_where_the_engine_applies_it() {
    let spec = "topology: t\nnetworks: { a-first: { egress: true }, z-last: { egress: true }, sealed: {} }\nservices:\n  plain: { image: x, networks: [a-first, z-last, sealed] }\n  prio: { image: x, networks: { a-first: {}, z-last: { gw_priority: 10 } } }\n";
    for (engine, prio_network) in [("28.5", "z-last"), ("26.1", "a-first"), ("20.10", "a-first")] {
        let (topo, analysis) = model(spec, engine);
        let name = |n: topoc_model::NetworkId| topo.network(n).name.clone();
        let chosen = |service: &str| {
            let s = topo.services.iter().find(|s| s.name == service).expect("service");
            topoc_reach::graph::gateway_network(&topo, s, &analysis.engine, &name).map(name)
        };
        assert_eq!(chosen("plain").as_deref(), Some("a-first"), "{engine}");
        assert_eq!(chosen("prio").as_deref(), Some(prio_network), "{engine}");
    }
}
