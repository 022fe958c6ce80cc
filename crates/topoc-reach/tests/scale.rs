//! The reachability model at scale: relays reach their fixed point in any declaration order,
//! every relay stays a reason, and a model past the budget is refused with one located
//! `topoc::resource-limit` instead of a partial answer.

use topoc_diag::{Code, FileId};
use topoc_model::{Lock, Topology, resolve};
use topoc_reach::{EngineProfile, analyze, analyze_within};

fn topology(spec: &str) -> Topology {
    let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, &Lock::default());
    r.topology.unwrap_or_else(|| panic!("resolves: {:#?}", r.diagnostics))
}

fn ports(topo: &Topology, a: &topoc_reach::Analysis, from: &str, to: &str) -> String {
    let e = |n: &str| a.endpoint(topo, n).unwrap_or_else(|| panic!("no endpoint {n}"));
    let p = a.reach.ports(e(from), e(to));
    if p.is_empty() { "-".into() } else { p.to_string() }
}

#[test]
fn a_relay_chain_declared_backwards_still_reaches_its_end() {
    // r2 is looked at before anyone reaches it on 9000; r1's relay later gives `a` that
    // reach, and r2 must be looked at again.
    let topo = topology(
        "topology: t\nnetworks: { n1: {}, n2: {}, n3: {} }\nservices:\n  r2: { image: x, networks: [n2, n3], relays: [{ to: b, ports: [80], listen: 9000 }] }\n  r1: { image: x, networks: [n1, n2], relays: [{ to: r2, ports: [9000] }] }\n  a: { image: x, networks: [n1] }\n  b: { image: x, networks: [n3] }\n",
    );
    let a = analyze(&topo, EngineProfile::default());
    assert_eq!(ports(&topo, &a, "a", "r2"), "port 9000");
    assert_eq!(ports(&topo, &a, "a", "b"), "port 80");
    assert_eq!(ports(&topo, &a, "r1", "b"), "port 80");
    assert_eq!(ports(&topo, &a, "b", "a"), "-");
}

#[test]
fn every_relay_that_grants_a_pair_is_a_reason_for_it() {
    // Findings name each thing that grants a pair, so a relay is kept beside the network
    // that already connects the pair.
    let topo = topology(
        "topology: t\nnetworks: { mesh: {} }\nservices:\n  a: { image: x, networks: [mesh] }\n  r: { image: x, networks: [mesh], relays: [{ to: b, ports: [80] }] }\n  b: { image: x, networks: [mesh] }\n",
    );
    let a = analyze(&topo, EngineProfile::default());
    let (from, to) = (a.endpoint(&topo, "a").expect("a"), a.endpoint(&topo, "b").expect("b"));
    let vias: Vec<_> = a.reach.hops(from, to).iter().map(|h| h.via).collect();
    assert!(matches!(vias.as_slice(), [topoc_reach::Via::Network(_), topoc_reach::Via::Relay { .. }]), "{vias:?}");
}

#[test]
fn glob_relays_past_the_budget_of_reasons_are_refused_at_a_relay() {
    let mut spec = String::from("topology: t\nnetworks: { mesh: {} }\nservices:\n");
    for i in 0..12 {
        spec.push_str(&format!("  s{i}: {{ image: x, networks: [mesh], relays: [{{ to: \"s*\", ports: [80] }}] }}\n"));
    }
    let topo = topology(&spec);
    assert!(!analyze(&topo, EngineProfile::default()).refused());
    // 12 × 11 edges fit in 200, but not 12 reasons on each in 400.
    let refused = analyze_within(&topo, EngineProfile::default(), 200);
    assert!(refused.refused());
    let finding = refused.findings.iter().next().expect("one finding");
    assert_eq!(finding.code, Code::ResourceLimit);
    assert!(finding.message.contains("the relay of `s"), "{}", finding.message);
}

#[test]
fn a_model_past_the_edge_budget_is_refused_at_its_cause() {
    let spec = "topology: t\nnetworks:\n  wide: {}\nservices:\n  a: { image: x, networks: [wide] }\n  b: { image: x, networks: [wide] }\n  c: { image: x, networks: [wide], ports: [\"8080:80\"] }\n";
    let topo = topology(spec);
    let whole = analyze(&topo, EngineProfile::default());
    assert!(!whole.refused());
    let refused = analyze_within(&topo, EngineProfile::default(), 3);
    assert!(refused.refused());
    let codes: Vec<Code> = refused.findings.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::ResourceLimit]);
    let finding = refused.findings.iter().next().expect("one finding");
    let span = finding.primary_span().expect("located");
    assert_eq!(&spec[span.start as usize..span.end as usize], "wide");
    assert!(finding.message.contains("network `wide`"), "{}", finding.message);
}
