//! The probes: for every pair of representatives (one per class of identical services) and for
//! the host, the stand-in internet and fake LANs, one connection attempt per way the model
//! knows, each with the model's expectation and the section of docs/semantics.md it tests.

use crate::agent::Destination;
use serde::Serialize;
use std::fmt;

/// Where a probe starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Inside a container (its id).
    Container(String),
    /// The Docker host itself.
    Host,
    /// The stand-in internet namespace.
    Internet,
    /// A fake LAN host namespace.
    Lan(String),
    /// Not sent: what the engine reports (`docker inspect`), compared with the model.
    Inspect,
}

/// What a probe tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// To a container's address on one network (§1.1 same network, §1.2 other networks).
    Direct,
    /// To a published port through a host address (§3.4, §1.2).
    Published,
    /// Through a declared relay (§1.3).
    Relay,
    /// To the stand-in internet (§3.5).
    Egress,
    /// From the stand-in internet to a published port (§3.4).
    Ingress,
    /// From the host to a container's address (§3.1, §2.2).
    HostTo,
    /// From a container to a host listener through its gateway (§3.2).
    ToHost,
    /// Between a LAN host and a macvlan/ipvlan container (§6).
    Lan,
    /// The address a container got on a network is the model's (docs/semantics.md#gateways).
    Address,
    /// A network's gateway is the model's (docs/semantics.md#gateways).
    Gateway,
    /// The network a multi-homed container routes out through is the model's (§1.3).
    Route,
}

impl Kind {
    pub fn section(self) -> &'static str {
        match self {
            Kind::Direct => "§1.1, §1.2",
            Kind::Published => "§3.4, §1.2",
            Kind::Relay => "§1.3",
            Kind::Egress => "§3.5",
            Kind::Ingress => "§3.4",
            Kind::HostTo => "§3.1, §2.2",
            Kind::ToHost => "§3.2",
            Kind::Lan => "§6",
            Kind::Address | Kind::Gateway => "gateways",
            Kind::Route => "§1.3",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Kind::Direct => "direct",
            Kind::Published => "published",
            Kind::Relay => "relay",
            Kind::Egress => "egress",
            Kind::Ingress => "ingress",
            Kind::HostTo => "host-to",
            Kind::ToHost => "to-host",
            Kind::Lan => "lan",
            Kind::Address => "address",
            Kind::Gateway => "gateway",
            Kind::Route => "route",
        };
        f.write_str(s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    pub kind: Kind,
    pub from: String,
    pub to: String,
    /// What is tested, e.g. "on network `back`" or "port 8080".
    pub detail: String,
    #[serde(skip)]
    pub origin: Origin,
    #[serde(serialize_with = "display")]
    pub target: Destination,
    pub expected: bool,
    /// None: not sent (the host had no local route to the target).
    pub observed: Option<bool>,
    pub section: &'static str,
}

fn display<S: serde::Serializer>(t: &Destination, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_string())
}

impl Probe {
    pub fn mismatch(&self) -> bool {
        self.observed.is_some_and(|o| o != self.expected)
    }
}
