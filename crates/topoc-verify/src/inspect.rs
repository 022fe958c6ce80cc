//! What verify reads from the engine, as typed structures: `docker network inspect` and
//! `docker inspect` of containers, as far as verify uses them. A field that matters and is
//! missing is an error (serde refuses the document), never a silent default; a field the
//! engine leaves out or empty on purpose (no gateway, no address on a `none` network) is an
//! `Option`, and whatever the engine reports is only ever the observed side of a probe.

use crate::error::VerifyError;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// An address the engine may give as `""` or leave out: both mean "none".
fn optional_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<IpAddr>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// A value the engine writes as text (a subnet).
fn parsed<'de, D: Deserializer<'de>, T>(d: D) -> Result<T, D::Error>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
}

/// A list the engine writes as `null` when empty.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// One network of `docker network inspect`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Network {
    #[serde(rename = "Name")]
    pub name: String,
    /// `local`, `swarm` or `global`.
    #[serde(rename = "Scope")]
    pub scope: String,
    #[serde(rename = "IPAM")]
    pub ipam: Ipam,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Ipam {
    /// `null` on some engines for a network without configuration (`host`, `none`).
    #[serde(rename = "Config", default, deserialize_with = "null_as_empty")]
    pub config: Vec<IpamConfig>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct IpamConfig {
    #[serde(rename = "Subnet", deserialize_with = "parsed")]
    pub subnet: ipnet::IpNet,
    /// Left out by an engine that gives the subnet no gateway (or does not say which).
    #[serde(rename = "Gateway", default, deserialize_with = "optional_address")]
    pub gateway: Option<IpAddr>,
}

impl Network {
    /// The gateway the engine reports for `subnet`, if it reports one.
    pub fn gateway_of(&self, subnet: ipnet::IpNet) -> Option<IpAddr> {
        self.ipam.config.iter().filter(|c| c.subnet == subnet).find_map(|c| c.gateway)
    }

    /// The first gateway the engine reports on any subnet.
    pub fn first_gateway(&self) -> Option<IpAddr> {
        self.ipam.config.iter().find_map(|c| c.gateway)
    }
}

/// One container of `docker inspect`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Container {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "Config")]
    pub config: ContainerConfig,
    #[serde(rename = "NetworkSettings")]
    pub network_settings: NetworkSettings,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ContainerConfig {
    /// `null` for a container without labels (verify's containers all have them).
    #[serde(rename = "Labels", default)]
    pub labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct NetworkSettings {
    #[serde(rename = "Networks")]
    pub networks: BTreeMap<String, Endpoint>,
}

/// A container's endpoint on one network.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Endpoint {
    /// Empty on `none` and for a container sharing another's namespace.
    #[serde(rename = "IPAddress", deserialize_with = "optional_address")]
    pub ip_address: Option<IpAddr>,
    #[serde(rename = "Gateway", default, deserialize_with = "optional_address")]
    pub gateway: Option<IpAddr>,
}

/// The label Compose puts on a service's containers.
pub const COMPOSE_SERVICE: &str = "com.docker.compose.service";
/// The label Swarm puts on a task's container: `<stack>_<service>`.
pub const SWARM_SERVICE: &str = "com.docker.swarm.service.name";

impl Container {
    /// The Compose service (or, for a Swarm task of stack `project`, the stack service) the
    /// container belongs to. A container of the project without either label is an error:
    /// verify could not tell which service it probes.
    pub fn service(&self, project: &str) -> Result<String, VerifyError> {
        let labels = self.config.labels.as_ref();
        let label = |key: &str| labels.and_then(|l| l.get(key));
        if let Some(s) = label(COMPOSE_SERVICE) {
            return Ok(s.clone());
        }
        if let Some(s) = label(SWARM_SERVICE) {
            return Ok(s.strip_prefix(&format!("{project}_")).unwrap_or(s).to_owned());
        }
        Err(VerifyError::unreadable(
            format!("`docker inspect` of container {}", self.id),
            format!("it has neither a `{COMPOSE_SERVICE}` nor a `{SWARM_SERVICE}` label"),
        ))
    }
}

/// `docker network inspect` output.
pub fn networks(json: &str) -> Result<Vec<Network>, VerifyError> {
    serde_json::from_str(json).map_err(|e| VerifyError::unreadable("`docker network inspect` output", e))
}

/// `docker inspect` output for containers.
pub fn containers(json: &str) -> Result<Vec<Container>, VerifyError> {
    serde_json::from_str(json).map_err(|e| VerifyError::unreadable("`docker inspect` output", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_inspect_reads_subnets_and_gateways() {
        let json = r#"[{"Name":"x","Scope":"local","IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"10.20.0.0/24","IPRange":"10.20.0.128/25","Gateway":"10.20.0.128"},{"Subnet":"fd00:20::/64"}]}},
            {"Name":"host","Scope":"local","IPAM":{"Config":[]}},
            {"Name":"odd","Scope":"local","IPAM":{"Config":null}}]"#;
        let v = networks(json).expect("parses");
        assert_eq!(v[0].gateway_of("10.20.0.0/24".parse().expect("net")), "10.20.0.128".parse().ok());
        // An engine that reports no gateway gives none: the probe then disagrees.
        assert_eq!(v[0].gateway_of("fd00:20::/64".parse().expect("net")), None);
        assert!(v[1].ipam.config.is_empty() && v[2].ipam.config.is_empty());
    }

    #[test]
    fn a_missing_field_that_matters_is_an_error() {
        // No subnet in an IPAM entry, no network name: refused, not read as empty.
        assert!(networks(r#"[{"Name":"x","Scope":"local","IPAM":{"Config":[{"Gateway":"10.0.0.1"}]}}]"#).is_err());
        assert!(networks(r#"[{"Scope":"local","IPAM":{"Config":[]}}]"#).is_err());
        // A container without its id or its networks.
        assert!(containers(r#"[{"Config":{"Labels":{}},"NetworkSettings":{"Networks":{}}}]"#).is_err());
        assert!(containers(r#"[{"Id":"a","Config":{"Labels":{}},"NetworkSettings":{}}]"#).is_err());
        // An address that is not one.
        let bad =
            r#"[{"Id":"a","Config":{"Labels":{}},"NetworkSettings":{"Networks":{"n":{"IPAddress":"10.0.0.300"}}}}]"#;
        assert!(containers(bad).is_err());
    }

    #[test]
    fn container_inspect_reads_service_and_endpoints() {
        let json = r#"[{"Id":"c1","Config":{"Labels":{"com.docker.compose.service":"web"}},
              "NetworkSettings":{"Networks":{"p_front":{"IPAddress":"10.1.0.5","Gateway":"10.1.0.1"},"none":{"IPAddress":"","Gateway":""}}}},
            {"Id":"c2","Config":{"Labels":{"com.docker.swarm.service.name":"stack_db"}},
              "NetworkSettings":{"Networks":{"stack_back":{"IPAddress":"10.2.0.7"}}}},
            {"Id":"c3","Config":{"Labels":null},"NetworkSettings":{"Networks":{}}}]"#;
        let v = containers(json).expect("parses");
        assert_eq!(v[0].service("p").expect("labelled"), "web");
        assert_eq!(v[0].network_settings.networks["p_front"].ip_address, "10.1.0.5".parse().ok());
        assert_eq!(v[0].network_settings.networks["none"].ip_address, None);
        assert_eq!(v[1].service("stack").expect("labelled"), "db");
        assert_eq!(v[1].network_settings.networks["stack_back"].gateway, None);
        assert!(v[2].service("p").is_err(), "a container without a service label is an error");
    }
}
