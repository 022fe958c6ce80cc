//! Small constructors and accessors for [`Node`] trees, and the `compose-not-carried` finding.

use topoc_diag::{Code, Diagnostic, Diagnostics, Span};
use topoc_spec::{Node, NodeKind};

pub(crate) fn scalar(text: impl Into<String>, span: Span) -> Node {
    Node::new(NodeKind::Scalar { text: text.into(), quoted: false }, span)
}

pub(crate) fn string(text: impl Into<String>, span: Span) -> Node {
    Node::new(NodeKind::Scalar { text: text.into(), quoted: true }, span)
}

pub(crate) fn map(entries: Vec<(Node, Node)>, span: Span) -> Node {
    Node::new(NodeKind::Map(entries), span)
}

pub(crate) fn seq(items: Vec<Node>, span: Span) -> Node {
    Node::new(NodeKind::Seq(items), span)
}

/// The entries of a mapping node (none for anything else).
pub(crate) fn entries(node: &Node) -> &[(Node, Node)] {
    match &node.kind {
        NodeKind::Map(e) => e,
        _ => &[],
    }
}

/// The value of `key` in a mapping node.
pub(crate) fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    entries(node).iter().find(|(k, _)| k.as_scalar() == Some(key)).map(|(_, v)| v)
}

pub(crate) fn key_text(key: &Node) -> &str {
    key.as_scalar().unwrap_or_default()
}

/// A mapping key or list item that topoc does not carry: where it is, what it is, why.
pub(crate) fn not_carried(diags: &mut Diagnostics, span: Span, what: &str, consequence: &str) {
    diags.push(
        Diagnostic::new(Code::ComposeNotCarried, format!("{what} is not yet carried by topoc"))
            .primary(span, "not carried")
            .note(consequence.to_owned())
            .help("keep this setting in a Compose override file (`-f`) beside the spec until topoc carries it, or remove it"),
    );
}

/// Whether a scalar's text asks Compose to interpolate (`$VAR`, `${VAR}`; `$$` is a literal `$`).
pub(crate) fn interpolates(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            match bytes.get(i + 1) {
                Some(b'$') => i += 2,
                Some(c) if *c == b'{' || c.is_ascii_alphabetic() || *c == b'_' => return true,
                _ => i += 1,
            }
        } else {
            i += 1;
        }
    }
    false
}

/// Compose's `$$` is a literal `$`; the spec's text is literal and the emitter doubles every `$`.
pub(crate) fn unescape_dollars(text: &str) -> String {
    text.replace("$$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_interpolation_but_not_escaped_dollars() {
        assert!(interpolates("${TAG}"));
        assert!(interpolates("a$HOME"));
        assert!(interpolates("${A:-x}"));
        assert!(!interpolates("$$HOME"));
        assert!(!interpolates("cost: 5$"));
        assert!(!interpolates("plain"));
    }
}
