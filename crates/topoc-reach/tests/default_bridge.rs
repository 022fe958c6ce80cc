//! `network_mode: bridge` (issue 12): Docker's default bridge is a predefined network of the
//! model. Its members reach each other by address on every port (icc is on by default), the host
//! and the outside world as on any non-internal bridge, and their published ports work; it is
//! not declared, takes no subnet from a pool, and cannot be joined through `networks`.

mod support;

use support::reach;
use topoc_diag::Code;
use topoc_model::Topology;
use topoc_reach::Analysis;

/// The model, or the errors of resolution with the text each primary label points at.
fn model(spec: &str) -> Result<(Topology, Analysis), Vec<(Code, String)>> {
    support::model(spec).map_err(|errors| {
        errors
            .iter()
            .map(|d| {
                let span = d.primary_span().expect("located");
                (d.code, spec[span.start as usize..span.end as usize].to_owned())
            })
            .collect()
    })
}

const SPEC: &str = "topology: shop
networks:
  app: { subnet: 10.1.0.0/24 }
services:
  legacy: { image: nginx:1.27, network_mode: bridge, ports: [\"8080:80\"] }
  agent: { image: busybox:1.36, network_mode: bridge }
  api: { image: busybox:1.36, networks: [app] }
";

#[test]
fn default_bridge_members_reach_each_other_and_the_world_but_not_other_networks() {
    let (t, a) = model(SPEC).expect("resolves");
    let bridge = t.networks.iter().find(|n| n.predefined).expect("the default bridge is in the model");
    assert_eq!((bridge.name.as_str(), bridge.engine_name.as_deref()), ("bridge", Some("bridge")));
    assert!(bridge.subnet.is_none() && bridge.external, "the engine chose its subnet; topoc does not create it");
    assert_eq!(reach(&t, &a, "agent", "legacy"), "all ports");
    assert_eq!(reach(&t, &a, "legacy", "agent"), "all ports");
    assert_eq!(reach(&t, &a, "agent", "external"), "all ports");
    assert_eq!(reach(&t, &a, "external", "legacy"), "port 80", "published through docker0");
    assert_eq!(reach(&t, &a, "external", "agent"), "-");
    // `app` is internal (the spec's default), and the default bridge is another network.
    assert_eq!(reach(&t, &a, "api", "agent"), "-");
}

#[test]
fn policy_selects_the_default_bridge_by_its_key() {
    let rules = "policy:\n  default: deny\n  rules:\n    - allow: { from: network:bridge, to: network:bridge }\n";
    let (_, a) = model(&format!("{SPEC}{rules}")).expect("network:bridge is a selector");
    let unallowed: Vec<&str> =
        a.findings.iter().filter(|d| d.code == Code::OverBroad).map(|d| d.message.as_str()).collect();
    assert!(
        unallowed.iter().any(|m| m.contains("legacy reaches the outside world")),
        "egress is not allowed: {unallowed:?}"
    );
    assert!(
        !unallowed.iter().any(|m| m.starts_with("agent reaches legacy") || m.starts_with("legacy reaches agent")),
        "{unallowed:?}"
    );
}

#[test]
fn networks_cannot_name_the_default_bridge() {
    let spec = "topology: shop\nservices:\n  a: { image: busybox:1.36, network_mode: bridge }\n  b: { image: busybox:1.36, networks: [bridge] }\n";
    assert_eq!(model(spec).err(), Some(vec![(Code::PredefinedNetwork, "bridge".to_owned())]));
}

#[test]
fn a_declared_network_keyed_bridge_collides_with_the_default_bridge() {
    let spec =
        "topology: shop\nnetworks:\n  bridge: {}\nservices:\n  a: { image: busybox:1.36, network_mode: bridge }\n";
    let Err(errors) = model(spec) else { panic!("must be refused") };
    assert!(errors.contains(&(Code::NameCollision, "bridge".to_owned())), "{errors:?}");
}

#[test]
fn container_mode_stays_refused_with_its_reason() {
    let spec = "topology: shop\nservices:\n  a: { image: busybox:1.36, network_mode: \"container:vpn\" }\n";
    assert_eq!(model(spec).err(), Some(vec![(Code::InvalidValue, "\"container:vpn\"".to_owned())]));
}

#[test]
fn bridge_mode_and_networks_conflict() {
    let spec = "topology: shop\nnetworks:\n  app: {}\nservices:\n  a: { image: busybox:1.36, network_mode: bridge, networks: [app] }\n";
    assert_eq!(model(spec).err(), Some(vec![(Code::ConflictingKeys, "bridge".to_owned())]));
}
