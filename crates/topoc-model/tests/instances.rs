//! Instances added and removed at run time: `alloc` predicts exactly what resolving the spec
//! with the instance gives, never hands out an address in use, and never moves another
//! instance (through the lock).

use ipnet::IpNet;
use proptest::prelude::*;
use std::collections::BTreeMap;
use topoc_diag::FileId;
use topoc_model::instance::{Allocation, InstanceError, alloc, allocation, with_instance, without_instance};
use topoc_model::{Lock, Topology, resolve};
use topoc_spec::{Format, TopologySpec, load};

/// tests/fixtures/instances/tenants.yaml, shared with the CLI's instance tests.
const SPEC: &str = include_str!("../../../tests/fixtures/instances/tenants.yaml");

fn spec() -> TopologySpec {
    load(SPEC, Format::Yaml, FileId(0)).expect("spec loads")
}

fn resolved(spec: &TopologySpec, lock: &Lock) -> (Topology, Lock) {
    let r = resolve(spec, lock);
    let topo = r.topology.unwrap_or_else(|| panic!("resolves: {:?}", r.diagnostics));
    (topo, r.lock)
}

fn allocations(topo: &Topology, ids: &[String]) -> BTreeMap<String, Allocation> {
    ids.iter()
        .map(|id| {
            let mut a = allocation(topo, "project", id).expect("instance present");
            // `new` says whether this resolve found it in the lock: it changes once, by design.
            a.networks.iter_mut().for_each(|n| n.new = false);
            (id.clone(), a)
        })
        .collect()
}

#[test]
fn alloc_names_every_address_of_the_instance() {
    let (_, lock) = resolved(&spec(), &Lock::default());
    let out = alloc(&spec(), &lock, "project", "c").expect("template exists");
    let a = out.allocation.expect("resolves");
    assert_eq!(a.networks.len(), 1);
    let net = &a.networks[0];
    assert_eq!(net.engine_name, "topoct_project-c");
    // a and b hold 10.78.0.0/26 and .64/26; the squatter holds 10.78.1.0/26.
    assert_eq!(net.subnet, Some("10.78.0.128/26".parse().expect("net")));
    assert_eq!(net.gateway, Some("10.78.0.190".parse().expect("ip")));
    assert!(net.new, "the lock did not hold it");
    let services: Vec<(&str, bool, String)> =
        a.services.iter().map(|s| (s.service.as_str(), s.attached, s.addresses[0].to_string())).collect();
    assert_eq!(services, [("vm-c", false, "10.78.0.130".into()), ("backend", true, "10.78.0.131".into())]);
    // The lock alloc returns holds the new subnet; the one it was given does not.
    assert_eq!(lock.get("projects", "project-c"), None);
    assert_eq!(out.lock.get("projects", "project-c"), net.subnet);
}

#[test]
fn instance_edits_report_what_is_wrong() {
    assert!(matches!(with_instance(&spec(), "projekt", "c"), Err(InstanceError::UnknownTemplate { .. })));
    assert_eq!(
        with_instance(&spec(), "project", "a").err(),
        Some(InstanceError::AlreadyPresent { template: "project".into(), id: "a".into() })
    );
    assert_eq!(
        without_instance(&spec(), "project", "z").err(),
        Some(InstanceError::NotPresent { template: "project".into(), id: "z".into() })
    );
}

#[test]
fn a_counted_template_keeps_its_count() {
    let counted = load(&SPEC.replace("instances: [a, b]", "count: 2"), Format::Yaml, FileId(0)).expect("loads");
    let grown = with_instance(&counted, "project", "3").expect("adds");
    let t = grown.templates.get("project").expect("template");
    assert_eq!(t.count.as_ref().map(|c| c.value), Some(3));
    // Any other id turns the count into the same ids written out.
    let named = with_instance(&counted, "project", "x").expect("adds");
    let t = named.templates.get("project").expect("template");
    assert!(t.count.is_none());
    assert_eq!(t.instances.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(), ["1", "2", "x"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn add_and_remove_never_reuse_a_held_address_nor_move_an_instance(
        ops in proptest::collection::vec((any::<bool>(), 0u8..10), 1..24),
    ) {
        let mut spec = spec();
        let (mut topo, mut lock) = resolved(&spec, &Lock::default());
        let mut ids: Vec<String> = vec!["a".into(), "b".into()];
        for (add, n) in ops {
            let id = format!("t{n}");
            let before = allocations(&topo, &ids);
            let next = if add && !ids.contains(&id) {
                let predicted = alloc(&spec, &lock, "project", &id).expect("template").allocation;
                let Some(predicted) = predicted else {
                    // The pool is full: nothing to check beyond "alloc said so".
                    prop_assert!(with_instance(&spec, "project", &id).map(|s| resolve(&s, &lock).topology.is_none()).unwrap_or(false));
                    continue;
                };
                // No address of the new instance is one a service holds already.
                let held: Vec<std::net::IpAddr> =
                    topo.services.iter().flat_map(|s| s.attachments.iter().flat_map(|a| a.addresses.iter().copied())).collect();
                for s in &predicted.services {
                    for address in &s.addresses {
                        prop_assert!(!held.contains(address), "{} given to {} in {} is in use", address, s.service, id);
                    }
                }
                // Nothing the topology holds overlaps the new subnet.
                let new_net: IpNet = predicted.networks[0].subnet.expect("pooled");
                for n in &topo.networks {
                    if let Some(s) = &n.subnet {
                        prop_assert!(!s.net.contains(&new_net.network()) && !new_net.contains(&s.net.network()),
                            "{} given to {} overlaps {}'s {}", new_net, id, n.name, s.net);
                    }
                }
                let spec2 = with_instance(&spec, "project", &id).expect("adds");
                let (topo2, lock2) = resolved(&spec2, &lock);
                let built = allocation(&topo2, "project", &id);
                prop_assert_eq!(built.as_ref(), Some(&predicted), "alloc differs from build");
                ids.push(id.clone());
                Some((spec2, topo2, lock2))
            } else if !add && ids.contains(&id) {
                let spec2 = without_instance(&spec, "project", &id).expect("removes");
                let (topo2, lock2) = resolved(&spec2, &lock);
                prop_assert_eq!(lock2.get("projects", &format!("project-{id}")), None, "the lock still holds it");
                ids.retain(|i| *i != id);
                Some((spec2, topo2, lock2))
            } else {
                None
            };
            if let Some((spec2, topo2, lock2)) = next {
                let after = allocations(&topo2, &ids);
                for (other, was) in &before {
                    if let Some(now) = after.get(other) {
                        prop_assert_eq!(now, was, "instance {} moved", other);
                    }
                }
                spec = spec2;
                topo = topo2;
                lock = lock2;
            }
        }
    }
}
