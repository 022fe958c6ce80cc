//! The topoc spec language: syntax types, loaders for YAML and TOML, and the JSON Schema.
//!
//! `load` reads a spec's text into a [`TopologySpec`], reporting every syntax, type and
//! unknown-key problem at its span in one pass. Nothing here knows about addresses or Docker:
//! that is `topoc-model`'s job.

pub mod carried;
pub mod compose_keys;
mod decode;
mod forms;
pub mod limits;
mod node;
mod toml_reader;
mod types;
mod yaml;

pub use carried::{Carried, CarriedValue, ComposeText, Extensions, Json};
pub use decode::{Decode, Decoder, Map, Raw, Sp, Text};
pub use forms::*;
pub use node::{Node, NodeKind, placeholders, substitute, substitute_text};
pub use types::*;

use topoc_diag::{Diagnostics, FileId};

/// The two spec syntaxes; one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

impl Format {
    /// The format of a spec path by its extension (`.toml` is TOML, anything else YAML).
    pub fn from_path(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".toml") { Format::Toml } else { Format::Yaml }
    }
}

/// Parse a document into its node tree.
pub fn parse(text: &str, format: Format, file: FileId) -> Result<Node, Diagnostics> {
    match format {
        Format::Yaml => yaml::parse(text, file),
        Format::Toml => toml_reader::parse(text, file),
    }
}

/// Load a spec: parse, then decode, collecting every problem.
pub fn load(text: &str, format: Format, file: FileId) -> Result<TopologySpec, Diagnostics> {
    let node = parse(text, format, file)?;
    let mut decoder = Decoder::default();
    limits::check_keys(&node, &mut decoder.diags);
    match TopologySpec::decode(&node, &mut decoder) {
        Some(spec) if !decoder.diags.has_errors() => Ok(spec),
        _ => Err(decoder.diags),
    }
}

/// The JSON Schema of the spec language, as committed in `schemas/topology.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<TopologySpec>();
    let mut value = schema.to_value();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("$id".into(), "https://topoc.dev/schemas/topology.schema.json".into());
        obj.insert("title".into(), "topoc topology spec".into());
    }
    value
}
