//! `topoc diff OLD NEW` and `topoc diff SPEC --git REV`: compile both sides with the same engine
//! profile and target (through `pipeline::compile`, as `check` does), and report what the change
//! does to reachability, exposure, allocations, findings and the emitted artifact.
//!
//! With `--git`, the old side is the spec, its lock and its `topoc.toml` as they are at REV
//! (read with `git show`, written to a temporary directory: nothing is checked out), and the
//! new side is the working tree.

use crate::args::{PolicyArgs, SpecArgs, Target, TargetArgs};
use crate::exit::Exit;
use crate::pipeline::{self, Outcome};
use crate::report::Reporter;
use clap::ValueEnum;
use std::io::Write;
use std::path::{Path, PathBuf};
use topoc_diag::{Code, Diagnostics, Files};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    /// A short summary, then every change with its witness path (stdout).
    Human,
    /// A pull-request comment: summary, then collapsible sections, capped per category.
    Markdown,
    /// Everything, uncapped, with a summary block.
    Json,
    /// SARIF 2.1.0 of the findings that are new on the new side.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffLevel {
    /// A row per pair of services.
    Services,
    /// A row per pair of classes (services the model cannot tell apart).
    Classes,
    /// Classes, with a template's instances that changed alike in one row.
    Templates,
}

/// When `topoc diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFailOn {
    /// A pair reaches more than before (also from or to external or the host), or a port is
    /// published anew or on more interfaces.
    NewExposure,
    /// Anything differs: reachability, ports, allocations, renames, findings, the artifact.
    AnyChange,
    /// Never exit 1 (2 still means the diff could not run).
    Never,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The old spec; with `--git`, the spec whose version at REV is the old side.
    pub(crate) old: PathBuf,
    /// The new spec (not with `--git`, where the working tree's spec is the new side).
    #[arg(required_unless_present = "git")]
    pub(crate) new: Option<PathBuf>,
    /// Compare the spec, its lock and its `topoc.toml` at this git revision with the working tree.
    #[arg(long, value_name = "REV", conflicts_with = "new")]
    pub(crate) git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub(crate) format: DiffFormat,
    /// How reachability pairs are named and grouped.
    #[arg(long, value_enum, default_value_t = DiffLevel::Templates)]
    pub(crate) level: DiffLevel,
    /// What makes the diff exit 1.
    #[arg(long = "fail-on", value_enum, default_value_t = DiffFailOn::NewExposure)]
    pub(crate) fail_on: DiffFailOn,
    /// The deploy target both sides are modeled and emitted for.
    #[arg(long, value_parser = crate::args::target_parser(), default_value_t = Target::Compose)]
    pub(crate) target: Target,
    /// Docker Engine version both sides are modeled on (`20.10`, `28.2.2`, `current`).
    #[arg(long, default_value = "current")]
    pub(crate) engine: String,
    /// Lock file of the old spec (default: `<stem>.lock` beside it; with `--git`, that lock at REV).
    #[arg(long = "old-lock", value_name = "PATH", conflicts_with = "git")]
    pub(crate) old_lock: Option<PathBuf>,
    /// Lock file of the new spec (default: `<stem>.lock` beside it).
    #[arg(long = "new-lock", value_name = "PATH")]
    pub(crate) new_lock: Option<PathBuf>,
    /// Fail instead of updating a lock file (the old side at REV is never written).
    #[arg(long)]
    pub(crate) locked: bool,
}

/// A side read from git: the temporary directory it lives in, and how to name its files.
struct GitSide {
    dir: tempfile::TempDir,
    spec: PathBuf,
    label: String,
}

pub(crate) fn exec(args: &DiffArgs, reporter: &Reporter) -> Exit {
    let spec_args = |spec: &Path, lock: Option<PathBuf>, locked: bool| SpecArgs {
        spec: spec.to_path_buf(),
        format: crate::args::FindingsFormat::Human,
        lock,
        locked,
        engine: args.engine.clone(),
        // Compose files are recognised by their content and read through the import.
        compose: crate::args::ComposeArgs::default(),
    };
    let (old_args, new_args, git, old_label, new_label) = match (&args.git, &args.new) {
        (Some(rev), _) => {
            let git = match from_git(&args.old, rev, args.new_lock.as_deref()) {
                Ok(g) => g,
                Err(message) => {
                    reporter.failure(&message);
                    return Exit::Failure;
                }
            };
            // The revision's lock is read, never written: an outdated one is said once below.
            let old = spec_args(&git.spec, None, true);
            let new = spec_args(&args.old, args.new_lock.clone(), args.locked);
            let label = git.label.clone();
            (old, new, Some(git), label, args.old.display().to_string())
        }
        (None, Some(new)) => (
            spec_args(&args.old, args.old_lock.clone(), args.locked),
            spec_args(new, args.new_lock.clone(), args.locked),
            None,
            args.old.display().to_string(),
            new.display().to_string(),
        ),
        (None, None) => {
            reporter.failure("give the new spec, or --git REV to compare with a revision");
            return Exit::Failure;
        }
    };
    // The sides are independent: compile them on two threads.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| side(&old_args, args, reporter));
        let new = side(&new_args, args, reporter);
        (old.join().unwrap_or(Err(Exit::Failure)), new)
    });
    let (Ok(mut old), Ok(new)) = (old, new) else { return Exit::Failure };
    if let Some(git) = &git {
        rename_files(&mut old.outcome.files, git);
        let before = old.outcome.diagnostics.len();
        old.outcome.diagnostics =
            old.outcome.diagnostics.iter().filter(|d| d.code != Code::LockOutdated).cloned().collect();
        if old.outcome.diagnostics.len() != before {
            reporter.note(&format!(
                "the lock at {} is not current: the old side uses the allocation topoc computes from it",
                git.label
            ));
        }
    }
    let mut failed = false;
    for (label, s) in [(&old_label, &old), (&new_label, &new)] {
        if s.outcome.topology.is_none() {
            reporter.findings(&s.outcome.diagnostics, &s.outcome.files, crate::args::FindingsFormat::Human, false);
            reporter.failure(&format!("{label} does not compile: fix its errors to compare it"));
            failed = true;
        }
    }
    if failed {
        return Exit::Failure;
    }
    let (Some(old_topology), Some(old_analysis), Some(new_topology), Some(new_analysis)) =
        (&old.outcome.topology, &old.outcome.analysis, &new.outcome.topology, &new.outcome.analysis)
    else {
        return Exit::Failure;
    };
    let old_side = topoc_diff::Side {
        topology: old_topology,
        analysis: old_analysis,
        findings: &old.outcome.diagnostics,
        files: &old.outcome.files,
        artifact: old.artifact.as_ref(),
    };
    let new_side = topoc_diff::Side {
        topology: new_topology,
        analysis: new_analysis,
        findings: &new.outcome.diagnostics,
        files: &new.outcome.files,
        artifact: new.artifact.as_ref(),
    };
    let level = match args.level {
        DiffLevel::Services => topoc_diff::Level::Services,
        DiffLevel::Classes => topoc_diff::Level::Classes,
        DiffLevel::Templates => topoc_diff::Level::Templates,
    };
    let diff = topoc_diff::diff(&old_side, &new_side, &topoc_diff::Options { level });
    let text = match args.format {
        DiffFormat::Human => topoc_diff::render::human(&diff, &old_label, &new_label),
        DiffFormat::Markdown => topoc_diff::render::markdown(&diff, &old_label, &new_label),
        DiffFormat::Json => topoc_diff::render::json(&diff),
        DiffFormat::Sarif => {
            let all: Vec<&topoc_diag::Diagnostic> = new.outcome.diagnostics.iter().collect();
            let fresh: Diagnostics =
                diff.findings.new.iter().filter_map(|f| all.get(f.index).map(|d| (*d).clone())).collect();
            let mut text = serde_json::to_string_pretty(&topoc_diag::to_sarif(
                &fresh,
                &new.outcome.files,
                env!("CARGO_PKG_VERSION"),
            ))
            .unwrap_or_default();
            text.push('\n');
            text
        }
    };
    drop(git);
    if std::io::stdout().write_all(text.as_bytes()).is_err() {
        return Exit::Failure;
    }
    let fails = match args.fail_on {
        DiffFailOn::NewExposure => diff.has_new_exposure(),
        DiffFailOn::AnyChange => !diff.is_empty(),
        DiffFailOn::Never => false,
    };
    // The process exits next: freeing both compiled sides one allocation at a time (about a
    // tenth of a diff's instructions at 2,000 services, callgrind) buys nothing.
    std::mem::forget((old, new, diff));
    if fails { Exit::Findings } else { Exit::Ok }
}

/// One compiled side: its outcome after the target check and the project's configuration, and
/// the artifact `build` would emit from it (build itself refuses while errors remain).
struct Compiled {
    outcome: Outcome,
    artifact: Option<topoc_diff::Artifact>,
}

fn side(spec: &SpecArgs, args: &DiffArgs, reporter: &Reporter) -> Result<Compiled, Exit> {
    let mut outcome = pipeline::compile(spec, reporter, args.target)?;
    pipeline::check_target(&mut outcome, &TargetArgs { target: args.target, allow_drop: Vec::new() });
    let policy = PolicyArgs { fail_on: crate::args::FailOn::Never, config: None, baseline: None };
    pipeline::apply_policy(&mut outcome, &spec.spec, &policy, None, reporter)?;
    let artifact = outcome.topology.as_ref().map(|t| match args.target {
        Target::Compose => topoc_diff::Artifact::compose(topoc_emit::compose::model(t, &outcome.provenance)),
        Target::Swarm => topoc_diff::Artifact::stack(topoc_emit::stack::model(t, &outcome.provenance)),
    });
    Ok(Compiled { outcome, artifact })
}

/// `git show REV:./NAME` run in the file's directory, so the path is the working tree's.
fn git_show(rev: &str, path: &Path) -> Result<Option<Vec<u8>>, String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("show")
        .arg(format!("{rev}:./{name}"))
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        return Ok(Some(output.stdout));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A file absent at REV is a fact about the revision; anything else (no repository, an
    // unknown revision) means the diff cannot run.
    if stderr.contains("does not exist in") || stderr.contains("exists on disk, but not in") {
        Ok(None)
    } else {
        Err(format!("git show {rev}:{}: {}", path.display(), stderr.trim()))
    }
}

fn from_git(spec: &Path, rev: &str, new_lock: Option<&Path>) -> Result<GitSide, String> {
    let label = format!("{rev}:{}", spec.display());
    let Some(text) = git_show(rev, spec)? else {
        return Err(format!("{} does not exist at {rev}: there is nothing to compare with", spec.display()));
    };
    let dir = tempfile::Builder::new()
        .prefix("topoc-diff-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let name = spec.file_name().ok_or_else(|| format!("{} is not a file", spec.display()))?;
    let old_spec = dir.path().join(name);
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(&old_spec, &text)?;
    let lock = new_lock.map(Path::to_path_buf).unwrap_or_else(|| pipeline::default_lock_path(spec));
    if let Some(bytes) = git_show(rev, &lock)? {
        write(&pipeline::default_lock_path(&old_spec), &bytes)?;
    }
    let config = spec.with_file_name(crate::config::FILE_NAME);
    if let Some(bytes) = git_show(rev, &config)? {
        write(&dir.path().join(crate::config::FILE_NAME), &bytes)?;
    }
    Ok(GitSide { dir, spec: old_spec, label })
}

/// Name the revision's files `REV:path` in findings and witnesses, not by the temporary copy.
fn rename_files(files: &mut Files, git: &GitSide) {
    let prefix = git.dir.path().display().to_string();
    let rev = git.label.split(':').next().unwrap_or_default().to_owned();
    let mut renamed = Files::new();
    for (_, f) in files.iter() {
        let path = match f.path.strip_prefix(&prefix) {
            Some(_) if f.path == git.spec.display().to_string() => git.label.clone(),
            Some(rest) => format!("{rev}:{}", rest.trim_start_matches('/')),
            None => f.path.clone(),
        };
        renamed.add(path, f.text.clone());
    }
    *files = renamed;
}
