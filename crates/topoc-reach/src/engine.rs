//! The engine profile: every fact of the model that depends on the Docker Engine version, in
//! one place. Section numbers refer to docs/semantics.md (copied from the team's research on
//! Docker networking, with the engine versions each fact was checked on).

use std::fmt;
use topoc_model::Target;

/// A Docker Engine version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EngineVersion(pub u32, pub u32, pub u32);

impl fmt::Display for EngineVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What the model assumes about the engine the topology will run on, and the target it is
/// deployed as: a Swarm stack (overlay networks, routing mesh) or a Compose project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineProfile {
    pub version: EngineVersion,
    pub target: Target,
    /// The daemon runs `docker-proxy` for published ports (the default; `dockerd
    /// --userland-proxy=false` turns it off). Written `VERSION:no-userland-proxy`.
    pub userland_proxy: bool,
}

/// The suffix of an engine profile without the userland proxy: `28.5:no-userland-proxy`.
pub const NO_USERLAND_PROXY: &str = "no-userland-proxy";

/// The engine assumed when none is named: a current release, the newest the engine lab
/// verifies (Debian forky's docker.io; scripts/engine-lab.sh).
pub const DEFAULT_ENGINE: EngineVersion = EngineVersion(28, 5, 2);

impl Default for EngineProfile {
    fn default() -> Self {
        EngineProfile { version: DEFAULT_ENGINE, target: Target::Compose, userland_proxy: true }
    }
}

impl EngineProfile {
    /// Parse `20.10`, `28.2.2`, `20.10.24+dfsg1` (Debian's suffix is ignored) or `current`,
    /// optionally followed by `:no-userland-proxy`.
    pub fn parse(text: &str) -> Result<EngineProfile, String> {
        let text = text.trim();
        if let Some((version, option)) = text.split_once(':') {
            if option.trim() != NO_USERLAND_PROXY {
                return Err(format!("`{option}` is not an engine option (the one there is: {NO_USERLAND_PROXY})"));
            }
            return EngineProfile::parse(version).map(|e| EngineProfile { userland_proxy: false, ..e });
        }
        if text == "current" || text == "latest" {
            return Ok(EngineProfile::default());
        }
        let core = text.trim_start_matches('v').split(['+', '-', '~']).next().unwrap_or_default();
        let parts: Vec<&str> = core.split('.').collect();
        let num = |i: usize| parts.get(i).map_or(Ok(0), |p| p.parse::<u32>());
        match (parts.len(), num(0), num(1), num(2)) {
            (1..=3, Ok(a), Ok(b), Ok(c)) => {
                Ok(EngineProfile { version: EngineVersion(a, b, c), target: Target::Compose, userland_proxy: true })
            }
            _ => Err(format!("`{text}` is not an engine version (write e.g. 20.10, 28.2.2 or current)")),
        }
    }

    /// The same engine, deploying as `target`.
    #[must_use]
    pub fn with_target(self, target: Target) -> Self {
        EngineProfile { target, ..self }
    }

    /// Whether the topology is deployed as a Swarm stack.
    pub fn swarm(&self) -> bool {
        self.target == Target::Swarm
    }

    /// §4, §5: a stack's networks are overlays: `docker stack deploy` turns a defaulted
    /// bridge network into an overlay.
    pub fn effective_driver(&self, driver: topoc_model::Driver) -> topoc_model::Driver {
        match driver {
            topoc_model::Driver::Bridge if self.swarm() => topoc_model::Driver::Overlay,
            d => d,
        }
    }

    /// §4: the routing mesh publishes ingress-mode ports on every node whatever networks the
    /// service is on, and attaches the task to `ingress` + docker_gwbridge, which gives it
    /// egress even when all its own networks are internal (observed on 20.10.24).
    pub fn routing_mesh(&self) -> bool {
        self.swarm()
    }

    /// §3.4: Swarm binds published ports on every address; `host_ip` is not applied.
    pub fn honours_host_ip(&self) -> bool {
        !self.swarm()
    }

    fn at_least(&self, a: u32, b: u32, c: u32) -> bool {
        self.version >= EngineVersion(a, b, c)
    }

    /// §2.2: the host reaches containers on `internal` bridges through the bridge's address —
    /// except on 25.0.0–25.0.3, where the bridge lost its address (moby#47356).
    pub fn host_reaches_internal_bridges(&self) -> bool {
        !self.at_least(25, 0, 0) || self.at_least(25, 0, 4)
    }

    /// §3.4: before 28.0, a port published on 127.0.0.1 was reachable from hosts on the same
    /// L2 segment (moby#45610); 28.0 blocks it.
    pub fn loopback_ports_reachable_from_lan(&self) -> bool {
        !self.at_least(28, 0, 0)
    }

    /// §8.2: a MAC address per network attachment needs API 1.44 (engine 25.0); on 20.10.24
    /// Compose refuses to create the container (observed by `topoc verify`).
    pub fn per_network_mac(&self) -> bool {
        self.at_least(25, 0, 0)
    }

    /// §1.3, §8.2: `gw_priority` needs API 1.48 (engine 28.0).
    pub fn gateway_priority(&self) -> bool {
        self.at_least(28, 0, 0)
    }

    /// §2.1, live observation (tests/live/internal-host-addresses.yaml): a container reaches
    /// the host's *other* addresses (not its bridge's, e.g. the host's LAN address) through its
    /// default route. A network with egress gives it one on every engine; internal networks
    /// gave one before 25.0 (seen on 20.10.24) and give none since (seen on 26.1.5 and 28.5.2;
    /// moby commit cbc2a71c27), so an internal-only container reaches only its bridges'
    /// addresses there.
    pub fn reaches_other_host_addresses(&self, has_egress_network: bool) -> bool {
        has_egress_network || !self.at_least(25, 0, 0)
    }

    /// §3.4, "direct routing": before 28.0 a neighbour that routes through the host reaches a
    /// published port at the container's own address (the port's ACCEPT rule matches the
    /// container address, whatever the ingress interface; seen on 20.10.24 and 26.1.5); 28.0
    /// drops packets for container addresses that do not come from the bridge (seen on 28.5.2;
    /// tests/live/direct-routing.yaml).
    pub fn direct_routing_to_published_ports(&self) -> bool {
        !self.at_least(28, 0, 0)
    }

    /// §3.4, "direct routing" to a port nothing publishes: a neighbour that routes through the
    /// host and sends to a container's address at an unpublished port (tests/live/
    /// direct-routing.yaml). 28.0 drops it as it drops published ones (seen on 28.5.2). Before
    /// 28.0 no Docker rule matches it, so the host's FORWARD policy decides: blocked on 20.10.24
    /// here (policy DROP), reached on 26.1.5 in the lab (policy ACCEPT: the engine container
    /// inherited IP forwarding, so Docker did not set DROP). `forward_policy_drop` is that
    /// policy, a fact of the machine that `verify` reads; the graph has no edge for it.
    pub fn direct_routing_to_unpublished_ports(&self, forward_policy_drop: bool) -> bool {
        !self.at_least(28, 0, 0) && !forward_policy_drop
    }

    /// §3.4: a container reaches a port published by a container it shares no network with,
    /// through a host address (its own gateway). With the userland proxy, docker-proxy on the
    /// host answers (every engine). Without it only NAT rules carry the connection, and the
    /// bridges' isolation drops it: blocked on 26.1.5 and 28.5.2 (lab engines started with
    /// `--userland-proxy=false`), while a member of the publisher's network reaches it through
    /// its own gateway (hairpin). tests/live/published-across-networks.yaml.
    pub fn published_ports_across_networks(&self) -> bool {
        self.userland_proxy
    }

    /// §6: an `internal` macvlan/ipvlan network still gives its members a default route
    /// through its gateway. Since libnetwork PR #2523 (20.10) `internal` suppresses it (the
    /// issue text says 23.0): false on every engine; tests/live/macvlan-lan.yaml probes an
    /// address off the LAN's subnet through the LAN router.
    pub fn internal_lan_default_route(&self) -> bool {
        false
    }

    /// §2.3, live observation on 20.10.24: a container only on internal networks cannot reach
    /// ports published by containers of other networks (no route past its bridge). Unverified on
    /// newer engines, so assumed for all until the live suite says otherwise.
    pub fn internal_only_reaches_published_ports(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(EngineProfile::parse("20.10.24+dfsg1").map(|p| p.version), Ok(EngineVersion(20, 10, 24)));
        assert_eq!(EngineProfile::parse("28.2").map(|p| p.version), Ok(EngineVersion(28, 2, 0)));
        assert!(EngineProfile::parse("banana").is_err());
        let e25 = EngineProfile::parse("25.0.2").expect("v");
        assert!(!e25.host_reaches_internal_bridges());
        assert!(EngineProfile::parse("25.0.4").expect("v").host_reaches_internal_bridges());
        assert!(EngineProfile::parse("27.5").expect("v").loopback_ports_reachable_from_lan());
        assert!(!EngineProfile::default().loopback_ports_reachable_from_lan());
        // The profiles the engine lab verifies: 20.10, 26.1, 28.5 (= current).
        assert_eq!(EngineProfile::parse("current"), EngineProfile::parse("28.5.2"));
        assert_eq!(EngineProfile::parse("26.1").map(|p| p.version), Ok(EngineVersion(26, 1, 0)));
        assert!(EngineProfile::parse("26.1.5").expect("v").direct_routing_to_published_ports());
        assert!(!EngineProfile::parse("28.5").expect("v").direct_routing_to_published_ports());
        let e20 = EngineProfile::parse("20.10.24").expect("v");
        assert!(e20.reaches_other_host_addresses(false));
        assert!(EngineProfile::parse("26.1").expect("v").direct_routing_to_unpublished_ports(false));
        assert!(!EngineProfile::parse("26.1").expect("v").direct_routing_to_unpublished_ports(true));
        assert!(!EngineProfile::parse("28.5").expect("v").direct_routing_to_unpublished_ports(false));
        let no_proxy = EngineProfile::parse("28.5:no-userland-proxy").expect("v");
        assert_eq!(no_proxy.version, EngineVersion(28, 5, 0));
        assert!(!no_proxy.published_ports_across_networks());
        assert!(EngineProfile::default().published_ports_across_networks());
        assert!(EngineProfile::parse("28.5:fast").is_err());
        for v in ["26.1", "28.5", "current"] {
            let e = EngineProfile::parse(v).expect("v");
            assert!(!e.reaches_other_host_addresses(false) && e.reaches_other_host_addresses(true), "{v}");
        }
    }
}
