//! The single-node Swarm a `--target swarm` verify runs in: which address `docker swarm init`
//! advertises (it refuses to guess when the node has addresses on several interfaces, and
//! verify's own stand-in veth is one of them), and whether verify may use the engine's Swarm.

use crate::error::VerifyError;
use crate::exec;
use serde::Deserialize;
use std::net::Ipv4Addr;
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

/// One interface as `ip -j -4 addr show` lists it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Interface {
    pub(crate) ifname: String,
    #[serde(default)]
    pub(crate) addr_info: Vec<AddrInfo>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AddrInfo {
    /// iproute2 omits it for some address kinds: such an entry is never advertised.
    pub(crate) local: Option<Ipv4Addr>,
    #[serde(default)]
    pub(crate) scope: String,
}

/// Interfaces Docker or verify create: never the node's own address.
fn engine_or_verify_made(name: &str, own: &[String]) -> bool {
    own.iter().any(|o| o == name || name == format!("{o}p"))
        || name == "lo"
        || name == "docker0"
        || name == "docker_gwbridge"
        || name.starts_with("br-")
        || name.starts_with("veth")
}

/// The address to advertise: the first global IPv4 address of the interface that holds the
/// default route, else of the first interface neither Docker nor verify made.
pub(crate) fn choose_advertise_address(
    default_route_dev: Option<&str>,
    interfaces: &[Interface],
    own_links: &[String],
) -> Option<Ipv4Addr> {
    let global = |i: &Interface| i.addr_info.iter().filter(|a| a.scope == "global").find_map(|a| a.local);
    default_route_dev
        .and_then(|dev| interfaces.iter().find(|i| i.ifname == dev).and_then(global))
        .or_else(|| interfaces.iter().filter(|i| !engine_or_verify_made(&i.ifname, own_links)).find_map(global))
}

/// `choose_advertise_address` on this host's routing table and interfaces.
pub(crate) fn advertise_address(own_links: &[String]) -> Result<Ipv4Addr, VerifyError> {
    let route = exec::check("ip", &["-4", "route", "show", "default"], T)?;
    let dev = route.split_whitespace().skip_while(|w| *w != "dev").nth(1).map(str::to_owned);
    let json = exec::check("ip", &["-j", "-4", "addr", "show"], T)?;
    let interfaces: Vec<Interface> =
        serde_json::from_str(&json).map_err(|e| VerifyError::unreadable("`ip -j addr` output", e))?;
    choose_advertise_address(dev.as_deref(), &interfaces, own_links).ok_or_else(|| {
        VerifyError::Refused("no IPv4 address to advertise for `docker swarm init`: the host has no global IPv4 address outside Docker's and verify's interfaces".to_owned())
    })
}

/// What a `--target swarm` verify does with the engine's Swarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The engine is in no swarm: verify makes it a single-node one and leaves it afterwards.
    InitAndLeave,
    /// The engine is in a swarm and the user allowed deploying into it.
    UseExisting,
}

/// Decide from `docker info`'s `Swarm.LocalNodeState`. A swarm verify did not create belongs to
/// someone else: deploying a stack into it (and its services onto its nodes) needs the user's
/// leave.
pub(crate) fn decide(local_node_state: &str, use_existing: bool) -> Result<Plan, VerifyError> {
    match local_node_state {
        "inactive" => Ok(Plan::InitAndLeave),
        "active" if use_existing => Ok(Plan::UseExisting),
        "active" => Err(VerifyError::Refused("the engine is already part of a swarm that verify did not create: it would deploy its probe stack into it. \
             Pass --use-existing-swarm to allow that (verify then neither initialises nor leaves it), or run verify on another engine"
            .into())),
        other => Err(VerifyError::Refused(format!(
            "the engine's swarm is `{other}` (neither inactive nor active): finish or leave it first (`docker swarm leave`)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_swarm_is_refused_unless_allowed() {
        assert!(matches!(decide("inactive", false), Ok(Plan::InitAndLeave)));
        assert!(matches!(decide("inactive", true), Ok(Plan::InitAndLeave)));
        assert!(matches!(decide("active", true), Ok(Plan::UseExisting)));
        assert!(decide("active", false).is_err_and(|e| e.to_string().contains("--use-existing-swarm")));
        assert!(decide("pending", true).is_err());
    }

    fn iface(name: &str, addrs: &[(&str, &str)]) -> Interface {
        Interface {
            ifname: name.into(),
            addr_info: addrs.iter().map(|(a, s)| AddrInfo { local: a.parse().ok(), scope: (*s).into() }).collect(),
        }
    }

    #[test]
    fn the_default_route_interface_wins_over_verifys_stand_in() {
        let ifs = [
            iface("lo", &[("127.0.0.1", "host")]),
            iface("tv123i", &[("198.18.0.1", "global")]),
            iface("eth0", &[("172.18.0.2", "global")]),
        ];
        let own = vec!["tv123i".to_owned()];
        assert_eq!(choose_advertise_address(Some("eth0"), &ifs, &own), Some(Ipv4Addr::new(172, 18, 0, 2)));
        // Without a default route: not verify's veth, not loopback, not Docker's bridges.
        let ifs2 = [
            iface("docker0", &[("172.17.0.1", "global")]),
            iface("tv123i", &[("198.18.0.1", "global")]),
            iface("ens3", &[("10.1.2.3", "global")]),
        ];
        assert_eq!(choose_advertise_address(None, &ifs2, &own), Some(Ipv4Addr::new(10, 1, 2, 3)));
        assert_eq!(choose_advertise_address(None, &ifs2[..2], &own), None);
    }

    #[test]
    fn reads_iproute2_json() {
        let json = r#"[{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},{"ifindex":2,"ifname":"eth0","addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24,"scope":"global"}]},{"ifindex":3,"ifname":"ifb0","addr_info":[]}]"#;
        let ifs: Vec<Interface> = serde_json::from_str(json).expect("parses");
        assert_eq!(choose_advertise_address(Some("eth0"), &ifs, &[]), Some(Ipv4Addr::new(192, 0, 2, 2)));
    }
}
