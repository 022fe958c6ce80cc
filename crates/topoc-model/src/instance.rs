//! Template instances added or removed at run time, and what one instance is allocated.
//!
//! `alloc` answers "what would instance ID of template T get?" without changing anything: it
//! adds the instance to a copy of the spec, resolves that against the lock (the lock keeps
//! every other network where it is, see [`crate::Lock`]), and reads the instance's networks,
//! services and the existing services the template attaches out of the resolved topology. The
//! lock it returns is what a later `build` of the spec with the instance would write; `alloc`
//! itself never writes it.

use crate::ir::{NetworkId, Origin, SubnetSource, Topology};
use crate::lock::Lock;
use crate::resolve::resolve;
use ipnet::IpNet;
use std::net::IpAddr;
use topoc_diag::Diagnostics;
use topoc_spec::{Sp, TopologySpec};

/// Why an instance cannot be added to or removed from a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceError {
    UnknownTemplate { template: String, known: Vec<String> },
    AlreadyPresent { template: String, id: String },
    NotPresent { template: String, id: String },
}

impl std::fmt::Display for InstanceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstanceError::UnknownTemplate { template, known } if known.is_empty() => {
                write!(f, "unknown template `{template}`: the spec declares no templates")
            }
            InstanceError::UnknownTemplate { template, known } => {
                write!(f, "unknown template `{template}`; the spec declares: {}", known.join(", "))
            }
            InstanceError::AlreadyPresent { template, id } => {
                write!(f, "template `{template}` already has an instance `{id}`")
            }
            InstanceError::NotPresent { template, id } => {
                write!(f, "template `{template}` has no instance `{id}`")
            }
        }
    }
}

impl std::error::Error for InstanceError {}

/// The ids a template stamps, in order (`count: N` means `1`..`N`).
pub fn instance_ids(spec: &TopologySpec, template: &str) -> Result<Vec<String>, InstanceError> {
    let t = find(spec, template)?;
    Ok(match &t.count {
        Some(count) => (1..=count.value).map(|i| i.to_string()).collect(),
        None => t.instances.iter().map(|s| s.value.clone()).collect(),
    })
}

/// The spec with one more instance of `template`, appended last so no existing instance's
/// `{index}` changes. A `count: N` template gaining id `N+1` keeps its `count`; any other id
/// turns the count into the equivalent explicit `instances` list.
pub fn with_instance(spec: &TopologySpec, template: &str, id: &str) -> Result<TopologySpec, InstanceError> {
    let mut ids = instance_ids(spec, template)?;
    if ids.iter().any(|i| i == id) {
        return Err(InstanceError::AlreadyPresent { template: template.into(), id: id.into() });
    }
    ids.push(id.to_owned());
    Ok(set_ids(spec, template, ids))
}

/// The spec without instance `id` of `template`. Instances after it move up one `{index}`:
/// a template that derives addresses from `{index}` moves them, which the callers check.
pub fn without_instance(spec: &TopologySpec, template: &str, id: &str) -> Result<TopologySpec, InstanceError> {
    let mut ids = instance_ids(spec, template)?;
    let Some(at) = ids.iter().position(|i| i == id) else {
        return Err(InstanceError::NotPresent { template: template.into(), id: id.into() });
    };
    ids.remove(at);
    Ok(set_ids(spec, template, ids))
}

fn find<'s>(spec: &'s TopologySpec, template: &str) -> Result<&'s topoc_spec::TemplateSpec, InstanceError> {
    spec.templates.get(template).ok_or_else(|| InstanceError::UnknownTemplate {
        template: template.into(),
        known: spec.templates.iter().map(|(k, _)| k.value.clone()).collect(),
    })
}

fn set_ids(spec: &TopologySpec, template: &str, ids: Vec<String>) -> TopologySpec {
    let mut out = spec.clone();
    if let Some((_, t)) = out.templates.entries.iter_mut().find(|(k, _)| k.value == template) {
        let counted = ids.iter().enumerate().all(|(i, id)| *id == (i + 1).to_string());
        match (&mut t.count, counted && !ids.is_empty()) {
            (Some(count), true) => count.value = ids.len() as u32,
            _ => {
                // Keep the spans of ids written in the spec, so findings still point at them.
                let written = std::mem::take(&mut t.instances);
                t.count = None;
                t.instances = ids
                    .into_iter()
                    .map(|id| written.iter().find(|w| w.value == id).cloned().unwrap_or_else(|| Sp::detached(id)))
                    .collect();
            }
        }
    }
    out
}

/// What one instance is allocated: its networks and every address in them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Allocation {
    pub template: String,
    pub id: String,
    pub networks: Vec<NetworkAllocation>,
    /// Addresses in the instance's networks, the instance's own services first, then the
    /// existing services the template attaches, each in declaration order.
    pub services: Vec<ServiceAllocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NetworkAllocation {
    /// The network's name in the spec (placeholders substituted).
    pub name: String,
    /// The name the engine knows it by: `name:` when the spec fixes it, else Compose's
    /// `<project>_<name>`.
    pub engine_name: String,
    #[serde(serialize_with = "as_text")]
    pub subnet: Option<IpNet>,
    pub gateway: Option<IpAddr>,
    #[serde(serialize_with = "as_text")]
    pub subnet6: Option<IpNet>,
    pub gateway6: Option<IpAddr>,
    /// The pool the subnet came from (none for an explicit subnet or none at all).
    pub pool: Option<String>,
    /// True when the lock did not hold this subnet yet: the allocation is new.
    pub new: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceAllocation {
    pub service: String,
    pub network: String,
    /// False for the instance's own services; true for an existing service the template
    /// attaches into the instance's network (connected at run time, not started).
    pub attached: bool,
    /// Static addresses, one per replica; empty when the engine assigns one.
    pub addresses: Vec<IpAddr>,
    pub ip6: Option<IpAddr>,
}

/// A CIDR as its text (`172.30.4.0/24`), the way the lock and Compose write it.
fn as_text<S: serde::Serializer>(net: &Option<IpNet>, serializer: S) -> Result<S::Ok, S::Error> {
    match net {
        Some(net) => serializer.collect_str(net),
        None => serializer.serialize_none(),
    }
}

/// The allocation of instance `id` of `template` in a resolved topology, or `None` when the
/// topology has no such instance.
pub fn allocation(topology: &Topology, template: &str, id: &str) -> Option<Allocation> {
    let t = topology.templates.iter().find(|t| t.name == template)?;
    let instance = t.instances.iter().position(|i| i == id)? as u32;
    let origin = Origin::Template { template: t.id, instance };
    let own_networks: Vec<NetworkId> = topology.networks.iter().filter(|n| n.origin == origin).map(|n| n.id).collect();
    let networks = own_networks
        .iter()
        .map(|&nid| {
            let n = topology.network(nid);
            let (pool, new) = match n.subnet.as_ref().map(|s| s.source) {
                Some(SubnetSource::Pool { pool, locked }) => (Some(topology.pools[pool.index()].name.clone()), !locked),
                _ => (None, false),
            };
            NetworkAllocation {
                name: n.name.clone(),
                engine_name: n.engine_name.clone().unwrap_or_else(|| format!("{}_{}", topology.name, n.name)),
                subnet: n.subnet.as_ref().map(|s| s.net),
                gateway: n.gateway,
                subnet6: n.subnet6.as_ref().map(|s| s.net),
                gateway6: n.gateway6,
                pool,
                new,
            }
        })
        .collect();
    let mut own = Vec::new();
    let mut attached = Vec::new();
    for s in &topology.services {
        let mine = s.origin == origin;
        for a in &s.attachments {
            if !mine && !own_networks.contains(&a.network) {
                continue;
            }
            let entry = ServiceAllocation {
                service: s.name.clone(),
                network: topology.network(a.network).name.clone(),
                attached: !mine,
                addresses: a.addresses.clone(),
                ip6: a.ip6,
            };
            if mine { own.push(entry) } else { attached.push(entry) }
        }
    }
    own.extend(attached);
    Some(Allocation { template: template.into(), id: id.into(), networks, services: own })
}

/// What `alloc` found: the allocation when the spec with the instance resolves, the lock a
/// build would then write, and the resolution's findings.
#[derive(Debug)]
pub struct AllocOutcome {
    pub allocation: Option<Allocation>,
    pub lock: Lock,
    pub diagnostics: Diagnostics,
    /// The topology with the instance, for callers that check it further (the policy).
    pub topology: Option<Topology>,
}

/// What instance `id` of `template` would get, from the pools and the lock. Pure: the caller
/// decides whether to write the returned lock.
pub fn alloc(spec: &TopologySpec, lock: &Lock, template: &str, id: &str) -> Result<AllocOutcome, InstanceError> {
    let spec = with_instance(spec, template, id)?;
    let resolution = resolve(&spec, lock);
    let allocation = resolution.topology.as_ref().and_then(|t| allocation(t, template, id));
    Ok(AllocOutcome {
        allocation,
        lock: resolution.lock,
        diagnostics: resolution.diagnostics,
        topology: resolution.topology,
    })
}

/// `<spec stem>.instances.toml`: instances recorded beside the spec by `topoc instance add`,
/// so a program can add tenants without rewriting the user's YAML. Each template's ids are
/// appended after the ones the spec writes, in the order listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstancesFile {
    pub templates: std::collections::BTreeMap<String, Vec<String>>,
}

const INSTANCES_HEADER: &str = "# topoc instances: template instances added by `topoc instance add`, appended after the\n\
# spec's own. Generated; commit it beside the spec and its lock.\n";

impl InstancesFile {
    pub fn parse(text: &str) -> Result<InstancesFile, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            version: u32,
            #[serde(default)]
            templates: std::collections::BTreeMap<String, Vec<String>>,
        }
        let raw: Raw = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        if raw.version != 1 {
            return Err(format!("unsupported instances file version {}", raw.version));
        }
        Ok(InstancesFile { templates: raw.templates })
    }

    /// Sorted by template; ids in the order they were added (that order is their `{index}`).
    pub fn render(&self) -> String {
        let mut out = String::from(INSTANCES_HEADER);
        out.push_str("version = 1\n\n[templates]\n");
        for (template, ids) in &self.templates {
            if ids.is_empty() {
                continue;
            }
            let ids: Vec<String> = ids.iter().map(|id| toml_string(id)).collect();
            out.push_str(&format!("{} = [{}]\n", toml_string(template), ids.join(", ")));
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.templates.values().all(Vec::is_empty)
    }

    /// The spec with these instances appended to their templates.
    pub fn apply(&self, spec: &TopologySpec) -> Result<TopologySpec, InstanceError> {
        let mut out = spec.clone();
        for (template, ids) in &self.templates {
            for id in ids {
                out = with_instance(&out, template, id)?;
            }
        }
        Ok(out)
    }
}

/// A TOML basic string: quoted, with quotes, backslashes and control characters escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The topology as the Compose artifact carries it when instances were added at run time:
/// the services declared outside a template lose their attachments into the networks of the
/// instances `runtime` lists. Those connections are made by `topoc instance add` with
/// `docker network connect`; were they in the artifact, the attached service's Compose
/// config hash would change with every instance and the next `docker compose up -d` would
/// recreate it (measured with Compose v2.40.3, docs/targets.md). A connection outside the
/// definition survives `up -d`: Compose leaves a container whose hash matches alone.
pub fn without_runtime_attachments(topology: &Topology, runtime: &InstancesFile) -> Topology {
    let mut out = topology.clone();
    let runtime_networks: Vec<NetworkId> = runtime
        .templates
        .iter()
        .flat_map(|(template, ids)| ids.iter().filter_map(|id| allocation(topology, template, id)))
        .flat_map(|a| a.networks)
        .filter_map(|n| topology.networks.iter().find(|x| x.name == n.name).map(|x| x.id))
        .collect();
    for s in out.services.iter_mut().filter(|s| s.origin == Origin::Declared) {
        s.attachments.retain(|a| !runtime_networks.contains(&a.network));
    }
    out
}
