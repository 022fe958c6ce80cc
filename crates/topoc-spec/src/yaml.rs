//! YAML → [`Node`], on granit-parser (the YAML 1.2 parser under serde-saphyr), which reports
//! byte-accurate spans for every event.
//!
//! Aliases are expanded here against a node budget, so an alias bomb ("billion laughs") is
//! refused with a diagnostic instead of exhausting memory. Merge keys (`<<`) are applied here.
//! Duplicate keys are reported with both locations.

use crate::node::{Node, NodeKind};
use granit_parser::{Event, Marker, Parser, ScalarStyle, StructureStyle, Tag};
use std::collections::{HashMap, HashSet};
use topoc_diag::{Code, Diagnostic, Diagnostics, FileId, Span};

/// Maximum nesting depth of collections; deeper documents are refused, never a stack overflow.
pub(crate) const MAX_DEPTH: usize = 128;

// `block` collections end where their last child ends: the parser's end event sits at the
// next token, often lines later, which would stretch every label over the gap.
enum Frame {
    Seq { start: usize, anchor: usize, block: bool, items: Vec<Node> },
    Map { start: usize, anchor: usize, block: bool, entries: Vec<(Node, Node)>, key: Option<Node> },
}

struct Builder {
    file: FileId,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    root: Option<Node>,
    nodes: usize,
    budget: usize,
    documents: usize,
    diags: Diagnostics,
}

/// Parse YAML text into one document tree. Errors are diagnostics; never panics.
pub(crate) fn parse(text: &str, file: FileId) -> Result<Node, Diagnostics> {
    // A document without aliases has fewer nodes than bytes; the slack admits honest reuse
    // of anchors while refusing exponential expansion.
    let budget = text.len().saturating_mul(4).max(100_000);
    let mut b = Builder {
        file,
        anchors: HashMap::new(),
        stack: Vec::new(),
        root: None,
        nodes: 0,
        budget,
        documents: 0,
        diags: Diagnostics::new(),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                let span = b.span(&span.start, &span.end);
                if let Err(d) = b.event(event, span) {
                    b.diags.push(d);
                    return Err(b.diags);
                }
            }
            Err(e) => {
                let at = offset(e.marker());
                let msg = e.info();
                b.diags.push(
                    Diagnostic::new(Code::Syntax, format!("invalid YAML: {msg}"))
                        .primary(Span::new(file, at, at + 1), msg)
                        .help("fix the YAML syntax at this position"),
                );
                return Err(b.diags);
            }
        }
    }
    if !b.diags.is_empty() {
        return Err(b.diags);
    }
    match b.root {
        Some(root) => Ok(root),
        None => {
            b.diags.push(
                Diagnostic::new(Code::MissingKey, "the spec file is empty")
                    .primary(Span::new(file, 0, 0), "no document here")
                    .help("start with `topology: <name>`"),
            );
            Err(b.diags)
        }
    }
}

fn offset(m: &Marker) -> usize {
    m.byte_offset().unwrap_or_else(|| m.index())
}

impl Builder {
    fn span(&self, start: &Marker, end: &Marker) -> Span {
        Span::new(self.file, offset(start), offset(end))
    }

    /// Tags change what a value means (`!!binary` is bytes, `!!null` nothing, `!custom` whatever
    /// the reader decides); topoc would read them as plain text. Only the tag a node already has
    /// is accepted: `!!str` on a scalar (which quotes it), `!!seq`, `!!map`.
    fn check_tag(&mut self, tag: Option<&Tag>, own: &str, span: Span) {
        let Some(tag) = tag else { return };
        let core = tag.suffix_in_namespace("tag:yaml.org,2002:");
        if core.as_deref() == Some(own) {
            return;
        }
        let spelled = match &core {
            Some(name) => format!("!!{name}"),
            None => format!("{}{}", tag.handle(), tag.suffix()),
        };
        let help = if own == "str" { "remove the tag; quote the value to make it text" } else { "remove the tag" };
        self.diags.push(
            Diagnostic::new(Code::InvalidValue, format!("the YAML tag `{spelled}` is not supported"))
                .primary(span, "topoc reads untagged values (and `!!str`) only")
                .help(help),
        );
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Diagnostic::new(Code::Syntax, "the spec file holds more than one YAML document")
                        .primary(span, "a second document starts here")
                        .help("keep one topology per file; remove the `---` separator"));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.check_tag(tag.as_deref(), "str", span);
                let quoted = !matches!(style, ScalarStyle::Plain) || tag.is_some();
                let kind = if !quoted && matches!(&*text, "" | "~" | "null" | "Null" | "NULL") {
                    NodeKind::Null
                } else {
                    NodeKind::Scalar { text: text.into_owned(), quoted }
                };
                self.complete(Node::new(kind, span), anchor)?;
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.check_tag(tag.as_deref(), "seq", span);
                self.open(span)?;
                let block = style == StructureStyle::Block;
                self.stack.push(Frame::Seq { start: span.start as usize, anchor, block, items: Vec::new() });
            }
            Event::MappingStart(style, anchor, tag) => {
                self.check_tag(tag.as_deref(), "map", span);
                self.open(span)?;
                let block = style == StructureStyle::Block;
                self.stack.push(Frame::Map {
                    start: span.start as usize,
                    anchor,
                    block,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, anchor, block, items }) = self.stack.pop() {
                    let end = match items.last() {
                        Some(last) if block => last.span.end as usize,
                        _ => span.end as usize,
                    };
                    let node = Node::new(NodeKind::Seq(items), Span::new(self.file, start, end));
                    self.complete(node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { start, anchor, block, entries, .. }) = self.stack.pop() {
                    let end = match entries.last() {
                        Some((_, last)) if block => last.span.end as usize,
                        _ => span.end as usize,
                    };
                    let entries = self.merge_and_check(entries);
                    let node = Node::new(NodeKind::Map(entries), Span::new(self.file, start, end));
                    self.complete(node, anchor)?;
                }
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(
                        Diagnostic::new(Code::Syntax, "alias to an unknown anchor").primary(span, "unknown anchor")
                    );
                };
                let size = target.size();
                self.nodes = self.nodes.saturating_add(size);
                if self.nodes > self.budget {
                    return Err(alias_budget(span, self.budget));
                }
                let mut node = target.clone();
                // The alias site is where the value is used; the anchor's own spans stay inside.
                node.span = span;
                self.complete(node, 0)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn open(&mut self, span: Span) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::new(
                Code::ResourceLimit,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            )
            .primary(span, "too deep")
            .help("a topology spec never needs this much nesting; flatten the structure"));
        }
        Ok(())
    }

    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Diagnostic> {
        self.nodes += 1;
        if self.nodes > self.budget {
            return Err(alias_budget(node.span, self.budget));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }

    /// Apply `<<` merge keys (explicit keys win) and report duplicate keys.
    fn merge_and_check(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let mut own = Vec::with_capacity(entries.len());
        let mut merged = Vec::new();
        for (k, v) in entries {
            let is_merge = matches!(&k.kind, NodeKind::Scalar { text, quoted: false } if text == "<<");
            if !is_merge {
                own.push((k, v));
                continue;
            }
            match v.kind {
                NodeKind::Map(m) => merged.extend(m),
                NodeKind::Seq(items) => {
                    for item in items {
                        match item.kind {
                            NodeKind::Map(m) => merged.extend(m),
                            _ => self.diags.push(merge_error(item.span)),
                        }
                    }
                }
                _ => self.diags.push(merge_error(v.span)),
            }
        }
        let mut seen: HashMap<String, Span> = HashMap::new();
        for (k, _) in &own {
            if let Some(text) = k.as_scalar() {
                if let Some(first) = seen.get(text) {
                    self.diags.push(
                        Diagnostic::new(Code::DuplicateKey, format!("duplicate key `{text}`"))
                            .primary(k.span, "defined again here")
                            .secondary(*first, "first defined here")
                            .help("remove one of the two entries; YAML keeps only one of them"),
                    );
                } else {
                    seen.insert(text.to_owned(), k.span);
                }
            }
        }
        let own_keys: HashSet<String> = seen.into_keys().collect();
        let mut merged_seen = HashSet::new();
        for (k, v) in merged {
            let text = k.as_scalar().map(str::to_owned).unwrap_or_default();
            if !own_keys.contains(&text) && merged_seen.insert(text) {
                own.push((k, v));
            }
        }
        own
    }
}

fn merge_error(span: Span) -> Diagnostic {
    Diagnostic::new(Code::InvalidType, "a merge key (`<<`) needs a mapping or a list of mappings")
        .primary(span, "not a mapping")
}

fn alias_budget(span: Span, budget: usize) -> Diagnostic {
    Diagnostic::new(Code::ResourceLimit, format!("the document expands to more than {budget} nodes"))
        .primary(span, "expansion exceeds the limit here")
        .help("this looks like an alias bomb; a topology spec needs far fewer aliases")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Node {
        parse(s, FileId(0)).expect("parses")
    }

    #[test]
    fn keeps_scalar_text_and_spans() {
        let n = p("a: 08\nb: 'no'\nc:\n");
        let NodeKind::Map(e) = n.kind else { panic!() };
        assert_eq!(e[0].1.kind, NodeKind::Scalar { text: "08".into(), quoted: false });
        assert_eq!((e[0].1.span.start, e[0].1.span.end), (3, 5));
        assert_eq!(e[1].1.kind, NodeKind::Scalar { text: "no".into(), quoted: true });
        assert_eq!(e[2].1.kind, NodeKind::Null);
    }

    #[test]
    fn refuses_alias_bombs() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&s, FileId(0)).unwrap_err();
        assert_eq!(err.iter().next().map(|d| d.code), Some(Code::ResourceLimit));
    }

    #[test]
    fn reports_duplicates_and_merges() {
        let err = parse("a: 1\na: 2\n", FileId(0)).unwrap_err();
        assert_eq!(err.iter().next().map(|d| d.code), Some(Code::DuplicateKey));
        let n = p("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let NodeKind::Map(e) = n.kind else { panic!() };
        let NodeKind::Map(m) = &e[1].1.kind else { panic!() };
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].1.as_scalar(), Some("3"));
    }

    #[test]
    fn refuses_deep_nesting() {
        let s = "[".repeat(1000) + &"]".repeat(1000);
        let err = parse(&s, FileId(0)).unwrap_err();
        assert!(err.iter().any(|d| d.code == Code::ResourceLimit || d.code == Code::Syntax));
    }
}
