//! The artifacts' semantic difference: the emitted compose or stack files read back as data,
//! their `services` and `networks` added, removed or changed (which keys), ignoring layout,
//! comments (the header names the spec's hash) and key order.

use crate::identity::Identity;
use foldhash::HashMap;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryChange {
    pub name: String,
    /// The old name, for an entry of a renamed service.
    pub renamed_from: Option<String>,
    /// The entry's keys whose values differ (`networks`, `ports`, `image`, ...).
    pub keys: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<EntryChange>,
}

impl Section {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

#[derive(Debug, Default, Serialize)]
pub struct ArtifactDiff {
    /// Why the artifacts could not be compared, when they could not.
    pub unavailable: Option<String>,
    pub services: Section,
    pub networks: Section,
}

impl ArtifactDiff {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.networks.is_empty()
    }
}

fn read(text: &str) -> Option<Value> {
    topoc_spec::parse(text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).ok().map(|n| n.to_json())
}

fn entries<'v>(doc: &'v Value, key: &str) -> Vec<(&'v str, &'v Value)> {
    doc.get(key)
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn changed_keys(a: &Value, b: &Value) -> Vec<String> {
    match (a.as_object(), b.as_object()) {
        (Some(a), Some(b)) => {
            let mut keys: Vec<String> = a
                .iter()
                .filter(|(k, v)| b.get(*k) != Some(*v))
                .map(|(k, _)| k.clone())
                .chain(b.keys().filter(|k| !a.contains_key(*k)).cloned())
                .collect();
            keys.sort();
            keys
        }
        _ if a != b => vec!["(value)".to_owned()],
        _ => Vec::new(),
    }
}

fn section(old: &Value, new: &Value, key: &str, renames: &HashMap<&str, &str>) -> Section {
    let before = entries(old, key);
    let after = entries(new, key);
    let after_map: HashMap<&str, &Value> = after.iter().copied().collect();
    let mut seen: foldhash::HashSet<&str> = foldhash::HashSet::default();
    let mut out = Section::default();
    for (name, value) in &before {
        let target = renames.get(name).copied().filter(|n| after_map.contains_key(n)).unwrap_or(name);
        match after_map.get(target) {
            Some(v) => {
                seen.insert(target);
                let keys = changed_keys(value, v);
                let renamed_from = (target != *name).then(|| (*name).to_owned());
                if !keys.is_empty() || renamed_from.is_some() {
                    out.changed.push(EntryChange { name: target.to_owned(), renamed_from, keys });
                }
            }
            None => out.removed.push((*name).to_owned()),
        }
    }
    out.added = after.iter().filter(|(n, _)| !seen.contains(n)).map(|(n, _)| (*n).to_owned()).collect();
    out
}

pub(crate) fn compare(old: Option<&str>, new: Option<&str>, identity: &Identity) -> ArtifactDiff {
    let (Some(old), Some(new)) = (old, new) else {
        return ArtifactDiff {
            unavailable: Some("an artifact could not be rendered on one side".into()),
            ..ArtifactDiff::default()
        };
    };
    let (Some(old), Some(new)) = (read(old), read(new)) else {
        return ArtifactDiff {
            unavailable: Some("an emitted artifact could not be read back as YAML".into()),
            ..ArtifactDiff::default()
        };
    };
    let renames: HashMap<&str, &str> = identity.renames.iter().map(|r| (r.old.as_str(), r.new.as_str())).collect();
    ArtifactDiff {
        unavailable: None,
        services: section(&old, &new, "services", &renames),
        networks: section(&old, &new, "networks", &HashMap::default()),
    }
}
