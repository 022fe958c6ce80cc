//! The gateway rule: with `ip_range` and no `gateway`, Docker's IPAM gives the network the first
//! usable address of the range (seen on 20.10.24, 26.1.5 and 28.5.2: tests/live/gateway-ip-range.yaml).
//! Before this rule the model said the first host of the subnet, and verify probed an address
//! that did not exist on 26.1 and 28.5 (examples/showcase, `backend`).

use std::net::IpAddr;
use topoc_diag::{Code, FileId};
use topoc_model::{Lock, resolve};
use topoc_spec::{Format, load};

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().expect("ip"))
}

const SPEC: &str = "topology: gw
networks:
  ranged: { subnet: 10.20.0.0/24, ip_range: 10.20.0.128/25, subnet6: fd5a:20::/64 }
  plain: { subnet: 10.21.0.0/24 }
  stated: { subnet: 10.22.0.0/24, ip_range: 10.22.0.128/25, gateway: .254 }
services:
  app: { image: busybox:1.36, networks: [ranged, plain, stated] }
";

#[test]
fn the_gateway_follows_the_ip_range() {
    let spec = load(SPEC, Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, &Lock::default());
    let topo = r.topology.unwrap_or_else(|| panic!("resolves: {:?}", r.diagnostics));
    let gw = |name: &str| {
        let n = topo.networks.iter().find(|n| n.name == name).expect("network");
        (n.effective_gateway(), n.effective_gateway6())
    };
    assert_eq!(gw("ranged"), (ip("10.20.0.128"), ip("fd5a:20::1")));
    assert_eq!(gw("plain"), (ip("10.21.0.1"), None));
    assert_eq!(gw("stated"), (ip("10.22.0.254"), None));
}

#[test]
fn a_static_address_on_the_implied_gateway_of_a_range_is_refused() {
    let text = "topology: gw
networks:
  ranged: { subnet: 10.20.0.0/24, ip_range: 10.20.0.128/25 }
services:
  first: { image: busybox:1.36, networks: { ranged: { ip: .128 } } }
  second: { image: busybox:1.36, networks: { ranged: { ip: .1 } } }
";
    let spec = load(text, Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, &Lock::default());
    let reserved: Vec<String> =
        r.diagnostics.iter().filter(|d| d.code == Code::AddressReserved).map(|d| d.message.clone()).collect();
    assert_eq!(reserved.len(), 1, "{reserved:?}");
    assert!(reserved[0].starts_with("10.20.0.128 of service `first`"), "{reserved:?}");
}
