//! The template environment: built-in templates embedded in the binary, a user directory that
//! overrides them, and JSON escaping for every YAML template.

use crate::escape;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, syntax::SyntaxConfig};
use std::path::{Path, PathBuf};

/// The built-in templates, from the repository's `templates/` folder.
const BUILTIN: &[(&str, &str)] = &[
    ("compose.yaml.j2", include_str!("../../../templates/compose.yaml.j2")),
    ("stack.yaml.j2", include_str!("../../../templates/stack.yaml.j2")),
];

#[derive(Debug)]
pub enum EmitError {
    /// A template failed to parse or render; the message names the template and line.
    Template(String),
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmitError::Template(message) => write!(f, "template error: {message}"),
        }
    }
}

impl std::error::Error for EmitError {}

impl From<minijinja::Error> for EmitError {
    fn from(e: minijinja::Error) -> Self {
        let mut message = e.to_string();
        if let (Some(name), Some(line)) = (e.name(), e.line()) {
            message = format!("{name}:{line}: {message}");
        }
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        EmitError::Template(message)
    }
}

/// Where templates come from: the user's directory first (if any), then the built-ins. A user
/// template may `{% extends "builtin/compose.yaml.j2" %}` (or `builtin/stack.yaml.j2`) and
/// override single blocks.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    user_dir: Option<PathBuf>,
}

impl Templates {
    pub fn builtin() -> Self {
        Self { user_dir: None }
    }

    pub fn with_user_dir(dir: impl AsRef<Path>) -> Self {
        Self { user_dir: Some(dir.as_ref().to_path_buf()) }
    }

    /// The names of the built-in templates, for `--templates` documentation.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// The source of a built-in template.
    pub fn builtin_source(name: &str) -> Option<&'static str> {
        BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    pub(crate) fn environment(&self) -> Environment<'static> {
        let mut env = Environment::new();
        let user_dir = self.user_dir.clone();
        env.set_loader(move |name| {
            if let Some(rest) = name.strip_prefix("builtin/") {
                return Ok(Templates::builtin_source(rest).map(str::to_owned));
            }
            if let Some(dir) = &user_dir {
                // Only plain relative names: a template must not read outside its directory.
                let safe = !name.split(['/', '\\']).any(|p| p == ".." || p.is_empty());
                let path = dir.join(name);
                if safe && path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::TemplateNotFound,
                            format!("cannot read {}: {e}", path.display()),
                        )
                    });
                }
            }
            Ok(Templates::builtin_source(name).map(str::to_owned))
        });
        env.set_auto_escape_callback(|_| AutoEscape::Json);
        env.set_formatter(yaml_safe_formatter);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        if let Ok(syntax) =
            SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true).build()
        {
            env.set_syntax(syntax);
        }
        env
    }
}

/// minijinja's JSON auto-escape, with the characters JSON leaves raw but YAML would change
/// written as escapes (`escape.rs`), in strings and in lists and mappings rendered whole.
fn yaml_safe_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    let json_escaped = !value.is_safe() && matches!(state.auto_escape(), AutoEscape::Json);
    // Most values are strings without a character to escape, which one pass rules out (over
    // the bytes alone for ASCII).
    let plain_ascii = value.as_str().is_some_and(|t| !escape::needs_escaping(t));
    let container = matches!(value.kind(), ValueKind::String | ValueKind::Seq | ValueKind::Map | ValueKind::Iterable);
    if !json_escaped || plain_ascii || !container {
        return minijinja::escape_formatter(out, state, value);
    }
    let json = serde_json::to_string(value)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::BadSerialization, e.to_string()))?;
    let text = if escape::needs_escaping(&json) { escape::json_for_yaml(&json) } else { json };
    out.write_str(&text).map_err(minijinja::Error::from)
}
