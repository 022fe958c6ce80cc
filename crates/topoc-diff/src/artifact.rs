//! The artifacts' semantic difference: the emitted compose or stack files' `services` and
//! `networks` added, removed or changed (which keys), compared as the data the files are written
//! from (their render models), so layout, comments and the header (which names the spec's hash)
//! do not count.

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

/// An artifact's entries: the render model the built-in template writes into the file, key for
/// key (docs/templates.md), so two artifacts are compared without rendering and reading back a
/// file of 20,000 services. Each record is fingerprinted (its JSON, hashed as it is written);
/// only records whose fingerprints differ are serialised to find the keys that changed.
pub struct Artifact {
    services: Vec<Record>,
    networks: Vec<Record>,
}

struct Record {
    name: String,
    hash: u64,
    /// The record, serialisable again for the keys that changed.
    json: Box<dyn Fn() -> Value + Send + Sync>,
}

/// FNV-1a over the bytes serde_json writes: no buffer per record.
struct Hasher(u64);

impl std::io::Write for Hasher {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn records<T: Serialize + Send + Sync + 'static>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<Record> {
    items
        .into_iter()
        .map(|item| {
            let mut h = Hasher(0xcbf2_9ce4_8422_2325);
            let _ = serde_json::to_writer(&mut h, &item);
            let name = key(&item);
            Record { name, hash: h.0, json: Box::new(move || serde_json::to_value(&item).unwrap_or_default()) }
        })
        .collect()
}

impl Artifact {
    /// The compose file a topology compiles to.
    pub fn compose(model: topoc_emit::compose::ComposeModel) -> Artifact {
        Artifact {
            services: records(model.services, |s| s.key.clone()),
            networks: records(model.networks, |n| n.key.clone()),
        }
    }

    /// The Swarm stack file a topology compiles to.
    pub fn stack(model: topoc_emit::stack::StackModel) -> Artifact {
        Artifact {
            services: records(model.services, |s| s.key.clone()),
            networks: records(model.networks, |n| n.key.clone()),
        }
    }
}

/// The keys of two records whose values differ (`key`, the entry's name, is the rename itself).
fn changed_keys(a: &Record, b: &Record) -> Vec<String> {
    if a.hash == b.hash {
        return Vec::new();
    }
    let mut keys = value_keys(&(a.json)(), &(b.json)());
    keys.retain(|k| k != "key");
    keys
}

fn value_keys(a: &Value, b: &Value) -> Vec<String> {
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

fn section(before: &[Record], after: &[Record], renames: &HashMap<&str, &str>) -> Section {
    let after_map: HashMap<&str, &Record> = after.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut seen: foldhash::HashSet<&str> = foldhash::HashSet::default();
    let mut out = Section::default();
    for value in before {
        let name = value.name.as_str();
        let target = renames.get(name).copied().filter(|n| after_map.contains_key(n)).unwrap_or(name);
        match after_map.get(target) {
            Some(v) => {
                seen.insert(target);
                let keys = changed_keys(value, v);
                let renamed_from = (target != name).then(|| name.to_owned());
                if !keys.is_empty() || renamed_from.is_some() {
                    out.changed.push(EntryChange { name: target.to_owned(), renamed_from, keys });
                }
            }
            None => out.removed.push(name.to_owned()),
        }
    }
    out.added = after.iter().filter(|r| !seen.contains(r.name.as_str())).map(|r| r.name.clone()).collect();
    out
}

pub(crate) fn compare(old: Option<&Artifact>, new: Option<&Artifact>, identity: &Identity) -> ArtifactDiff {
    let (Some(old), Some(new)) = (old, new) else {
        return ArtifactDiff {
            unavailable: Some("the artifact could not be modeled on one side".into()),
            ..ArtifactDiff::default()
        };
    };
    let renames: HashMap<&str, &str> = identity.renames.iter().map(|r| (r.old.as_str(), r.new.as_str())).collect();
    ArtifactDiff {
        unavailable: None,
        services: section(&old.services, &new.services, &renames),
        networks: section(&old.networks, &new.networks, &HashMap::default()),
    }
}
