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
        /// Compose's own labels, so that a later `docker compose up` of the built artifact
        /// finds the network it would have created and adopts it instead of refusing it.
        labels: Vec<(String, String)>,
    },
    Connect {
        network: String,
        container: String,
        ip: Option<IpAddr>,
        ip6: Option<IpAddr>,
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
            labels,
        } => {
            for a in ["network", "create", "--driver", driver] {
                push(a);
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
        Operation::Connect { network, container, ip, ip6 } => {
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
