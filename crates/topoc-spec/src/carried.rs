//! Compose keys topoc carries without modelling them: each is decoded into a type that checks
//! it (durations, sizes, CPUs, closed sets), and kept as the JSON value Compose is to read.
//!
//! The JSON is already Compose text: every literal `$` is doubled (Compose interpolates every
//! value), and a value written `{ interpolate: "${VAR:-default}" }` is kept as written, for
//! Compose to resolve at deploy time. See docs/spec.md, "Interpolation".

use crate::decode::{Decode, Decoder};
use crate::node::{Node, NodeKind};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use topoc_diag::Span;

pub use serde_json::Value as Json;

/// The key of the one explicit interpolation form: `{ interpolate: "..." }`.
pub const INTERPOLATE: &str = "interpolate";

/// Why a Compose template (`${VAR}`, `${VAR:-default}`, `$$`) does not parse, if it does not.
/// The rules are compose-go's `template` package: `$$` is a literal `$`; `$NAME` and
/// `${NAME}` substitute; inside braces `:-`/`-` give a default, `:?`/`?` an error, `:+`/`+`
/// a replacement, and the default may itself hold templates.
pub fn interpolation_problem(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            Some(b'{') => {
                let start = i + 2;
                let mut j = start;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let name = &text[start..j];
                if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
                    return Some(format!("`${{` at byte {i} is not followed by a variable name"));
                }
                // Find the closing brace, allowing nested `${...}` in a default.
                let mut depth = 1;
                let mut k = j;
                while k < b.len() && depth > 0 {
                    match b[k] {
                        b'{' if k > 0 && b[k - 1] == b'$' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    k += 1;
                }
                if depth > 0 {
                    return Some(format!("`${{{name}` is not closed by `}}`"));
                }
                let modifier = &text[j..k - 1];
                let ok =
                    modifier.is_empty() || [":-", ":?", ":+", "-", "?", "+"].iter().any(|m| modifier.starts_with(m));
                if !ok {
                    return Some(format!(
                        "`${{{name}{modifier}}}`: after the name Compose expects `}}`, `:-`, `-`, `:?`, `?`, `:+` or `+`"
                    ));
                }
                let rest = modifier.trim_start_matches([':', '-', '?', '+']);
                if let Some(problem) = interpolation_problem(rest) {
                    return Some(problem);
                }
                i = k;
            }
            _ => {
                return Some(format!(
                    "a lone `$` at byte {i}: Compose reads `$` as the start of a variable; write `$$` for a literal `$`"
                ));
            }
        }
    }
    None
}

/// Whether a node is `{ interpolate: ... }`.
pub fn is_interpolation(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Map(entries) if entries.len() == 1 && entries[0].0.as_scalar() == Some(INTERPOLATE))
}

/// The Compose text of `{ interpolate: "..." }`, checked.
pub fn interpolation(node: &Node, d: &mut Decoder) -> Option<String> {
    let NodeKind::Map(entries) = &node.kind else { return None };
    let value = &entries[0].1;
    let Some(text) = value.as_scalar() else {
        d.type_error(value, "a string with Compose variables, e.g. \"${TAG:-1.27}\"");
        return None;
    };
    if let Some(problem) = interpolation_problem(text) {
        d.invalid_value(
            value.span,
            format!("`{text}` is not a Compose interpolation: {problem}"),
            Some("write `${NAME}`, `${NAME:-default}` or `${NAME:?message}`; `$$` is a literal `$`".into()),
        );
        return None;
    }
    Some(text.to_owned())
}

/// A literal string as Compose text: `$` doubled.
pub fn compose_literal(text: &str) -> String {
    text.replace('$', "$$")
}

/// A node as the JSON Compose reads: scalars typed as YAML 1.2 types them (as Compose's reader
/// does), literal `$` doubled, `{ interpolate: ... }` kept as written. `x-` keys inside a
/// carried mapping are refused: Compose would drop them (`extension` is true inside an `x-`
/// value, where they mean nothing special).
pub fn compose_json(node: &Node, extension: bool, d: &mut Decoder) -> Option<Json> {
    if is_interpolation(node) {
        return interpolation(node, d).map(Json::String);
    }
    Some(match &node.kind {
        NodeKind::Scalar { .. } | NodeKind::Null => match node.to_json() {
            Json::String(s) => Json::String(compose_literal(&s)),
            other => other,
        },
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for item in items {
                match compose_json(item, extension, d) {
                    Some(v) => out.push(v),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Json::Array(out)
        }
        NodeKind::Map(entries) => {
            let mut out = serde_json::Map::new();
            let mut ok = true;
            for (k, v) in entries {
                let Some(key) = d.key(k) else {
                    ok = false;
                    continue;
                };
                if key.starts_with("x-") && !extension {
                    d.invalid_value(
                        k.span,
                        format!("`{key}` starts with `x-`: Compose reads it as an extension and drops it here"),
                        Some("rename the key; extensions belong at the top level or directly in a service, network, volume, secret or config".into()),
                    );
                    ok = false;
                    continue;
                }
                match compose_json(v, extension, d) {
                    Some(v) => {
                        out.insert(key.to_owned(), v);
                    }
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Json::Object(out)
        }
    })
}

/// A carried value, boxed: a service has some sixty carried keys and sets few of them, and
/// each unboxed `Option<Carried<_>>` took its JSON value's room inline (a service spec was
/// 5.8 kB, more than half of peak memory while 25,000 stamped services were resolved).
pub type Carried<T> = Box<CarriedValue<T>>;

/// A carried value: checked as `T` (unless it is an interpolation, which only Compose can
/// resolve), kept as the JSON Compose reads.
#[derive(Debug, Clone)]
pub struct CarriedValue<T> {
    /// The checked value; `None` when the value is `{ interpolate: ... }`.
    pub value: Option<T>,
    pub json: Json,
    pub span: Span,
}

impl<T: Decode> Decode for CarriedValue<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        if is_interpolation(node) {
            let text = interpolation(node, d)?;
            return Some(CarriedValue { value: None, json: Json::String(text), span: node.span });
        }
        let value = T::decode(node, d)?;
        let json = compose_json(node, false, d)?;
        Some(CarriedValue { value: Some(value), json, span: node.span })
    }
}

impl<T: JsonSchema> JsonSchema for CarriedValue<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Carried_{}", T::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let inner = g.subschema_for::<T>();
        let interp = g.subschema_for::<Interpolation>();
        json_schema!({ "anyOf": [inner, interp] })
    }
}

/// The schema of `{ interpolate: "..." }`.
pub struct Interpolation;

impl JsonSchema for Interpolation {
    fn schema_name() -> Cow<'static, str> {
        "Interpolation".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "a value Compose resolves at deploy time: `${NAME}`, `${NAME:-default}`, `${NAME:?message}`; `$$` is a literal `$`",
            "properties": { "interpolate": { "type": "string" } },
            "required": ["interpolate"],
            "additionalProperties": false
        })
    }
}

/// `x-` keys of a service, network, volume, secret, config or the top level, carried to the
/// output unchanged (they mean nothing to Compose or to topoc).
#[derive(Debug, Clone, Default)]
pub struct Extensions(pub Vec<(String, Json)>);

impl JsonSchema for Extensions {
    fn schema_name() -> Cow<'static, str> {
        "Extensions".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object", "patternProperties": { "^x-": {} } })
    }
}

/// Free text in a carried value: any scalar, or an interpolation.
#[derive(Debug, Clone)]
pub struct Str(pub String);

impl Decode for Str {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        if is_interpolation(node) {
            return interpolation(node, d).map(Str);
        }
        match &node.kind {
            NodeKind::Scalar { text, .. } => Some(Str(text.clone())),
            _ => {
                d.type_error(node, "a string");
                None
            }
        }
    }
}

impl JsonSchema for Str {
    fn schema_name() -> Cow<'static, str> {
        "Str".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let interp = g.subschema_for::<Interpolation>();
        json_schema!({ "anyOf": [{ "type": ["string", "number", "boolean"] }, interp] })
    }
}

/// Text Compose reads: a literal (its `$` doubled on output) or an interpolation (kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeText {
    Literal(String),
    Interpolated(String),
}

impl ComposeText {
    /// As Compose text.
    pub fn to_compose(&self) -> String {
        match self {
            ComposeText::Literal(s) => compose_literal(s),
            ComposeText::Interpolated(s) => s.clone(),
        }
    }
    /// The text as written (an interpolation with its `${...}`).
    pub fn as_written(&self) -> &str {
        match self {
            ComposeText::Literal(s) | ComposeText::Interpolated(s) => s,
        }
    }
}

impl Decode for ComposeText {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        if is_interpolation(node) {
            return interpolation(node, d).map(ComposeText::Interpolated);
        }
        match &node.kind {
            NodeKind::Scalar { text, .. } => Some(ComposeText::Literal(text.clone())),
            _ => {
                d.type_error(node, "a string, or `{ interpolate: \"...${VAR}...\" }`");
                None
            }
        }
    }
}

impl JsonSchema for ComposeText {
    fn schema_name() -> Cow<'static, str> {
        "ComposeText".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let interp = g.subschema_for::<Interpolation>();
        json_schema!({ "anyOf": [{ "type": ["string", "number", "boolean"] }, interp] })
    }
}

/// A scalar checked by a function that returns the problem, if any.
macro_rules! checked_text {
    ($(#[$attr:meta])* $name:ident, $what:literal, $schema:tt, $check:expr) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        impl $crate::decode::Decode for $name {
            fn decode(node: &$crate::node::Node, d: &mut $crate::decode::Decoder) -> Option<Self> {
                let Some(text) = node.as_scalar() else {
                    d.type_error(node, $what);
                    return None;
                };
                let check: fn(&str) -> Option<String> = $check;
                match check(text) {
                    None => Some($name(text.to_owned())),
                    Some(problem) => {
                        d.invalid_value(node.span, format!("`{text}` is not {}: {problem}", $what), None);
                        None
                    }
                }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

pub(crate) use checked_text;

checked_text!(
    /// A duration as Compose reads it (Go's `time.ParseDuration`): `10s`, `1m30s`, `1.5h`, `300ms`.
    Duration,
    "a duration such as 10s, 1m30s or 300ms",
    { "type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$" },
    duration_problem
);

checked_text!(
    /// A size in bytes: a number, or with a unit (`64m`, `1g`, `512kb`, `1.5GB`).
    Size,
    "a size such as 64m, 1g or 1048576",
    { "type": ["string", "integer"], "pattern": "^[0-9]+(\\.[0-9]+)? ?([kKmMgGtTpP]?[iI]?[bB]?)$" },
    size_problem
);

checked_text!(
    /// A number of CPUs, e.g. `0.5` or `2`.
    Cpus,
    "a number of CPUs such as 0.5 or 2",
    { "type": ["string", "number"], "minimum": 0 },
    |t| match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => None,
        _ => Some("expected a number of 0 or more".into()),
    }
);

/// A duration as Compose reads it: Go's `time.ParseDuration` (`90s`, `1m30s`, `1.5h`, `500ms`,
/// `0`), plus `d` and `w`.
fn is_duration(text: &str) -> bool {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    let mut s = rest;
    if s.is_empty() {
        return false;
    }
    while !s.is_empty() {
        let digits = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
        let number = &s[..digits];
        let number_ok = !number.is_empty() && number != "." && number.matches('.').count() <= 1;
        if !number_ok {
            return false;
        }
        s = &s[digits..];
        let Some(unit) = ["ns", "us", "µs", "μs", "ms", "s", "m", "h", "d", "w"]
            .iter()
            .filter(|u| s.starts_with(*u))
            .max_by_key(|u| u.len())
        else {
            return false;
        };
        s = &s[unit.len()..];
    }
    true
}

/// Why `text` is not a duration Compose reads, if it is not.
pub fn duration_problem(text: &str) -> Option<String> {
    if is_duration(text) {
        None
    } else if text.is_empty() {
        Some("it is empty".into())
    } else {
        Some("each part is a number followed by a unit (w, d, h, m, s, ms, us, ns)".into())
    }
}

/// Why `text` is not a size in bytes, if it is not (go-units `RAMInBytes`).
pub fn size_problem(text: &str) -> Option<String> {
    let t = text.trim();
    let digits = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    if number.is_empty() || number.parse::<f64>().is_err() {
        return Some("expected a number, optionally followed by a unit (b, k, m, g, t, p)".into());
    }
    let unit = unit.trim_start().to_ascii_lowercase();
    let ok = matches!(
        unit.as_str(),
        "" | "b"
            | "k"
            | "kb"
            | "kib"
            | "ki"
            | "m"
            | "mb"
            | "mib"
            | "mi"
            | "g"
            | "gb"
            | "gib"
            | "gi"
            | "t"
            | "tb"
            | "tib"
            | "ti"
            | "p"
            | "pb"
            | "pib"
            | "pi"
    );
    (!ok).then(|| format!("`{unit}` is not a unit (b, k, m, g, t, p)"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_as_compose_reads_them() {
        for ok in ["30s", "1m30s", "0", "-0", "+5s", "1.5s", ".5s", "5.s", "500ms", "1us", "1µs", "2h45m", "1d", "1w2d"]
        {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["no", "lots", "", "10", "00", "5.", "5 s", "5S", "1y", "1h-1m", "μs", "1..5s", "-"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn durations() {
        for ok in ["10s", "1m30s", "1.5h", "300ms", "0", "2h45m", "10us"] {
            assert_eq!(duration_problem(ok), None, "{ok}");
        }
        for bad in ["ten seconds", "10", "s", "", "1x", "10 s"] {
            assert!(duration_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn sizes() {
        for ok in ["64m", "1g", "512kb", "1.5GB", "1048576", "2 MiB"] {
            assert_eq!(size_problem(ok), None, "{ok}");
        }
        for bad in ["lots", "1x", "m", "-1"] {
            assert!(size_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn interpolations() {
        for ok in [
            "${A}",
            "${A:-x}",
            "${A-x}",
            "${A:?set A}",
            "${A?}",
            "${A:+y}",
            "$A",
            "$$",
            "a$${B}",
            "${A:-${B}}",
            "plain",
        ] {
            assert_eq!(interpolation_problem(ok), None, "{ok}");
        }
        for bad in ["$", "a$", "${", "${A", "${1A}", "${A!}", "$ x", "${A:-$}"] {
            assert!(interpolation_problem(bad).is_some(), "{bad}");
        }
    }
}
