//! Decoding a [`Node`] tree into spec types, collecting every problem instead of stopping at
//! the first. The `spec_struct!` and `spec_enum!` macros generate, from one declaration, the
//! Rust type, its JSON Schema (schemars) and its decoder, so the schema cannot drift from what
//! the loader accepts.

use crate::node::{Node, NodeKind, is_bool};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use topoc_diag::{Code, Diagnostic, Diagnostics, Span, did_you_mean};

/// Collects diagnostics while decoding.
#[derive(Debug, Default)]
pub struct Decoder {
    pub diags: Diagnostics,
}

impl Decoder {
    pub fn type_error(&mut self, node: &Node, expected: &str) {
        if crate::carried::is_interpolation(node) {
            self.diags.push(
                Diagnostic::new(Code::InvalidType, format!("an interpolation cannot stand here: expected {expected}"))
                    .primary(node.span, "Compose would fill this in only when deploying")
                    .help("topoc needs this value to analyse the topology; write it out. `{ interpolate: ... }` is accepted in `image`, environment values and carried keys"),
            );
            return;
        }
        self.diags.push(
            Diagnostic::new(Code::InvalidType, format!("expected {expected}, found {}", node.describe()))
                .primary(node.span, format!("expected {expected}")),
        );
    }

    pub fn invalid_value(&mut self, span: Span, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(Code::InvalidValue, message).primary(span, "invalid value");
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }

    /// The entries of a mapping node, or a type error.
    pub fn expect_map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Node, Node)]> {
        match &node.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => {
                self.type_error(node, &format!("a mapping ({what})"));
                None
            }
        }
    }

    /// A mapping key as text. Non-scalar keys are reported.
    pub fn key<'n>(&mut self, key: &'n Node) -> Option<&'n str> {
        match &key.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => {
                self.type_error(key, "a text key");
                None
            }
        }
    }

    pub fn unknown_key(&mut self, key: &Node, name: &str, known: &[&str], context: &str) {
        if let Some(reason) = crate::compose_keys::refusal(context, name) {
            self.diags.push(
                Diagnostic::new(Code::UnknownKey, format!("Compose key `{name}` in {context} is not carried by topoc"))
                    .primary(key.span, "not carried")
                    .help(reason),
            );
            return;
        }
        let mut d = Diagnostic::new(Code::UnknownKey, format!("unknown key `{name}` in {context}"))
            .primary(key.span, "unknown key");
        d = match did_you_mean(name, known.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!("known keys: {}", known.join(", "))),
        };
        self.diags.push(d);
    }

    pub fn missing_key(&mut self, node: &Node, name: &str, context: &str) {
        // A mapping's span covers its whole body; point at its first line only.
        let span = Span { end: node.span.start + 1, ..node.span };
        self.diags.push(
            Diagnostic::new(Code::MissingKey, format!("missing required key `{name}` in {context}"))
                .primary(span, format!("`{name}` is required here"))
                .help(format!("add the key `{name}`")),
        );
    }
}

/// A spec type that can be decoded from a node.
pub trait Decode: Sized {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self>;

    /// The value of an absent key; `None` makes the key required.
    fn missing() -> Option<Self> {
        None
    }
}

/// A value with the span it was written at.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    /// A value that came from no file (defaults, generated).
    pub fn detached(value: T) -> Self {
        Self { value, span: Span::DETACHED }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sp<U> {
        Sp { value: f(self.value), span: self.span }
    }

    pub fn as_ref(&self) -> Sp<&T> {
        Sp { value: &self.value, span: self.span }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Decode> Decode for Sp<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        T::decode(node, d).map(|value| Sp { value, span: node.span })
    }
}

/// Wrappers that only carry a span or a node have their inner value's schema.
macro_rules! schema_of_inner {
    ($($wrapper:ident),*) => {$(
        impl<T: JsonSchema> JsonSchema for $wrapper<T> {
            fn inline_schema() -> bool {
                T::inline_schema()
            }
            fn schema_name() -> Cow<'static, str> {
                T::schema_name()
            }
            fn schema_id() -> Cow<'static, str> {
                T::schema_id()
            }
            fn json_schema(g: &mut SchemaGenerator) -> Schema {
                T::json_schema(g)
            }
        }
    )*};
}
schema_of_inner!(Sp, Raw);

impl<T: Decode> Decode for Option<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match node.kind {
            NodeKind::Null => Some(None),
            _ => T::decode(node, d).map(Some),
        }
    }
    fn missing() -> Option<Self> {
        Some(None)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(items) => {
                let mut ok = true;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match T::decode(item, d) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            NodeKind::Null => Some(Vec::new()),
            _ => {
                d.type_error(node, "a list");
                None
            }
        }
    }
    fn missing() -> Option<Self> {
        Some(Vec::new())
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        T::decode(node, d).map(Box::new)
    }
}

impl Decode for String {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar { text, .. } => Some(text.clone()),
            _ => {
                d.type_error(node, "a string");
                None
            }
        }
    }
}

impl Decode for bool {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar { text, quoted: false } if is_bool(text) => Some(text.eq_ignore_ascii_case("true")),
            NodeKind::Scalar { text, .. } => {
                d.invalid_value(
                    node.span,
                    format!("expected `true` or `false`, found `{text}`"),
                    Some("booleans are written `true` or `false` (not yes/no/on/off or quoted)".into()),
                );
                None
            }
            _ => {
                d.type_error(node, "`true` or `false`");
                None
            }
        }
    }
}

macro_rules! decode_int {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
                let Some(text) = node.as_scalar() else {
                    d.type_error(node, "a whole number");
                    return None;
                };
                match text.trim().parse::<$t>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        let detail = if text.trim().parse::<i128>().is_ok() {
                            format!("{text} is out of range (between {} and {})", <$t>::MIN, <$t>::MAX)
                        } else {
                            format!("expected a whole number, found `{text}`")
                        };
                        d.invalid_value(node.span, detail, None);
                        None
                    }
                }
            }
        }
    )*};
}
decode_int!(u8, u16, u32, u64, i32, i64);

/// A decoded value together with the node it came from, for template blocks that are decoded
/// once to validate them and again per instance after `{id}` substitution.
#[derive(Debug, Clone)]
pub struct Raw<T> {
    pub value: T,
    pub node: Node,
}

impl<T: Decode> Decode for Raw<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        T::decode(node, d).map(|value| Raw { value, node: node.clone() })
    }
    fn missing() -> Option<Self> {
        T::missing().map(|value| Raw { value, node: Node::new(NodeKind::Null, Span::DETACHED) })
    }
}

/// A mapping from names to values, in the order written. Keys keep their spans.
#[derive(Debug, Clone)]
pub struct Map<T> {
    pub entries: Vec<(Sp<String>, T)>,
}

impl<T> Default for Map<T> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<T> Map<T> {
    pub fn iter(&self) -> impl Iterator<Item = (&Sp<String>, &T)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
    pub fn get(&self, key: &str) -> Option<&T> {
        self.entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<T: Decode> Decode for Map<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        if matches!(node.kind, NodeKind::Null) {
            return Some(Map::default());
        }
        let entries = d.expect_map(node, "name: value")?;
        let mut ok = true;
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let Some(key) = d.key(k) else {
                ok = false;
                continue;
            };
            match T::decode(v, d) {
                Some(value) => out.push((Sp::new(key.to_owned(), k.span), value)),
                None => ok = false,
            }
        }
        ok.then_some(Map { entries: out })
    }
    fn missing() -> Option<Self> {
        Some(Map::default())
    }
}

impl<T: JsonSchema> JsonSchema for Map<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", T::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let inner = g.subschema_for::<T>();
        json_schema!({ "type": ["object", "null"], "additionalProperties": inner })
    }
}

/// Text written as any scalar: `PORT: 8080` and `PORT: "8080"` are both the string "8080".
/// Used for environment values, labels and driver options, where Compose wants strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl Decode for Text {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match &node.kind {
            NodeKind::Scalar { text, .. } => Some(Text(text.clone())),
            NodeKind::Null => {
                d.invalid_value(
                    node.span,
                    "expected a value, found nothing".into(),
                    Some("write the value, or `\"\"` for an empty string".into()),
                );
                None
            }
            _ => {
                d.type_error(node, "a string, number or boolean");
                None
            }
        }
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// A field's key: its name without a raw-identifier prefix (`r#type` is the key `type`).
pub(crate) const fn field_key(name: &'static str) -> &'static str {
    match name.as_bytes() {
        [b'r', b'#', ..] => name.split_at(2).1,
        _ => name,
    }
}

/// Generates a spec struct, its JSON Schema and its decoder. Keys are the field names.
/// Fields of type `Option`, `Vec` and `Map` may be absent; all others are required.
/// An `extensible` struct also takes Compose's `x-` keys, kept in its `extensions` field.
macro_rules! spec_struct {
    ($(#[$attr:meta])* pub struct $name:ident ($context:literal) extensible {
        $( $(#[$fattr:meta])* pub $field:ident : $ty:ty, )*
    }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fattr])* pub $field: $ty, )*
            /// `x-` extension keys, carried to the output unchanged.
            #[serde(flatten)]
            pub extensions: $crate::carried::Extensions,
        }
        $crate::decode::spec_struct!(@decode $name $context true extensions [extensions: $crate::carried::Extensions(extensions),] { $( $field : $ty, )* });
    };
    ($(#[$attr:meta])* pub struct $name:ident ($context:literal) {
        $( $(#[$fattr:meta])* pub $field:ident : $ty:ty, )*
    }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $( $(#[$fattr])* pub $field: $ty, )* }
        $crate::decode::spec_struct!(@decode $name $context false extensions [] { $( $field : $ty, )* });
    };
    (@decode $name:ident $context:literal $ext:literal $extvar:ident [$($extra:tt)*] { $( $field:ident : $ty:ty, )* }) => {
        impl $name {
            /// The keys this mapping accepts.
            pub const KEYS: &'static [&'static str] = &[$($crate::decode::field_key(stringify!($field))),*];
        }

        impl $crate::decode::Decode for $name {
            fn decode(node: &$crate::node::Node, d: &mut $crate::decode::Decoder) -> Option<Self> {
                // An empty value (`cache:`) is an empty mapping, as in Compose.
                if matches!(node.kind, $crate::node::NodeKind::Null) {
                    let empty = $crate::node::Node::new($crate::node::NodeKind::Map(Vec::new()), node.span);
                    return Self::decode(&empty, d);
                }
                if $crate::carried::is_interpolation(node) {
                    d.type_error(node, $context);
                    return None;
                }
                let entries = d.expect_map(node, $context)?;
                $( let mut $field: Option<Option<$ty>> = None; )*
                #[allow(unused_mut)]
                let mut $extvar: Vec<(String, $crate::carried::Json)> = Vec::new();
                for (k, v) in entries {
                    let Some(key) = d.key(k) else { continue };
                    match key {
                        $( k if k == $crate::decode::field_key(stringify!($field)) => {
                            $field = Some(<$ty as $crate::decode::Decode>::decode(v, d));
                        } )*
                        other if $ext && other.starts_with("x-") => {
                            if let Some(json) = $crate::carried::compose_json(v, true, d) {
                                $extvar.push((other.to_owned(), json));
                            }
                        }
                        other => d.unknown_key(k, other, Self::KEYS, $context),
                    }
                }
                $(
                    let $field: Option<$ty> = match $field {
                        Some(decoded) => decoded,
                        None => {
                            let absent = <$ty as $crate::decode::Decode>::missing();
                            if absent.is_none() {
                                d.missing_key(node, $crate::decode::field_key(stringify!($field)), $context);
                            }
                            absent
                        }
                    };
                )*
                Some($name { $( $field: $field?, )* $($extra)* })
            }
        }
    };
}
pub(crate) use spec_struct;

/// Generates a closed set of keywords with its schema and decoder (with "did you mean").
macro_rules! spec_enum {
    ($(#[$attr:meta])* pub enum $name:ident { $( $(#[$vattr:meta])* $variant:ident = $text:literal, )* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $(#[$vattr])* $variant, )* }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),*];
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::decode::Decode for $name {
            fn decode(node: &$crate::node::Node, d: &mut $crate::decode::Decoder) -> Option<Self> {
                let Some(text) = node.as_scalar() else {
                    d.type_error(node, &format!("one of {}", Self::NAMES.join(", ")));
                    return None;
                };
                match text {
                    $( $text => Some($name::$variant), )*
                    other => {
                        let help = match topoc_diag::did_you_mean(other, Self::NAMES.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("use one of: {}", Self::NAMES.join(", ")),
                        };
                        d.invalid_value(node.span, format!("`{other}` is not one of {}", Self::NAMES.join(", ")), Some(help));
                        None
                    }
                }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> { stringify!($name).into() }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [$($text),*] })
            }
        }
    };
}
pub(crate) use spec_enum;

#[cfg(test)]
mod tests {
    use super::*;
    use topoc_diag::FileId;

    #[test]
    fn integer_errors_name_the_range() {
        let node = crate::yaml::parse("70000", FileId(0)).expect("parses");
        let mut d = Decoder::default();
        assert!(u16::decode(&node, &mut d).is_none());
        let msg = &d.diags.iter().next().expect("one diag").message;
        assert!(msg.contains("out of range"), "{msg}");
        assert!(msg.contains("65535"), "{msg}");
    }
}
