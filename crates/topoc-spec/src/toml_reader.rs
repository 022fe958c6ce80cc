//! TOML → [`Node`], on the `toml` crate's spanned document parser.
//!
//! A number or a date keeps its source text, exactly as written (`0x10`, `1_000`, `+5`, `-0`,
//! `1_0.5`, `07:32:00Z`, `1979-05-27t07:32:00z`): a text field (an environment value, a label)
//! gets what the spec says, and a number field reads it as it reads YAML's, decimal digits
//! (`1_000` and `0x10` are refused there with a located `invalid-value`, never reinterpreted).

use crate::node::{Node, NodeKind};
use toml::de::{DeTable, DeValue};
use topoc_diag::{Code, Diagnostic, Diagnostics, FileId, Span};

/// Parse TOML text into a document tree. Every syntax error is reported, not only the first.
pub(crate) fn parse(text: &str, file: FileId) -> Result<Node, Diagnostics> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut diags = Diagnostics::new();
        for e in errors {
            let range = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_owned();
            let code = if message.contains("recursion") { Code::ResourceLimit } else { Code::Syntax };
            diags.push(
                Diagnostic::new(code, format!("invalid TOML: {message}"))
                    .primary(Span::new(file, range.start, range.end.max(range.start + 1)), message)
                    .help("fix the TOML syntax at this position"),
            );
        }
        return Err(diags);
    }
    let span = table.span();
    let source = Source { text, file };
    Ok(Node::new(NodeKind::Map(convert_table(table.into_inner(), source)), Span::new(file, span.start, span.end)))
}

/// The document's text, for values kept as written, and its file.
#[derive(Clone, Copy)]
struct Source<'t> {
    text: &'t str,
    file: FileId,
}

fn convert_table(table: DeTable<'_>, source: Source<'_>) -> Vec<(Node, Node)> {
    let file = source.file;
    table
        .into_iter()
        .map(|(k, v)| {
            let ks = k.span();
            let key = Node::new(
                NodeKind::Scalar { text: k.into_inner().into_owned(), quoted: true },
                Span::new(file, ks.start, ks.end),
            );
            (key, convert(v, source))
        })
        .collect()
}

fn convert(value: toml::Spanned<DeValue<'_>>, source: Source<'_>) -> Node {
    let r = value.span();
    let span = Span::new(source.file, r.start, r.end);
    let scalar = |text: String, quoted| NodeKind::Scalar { text, quoted };
    // The literal as written; the parser's own rendering only if the span does not hold it.
    let written = |rendered: String| source.text.get(r.clone()).map_or(rendered, str::to_owned);
    let kind = match value.into_inner() {
        DeValue::String(s) => scalar(s.into_owned(), true),
        DeValue::Integer(i) => scalar(written(i.as_str().to_owned()), false),
        DeValue::Float(f) => scalar(written(f.as_str().to_owned()), false),
        DeValue::Boolean(b) => scalar(b.to_string(), false),
        DeValue::Datetime(d) => scalar(written(d.to_string()), false),
        DeValue::Array(items) => NodeKind::Seq(items.into_iter().map(|v| convert(v, source)).collect()),
        DeValue::Table(t) => NodeKind::Map(convert_table(t, source)),
    };
    Node::new(kind, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(toml: &str) -> String {
        let node = parse(toml, FileId(0)).expect("parses");
        let NodeKind::Map(entries) = node.kind else { panic!("a table") };
        match &entries[0].1.kind {
            NodeKind::Seq(items) => items[0].as_scalar().expect("a scalar").to_owned(),
            _ => entries[0].1.as_scalar().expect("a scalar").to_owned(),
        }
    }

    /// Issue 18 item 7: every literal keeps its text.
    #[test]
    fn literals_keep_their_text() {
        for literal in [
            "0x8000000000000000",
            "0xdead_beef",
            "0o755",
            "0b1010",
            "1_0.5",
            "+5",
            "-0",
            "1_000",
            "+inf",
            "-nan",
            "6.02e+23",
            "1979-05-27T07:32:00Z",
            "1979-05-27t07:32:00z",
            "1979-05-27 07:32:00.999999999999-07:00",
            "07:32:00",
            "1979-05-27",
        ] {
            assert_eq!(value_of(&format!("v = {literal}\n")), literal);
            assert_eq!(value_of(&format!("v = [{literal}]\n")), literal, "in a list");
        }
    }
}
