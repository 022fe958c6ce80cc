//! `topoc import compose.yaml [-f override.yaml ...] [-o spec.yaml|.toml]`: an existing
//! deployment becomes a spec (topoc-import), with templates for repeated services and a starting
//! policy that allows what the deployment reaches today. Also the compose front of `check`,
//! `matrix`, `explain` and `graph` (`load_for_analysis`).

use crate::args::{ComposeArgs, FindingsFormat};
use crate::exit::Exit;
use crate::report::Reporter;
use crate::write;
use std::io::Write;
use std::path::{Path, PathBuf};
use topoc_diag::{Code, Diagnostic, Diagnostics, Files, Severity, Span};
use topoc_spec::{Node, NodeKind, TopologySpec};

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The compose file (`compose.yaml`, `docker-compose.yml`, ...).
    pub(crate) compose_file: PathBuf,
    /// More compose files merged onto it, as `docker compose -f` merges them (repeatable).
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Compose profiles to enable (repeatable).
    #[arg(long = "profile", value_name = "PROFILE")]
    pub(crate) profiles: Vec<String>,
    /// Env file of the project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES only:
    /// variables are never substituted into the spec).
    #[arg(long = "env-file", value_name = "FILE")]
    pub(crate) env_files: Vec<PathBuf>,
    /// The topology name (default: the compose `name:`, else the folder's name).
    #[arg(long = "project-name", short = 'p', value_name = "NAME")]
    pub(crate) project_name: Option<String>,
    /// Write the spec here (`.toml` for TOML, else YAML) instead of stdout.
    #[arg(long = "out", short = 'o', value_name = "PATH")]
    pub(crate) out: Option<PathBuf>,
    /// Write the spec even though some compose settings are not carried (each is reported).
    #[arg(long)]
    pub(crate) lossy: bool,
    /// Overwrite an existing `--out` file.
    #[arg(long)]
    pub(crate) force: bool,
    /// Leave repeated services as they are instead of folding them into templates.
    #[arg(long = "no-templates")]
    pub(crate) no_templates: bool,
    /// Format of findings.
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    pub(crate) format: FindingsFormat,
}

/// A compose file as a spec for `check`, `matrix`, `explain` and `graph`: the import's tree
/// (with `--policy`'s `policy` and `lints` spliced in), decoded. Every finding is located in
/// the compose files or the policy file.
pub(crate) fn load_for_analysis(
    spec: &Path,
    compose: &ComposeArgs,
    files: &mut Files,
) -> (Option<TopologySpec>, Diagnostics) {
    let options = topoc_import::Options {
        files: std::iter::once(spec.to_path_buf()).chain(compose.files.iter().cloned()).collect(),
        env_files: compose.env_files.clone(),
        profiles: compose.profiles.clone(),
        project_name: None,
    };
    let imported = topoc_import::load(&options, files);
    let mut diags = imported.diagnostics;
    let Some(mut tree) = imported.spec else {
        return (None, diags);
    };
    if let Some(path) = &compose.policy {
        splice_policy(&mut tree, path, files, &mut diags);
    }
    let (decoded, problems) = topoc_import::decode(&tree);
    diags.extend(problems);
    (decoded, diags)
}

/// Add the `policy` and `lints` sections of a side file (YAML, or TOML by extension) to a
/// spec tree.
fn splice_policy(tree: &mut Node, path: &Path, files: &mut Files, diags: &mut Diagnostics) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::new(
                Code::ComposeReference,
                format!("cannot read the policy file {}: {e}", path.display()),
            ));
            return;
        }
    };
    let display = path.display().to_string();
    let format = topoc_spec::Format::from_path(&display);
    let file = files.add(display, text.as_str());
    let side = match topoc_spec::parse(&text, format, file) {
        Ok(n) => n,
        Err(d) => {
            diags.extend(d);
            return;
        }
    };
    let NodeKind::Map(entries) = side.kind else {
        diags.push(
            Diagnostic::new(Code::InvalidType, "a policy file is a mapping with `policy:` (and `lints:`)")
                .primary(side.span, "not a mapping"),
        );
        return;
    };
    let NodeKind::Map(top) = &mut tree.kind else { return };
    for (k, v) in entries {
        match k.as_scalar() {
            Some("policy" | "lints") => top.push((k, v)),
            Some(other) => diags.push(
                Diagnostic::new(Code::UnknownKey, format!("unknown key `{other}` in a policy file"))
                    .primary(k.span, "unknown key")
                    .help("a policy file holds `policy:` and `lints:`, written as in a spec"),
            ),
            None => {}
        }
    }
}

pub(crate) fn exec(args: &ImportArgs, reporter: &Reporter) -> Exit {
    let mut files = Files::new();
    let options = topoc_import::Options {
        files: std::iter::once(args.compose_file.clone()).chain(args.files.iter().cloned()).collect(),
        env_files: args.env_files.clone(),
        profiles: args.profiles.clone(),
        project_name: args.project_name.clone(),
    };
    let stdout_free = args.out.is_some();
    let imported = topoc_import::load(&options, &mut files);
    let mut diags = imported.diagnostics;
    let Some(tree) = imported.spec else {
        reporter.findings(&diags, &files, args.format, stdout_free);
        return Exit::Findings;
    };
    let (decoded, problems) = topoc_import::decode(&tree);
    diags.extend(problems);
    let resolution = decoded.as_ref().map(|spec| topoc_model::resolve(spec, &topoc_model::Lock::default()));
    let topology = resolution.as_ref().and_then(|r| r.topology.as_ref());
    if let Some(r) = &resolution {
        diags.extend(r.diagnostics.clone());
    }
    diags.sort();
    let lost = diags.iter().filter(|d| d.code == Code::ComposeNotCarried && d.severity >= Severity::Warning).count();
    let Some(topology) = topology.filter(|_| !diags.has_errors() && (lost == 0 || args.lossy)) else {
        if lost > 0 && !diags.has_errors() {
            diags.push(
                Diagnostic::new(
                    Code::ComposeNotCarried,
                    format!("{lost} compose setting{} not carried: no spec written", if lost == 1 { " is" } else { "s are" }),
                )
                .with_severity(Severity::Error)
                .help("pass --lossy to write the spec without them (each is listed above), or move them to a Compose override file"),
            );
        }
        reporter.findings(&diags, &files, args.format, stdout_free);
        return Exit::Findings;
    };
    let Ok(engine) = topoc_reach::EngineProfile::parse("current") else {
        reporter.failure("the current engine profile does not parse");
        return Exit::Failure;
    };
    let analysis = topoc_reach::analyze(topology, engine);
    let rules = topoc_import::policy::allows(topology, &analysis);
    let services = topology.services.len();
    // What was only needed to find the starting policy goes before the spec is written and read
    // back, so that the compose tree, the model and the written spec are never alive at once
    // (peak memory of importing 20,000 services).
    drop(analysis);
    drop(resolution);
    drop(decoded);
    let mut spec = tree;
    if let NodeKind::Map(top) = &mut spec.kind {
        let span = Span::DETACHED;
        top.push((
            Node::new(NodeKind::Scalar { text: "policy".into(), quoted: false }, span),
            topoc_import::policy::section(&rules, span),
        ));
    }
    if !args.no_templates {
        spec = topoc_import::templates::fold(&spec);
    }
    let mut sources: Vec<String> = options.files.iter().map(|f| file_name(f)).collect();
    sources.dedup();
    let header = vec![
        format!("Imported by `topoc import` from {}.", sources.join(" + ")),
        "This spec is the source now: edit it, `topoc check` it, `topoc build` the compose file from it.".into(),
        "The policy allows what the deployment reached when it was imported; tighten it from here.".into(),
    ];
    let toml = args
        .out
        .as_ref()
        .is_some_and(|p| topoc_spec::Format::from_path(&p.display().to_string()) == topoc_spec::Format::Toml);
    let text = if toml { topoc_import::write::toml(&spec, &header) } else { topoc_import::write::yaml(&spec, &header) };
    drop(spec);
    // The written spec must read back and pass its own policy; anything else is a topoc bug.
    if let Some(problem) = self_check(&text, toml) {
        diags.push(problem);
        reporter.findings(&diags, &files, args.format, stdout_free);
        return Exit::Failure;
    }
    reporter.findings(&diags, &files, args.format, stdout_free);
    match &args.out {
        Some(path) => {
            if path.exists() && !args.force {
                reporter.failure(&format!("{} exists: pass --force to overwrite it", path.display()));
                return Exit::Failure;
            }
            match write::atomic(path, &text) {
                Ok(()) => {
                    reporter.note(&format!(
                        "wrote {} ({} service{}, {} allow rule{})",
                        path.display(),
                        services,
                        plural(services),
                        rules.len(),
                        plural(rules.len())
                    ));
                    Exit::Ok
                }
                Err(message) => {
                    reporter.failure(&message);
                    Exit::Failure
                }
            }
        }
        None => match std::io::stdout().write_all(text.as_bytes()) {
            Ok(()) => Exit::Ok,
            Err(_) => Exit::Failure,
        },
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// Load and resolve the written spec: it must read back as a spec that resolves (the templates
/// fold into services with the same names and bodies). That its starting policy passes `check`
/// is guaranteed by construction (`policy::allows` admits every edge of the analysis) and tested
/// on the corpus (tests/compose_corpus.rs); judging thousands of rules again here would cost
/// more than the import.
fn self_check(text: &str, toml: bool) -> Option<Diagnostic> {
    let format = if toml { topoc_spec::Format::Toml } else { topoc_spec::Format::Yaml };
    let spec = match topoc_spec::load(text, format, topoc_diag::FileId(0)) {
        Ok(s) => s,
        Err(d) => {
            let first = d.iter().next().map(|d| d.message.clone()).unwrap_or_default();
            return Some(internal(&format!("the written spec does not load: {first}")));
        }
    };
    let resolution = topoc_model::resolve(&spec, &topoc_model::Lock::default());
    if resolution.topology.is_none() {
        let first = resolution.diagnostics.iter().next().map(|d| d.message.clone()).unwrap_or_default();
        return Some(internal(&format!("the written spec does not resolve: {first}")));
    }
    None
}

fn internal(message: &str) -> Diagnostic {
    Diagnostic::new(Code::ComposeReference, format!("topoc import bug: {message}"))
        .with_severity(Severity::Error)
        .help("please report this with the compose files; nothing was written")
}
