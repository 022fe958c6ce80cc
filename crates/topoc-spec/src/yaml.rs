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
                b.diags.push(syntax_error(text, file, offset(e.marker()), &e.info()));
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

/// A parser error as a diagnostic. The parser reports where it noticed the problem, which for
/// two common mistakes is a line after the cause: a key written without its `:` (the next,
/// deeper line continues it as one text, and its own `:` is what fails), and a `[` or `{` left
/// open. Those get a primary label at the cause and keep the parser's position as a second.
fn syntax_error(text: &str, file: FileId, at: usize, msg: &str) -> Diagnostic {
    let at = at.min(text.len());
    let noticed = Span::new(file, at, (at + 1).min(text.len()).max(at));
    let base = Diagnostic::new(Code::Syntax, format!("invalid YAML: {msg}"));
    if msg.contains("mapping values are not allowed")
        && let Some((start, end)) = key_without_colon(text, at)
    {
        let key = &text[start..end];
        return base
            .primary(Span::new(file, start, end), format!("`{key}` has no `:`, so the next line continues it"))
            .secondary(noticed, msg)
            .help(format!("write `{key}:` to make it a key, or fix the indentation of the next line"));
    }
    if let Some(open) = unclosed_flow(text, at) {
        let bracket = &text[open..open + 1];
        return base
            .primary(Span::new(file, open, open + 1), format!("this `{bracket}` is never closed"))
            .secondary(noticed, msg)
            .help(format!("close it with `{}`", if bracket == "[" { "]" } else { "}" }));
    }
    base.primary(noticed, msg).help("fix the YAML syntax at this position")
}

/// The line holding `at` continues a plain scalar started on an earlier, less indented line
/// that has no `:` of its own (`  web` then `    image: x`): the byte range of that scalar.
fn key_without_colon(text: &str, at: usize) -> Option<(usize, usize)> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let here = indent(&text[line_start..]);
    let mut end = line_start.checked_sub(1)?;
    // The previous line that holds something other than a comment.
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let content = line.trim();
        if !content.is_empty() && !content.starts_with('#') {
            let scalar = content.strip_prefix("- ").unwrap_or(content).trim_start();
            let plain = !scalar.contains(": ")
                && !scalar.ends_with(':')
                && !scalar.starts_with(['"', '\'', '[', '{', '&', '*', '!', '|', '>', '#']);
            if indent(line) >= here || !plain {
                return None;
            }
            let from = start + (line.len() - line.trim_start().len()) + (content.len() - scalar.len());
            let scalar = scalar.split(" #").next().unwrap_or(scalar).trim_end();
            return Some((from, from + scalar.len()));
        }
        end = start.checked_sub(1)?;
    }
}

/// The last `[` or `{` before `at`, outside quotes and comments, on an earlier line, that no
/// bracket closes before `at`.
fn unclosed_flow(text: &str, at: usize) -> Option<usize> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let bytes = text.as_bytes();
    for (i, &c) in bytes[..at].iter().enumerate() {
        match (quote, c) {
            (_, b'\n') => comment = false,
            _ if comment => {}
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if i == 0 || b" [{,:".contains(&bytes[i - 1]) => quote = Some(c),
            (None, b'#') if i == 0 || bytes[i - 1].is_ascii_whitespace() => comment = true,
            (None, b'[' | b'{') => open.push(i),
            (None, b']' | b'}') => {
                open.pop();
            }
            _ => {}
        }
    }
    open.last().copied().filter(|&o| o < line_start)
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

    fn syntax_position(text: &str) -> (usize, String) {
        let err = parse(text, FileId(0)).expect_err("invalid");
        let d = err.iter().next().expect("one");
        let label = d.labels.first().expect("label");
        (label.span.start as usize, label.message.clone())
    }

    #[test]
    fn a_key_without_colon_is_reported_at_the_key() {
        let text = "topology: t\nservices:\n  web\n    image: x\n";
        let (at, message) = syntax_position(text);
        assert_eq!(&text[at..at + 3], "web", "{message}");
        assert!(message.contains("has no `:`"), "{message}");
        // A correct line before a wrongly indented key is not blamed.
        let (at, _) = syntax_position("topology: t\nservices:\n  web:\n    image: x\n      networks: [a]\n");
        assert!(at > "topology: t\nservices:\n  web:\n    image: x\n".len());
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let text = "topology: t\nservices:\n  web:\n    networks: [a\n  db:\n    image: y\n";
        let (at, message) = syntax_position(text);
        assert_eq!(at, text.find('[').expect("bracket"), "{message}");
        // Brackets inside quotes and comments do not count.
        let quoted = "topology: t\nservices:\n  web: { image: \"[x\" } # [\n    bad: : :\n";
        let (at, _) = syntax_position(quoted);
        assert!(at > quoted.find('#').expect("comment"));
    }

    #[test]
    fn refuses_deep_nesting() {
        let s = "[".repeat(1000) + &"]".repeat(1000);
        let err = parse(&s, FileId(0)).unwrap_err();
        assert!(err.iter().any(|d| d.code == Code::ResourceLimit || d.code == Code::Syntax));
    }
}
