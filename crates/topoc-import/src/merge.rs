//! Merging compose models the way Compose does (the Compose Specification's merge rules, as
//! compose-go applies them to `-f` files and `extends`):
//!
//! - mappings merge key by key, the later file's scalars replacing the earlier's;
//! - sequences append;
//! - `command`, `entrypoint` and `healthcheck.test` are replaced, never appended;
//! - `environment`, `labels`, `extra_hosts`, `sysctls`, `annotations`, `networks` and
//!   `depends_on` merge as mappings, whichever of the list or mapping forms each file uses;
//! - `volumes`, `secrets` and `configs` are unique by target, `ports` by host address,
//!   published port, target and protocol: a later entry with the same key replaces the earlier;
//! - `dns`, `cap_add`, `cap_drop`, `security_opt`, `expose`, `profiles` and the other lists of
//!   words append without duplicates;
//! - `logging` with another `driver` replaces the earlier `logging` whole.
//!
//! `include` adds another project's resources, and refuses a name both define.

use crate::nodes::{entries, get, key_text, map, seq};
use topoc_diag::{Code, Diagnostic, Diagnostics, Span};
use topoc_spec::{Node, NodeKind};

/// `over` (a later `-f` file) merged onto `base`.
pub(crate) fn project(base: Node, over: Node, diags: &mut Diagnostics) -> Node {
    merge_map(base, over, diags, &|key, b, o, diags| match key {
        "services" => merge_map(b, o, diags, &|_, b, o, diags| service(b, o, diags)),
        _ => deep(b, o),
    })
}

/// The resources of an included project added to `model`; a name both define is an error, as
/// in Compose.
pub(crate) fn include(model: Node, included: Node, at: Span, diags: &mut Diagnostics) -> Node {
    let span = model.span;
    let mut out: Vec<(Node, Node)> = match model.kind {
        NodeKind::Map(e) => e,
        _ => Vec::new(),
    };
    for (k, v) in entries(&included) {
        let section = key_text(k);
        if !matches!(section, "services" | "networks" | "volumes" | "secrets" | "configs") {
            continue;
        }
        match out.iter_mut().find(|(ok, _)| key_text(ok) == section) {
            None => out.push((k.clone(), v.clone())),
            Some((_, mine)) => {
                let mut merged: Vec<(Node, Node)> = entries(mine).to_vec();
                for (name, body) in entries(v) {
                    if let Some((first, _)) = merged.iter().find(|(n, _)| key_text(n) == key_text(name)) {
                        diags.push(
                            Diagnostic::new(
                                Code::ComposeReference,
                                format!(
                                    "{section} `{}` is defined by the project and by a file it includes",
                                    key_text(name)
                                ),
                            )
                            .primary(first.span, "defined here")
                            .secondary(name.span, "and in the included file")
                            .secondary(at, "included here")
                            .help("Compose refuses this conflict: rename one of them"),
                        );
                    } else {
                        merged.push((name.clone(), body.clone()));
                    }
                }
                *mine = map(merged, mine.span);
            }
        }
    }
    map(out, span)
}

/// One service's `over` merged onto `base`.
pub(crate) fn service(base: Node, over: Node, diags: &mut Diagnostics) -> Node {
    merge_map(base, over, diags, &|key, b, o, _| match key {
        "command" | "entrypoint" => o,
        "healthcheck" => {
            merge_map(b, o, &mut Diagnostics::new(), &|k, b, o, _| if k == "test" { o } else { deep(b, o) })
        }
        "environment" | "labels" | "extra_hosts" | "sysctls" | "annotations" => {
            deep(list_to_map(&b, split_assignment), list_to_map(&o, split_assignment))
        }
        "networks" | "depends_on" => deep(list_to_map(&b, |t| (t, None)), list_to_map(&o, |t| (t, None))),
        "volumes" => unique(b, o, volume_key),
        "secrets" | "configs" => unique(b, o, secret_key),
        "ports" => unique(b, o, port_key),
        "logging" if driver(&b) != driver(&o) && driver(&o).is_some() => o,
        "dns" | "dns_search" | "dns_opt" | "cap_add" | "cap_drop" | "security_opt" | "expose" | "profiles"
        | "devices" | "tmpfs" | "env_file" | "external_links" | "links" | "group_add" => unique_words(b, o),
        _ => deep(b, o),
    })
}

type Merger<'a> = dyn Fn(&str, Node, Node, &mut Diagnostics) -> Node + 'a;

/// Two mappings merged key by key with `by_key` deciding each shared key; a non-mapping `over`
/// replaces `base`.
fn merge_map(base: Node, over: Node, diags: &mut Diagnostics, by_key: &Merger<'_>) -> Node {
    let (NodeKind::Map(mut out), NodeKind::Map(later)) = (base.kind.clone(), over.kind.clone()) else {
        return over;
    };
    for (k, v) in later {
        match out.iter().position(|(ok, _)| ok.as_scalar() == k.as_scalar()) {
            Some(i) => {
                let (_, old) = out.remove(i);
                let merged = by_key(key_text(&k), old, v, diags);
                out.insert(i, (k, merged));
            }
            None => out.push((k, v)),
        }
    }
    map(out, over.span)
}

/// The default rules: mappings merge recursively, sequences append, scalars are replaced.
fn deep(base: Node, over: Node) -> Node {
    match (&base.kind, &over.kind) {
        (NodeKind::Map(_), NodeKind::Map(_)) => {
            merge_map(base, over, &mut Diagnostics::new(), &|_, b, o, _| deep(b, o))
        }
        (NodeKind::Seq(a), NodeKind::Seq(b)) => {
            let mut items = a.clone();
            items.extend(b.iter().cloned());
            seq(items, over.span)
        }
        // `networks: { front: }` over `networks: { front: { aliases: [a] } }` keeps the aliases.
        (_, NodeKind::Null) if matches!(base.kind, NodeKind::Map(_)) => base,
        _ => over,
    }
}

/// Sequences whose entries are unique by a key: a later entry replaces an earlier one with the
/// same key, in its place; new keys append.
fn unique(base: Node, over: Node, key: fn(&Node) -> String) -> Node {
    let (NodeKind::Seq(mut items), NodeKind::Seq(later)) = (base.kind.clone(), over.kind.clone()) else {
        return over;
    };
    for item in later {
        let k = key(&item);
        match items.iter().position(|i| key(i) == k) {
            Some(at) => items[at] = item,
            None => items.push(item),
        }
    }
    seq(items, over.span)
}

fn unique_words(base: Node, over: Node) -> Node {
    let as_seq = |n: Node| match n.kind {
        NodeKind::Seq(_) => n,
        NodeKind::Null => seq(Vec::new(), n.span),
        _ => {
            let span = n.span;
            seq(vec![n], span)
        }
    };
    unique(as_seq(base), as_seq(over), |n| n.as_scalar().unwrap_or_default().to_owned())
}

fn driver(logging: &Node) -> Option<&str> {
    get(logging, "driver").and_then(Node::as_scalar)
}

/// `KEY=VALUE` → (`KEY`, `VALUE`); a lone `KEY` has no value.
pub(crate) fn split_assignment(text: &str) -> (&str, Option<&str>) {
    match text.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (text, None),
    }
}

/// A list (`[a, b]`, `["K=V"]`) as a mapping, each key and value keeping its span inside the
/// item; mappings are returned as they are.
pub(crate) fn list_to_map(node: &Node, split: fn(&str) -> (&str, Option<&str>)) -> Node {
    let NodeKind::Seq(items) = &node.kind else {
        return node.clone();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(text) = item.as_scalar() else {
            continue;
        };
        let (k, v) = split(text);
        // A plain scalar's span is its text; a quoted one's has the quotes around it.
        let width = (item.span.end - item.span.start) as usize;
        let open = match width.checked_sub(text.len()) {
            Some(0) => 0,
            Some(2) => 1,
            _ => usize::MAX,
        };
        let sub = |from: usize, len: usize| {
            if open == usize::MAX {
                item.span
            } else {
                let start = item.span.start as usize + open + from;
                Span::new(item.span.file, start, start + len)
            }
        };
        let key = Node::new(NodeKind::Scalar { text: k.to_owned(), quoted: false }, sub(0, k.len()));
        let value = match v {
            Some(v) => Node::new(NodeKind::Scalar { text: v.to_owned(), quoted: true }, sub(k.len() + 1, v.len())),
            None => Node::new(NodeKind::Null, item.span),
        };
        out.push((key, value));
    }
    map(out, node.span)
}

/// A service volume's target: the merge key.
fn volume_key(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { text, .. } => {
            let parts: Vec<&str> = text.split(':').collect();
            match parts.as_slice() {
                [target] => (*target).to_owned(),
                [_, target, ..] => (*target).to_owned(),
                [] => String::new(),
            }
        }
        _ => get(n, "target").and_then(Node::as_scalar).unwrap_or_default().to_owned(),
    }
}

fn secret_key(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { text, .. } => text.clone(),
        _ => get(n, "target").or_else(|| get(n, "source")).and_then(Node::as_scalar).unwrap_or_default().to_owned(),
    }
}

/// `host_ip|published|target|protocol` of a short or long port.
pub(crate) fn port_key(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { text, .. } => {
            let (body, proto) = text.rsplit_once('/').unwrap_or((text, "tcp"));
            let (ip, rest) = match body.strip_prefix('[') {
                Some(b) => b.split_once("]:").unwrap_or(("", b)),
                None if body.matches(':').count() == 2 => body.split_once(':').unwrap_or(("", body)),
                None => ("", body),
            };
            let (published, target) = rest.split_once(':').unwrap_or(("", rest));
            format!("{ip}|{published}|{target}|{proto}")
        }
        _ => {
            let f = |k: &str| get(n, k).and_then(Node::as_scalar).unwrap_or_default().to_owned();
            let proto = get(n, "protocol").and_then(Node::as_scalar).unwrap_or("tcp");
            format!("{}|{}|{}|{proto}", f("host_ip"), f("published"), f("target"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use topoc_diag::FileId;

    fn parse(text: &str, file: u32) -> Node {
        topoc_spec::parse(text, topoc_spec::Format::Yaml, FileId(file)).expect("parses")
    }

    fn json(n: &Node) -> String {
        n.to_json().to_string()
    }

    #[test]
    fn merges_like_compose() {
        let base = parse(
            "services:\n  web:\n    image: a\n    command: [x, y]\n    environment: [A=1, B=2]\n    ports: ['80:80']\n    volumes: ['d:/data', './c:/conf']\n    dns: [1.1.1.1]\n    networks: [front]\n",
            0,
        );
        let over = parse(
            "services:\n  web:\n    image: b\n    command: [z]\n    environment: {B: 3, C: 4}\n    ports: ['80:80', '443:443']\n    volumes: ['e:/data']\n    dns: [1.1.1.1, 8.8.8.8]\n    networks: {back: {}}\n",
            1,
        );
        let mut d = Diagnostics::new();
        let m = project(base, over, &mut d);
        assert_eq!(
            json(get(&m, "services").and_then(|s| get(s, "web")).expect("web")),
            r#"{"command":["z"],"dns":["1.1.1.1","8.8.8.8"],"environment":{"A":"1","B":3,"C":4},"image":"b","networks":{"back":{},"front":null},"ports":["80:80","443:443"],"volumes":["e:/data","./c:/conf"]}"#
        );
    }

    #[test]
    fn list_items_keep_their_place() {
        let n = parse("env: [A=1, 'LONG=two']\n", 0);
        let m = list_to_map(get(&n, "env").expect("env"), split_assignment);
        let e = entries(&m);
        assert_eq!((e[0].0.span.start, e[0].0.span.end, e[0].1.span.start), (6, 7, 8));
        assert_eq!((e[1].0.span.start, e[1].0.span.end, e[1].1.span.start), (12, 16, 17));
    }
}
