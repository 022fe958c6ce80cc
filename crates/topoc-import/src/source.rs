//! Reading the files of a compose project: each `-f` file with its `include`s and `extends`
//! resolved, then the files merged in order. Every file read is added to `Files`, so every node
//! keeps a span in the file it was written in.

use crate::merge;
use crate::nodes::{self, entries, get, key_text, map};
use foldhash::HashMap;
use std::path::{Path, PathBuf};
use topoc_diag::{Code, Diagnostic, Diagnostics, FileId, Files, Span};
use topoc_spec::{Format, Node, NodeKind};

/// `KEY=VALUE` lines of the env files, for the `COMPOSE_*` settings only.
pub(crate) fn read_env_files(paths: &[PathBuf], diags: &mut Diagnostics) -> HashMap<String, String> {
    let mut env = HashMap::default();
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                for line in text.lines() {
                    let line = line.trim();
                    if line.starts_with('#') {
                        continue;
                    }
                    if let Some((k, v)) = line.split_once('=') {
                        env.insert(k.trim().to_owned(), v.trim().trim_matches(['"', '\'']).to_owned());
                    }
                }
            }
            Err(e) => diags.push(Diagnostic::new(
                Code::ComposeReference,
                format!("cannot read the env file {}: {e}", path.display()),
            )),
        }
    }
    env
}

/// Files already read, by path, so an `extends` of the same file reads it once.
struct Reader<'f> {
    files: &'f mut Files,
    cache: HashMap<PathBuf, Option<(FileId, Node)>>,
    /// `include` and `extends` chains being resolved, to refuse cycles.
    stack: Vec<PathBuf>,
}

/// Read and merge the `-f` files. `None` when none could be read.
pub(crate) fn load_project(
    paths: &[PathBuf],
    _project_dir: &Path,
    files: &mut Files,
    diags: &mut Diagnostics,
) -> Option<Node> {
    let mut reader = Reader { files, cache: HashMap::default(), stack: Vec::new() };
    let mut merged: Option<Node> = None;
    for path in paths {
        let Some(model) = reader.model(path, None, diags) else {
            continue;
        };
        merged = Some(match merged {
            None => model,
            Some(base) => merge::project(base, model, diags),
        });
    }
    merged
}

impl Reader<'_> {
    /// One file read and parsed (cached), or a finding at `from` (the `include` or `extends`
    /// that names it) when it cannot be.
    fn parsed(&mut self, path: &Path, from: Option<Span>, diags: &mut Diagnostics) -> Option<(FileId, Node)> {
        if let Some(hit) = self.cache.get(path) {
            return hit.clone();
        }
        let result = match std::fs::read_to_string(path) {
            Ok(text) => {
                let file = self.files.add(path.display().to_string(), text.as_str());
                match topoc_spec::parse(&text, Format::Yaml, file) {
                    Ok(node) if matches!(node.kind, NodeKind::Map(_)) => Some((file, node)),
                    Ok(node) => {
                        diags.push(
                            Diagnostic::new(Code::InvalidType, "a compose file is a mapping of top-level keys")
                                .primary(node.span, format!("found {}", node.describe())),
                        );
                        None
                    }
                    Err(d) => {
                        diags.extend(d);
                        None
                    }
                }
            }
            Err(e) => {
                let mut d = Diagnostic::new(Code::ComposeReference, format!("cannot read {}: {e}", path.display()));
                if let Some(span) = from {
                    d = d.primary(span, "named here");
                }
                diags.push(
                    d.help("fix the path; relative paths are resolved against the folder of the file naming them"),
                );
                None
            }
        };
        self.cache.insert(path.to_path_buf(), result.clone());
        result
    }

    /// A file's model: its own keys, its `extends` resolved, its `include`s added.
    fn model(&mut self, path: &Path, from: Option<Span>, diags: &mut Diagnostics) -> Option<Node> {
        if self.stack.iter().any(|p| p == path) {
            let mut d = Diagnostic::new(Code::ComposeReference, format!("{} includes itself", path.display()));
            if let Some(span) = from {
                d = d.primary(span, "the cycle closes here");
            }
            diags.push(d);
            return None;
        }
        let (_, node) = self.parsed(path, from, diags)?;
        self.stack.push(path.to_path_buf());
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut own = Vec::new();
        let mut include = None;
        for (k, v) in entries(&node) {
            match key_text(k) {
                "include" => include = Some((k.clone(), v.clone())),
                "services" => {
                    let services = self.resolve_extends(path, v, diags);
                    own.push((k.clone(), services));
                }
                _ => own.push((k.clone(), v.clone())),
            }
        }
        let mut model = map(own, node.span);
        if let Some((_, list)) = include {
            for (item_path, span) in include_paths(&list, diags) {
                let target = dir.join(&item_path);
                if let Some(included) = self.model(&target, Some(span), diags) {
                    model = merge::include(model, included, span, diags);
                }
            }
        }
        self.stack.pop();
        Some(model)
    }

    /// The `services` mapping of a file with each service's `extends` applied.
    fn resolve_extends(&mut self, path: &Path, services: &Node, diags: &mut Diagnostics) -> Node {
        let mut out = Vec::new();
        for (name, body) in entries(services) {
            let mut chain = vec![(path.to_path_buf(), key_text(name).to_owned())];
            let resolved = self.extended(path, services, body, &mut chain, diags);
            out.push((name.clone(), resolved));
        }
        map(out, services.span)
    }

    /// A service body with its `extends` (and its base's, recursively) merged under it.
    fn extended(
        &mut self,
        path: &Path,
        services: &Node,
        body: &Node,
        chain: &mut Vec<(PathBuf, String)>,
        diags: &mut Diagnostics,
    ) -> Node {
        let Some(ext) = get(body, "extends") else {
            return body.clone();
        };
        let without: Vec<(Node, Node)> =
            entries(body).iter().filter(|(k, _)| key_text(k) != "extends").cloned().collect();
        let own = map(without, body.span);
        let (base_name, base_file, name_span) = match &ext.kind {
            NodeKind::Scalar { text, .. } => (text.clone(), None, ext.span),
            NodeKind::Map(_) => {
                let Some(service) = get(ext, "service").and_then(|s| s.as_scalar().map(|t| (t.to_owned(), s.span)))
                else {
                    diags.push(
                        Diagnostic::new(Code::MissingKey, "`extends` needs `service`")
                            .primary(ext.span, "no `service` here")
                            .help(
                                "write `extends: { service: base }` or `extends: { file: common.yaml, service: base }`",
                            ),
                    );
                    return own;
                };
                let file = get(ext, "file").and_then(|f| f.as_scalar().map(|t| (t.to_owned(), f.span)));
                (service.0, file, service.1)
            }
            _ => {
                diags.push(
                    Diagnostic::new(Code::InvalidType, "`extends` is a service name or a mapping")
                        .primary(ext.span, format!("found {}", ext.describe())),
                );
                return own;
            }
        };
        let (base_path, base_services) = match base_file {
            None => (path.to_path_buf(), services.clone()),
            Some((file, span)) => {
                let target = path.parent().unwrap_or(Path::new(".")).join(&file);
                let Some((_, node)) = self.parsed(&target, Some(span), diags) else {
                    return own;
                };
                let services = get(&node, "services").cloned().unwrap_or_else(|| map(Vec::new(), node.span));
                (target, services)
            }
        };
        if chain.iter().any(|(p, s)| *p == base_path && *s == base_name) {
            // Each service of the cycle meets it; it is reported once, from its least member.
            let least = chain.iter().min().is_some_and(|m| *m == chain[0]);
            if !least {
                return own;
            }
            diags.push(
                Diagnostic::new(Code::ComposeReference, format!("`extends` of `{base_name}` is a cycle"))
                    .primary(name_span, "extends a service that extends this one"),
            );
            return own;
        }
        let Some(base_body) = get(&base_services, &base_name).cloned() else {
            let known: Vec<&str> = entries(&base_services).iter().map(|(k, _)| key_text(k)).collect();
            let mut d = Diagnostic::new(Code::ComposeReference, format!("`extends` names no service `{base_name}`"))
                .primary(name_span, "no such service");
            if let Some(s) = topoc_diag::did_you_mean(&base_name, known.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            diags.push(d);
            return own;
        };
        chain.push((base_path.clone(), base_name));
        let base = self.extended(&base_path, &base_services, &base_body, chain, diags);
        chain.pop();
        merge::service(base, own, diags)
    }
}

/// The files an `include` list names, with the span naming each.
fn include_paths(list: &Node, diags: &mut Diagnostics) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let NodeKind::Seq(items) = &list.kind else {
        diags.push(Diagnostic::new(Code::InvalidType, "`include` is a list of files").primary(list.span, "not a list"));
        return out;
    };
    for item in items {
        match &item.kind {
            NodeKind::Scalar { text, .. } => out.push((text.clone(), item.span)),
            NodeKind::Map(e) => {
                for (k, v) in e {
                    match key_text(k) {
                        "path" => match &v.kind {
                            NodeKind::Scalar { text, .. } => out.push((text.clone(), v.span)),
                            NodeKind::Seq(paths) => {
                                out.extend(paths.iter().filter_map(|p| p.as_scalar().map(|t| (t.to_owned(), p.span))))
                            }
                            _ => diags.push(
                                Diagnostic::new(Code::InvalidType, "`include.path` is a file or a list of files")
                                    .primary(v.span, "not a path"),
                            ),
                        },
                        other => nodes::not_carried(
                            diags,
                            k.span,
                            &format!("`include.{other}`"),
                            "the included file is read as if it sat in its own folder with no env file of its own",
                        ),
                    }
                }
            }
            _ => diags.push(
                Diagnostic::new(Code::InvalidType, "an `include` entry is a path or a mapping with `path`")
                    .primary(item.span, "not a path"),
            ),
        }
    }
    out
}
