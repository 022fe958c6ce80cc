//! Serialising a spec tree as a file a person maintains: YAML in block style with short flow
//! collections where they fit on a line, or TOML. Scalars keep what the decoder needs: a quoted
//! scalar stays quoted (text), a plain one stays plain where YAML allows, so the written spec
//! decodes to the same values as the tree.

use topoc_spec::{Node, NodeKind};

/// Flow collections longer than this go on lines of their own.
const FLOW_WIDTH: usize = 88;

/// The tree as YAML, after a header of comment lines.
pub fn yaml(spec: &Node, header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    match &spec.kind {
        NodeKind::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                // A blank line between top-level sections.
                if i > 0 && !matches!(v.kind, NodeKind::Scalar { .. }) {
                    out.push('\n');
                }
                block_entry(&mut out, k, v, 0);
            }
        }
        _ => {
            flow_into(&mut out, spec);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn block_entry(out: &mut String, k: &Node, v: &Node, depth: usize) {
    indent(out, depth);
    scalar_into(out, k);
    out.push(':');
    block_value(out, v, depth);
}

/// After `key:` or `- `: a value on the same line, or a block below.
fn block_value(out: &mut String, v: &Node, depth: usize) {
    let fits = flow_fits(v, FLOW_WIDTH.saturating_sub(depth * 2 + 1));
    match &v.kind {
        NodeKind::Map(entries) if !(entries.is_empty() || fits && shallow(v)) => {
            out.push('\n');
            for (k, val) in entries {
                block_entry(out, k, val, depth + 1);
            }
        }
        NodeKind::Seq(items) if !(items.is_empty() || fits && shallow(v)) => {
            out.push('\n');
            for item in items {
                indent(out, depth + 1);
                out.push('-');
                match &item.kind {
                    NodeKind::Map(entries) if !(entries.is_empty() || fits_item(item, depth) && shallow(item)) => {
                        // `- key: value` with the rest of the mapping aligned under the first key.
                        let mut first = true;
                        for (k, val) in entries {
                            if first {
                                out.push(' ');
                                scalar_into(out, k);
                                out.push(':');
                                block_value(out, val, depth + 2);
                                first = false;
                            } else {
                                block_entry(out, k, val, depth + 2);
                            }
                        }
                    }
                    _ => {
                        out.push(' ');
                        flow_into(out, item);
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push(' ');
            flow_into(out, v);
            out.push('\n');
        }
    }
}

fn fits_item(item: &Node, depth: usize) -> bool {
    flow_fits(item, FLOW_WIDTH.saturating_sub((depth + 1) * 2 + 2 + 1))
}

/// Whether `flow(n)` is at most `budget` bytes long, measured without writing it and stopping
/// once past the budget: asked at every level of the tree, writing the flow text of each
/// collection (the whole `services` mapping included) made writing a large spec cost its size
/// times its depth (a fifth of `topoc import` of 20,000 services).
fn flow_fits(n: &Node, budget: usize) -> bool {
    let mut left = budget;
    flow_len_within(n, &mut left)
}

/// Takes the length of `flow(n)` from `left`; false as soon as it does not fit.
fn flow_len_within(n: &Node, left: &mut usize) -> bool {
    fn take(len: usize, left: &mut usize) -> bool {
        match left.checked_sub(len) {
            Some(rest) => {
                *left = rest;
                true
            }
            None => false,
        }
    }
    match &n.kind {
        NodeKind::Null => take(4, left),
        NodeKind::Scalar { .. } => take(scalar_len(n), left),
        NodeKind::Seq(items) => {
            take(2 + 2 * items.len().saturating_sub(1), left) && items.iter().all(|i| flow_len_within(i, left))
        }
        NodeKind::Map(e) if e.is_empty() => take(2, left),
        NodeKind::Map(e) => {
            take(4 + 2 * (e.len() - 1) + 2 * e.len(), left)
                && e.iter().all(|(k, v)| take(scalar_len(k), left) && flow_len_within(v, left))
        }
    }
}

/// The length of `scalar_text(n)`, without copying a plain scalar.
fn scalar_len(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Scalar { text, quoted } if !quoted && plain_safe(text) => text.len(),
        _ => scalar_text(n).len(),
    }
}

/// `flow(n)` appended to `out`.
fn flow_into(out: &mut String, n: &Node) {
    match &n.kind {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Scalar { .. } => scalar_into(out, n),
        NodeKind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow_into(out, item);
            }
            out.push(']');
        }
        NodeKind::Map(e) if e.is_empty() => out.push_str("{}"),
        NodeKind::Map(e) => {
            out.push_str("{ ");
            for (i, (k, v)) in e.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                scalar_into(out, k);
                out.push_str(": ");
                flow_into(out, v);
            }
            out.push_str(" }");
        }
    }
}

/// `scalar_text(n)` appended to `out`, a plain scalar without a copy of its own.
fn scalar_into(out: &mut String, n: &Node) {
    match &n.kind {
        NodeKind::Scalar { text, quoted } if !quoted && plain_safe(text) => out.push_str(text),
        _ => out.push_str(&scalar_text(n)),
    }
}

/// Collections of scalars only (one level), which read well in flow style.
fn shallow(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Map(e) => e.iter().all(|(_, v)| leaf(v) || matches!(&v.kind, NodeKind::Seq(i) if i.iter().all(leaf))),
        NodeKind::Seq(items) => items.iter().all(leaf),
        _ => true,
    }
}

fn leaf(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Scalar { .. } | NodeKind::Null => true,
        NodeKind::Map(e) => e.is_empty(),
        NodeKind::Seq(i) => i.is_empty(),
    }
}

fn flow(n: &Node) -> String {
    let mut out = String::new();
    flow_into(&mut out, n);
    out
}

/// A scalar as YAML text: plain when it was plain and YAML reads it back as the same text,
/// otherwise a double-quoted (JSON) string.
fn scalar_text(n: &Node) -> String {
    let NodeKind::Scalar { text, quoted } = &n.kind else {
        return flow(n);
    };
    if !quoted && plain_safe(text) {
        text.clone()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

/// Text YAML reads back unchanged as a plain scalar, in block and in flow context.
fn plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if matches!(text, "~" | "null" | "Null" | "NULL") {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) && !(first == '-' && text.len() > 1 && !text[1..].starts_with(' ')) {
        return false;
    }
    !text.ends_with([' ', ':'])
        && !text.starts_with(' ')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.contains(['\n', '\t', ',', '[', ']', '{', '}'])
        && text.chars().all(|c| !c.is_control())
}

/// The tree as TOML. Plain integers and booleans are TOML values; every other scalar is a
/// string (the spec reads numbers from strings, and text such as `1.10` stays as written).
pub fn toml(spec: &Node, header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    let value = to_toml(spec);
    if let toml::Value::Table(t) = value {
        out.push_str(&toml::to_string(&t).unwrap_or_default());
    }
    out
}

fn to_toml(n: &Node) -> toml::Value {
    match &n.kind {
        NodeKind::Null => toml::Value::Table(toml::Table::new()),
        NodeKind::Scalar { text, quoted: false } if matches!(text.as_str(), "true" | "false") => {
            toml::Value::Boolean(text == "true")
        }
        NodeKind::Scalar { text, quoted: false }
            if text.parse::<i64>().is_ok() && !text.starts_with(['0', '+']) || text == "0" =>
        {
            toml::Value::Integer(text.parse().unwrap_or_default())
        }
        NodeKind::Scalar { text, .. } => toml::Value::String(text.clone()),
        NodeKind::Seq(items) => toml::Value::Array(items.iter().map(to_toml).collect()),
        NodeKind::Map(e) => {
            let mut t = toml::Table::new();
            for (k, v) in e {
                t.insert(k.as_scalar().unwrap_or_default().to_owned(), to_toml(v));
            }
            toml::Value::Table(t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use topoc_diag::FileId;

    fn roundtrip_yaml(text: &str) {
        let n = topoc_spec::parse(text, topoc_spec::Format::Yaml, FileId(0)).expect("parses");
        let written = yaml(&n, &[]);
        let back = topoc_spec::parse(&written, topoc_spec::Format::Yaml, FileId(0)).expect("reparses");
        assert_eq!(back.to_json(), n.to_json(), "{written}");
    }

    #[test]
    fn yaml_reads_back_the_same() {
        roundtrip_yaml(
            "topology: t\nservices:\n  a:\n    image: 'nginx:1.27'\n    environment: {A: '08', B: 'yes', C: 'x: y', D: '', E: 'a, b', F: '#x'}\n    command: [sh, -c, 'echo $$HOME && ls -la']\n    ports: ['8080:80', {target: 53, published: 53, protocol: udp}]\n    networks: {front: null, back: {ip: 10.0.0.2, aliases: [db, 'data-base']}}\n",
        );
    }

    #[test]
    fn flow_fits_measures_the_flow_text() {
        let text = "a: {b: [x, 'y z', ''], c: {d: null, e: '#'}, f: [], g: {}}\nh: [1, [2, 3], {i: j}]\n";
        let n = topoc_spec::parse(text, topoc_spec::Format::Yaml, FileId(0)).expect("parses");
        fn each(n: &Node, f: &mut dyn FnMut(&Node)) {
            f(n);
            match &n.kind {
                NodeKind::Map(e) => e.iter().for_each(|(k, v)| {
                    each(k, f);
                    each(v, f)
                }),
                NodeKind::Seq(items) => items.iter().for_each(|i| each(i, f)),
                _ => {}
            }
        }
        each(&n, &mut |node| {
            let len = flow(node).len();
            for budget in len.saturating_sub(2)..len + 2 {
                assert_eq!(flow_fits(node, budget), len <= budget, "{} within {budget}", flow(node));
            }
        });
    }

    #[test]
    fn toml_reads_back_the_same() {
        let text = "topology: t\nservices:\n  a:\n    image: 'nginx:1.27'\n    replicas: 2\n    read_only: true\n    environment: {A: '08'}\n    ports: ['8080:80']\n";
        let n = topoc_spec::parse(text, topoc_spec::Format::Yaml, FileId(0)).expect("parses");
        let written = toml(&n, &["header".into()]);
        let spec = topoc_spec::load(&written, topoc_spec::Format::Toml, FileId(0)).expect("loads");
        assert_eq!(spec.topology.value, "t");
        assert_eq!(spec.services.entries[0].1.replicas.as_ref().map(|r| r.value), Some(2));
    }
}
