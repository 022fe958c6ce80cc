//! TOML → [`Node`], on the `toml` crate's spanned document parser.

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
    Ok(Node::new(NodeKind::Map(convert_table(table.into_inner(), file)), Span::new(file, span.start, span.end)))
}

fn convert_table(table: DeTable<'_>, file: FileId) -> Vec<(Node, Node)> {
    table
        .into_iter()
        .map(|(k, v)| {
            let ks = k.span();
            let key = Node::new(
                NodeKind::Scalar { text: k.into_inner().into_owned(), quoted: true },
                Span::new(file, ks.start, ks.end),
            );
            (key, convert(v, file))
        })
        .collect()
}

fn convert(value: toml::Spanned<DeValue<'_>>, file: FileId) -> Node {
    let r = value.span();
    let span = Span::new(file, r.start, r.end);
    let scalar = |text: String, quoted| NodeKind::Scalar { text, quoted };
    let kind = match value.into_inner() {
        DeValue::String(s) => scalar(s.into_owned(), true),
        DeValue::Integer(i) => scalar(integer_text(i.as_str(), i.radix()), false),
        DeValue::Float(f) => scalar(f.as_str().to_owned(), false),
        DeValue::Boolean(b) => scalar(b.to_string(), false),
        DeValue::Datetime(d) => scalar(d.to_string(), false),
        DeValue::Array(items) => NodeKind::Seq(items.into_iter().map(|v| convert(v, file)).collect()),
        DeValue::Table(t) => NodeKind::Map(convert_table(t, file)),
    };
    Node::new(kind, span)
}

/// TOML integers may be written in hex/octal/binary with `_` separators; normalise to decimal.
fn integer_text(digits: &str, radix: u32) -> String {
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    match i64::from_str_radix(&clean, radix) {
        Ok(v) => v.to_string(),
        Err(_) => clean,
    }
}
