//! Which keys the spec language has, read from its JSON Schema: a Compose key the spec also has
//! under the same name (and, as the spec promises, the same meaning) is passed through and
//! checked by the spec's decoder, so keys the spec gains are carried without a change here.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The property names of one spec type (`ServiceSpec`, `NetworkSpec`, ...).
pub(crate) fn keys(definition: &str) -> &'static BTreeSet<String> {
    static ALL: OnceLock<Vec<(String, BTreeSet<String>)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let schema = topoc_spec::json_schema();
        let mut out = Vec::new();
        if let Some(defs) = schema.get("$defs").and_then(|d| d.as_object()) {
            for (name, def) in defs {
                let props = def
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                out.push((name.clone(), props));
            }
        }
        let top = schema
            .get("properties")
            .and_then(|p| p.as_object())
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        out.push(("TopologySpec".into(), top));
        out
    });
    static EMPTY: BTreeSet<String> = BTreeSet::new();
    all.iter().find(|(n, _)| n == definition).map(|(_, k)| k).unwrap_or(&EMPTY)
}

/// Whether the spec type has a key of this name (an `x-` extension where the type takes them).
pub(crate) fn has(definition: &str, key: &str) -> bool {
    keys(definition).contains(key) || (key.starts_with("x-") && extensible(definition))
}

/// Whether the spec type takes `x-` extension keys, as Compose's objects do.
fn extensible(definition: &str) -> bool {
    static ALL: OnceLock<BTreeSet<String>> = OnceLock::new();
    ALL.get_or_init(|| {
        let schema = topoc_spec::json_schema();
        let takes = |def: &serde_json::Value| def.get("patternProperties").is_some_and(|p| p.get("^x-").is_some());
        let mut out: BTreeSet<String> = schema
            .get("$defs")
            .and_then(|d| d.as_object())
            .map(|defs| defs.iter().filter(|(_, d)| takes(d)).map(|(n, _)| n.clone()).collect())
            .unwrap_or_default();
        if takes(&schema) {
            out.insert("TopologySpec".into());
        }
        out
    })
    .contains(definition)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_spec_schema() {
        assert!(super::has("ServiceSpec", "image"));
        assert!(super::has("NetworkSpec", "subnet"));
        assert!(super::has("TopologySpec", "services"));
        assert!(!super::has("ServiceSpec", "no-such-key"));
    }
}
