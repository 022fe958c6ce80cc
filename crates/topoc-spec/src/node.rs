//! A format-neutral document tree where every node keeps its byte span.
//!
//! Both loaders (YAML, TOML) produce a [`Node`]; the decoder turns it into spec types. Scalars
//! keep their source text, so `08`, `no` and `1.10` stay exactly what the user wrote when the
//! spec expects text, and are only interpreted when the spec expects a number or a boolean.

use topoc_diag::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// YAML `~`, `null` or an empty value. TOML has none.
    Null,
    /// Any scalar, as written. `quoted` is true for quoted YAML scalars and TOML strings.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn new(kind: NodeKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// What a user would call this kind of value, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "nothing (null)",
            NodeKind::Scalar { quoted: true, .. } => "a string",
            NodeKind::Scalar { text, .. } if is_bool(text) => "a boolean",
            NodeKind::Scalar { text, .. } if text.parse::<f64>().is_ok() => "a number",
            NodeKind::Scalar { .. } => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Number of nodes in this subtree, itself included.
    pub fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Null | NodeKind::Scalar { .. } => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => 1 + entries.iter().map(|(k, v)| k.size() + v.size()).sum::<usize>(),
        }
    }
}

pub(crate) fn is_bool(text: &str) -> bool {
    matches!(text, "true" | "false" | "True" | "False" | "TRUE" | "FALSE")
}

/// A copy of `node` with each `{name}` placeholder in keys and scalars replaced by its value.
/// Spans are kept, so problems in a stamped copy point at the template's text.
pub fn substitute(node: &Node, vars: &[(&str, &str)]) -> Node {
    let kind = match &node.kind {
        NodeKind::Null => NodeKind::Null,
        NodeKind::Scalar { text, quoted } => NodeKind::Scalar { text: substitute_text(text, vars), quoted: *quoted },
        NodeKind::Seq(items) => NodeKind::Seq(items.iter().map(|n| substitute(n, vars)).collect()),
        NodeKind::Map(entries) => {
            NodeKind::Map(entries.iter().map(|(k, v)| (substitute(k, vars), substitute(v, vars))).collect())
        }
    };
    Node { kind, span: node.span }
}

/// Replace `{name}` for each variable. Text without `{` is returned as is, cheaply.
pub fn substitute_text(text: &str, vars: &[(&str, &str)]) -> String {
    let Some(first) = text.find('{') else {
        return text.to_owned();
    };
    // One pass: copy up to each `{`, replace `{name}` when `name` is a variable.
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replaced = after.find('}').and_then(|close| {
            let name = &after[..close];
            vars.iter().find(|(n, _)| *n == name).map(|(_, value)| (*value, close))
        });
        match replaced {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every `{word}` placeholder in the subtree (keys and scalars) with its span, where word is
/// a plain identifier; `{{`-style template syntax of other tools is left alone.
pub fn placeholders(node: &Node, out: &mut Vec<(String, Span)>) {
    let mut scan = |text: &str, span: Span| {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // `{{` belongs to other template languages and `${VAR}` to Compose interpolation.
            if bytes[i] == b'{'
                && (i == 0 || (bytes[i - 1] != b'{' && bytes[i - 1] != b'$'))
                && let Some(end) = text[i + 1..].find('}')
            {
                let word = &text[i + 1..i + 1 + end];
                let doubled = bytes.get(i + 1) == Some(&b'{');
                if !doubled && !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.push((word.to_owned(), span));
                }
                i += end + 1;
                continue;
            }
            i += 1;
        }
    };
    match &node.kind {
        NodeKind::Null => {}
        NodeKind::Scalar { text, .. } => scan(text, node.span),
        NodeKind::Seq(items) => items.iter().for_each(|n| placeholders(n, out)),
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                placeholders(k, out);
                placeholders(v, out);
            }
        }
    }
}

impl Node {
    /// The tree as JSON, typing plain scalars by YAML 1.2's core schema (quoted ones stay
    /// strings). For validating specs against the JSON Schema.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Scalar { text, quoted: true } => Value::String(text.clone()),
            NodeKind::Scalar { text, quoted: false } => {
                if is_bool(text) {
                    Value::Bool(text.eq_ignore_ascii_case("true"))
                } else if let Ok(i) = text.parse::<i64>() {
                    Value::from(i)
                } else if let Some(f) =
                    text.parse::<f64>().ok().filter(|f| f.is_finite() && text.chars().any(|c| c.is_ascii_digit()))
                {
                    Value::from(f)
                } else {
                    Value::String(text.clone())
                }
            }
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries.iter().map(|(k, v)| (k.as_scalar().unwrap_or_default().to_owned(), v.to_json())).collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::substitute_text;

    #[test]
    fn placeholders_are_replaced_once_and_the_rest_is_kept() {
        let vars = [("id", "7"), ("index", "{id}")];
        assert_eq!(substitute_text("vm-{id}", &vars), "vm-7");
        assert_eq!(substitute_text("{id}{id}.{index}", &vars), "77.{id}");
        assert_eq!(substitute_text("${HOME} {{id}} {unknown} {", &vars), "${HOME} {7} {unknown} {");
        assert_eq!(substitute_text("no braces", &vars), "no braces");
        assert_eq!(substitute_text("é{id}ü}", &vars), "é7ü}");
    }
}
