//! Compose files into a topoc spec.
//!
//! `load` reads what `docker compose` reads: the `-f` files merged the way Compose merges them
//! (`merge.rs`), `include` and `extends` resolved (`source.rs`), YAML anchors and merge keys
//! (topoc-spec's YAML reader), the services of the active profiles. `convert` turns the merged
//! compose tree into the spec's own [`Node`] tree, keeping every node's span in the compose file it
//! came from, so decoding it with topoc-spec's decoder and resolving it reports problems at the
//! compose file's lines. What the spec does not carry yet is a `compose-not-carried` finding where
//! it is written, never a silent drop. Interpolation (`${VAR}`) is never resolved: the values are
//! text, and a finding says where topoc cannot keep Compose's meaning.
//!
//! For `topoc import`, `templates::fold` recognises services that differ only by an index,
//! `policy::starting` writes `allow` rules for the pairs the imported topology reaches, and
//! `write` serialises the spec as YAML or TOML.

mod convert;
mod detect;
mod merge;
mod nodes;
pub mod policy;
mod schema;
mod service;
mod source;
pub mod templates;
pub mod write;

pub use detect::looks_like_compose;

use std::path::{Path, PathBuf};
use topoc_diag::{Diagnostics, Files};
use topoc_spec::{Decode, Decoder, Node, TopologySpec};

/// What to read, as `docker compose` takes it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The compose files, in `-f` order: later files override earlier ones.
    pub files: Vec<PathBuf>,
    /// `--env-file`: read for `COMPOSE_PROJECT_NAME` and `COMPOSE_PROFILES` only; variables are
    /// never substituted into the spec.
    pub env_files: Vec<PathBuf>,
    /// `--profile`: the profiles whose services are active (besides those with no profile).
    pub profiles: Vec<String>,
    /// `-p`: the project name (default: `name:`, `COMPOSE_PROJECT_NAME`, else the folder's name).
    pub project_name: Option<String>,
}

/// A compose project read into a spec tree.
#[derive(Debug)]
pub struct Imported {
    /// The spec's node tree, spans in the compose files; `None` when the files could not be read.
    pub spec: Option<Node>,
    pub diagnostics: Diagnostics,
    /// The folder relative paths in the spec are resolved against (the first file's).
    pub project_dir: PathBuf,
}

/// Read the compose files of `options` (each added to `files`) into a spec tree.
pub fn load(options: &Options, files: &mut Files) -> Imported {
    let mut diagnostics = Diagnostics::new();
    let project_dir = options
        .files
        .first()
        .and_then(|f| f.parent())
        .map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let env = source::read_env_files(&options.env_files, &mut diagnostics);
    let Some(project) = source::load_project(&options.files, &project_dir, files, &mut diagnostics) else {
        diagnostics.sort();
        return Imported { spec: None, diagnostics, project_dir };
    };
    let mut profiles = options.profiles.clone();
    if profiles.is_empty()
        && let Some(p) = env.get("COMPOSE_PROFILES")
    {
        profiles = p.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    }
    let name = options.project_name.clone().or_else(|| env.get("COMPOSE_PROJECT_NAME").cloned());
    let context = convert::Context { project_name: name, project_dir: &project_dir, profiles: &profiles, files };
    let spec = convert::project(&project, &context, &mut diagnostics);
    diagnostics.sort();
    // A project Compose itself could not load (a missing file, a broken `extends`) is not
    // decoded: the decoder's findings would only repeat the cause.
    let spec = (!diagnostics.has_errors()).then_some(spec);
    Imported { spec, diagnostics, project_dir }
}

/// Decode a spec tree with topoc-spec's decoder: problems are located in the compose files.
/// The spec is `None` when the decoder found an error.
pub fn decode(spec: &Node) -> (Option<TopologySpec>, Diagnostics) {
    let mut decoder = Decoder::default();
    let decoded = TopologySpec::decode(spec, &mut decoder);
    let mut diags = decoder.diags;
    diags.sort();
    if diags.has_errors() { (None, diags) } else { (decoded, diags) }
}
