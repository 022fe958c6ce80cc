//! Properties of pool allocation: no overlaps, inside the pool, and stable — adding or removing
//! a network leaves every other network's subnet where it was (through the lock).

use proptest::prelude::*;
use std::collections::BTreeMap;
use topoc_diag::FileId;
use topoc_model::{Lock, resolve};
use topoc_spec::{Format, load};

/// A spec with `pooled` networks from one /16 pool of /24s, and `fixed` explicit subnets
/// placed inside the same range (the allocator must route around them).
fn spec(pooled: &[String], fixed: &[(String, u8)]) -> String {
    let mut s = String::from("topology: props\npools:\n  p: { range: 172.30.0.0/16, prefix: 24 }\nnetworks:\n");
    for name in pooled {
        s.push_str(&format!("  {name}: {{ pool: p }}\n"));
    }
    for (name, octet) in fixed {
        s.push_str(&format!("  {name}: {{ subnet: 172.30.{octet}.0/24 }}\n"));
    }
    s
}

fn subnets(text: &str, lock: &Lock) -> (BTreeMap<String, String>, Lock) {
    let spec = load(text, Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, lock);
    let topo = r.topology.unwrap_or_else(|| panic!("resolves: {:?}", r.diagnostics));
    let map = topo.networks.iter().filter_map(|n| Some((n.name.clone(), n.subnet.as_ref()?.net.to_string()))).collect();
    (map, r.lock)
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn adding_a_network_moves_no_other(
        count in 1usize..40,
        fixed_octets in proptest::collection::btree_set(0u8..60, 0..8),
        insert_at in 0usize..40,
    ) {
        let pooled = names("net", count);
        let fixed: Vec<(String, u8)> = fixed_octets.iter().enumerate().map(|(i, o)| (format!("fixed{i}"), *o)).collect();
        let (before, lock) = subnets(&spec(&pooled, &fixed), &Lock::default());

        // Allocations never overlap each other or the fixed subnets, and stay in the pool.
        let mut seen = std::collections::HashSet::new();
        for subnet in before.values() {
            prop_assert!(seen.insert(subnet.clone()), "two networks share {subnet}");
            prop_assert!(subnet.starts_with("172.30."));
        }

        let mut grown = pooled.clone();
        grown.insert(insert_at.min(count), "newcomer".to_owned());
        let (after, _) = subnets(&spec(&grown, &fixed), &lock);
        for (name, subnet) in &before {
            prop_assert_eq!(after.get(name), Some(subnet), "{} moved", name);
        }
        prop_assert!(!before.values().any(|s| Some(s) == after.get("newcomer")));
    }

    #[test]
    fn removing_a_network_moves_no_other(count in 2usize..40, remove_at in 0usize..40) {
        let pooled = names("net", count);
        let (before, lock) = subnets(&spec(&pooled, &[]), &Lock::default());
        let mut shrunk = pooled.clone();
        let removed = shrunk.remove(remove_at.min(count - 1));
        let (after, new_lock) = subnets(&spec(&shrunk, &[]), &lock);
        for (name, subnet) in &after {
            prop_assert_eq!(before.get(name), Some(subnet), "{} moved", name);
        }
        prop_assert!(new_lock.get("p", &removed).is_none(), "stale lock entry kept");
    }

    #[test]
    fn allocation_is_deterministic(count in 1usize..30) {
        let text = spec(&names("n", count), &[]);
        prop_assert_eq!(subnets(&text, &Lock::default()).0, subnets(&text, &Lock::default()).0);
    }
}

#[test]
fn exhaustion_is_reported_not_wrapped() {
    let text = "topology: t\npools:\n  p: { range: 10.0.0.0/30, prefix: 31 }\nnetworks:\n  a: { pool: p }\n  b: { pool: p }\n  c: { pool: p }\n";
    let spec = load(text, Format::Yaml, FileId(0)).expect("loads");
    let r = resolve(&spec, &Lock::default());
    assert!(r.topology.is_none());
    assert!(r.diagnostics.iter().any(|d| d.code == topoc_diag::Code::PoolExhausted));
}
