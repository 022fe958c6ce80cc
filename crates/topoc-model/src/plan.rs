//! The engine operations that bring a running deployment from one instance set to the next:
//! the fewest that leave every other container alone. Adding an instance creates its
//! networks with the computed subnet, gateway and name, connects the existing services its
//! template attaches (`docker network connect --ip`, which restarts nothing), then starts the
//! instance's own services; removing one does the reverse.
//!
//! The plan is data: `topoc instance` prints it (`--dry-run`, `--format json` for a program
//! that drives the Docker API itself) or runs it.
//!
//! On Swarm there is no connection that leaves a service's tasks alone: a service's networks
//! are part of its task spec, and Swarm replaces every task when they change (measured on
//! 20.10.24, docs/targets.md). The attached services are updated by `docker stack deploy` of
//! the stack file with the instance in it, once, under each service's `update_config`; a
//! `docker service update --network-add` before it would replace the tasks a second time at
//! that deploy, because the CLI orders the networks it adds by id and the stack file by name,
//! and Swarm compares the lists in order.

use crate::instance::Allocation;
use crate::ir::{Origin, Topology};
use std::net::IpAddr;

/// One engine operation. Names are the engine's: network names as created, container names
/// as Compose v2 gives them (`<project>-<service>-<replica>`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    CreateNetwork {
        name: String,
        driver: String,
        subnet: Option<String>,
        gateway: Option<IpAddr>,
        ip_range: Option<String>,
        subnet6: Option<String>,
        gateway6: Option<IpAddr>,
        internal: bool,
        attachable: bool,
        options: Vec<(String, String)>,
        /// `ipam.driver`, `ipam.options` and `aux_addresses` (name, address) of the network.
        #[serde(skip_serializing_if = "Option::is_none")]
        ipam_driver: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        ipam_options: Vec<(String, String)>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        aux_addresses: Vec<(String, IpAddr)>,
        /// Compose's own labels, so that a later `docker compose up` of the built artifact
        /// finds the network it would have created and adopts it instead of refusing it.
        labels: Vec<(String, String)>,
    },
    Connect {
        network: String,
        container: String,
        ip: Option<IpAddr>,
        ip6: Option<IpAddr>,
        /// The endpoint's MAC address (`instance move` keeps a macvlan vNIC's). The `docker
        /// network connect` CLI has no flag for it: only the API sets it (`EndpointSettings.
        /// MacAddress`, API 1.44, Engine 25.0 and later).
        #[serde(skip_serializing_if = "Option::is_none")]
        mac: Option<String>,
    },
    /// Start a service of the instance (through Compose, so its container carries Compose's
    /// labels and a later `up` sees it as its own).
    StartService {
        service: String,
    },
    StopService {
        service: String,
    },
    Disconnect {
        network: String,
        container: String,
    },
    RemoveNetwork {
        name: String,
    },
    /// Swarm: `docker stack deploy` of the rebuilt stack file. It creates the instance's
    /// networks and services and updates the services the template attaches (their tasks are
    /// replaced, see [`TaskReplacement`]); services whose definition did not change keep their
    /// tasks.
    DeployStack {
        stack: String,
    },
    /// Swarm: remove one of the instance's services (`<stack>_<service>`); `docker stack
    /// deploy` never removes a service the file no longer has.
    RemoveSwarmService {
        service: String,
    },
}

/// How Swarm replaces the tasks of a service the template attaches, when its networks change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskReplacement {
    pub service: String,
    pub replicas: u32,
    /// `update_config.order`: `start-first` starts each new task before stopping the old one.
    pub order: UpdateOrder,
    /// `update_config.parallelism` (Swarm's default, 1, when the spec sets none; 0 is all at once).
    pub parallelism: u64,
    /// Some task keeps serving throughout: start-first, or more replicas than are replaced at once.
    pub available_throughout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateOrder {
    StopFirst,
    StartFirst,
}

/// The Swarm plan: the operations, and the task replacements `DeployStack` causes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SwarmPlan {
    pub operations: Vec<Operation>,
    pub replaced: Vec<TaskReplacement>,
}

/// The Swarm operations that add `allocation`'s instance to a running stack of `topology`.
pub fn add_swarm(topology: &Topology, allocation: &Allocation) -> SwarmPlan {
    SwarmPlan {
        operations: vec![Operation::DeployStack { stack: topology.name.clone() }],
        replaced: replaced(topology, allocation),
    }
}

/// The Swarm operations that take the instance out again: its services removed, the stack
/// deployed without it (the attached services' tasks replaced), its networks removed once
/// the replaced tasks have left them. `topology` still holds the instance.
pub fn remove_swarm(topology: &Topology, allocation: &Allocation) -> SwarmPlan {
    let mut operations: Vec<Operation> = own_services(topology, allocation)
        .into_iter()
        .map(|s| Operation::RemoveSwarmService { service: format!("{}_{s}", topology.name) })
        .collect();
    operations.push(Operation::DeployStack { stack: topology.name.clone() });
    operations.extend(allocation.networks.iter().map(|n| Operation::RemoveNetwork { name: n.engine_name.clone() }));
    SwarmPlan { operations, replaced: replaced(topology, allocation) }
}

fn replaced(topology: &Topology, allocation: &Allocation) -> Vec<TaskReplacement> {
    let mut out: Vec<TaskReplacement> = Vec::new();
    for s in allocation.services.iter().filter(|s| s.attached) {
        if out.iter().any(|r| r.service == s.service) {
            continue;
        }
        let Some(service) = topology.services.iter().find(|x| x.name == s.service) else { continue };
        let update = service.deploy.carried.iter().find(|(k, _)| k == "update_config").map(|(_, v)| v);
        let order = match update.and_then(|u| u.get("order")).and_then(|o| o.as_str()) {
            Some("start-first") => UpdateOrder::StartFirst,
            _ => UpdateOrder::StopFirst,
        };
        let parallelism = update
            .and_then(|u| u.get("parallelism"))
            .and_then(|p| p.as_u64())
            .or(service.deploy.update_parallelism.map(u64::from))
            .unwrap_or(1);
        let replicas = service.replicas.max(1);
        let at_once = if parallelism == 0 { u64::from(replicas) } else { parallelism };
        out.push(TaskReplacement {
            service: s.service.clone(),
            replicas,
            order,
            parallelism,
            available_throughout: order == UpdateOrder::StartFirst || at_once < u64::from(replicas),
        });
    }
    out
}

/// The operations that add `allocation`'s instance to a running deployment of `topology`
/// (the topology with the instance in it).
pub fn add(topology: &Topology, allocation: &Allocation) -> Vec<Operation> {
    let mut ops = Vec::new();
    for n in &allocation.networks {
        let Some(network) = topology.networks.iter().find(|x| x.name == n.name) else { continue };
        ops.push(Operation::CreateNetwork {
            name: n.engine_name.clone(),
            driver: network.driver.as_str().to_owned(),
            subnet: n.subnet.map(|s| s.to_string()),
            gateway: n.gateway,
            ip_range: network.ip_range.map(|r| r.to_string()),
            subnet6: n.subnet6.map(|s| s.to_string()),
            gateway6: n.gateway6,
            internal: !network.egress,
            attachable: network.attachable,
            options: network.driver_opts.clone(),
            ipam_driver: network.ipam_driver.clone(),
            ipam_options: network.ipam_options.clone(),
            aux_addresses: network.aux_addresses.iter().map(|a| (a.name.clone(), a.address)).collect(),
            labels: vec![
                ("com.docker.compose.network".into(), network.name.clone()),
                ("com.docker.compose.project".into(), topology.name.clone()),
            ],
        });
    }
    for s in allocation.services.iter().filter(|s| s.attached) {
        let Some(net) = allocation.networks.iter().find(|n| n.name == s.network) else { continue };
        for (replica, container) in containers(topology, &s.service).into_iter().enumerate() {
            ops.push(Operation::Connect {
                network: net.engine_name.clone(),
                container,
                ip: s.addresses.get(replica).copied(),
                ip6: s.ip6,
                mac: None,
            });
        }
    }
    for service in own_services(topology, allocation) {
        ops.push(Operation::StartService { service });
    }
    ops
}

/// The operations that take the instance out again: its services stopped and removed, the
/// attached services disconnected, its networks removed. `topology` still holds the instance.
pub fn remove(topology: &Topology, allocation: &Allocation) -> Vec<Operation> {
    let mut ops: Vec<Operation> =
        own_services(topology, allocation).into_iter().map(|service| Operation::StopService { service }).collect();
    for s in allocation.services.iter().filter(|s| s.attached) {
        let Some(net) = allocation.networks.iter().find(|n| n.name == s.network) else { continue };
        for container in containers(topology, &s.service) {
            ops.push(Operation::Disconnect { network: net.engine_name.clone(), container });
        }
    }
    ops.extend(allocation.networks.iter().map(|n| Operation::RemoveNetwork { name: n.engine_name.clone() }));
    ops
}

/// Why a network cannot be moved to a new subnet in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefusal {
    UnknownNetwork { name: String, side: &'static str },
    NotALan { name: String, driver: String },
    SameSubnet { name: String },
    MembersDiffer { name: String, before: Vec<String>, after: Vec<String> },
}

impl std::fmt::Display for MoveRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MoveRefusal::UnknownNetwork { name, side } => write!(f, "the {side} spec has no network `{name}`"),
            MoveRefusal::NotALan { name, driver } => write!(
                f,
                "network `{name}` is a {driver} network: `instance move` moves macvlan and ipvlan networks (a LAN whose \
                 subnet changed); pooled networks keep their subnet through the lock"
            ),
            MoveRefusal::SameSubnet { name } => {
                write!(f, "network `{name}` has the same subnet in both specs: nothing to move")
            }
            MoveRefusal::MembersDiffer { name, before, after } => write!(
                f,
                "network `{name}` has other members after the move ({}) than before ({}): a move changes the subnet, \
                 not who is on it",
                after.join(", "),
                before.join(", ")
            ),
        }
    }
}

impl std::error::Error for MoveRefusal {}

/// The operations that move LAN network `was` of `before` to network `now` of `after` (the
/// same network with another subnet, and maybe another name): every member disconnected, the
/// old network removed (engines before moby#47318, 20.10.24 among them, refuse a second
/// macvlan network on one parent), the new one created, every member connected with the
/// address and MAC `after` gives it. Nothing else is touched: the other networks' endpoints
/// stay, so no container restarts.
pub fn move_network(before: &Topology, after: &Topology, was: &str, now: &str) -> Result<Vec<Operation>, MoveRefusal> {
    fn find<'t>(t: &'t Topology, name: &str, side: &'static str) -> Result<&'t crate::ir::Network, MoveRefusal> {
        t.networks.iter().find(|n| n.name == name).ok_or(MoveRefusal::UnknownNetwork { name: name.into(), side })
    }
    let (old, new) = (find(before, was, "old")?, find(after, now, "new")?);
    for n in [old, new] {
        if !matches!(n.driver, crate::ir::Driver::Macvlan | crate::ir::Driver::Ipvlan) {
            return Err(MoveRefusal::NotALan { name: n.name.clone(), driver: n.driver.as_str().into() });
        }
    }
    if old.subnet.as_ref().map(|s| s.net) == new.subnet.as_ref().map(|s| s.net) {
        return Err(MoveRefusal::SameSubnet { name: now.into() });
    }
    let members = |t: &Topology, id: crate::ir::NetworkId| -> Vec<String> {
        t.services.iter().filter(|s| s.attachments.iter().any(|a| a.network == id)).map(|s| s.name.clone()).collect()
    };
    let (members_before, members_after) = (members(before, old.id), members(after, new.id));
    if members_before != members_after {
        return Err(MoveRefusal::MembersDiffer { name: now.into(), before: members_before, after: members_after });
    }
    let engine_name = |t: &Topology, n: &crate::ir::Network| {
        n.engine_name.clone().unwrap_or_else(|| format!("{}_{}", t.name, n.name))
    };
    let mut ops = Vec::new();
    for service in &members_before {
        for container in containers(before, service) {
            ops.push(Operation::Disconnect { network: engine_name(before, old), container });
        }
    }
    ops.push(Operation::RemoveNetwork { name: engine_name(before, old) });
    ops.push(create_network(after, new, engine_name(after, new)));
    for s in after.services.iter().filter(|s| members_after.contains(&s.name)) {
        let Some(a) = s.attachments.iter().find(|a| a.network == new.id) else { continue };
        for (replica, container) in containers(after, &s.name).into_iter().enumerate() {
            ops.push(Operation::Connect {
                network: engine_name(after, new),
                container,
                ip: a.addresses.get(replica).copied(),
                ip6: a.ip6,
                mac: a.mac.clone(),
            });
        }
    }
    Ok(ops)
}

/// A network as Compose would create it: the driver options the Compose artifact writes
/// (parent, mode, ...), the gateway the engine gets, the IPAM driver, options and reserved
/// addresses, Compose's labels.
fn create_network(topology: &Topology, n: &crate::ir::Network, name: String) -> Operation {
    let mut options: Vec<(String, String)> = Vec::new();
    if let Some(parent) = &n.parent {
        options.push(("parent".into(), parent.clone()));
    }
    if let Some(mode) = &n.mode {
        let key = if n.driver == crate::ir::Driver::Ipvlan { "ipvlan_mode" } else { "macvlan_mode" };
        options.push((key.into(), mode.clone()));
    }
    options.extend(n.driver_opts.iter().cloned());
    Operation::CreateNetwork {
        name,
        driver: n.driver.as_str().to_owned(),
        subnet: n.subnet.as_ref().map(|s| s.net.to_string()),
        gateway: n.effective_gateway(),
        ip_range: n.ip_range.map(|r| r.to_string()),
        subnet6: n.subnet6.as_ref().map(|s| s.net.to_string()),
        gateway6: n.effective_gateway6(),
        internal: !n.egress,
        attachable: n.attachable,
        options,
        ipam_driver: n.ipam_driver.clone(),
        ipam_options: n.ipam_options.clone(),
        aux_addresses: n.aux_addresses.iter().map(|a| (a.name.clone(), a.address)).collect(),
        labels: vec![
            ("com.docker.compose.network".into(), n.name.clone()),
            ("com.docker.compose.project".into(), topology.name.clone()),
        ],
    }
}

fn own_services(topology: &Topology, allocation: &Allocation) -> Vec<String> {
    let Some(t) = topology.templates.iter().find(|t| t.name == allocation.template) else { return Vec::new() };
    let Some(instance) = t.instances.iter().position(|i| *i == allocation.id) else { return Vec::new() };
    let origin = Origin::Template { template: t.id, instance: instance as u32 };
    topology.services.iter().filter(|s| s.origin == origin).map(|s| s.name.clone()).collect()
}

/// Compose v2's container names for a service: `<project>-<service>-<n>`, n from 1.
fn containers(topology: &Topology, service: &str) -> Vec<String> {
    let replicas = topology.services.iter().find(|s| s.name == service).map_or(1, |s| s.replicas.max(1));
    (1..=replicas).map(|n| format!("{}-{service}-{n}", topology.name)).collect()
}

/// The operation as the `docker` command line that performs it (`compose` names the built
/// artifact for `StartService` / `StopService`, the stack file for `DeployStack`).
pub fn command_line(op: &Operation, project: &str, compose: &str) -> Vec<String> {
    let mut args: Vec<String> = vec!["docker".into()];
    let mut push = |a: &str| args.push(a.to_owned());
    match op {
        Operation::CreateNetwork {
            name,
            driver,
            subnet,
            gateway,
            ip_range,
            subnet6,
            gateway6,
            internal,
            attachable,
            options,
            ipam_driver,
            ipam_options,
            aux_addresses,
            labels,
        } => {
            for a in ["network", "create", "--driver", driver] {
                push(a);
            }
            if let Some(ipam) = ipam_driver {
                push("--ipam-driver");
                push(ipam);
            }
            for (k, v) in ipam_options {
                push("--ipam-opt");
                push(&format!("{k}={v}"));
            }
            for (name, address) in aux_addresses {
                push("--aux-address");
                push(&format!("{name}={address}"));
            }
            for (flag, value) in [
                ("--subnet", subnet.clone()),
                ("--gateway", gateway.map(|g| g.to_string())),
                ("--ip-range", ip_range.clone()),
                ("--subnet", subnet6.clone()),
                ("--gateway", gateway6.map(|g| g.to_string())),
            ] {
                if let Some(value) = value {
                    push(flag);
                    push(&value);
                }
            }
            if subnet6.is_some() {
                push("--ipv6");
            }
            if *internal {
                push("--internal");
            }
            if *attachable {
                push("--attachable");
            }
            for (k, v) in options {
                push("--opt");
                push(&format!("{k}={v}"));
            }
            for (k, v) in labels {
                push("--label");
                push(&format!("{k}={v}"));
            }
            push(name);
        }
        Operation::Connect { network, container, ip, ip6, mac: _ } => {
            push("network");
            push("connect");
            if let Some(ip) = ip {
                push("--ip");
                push(&ip.to_string());
            }
            if let Some(ip6) = ip6 {
                push("--ip6");
                push(&ip6.to_string());
            }
            push(network);
            push(container);
        }
        Operation::StartService { service } => {
            for a in ["compose", "-p", project, "-f", compose, "up", "-d", "--no-deps", "--no-recreate", service] {
                push(a);
            }
        }
        Operation::StopService { service } => {
            for a in ["compose", "-p", project, "-f", compose, "rm", "--stop", "--force", service] {
                push(a);
            }
        }
        Operation::Disconnect { network, container } => {
            for a in ["network", "disconnect", network, container] {
                push(a);
            }
        }
        Operation::RemoveNetwork { name } => {
            for a in ["network", "rm", name] {
                push(a);
            }
        }
        Operation::DeployStack { stack } => {
            for a in ["stack", "deploy", "-c", compose, stack] {
                push(a);
            }
        }
        Operation::RemoveSwarmService { service } => {
            for a in ["service", "rm", service] {
                push(a);
            }
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_creation_passes_the_ipam_driver_options_and_reserved_addresses() {
        let op = Operation::CreateNetwork {
            name: "p_lan".into(),
            driver: "bridge".into(),
            subnet: Some("10.9.0.0/24".into()),
            gateway: Some("10.9.0.1".parse().expect("ip")),
            ip_range: None,
            subnet6: None,
            gateway6: None,
            internal: true,
            attachable: false,
            options: Vec::new(),
            ipam_driver: Some("default".into()),
            ipam_options: vec![("foo".into(), "bar".into())],
            aux_addresses: vec![("router".into(), "10.9.0.2".parse().expect("ip"))],
            labels: Vec::new(),
        };
        let line = command_line(&op, "p", "docker").join(" ");
        assert!(line.contains("--ipam-driver default --ipam-opt foo=bar --aux-address router=10.9.0.2"), "{line}");
    }
}
