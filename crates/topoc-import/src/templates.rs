//! Recognising templates: services whose names differ only by a number (`worker-1` ...
//! `worker-8`) and whose bodies are the same once that number is written `{id}` become one
//! template with `count` (ids 1..N) or `instances` (any other ids). Expanding the template gives
//! back exactly the services it replaces: a member's body is its canonical form with `{id}`
//! substituted, and the canonical form is only accepted when every member has the same one.

use crate::nodes::{entries, key_text, map, scalar, seq, string};
use foldhash::HashMap;
use topoc_spec::{Node, NodeKind};

/// The text around the index in a member's name: (before, after).
type Shape = (String, String);
/// A member: its position among the services and its id.
type Member = (usize, String);

/// The smallest group worth a template.
const MIN_MEMBERS: usize = 2;

/// The spec tree with repeated services folded into `templates`.
pub fn fold(spec: &Node) -> Node {
    let NodeKind::Map(top) = &spec.kind else {
        return spec.clone();
    };
    let Some(services) = top.iter().find(|(k, _)| key_text(k) == "services").map(|(_, v)| v) else {
        return spec.clone();
    };
    // Candidate groups: the same text around the last run of digits in the name.
    let mut groups: Vec<(Shape, Vec<Member>)> = Vec::new();
    let mut by_shape: HashMap<(String, String), usize> = HashMap::default();
    for (i, (name, _)) in entries(services).iter().enumerate() {
        if let Some((prefix, id, suffix)) = split_index(key_text(name)) {
            let shape = (prefix.to_owned(), suffix.to_owned());
            let at = *by_shape.entry(shape.clone()).or_insert_with(|| {
                groups.push((shape, Vec::new()));
                groups.len() - 1
            });
            groups[at].1.push((i, id.to_owned()));
        }
    }
    let mut folded = vec![false; entries(services).len()];
    let mut templates: Vec<(Node, Node)> = Vec::new();
    let mut used_names: foldhash::HashSet<String> =
        entries(services).iter().map(|(k, _)| key_text(k).to_owned()).collect();
    for ((prefix, suffix), members) in groups {
        if members.len() < MIN_MEMBERS {
            continue;
        }
        let bodies = entries(services);
        let group: Vec<&Node> = members.iter().map(|(i, _)| &bodies[*i].1).collect();
        let ids: Vec<&str> = members.iter().map(|(_, id)| id.as_str()).collect();
        if group.iter().any(|b| contains_brace(b)) {
            continue;
        }
        let Some(shared) = unify(&group, &ids) else {
            continue;
        };
        let first_index = &members[0].0;
        for (i, _) in &members {
            folded[*i] = true;
        }
        let span = bodies[*first_index].0.span;
        let counted = ids.iter().enumerate().all(|(n, id)| *id == (n + 1).to_string());
        let mut body = Vec::new();
        if counted {
            body.push((scalar("count", span), scalar(ids.len().to_string(), span)));
        } else {
            body.push((scalar("instances", span), seq(ids.iter().map(|id| string(*id, span)).collect(), span)));
        }
        let service_name = format!("{prefix}{{id}}{suffix}");
        body.push((scalar("services", span), map(vec![(string(service_name, span), shared)], span)));
        let name = template_name(&prefix, &suffix, &mut used_names);
        templates.push((scalar(name, span), map(body, span)));
    }
    if templates.is_empty() {
        return spec.clone();
    }
    let kept: Vec<(Node, Node)> =
        entries(services).iter().enumerate().filter(|(i, _)| !folded[*i]).map(|(_, e)| e.clone()).collect();
    let mut out = Vec::new();
    for (k, v) in top {
        if key_text(k) == "services" {
            out.push((k.clone(), map(kept.clone(), v.span)));
            out.push((scalar("templates", k.span), map(std::mem::take(&mut templates), k.span)));
        } else {
            out.push((k.clone(), v.clone()));
        }
    }
    map(out, spec.span)
}

/// `(prefix, digits, suffix)` around the last run of digits of a name.
fn split_index(name: &str) -> Option<(&str, &str, &str)> {
    let bytes = name.as_bytes();
    let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
    let start = bytes[..end].iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |i| i + 1);
    Some((&name[..start], &name[start..end], &name[end..]))
}

/// A template name from the shared part of the members' names, unique among the services.
fn template_name(prefix: &str, suffix: &str, used: &mut foldhash::HashSet<String>) -> String {
    let base = format!("{}{}", prefix.trim_end_matches(['-', '_', '.']), suffix);
    let base = if base.is_empty() { "replicas".to_owned() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

fn contains_brace(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Scalar { text, .. } => text.contains('{'),
        NodeKind::Seq(items) => items.iter().any(contains_brace),
        NodeKind::Map(e) => e.iter().any(|(k, v)| contains_brace(k) || contains_brace(v)),
        NodeKind::Null => false,
    }
}

/// One body standing for all members: where they agree it is their text, where they differ
/// each must read the same once its own id is written `{id}`. `None` when they differ otherwise.
fn unify(group: &[&Node], ids: &[&str]) -> Option<Node> {
    let first = group[0];
    let kind = match &first.kind {
        NodeKind::Null => group.iter().all(|n| matches!(n.kind, NodeKind::Null)).then_some(NodeKind::Null)?,
        NodeKind::Scalar { text, quoted } => {
            let mut same = true;
            for n in group {
                match &n.kind {
                    NodeKind::Scalar { text: t, quoted: q } if q == quoted => same &= t == text,
                    _ => return None,
                }
            }
            if same {
                NodeKind::Scalar { text: text.clone(), quoted: *quoted }
            } else {
                let texts: Vec<&str> = group.iter().filter_map(|n| n.as_scalar()).collect();
                NodeKind::Scalar { text: unify_text(&texts, ids)?, quoted: *quoted }
            }
        }
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in 0..items.len() {
                let column: Option<Vec<&Node>> = group
                    .iter()
                    .map(|n| match &n.kind {
                        NodeKind::Seq(x) if x.len() == items.len() => Some(&x[i]),
                        _ => None,
                    })
                    .collect();
                out.push(unify(&column?, ids)?);
            }
            NodeKind::Seq(out)
        }
        NodeKind::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for i in 0..entries.len() {
                let column: Option<Vec<&(Node, Node)>> = group
                    .iter()
                    .map(|n| match &n.kind {
                        NodeKind::Map(x) if x.len() == entries.len() => Some(&x[i]),
                        _ => None,
                    })
                    .collect();
                let column = column?;
                let keys: Vec<&Node> = column.iter().map(|(k, _)| k).collect();
                let values: Vec<&Node> = column.iter().map(|(_, v)| v).collect();
                out.push((unify(&keys, ids)?, unify(&values, ids)?));
            }
            NodeKind::Map(out)
        }
    };
    Some(Node::new(kind, first.span))
}

/// Texts that differ only where each holds its member's id: split into runs of digits and of
/// other characters, every run must be the same in all texts or be each text's own id.
fn unify_text(texts: &[&str], ids: &[&str]) -> Option<String> {
    let runs: Vec<Vec<&str>> = texts.iter().map(|t| digit_runs(t)).collect();
    let width = runs[0].len();
    if runs.iter().any(|r| r.len() != width) {
        return None;
    }
    let mut out = String::new();
    let mut placed = false;
    for i in 0..width {
        let first = runs[0][i];
        if runs.iter().all(|r| r[i] == first) {
            out.push_str(first);
        } else if runs.iter().zip(ids).all(|(r, id)| r[i] == *id) {
            out.push_str("{id}");
            placed = true;
        } else {
            return None;
        }
    }
    placed.then_some(out)
}

/// `t12-worker-3` → `t`, `12`, `-worker-`, `3`.
fn digit_runs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for i in 1..=bytes.len() {
        if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit() {
            out.push(&text[start..i]);
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use topoc_diag::FileId;

    fn yaml(text: &str) -> Node {
        topoc_spec::parse(text, topoc_spec::Format::Yaml, FileId(0)).expect("parses")
    }

    #[test]
    fn folds_services_that_differ_only_by_their_index() {
        let spec = yaml(
            "topology: t\nservices:\n  db: {image: postgres:16}\n  worker-1: {image: w:1.2, hostname: worker-1, environment: {SLOT: '1'}}\n  worker-2: {image: w:1.2, hostname: worker-2, environment: {SLOT: '2'}}\n  worker-3: {image: w:1.2, hostname: worker-3, environment: {SLOT: '3'}}\n",
        );
        let folded = fold(&spec).to_json();
        assert_eq!(folded["services"].as_object().map(|s| s.len()), Some(1));
        let t = &folded["templates"]["worker"];
        assert_eq!(t["count"], 3);
        assert_eq!(t["services"]["worker-{id}"]["hostname"], "worker-{id}");
        assert_eq!(t["services"]["worker-{id}"]["image"], "w:1.2");
    }

    #[test]
    fn keeps_services_that_differ_otherwise() {
        let spec = yaml(
            "topology: t\nservices:\n  a1: {image: x:1}\n  a2: {image: x:1}\n  b1: {image: y}\n  b2: {image: z}\n",
        );
        let folded = fold(&spec).to_json();
        // a1 and a2 are the same service twice: a template; b1 and b2 differ otherwise.
        assert_eq!(folded["services"].as_object().map(|s| s.len()), Some(2));
        assert_eq!(folded["templates"]["a"]["count"], 2);
        let spec = yaml("topology: t\nservices:\n  w1: {image: x, hostname: h1}\n  w2: {image: x, hostname: h3}\n");
        assert!(fold(&spec).to_json().get("templates").is_none());
        let spec = yaml("topology: t\nservices:\n  node07: {image: n}\n  node09: {image: n}\n");
        let folded = fold(&spec).to_json();
        assert_eq!(folded["templates"]["node"]["instances"], serde_json::json!(["07", "09"]));
    }

    #[test]
    fn only_the_runs_that_vary_with_the_index_become_the_placeholder() {
        assert_eq!(unify_text(&["t1-worker-1", "t1-worker-2"], &["1", "2"]), Some("t1-worker-{id}".into()));
        assert_eq!(unify_text(&["10.0.1.11", "10.0.1.12"], &["1", "2"]), None);
        assert_eq!(unify_text(&["10.0.1.1", "10.0.1.2"], &["1", "2"]), Some("10.0.1.{id}".into()));
        assert_eq!(unify_text(&["w-12", "w-13"], &["2", "3"]), None);
    }
}
