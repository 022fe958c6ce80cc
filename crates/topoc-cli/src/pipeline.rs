//! The shared front of every command: read the spec, load, resolve against the lock, keep the
//! lock current. Everything here is I/O around the library calls.

use crate::args::{SpecArgs, TargetArgs};
use crate::exit::Exit;
use crate::write;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use topoc_diag::{Code, Diagnostic, Diagnostics, Files, Severity, Span};
use topoc_emit::Provenance;
use topoc_model::{Lock, Topology};
use topoc_spec::Format;

pub(crate) struct Outcome {
    pub(crate) files: Files,
    pub(crate) diagnostics: Diagnostics,
    pub(crate) topology: Option<Topology>,
    pub(crate) analysis: Option<topoc_reach::Analysis>,
    pub(crate) provenance: Provenance,
}

pub(crate) fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&topoc_spec::json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The default lock path: `<spec stem>.lock` beside the spec, so a spec's YAML and TOML forms
/// share one lock and different specs in one folder do not fight over it.
pub(crate) fn default_lock_path(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "topoc".into());
    spec.with_file_name(format!("{stem}.lock"))
}

/// Compile a spec: load, resolve (keeping the lock current), and analyze on the engine the
/// arguments name — as a Swarm stack when `swarm`.
pub(crate) fn compile(args: &SpecArgs, reporter: &crate::report::Reporter, swarm: bool) -> Result<Outcome, Exit> {
    let engine = match topoc_reach::EngineProfile::parse(&args.engine) {
        Ok(e) => e.with_swarm(swarm),
        Err(message) => {
            reporter.failure(&message);
            return Err(Exit::Failure);
        }
    };
    let display = args.spec.display().to_string();
    let bytes = match std::fs::read(&args.spec) {
        Ok(b) => b,
        Err(e) => {
            reporter.failure(&format!("cannot read {display}: {e}"));
            return Err(Exit::Failure);
        }
    };
    let spec_name = args.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| display.clone());
    let provenance = Provenance { spec_name, spec_sha256: hex(&Sha256::digest(&bytes)) };
    let mut files = Files::new();
    let mut diagnostics = Diagnostics::new();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = files.add(display, lossy);
            diagnostics.push(
                Diagnostic::new(Code::Syntax, "the spec is not valid UTF-8")
                    .primary(Span::new(file, at, at + 1), "invalid byte here")
                    .help("save the file as UTF-8"),
            );
            return Ok(Outcome { files, diagnostics, topology: None, analysis: None, provenance });
        }
    };
    let format = Format::from_path(&display);
    let file = files.add(display, text.as_str());
    let spec = match topoc_spec::load(&text, format, file) {
        Ok(spec) => spec,
        Err(diags) => {
            diagnostics.extend(diags);
            diagnostics.sort();
            return Ok(Outcome { files, diagnostics, topology: None, analysis: None, provenance });
        }
    };

    let lock_path = args.lock.clone().unwrap_or_else(|| default_lock_path(&args.spec));
    let (old_lock, lock_state) = read_lock(&lock_path, &mut diagnostics);
    let resolution = topoc_model::resolve(&spec, &old_lock);
    diagnostics.extend(resolution.diagnostics);
    let lock_exists = lock_state != LockState::Missing;
    if args.locked && lock_state == LockState::Unreadable {
        diagnostics.push(
            Diagnostic::new(
                Code::LockOutdated,
                format!("{} cannot be read, and --locked needs it", lock_path.display()),
            )
            .help("regenerate it: delete it and run topoc without --locked, then commit it"),
        );
    }
    // An unreadable lock is left alone: it may belong to a newer topoc, or hold a merge the
    // user is resolving. The warning says how to regenerate it.
    let writable = lock_state != LockState::Unreadable;
    if writable
        && !diagnostics.has_errors()
        && resolution.lock != old_lock
        && (lock_exists || !resolution.lock.is_empty())
    {
        if args.locked {
            diagnostics.push(
                Diagnostic::new(
                    Code::LockOutdated,
                    format!("{} is out of date and --locked forbids updating it", lock_path.display()),
                )
                .help("run topoc without --locked and commit the updated lock file"),
            );
        } else if let Err(message) = write::atomic(&lock_path, &resolution.lock.render()) {
            reporter.failure(&message);
            return Err(Exit::Failure);
        } else {
            reporter.note(&format!("updated {}", lock_path.display()));
        }
    }
    let analysis = resolution.topology.as_ref().map(|t| topoc_reach::analyze(t, engine));
    if let Some(a) = &analysis {
        diagnostics.extend(a.findings.clone());
    }
    diagnostics.sort();
    Ok(Outcome { files, diagnostics, topology: resolution.topology, analysis, provenance })
}

/// A spec that compiled into a topology and its analysis.
pub(crate) struct Modeled {
    pub(crate) files: Files,
    pub(crate) topology: Topology,
    pub(crate) analysis: topoc_reach::Analysis,
}

/// Compile for a command that needs the model (matrix, explain, graph): when the spec does not
/// resolve, its findings are reported and the command ends with exit 1.
pub(crate) fn compile_model(args: &SpecArgs, reporter: &crate::report::Reporter, swarm: bool) -> Result<Modeled, Exit> {
    let outcome = compile(args, reporter, swarm)?;
    match (outcome.topology, outcome.analysis) {
        (Some(topology), Some(analysis)) if !analysis.refused() => {
            Ok(Modeled { files: outcome.files, topology, analysis })
        }
        _ => {
            reporter.findings(&outcome.diagnostics, &outcome.files, args.format, false);
            Err(Exit::Findings)
        }
    }
}

/// Add the target's capability findings (what it would ignore or refuse) to a compiled spec.
pub(crate) fn check_target(outcome: &mut Outcome, target: &TargetArgs) {
    if let Some(topology) = &outcome.topology {
        outcome.diagnostics.extend(topoc_emit::targets::check(topology, target.target.into(), &target.allow_drop));
        outcome.diagnostics.sort();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LockState {
    Missing,
    Read,
    Unreadable,
}

fn read_lock(path: &Path, diagnostics: &mut Diagnostics) -> (Lock, LockState) {
    match std::fs::read_to_string(path) {
        Ok(text) => match Lock::parse(&text) {
            Ok(lock) => (lock, LockState::Read),
            Err(message) => {
                diagnostics.push(
                    Diagnostic::new(Code::LockInvalid, format!("ignoring {}: {message}", path.display()))
                        .help("topoc leaves it untouched; delete it to let topoc write a fresh one"),
                );
                (Lock::default(), LockState::Unreadable)
            }
        },
        Err(_) => (Lock::default(), LockState::Missing),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the project's configuration and baseline hid from a run.
#[derive(Debug, Default)]
pub(crate) struct HiddenCounts {
    pub(crate) suppressed: usize,
    pub(crate) disabled: usize,
    pub(crate) baselined: usize,
    /// Baseline entries that matched no finding (fixed since).
    pub(crate) stale: usize,
    pub(crate) baseline: Option<PathBuf>,
}

impl HiddenCounts {
    /// The `note:` lines saying what was hidden, if anything.
    pub(crate) fn report(&self, reporter: &crate::report::Reporter) {
        let mut parts = Vec::new();
        if self.suppressed > 0 {
            parts.push(format!("{} suppressed", self.suppressed));
        }
        if self.disabled > 0 {
            parts.push(format!("{} of codes turned off in [rules]", self.disabled));
        }
        if let Some(path) = &self.baseline {
            parts.push(format!("{} in the baseline {}", self.baselined, path.display()));
        }
        if !parts.is_empty() {
            let total = self.suppressed + self.disabled + self.baselined;
            reporter.note(&format!("{total} finding{} hidden: {}", plural(total), parts.join(", ")));
        }
        if self.stale > 0 {
            reporter.note(&format!(
                "{} baseline entr{} matched no finding (fixed since): refresh the baseline with --write-baseline",
                self.stale,
                if self.stale == 1 { "y" } else { "ies" }
            ));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `topoc.toml` sets the severity of findings; it cannot make a rule run. Rules of the
/// `hardening` group run only when the spec's `lints` section enables them, so an override
/// that raises one the spec leaves off would silently do nothing: say so where it is written.
fn hardening_overrides_without_effect(rules: &topoc_diag::Rules, topology: &Topology) -> Diagnostics {
    use topoc_reach::lints::{Group, group, runs};
    rules
        .overrides
        .iter()
        .filter(|o| o.severity.is_some() && group(o.code) == Some(Group::Hardening) && !runs(topology, o.code))
        .map(|o| {
            Diagnostic::new(
                Code::UnusedRule,
                format!("`{}` is a hardening lint the spec does not enable: this override changes nothing", o.code.as_str()),
            )
            .with_severity(Severity::Warning)
            .primary(o.span, "no finding of this code is produced")
            .help(format!(
                "enable it in the spec: `lints: {{ {}: warning }}` (or the whole group: `lints: {{ hardening: note }}`)",
                o.code.as_str()
            ))
        })
        .collect()
}

/// Why a finding cannot be lowered, suppressed or baselined, if it cannot.
fn protected(d: &Diagnostic, compiled: bool) -> Option<&'static str> {
    match d.code {
        _ if d.severity == Severity::Error && !compiled => {
            Some("the spec does not compile while it stands, so nothing past it can be checked or built")
        }
        Code::TargetUnsupported if d.severity == Severity::Error => {
            Some("the target cannot carry this; accept the loss with --allow-drop")
        }
        Code::LockOutdated => Some("the lock file must be current"),
        _ => None,
    }
}

/// Apply the project's configuration (`--config`, else `topoc.toml` beside the spec), the
/// spec's inline `# topoc: ignore[...]` comments, and a baseline (`--baseline`, or the one
/// `write_baseline` records first) to a compiled spec's findings. Problems in the configuration
/// and in the comments are added as findings; an unreadable configuration or baseline ends the
/// run (exit 2).
pub(crate) fn apply_policy(
    outcome: &mut Outcome,
    spec: &Path,
    policy: &crate::args::PolicyArgs,
    write_baseline: Option<&Path>,
    reporter: &crate::report::Reporter,
) -> Result<HiddenCounts, Exit> {
    let config_path = match &policy.config {
        Some(path) => Some(path.clone()),
        None => {
            let beside = spec.with_file_name(crate::config::FILE_NAME);
            let is_spec = spec.file_name().is_some_and(|n| n == crate::config::FILE_NAME);
            (beside.is_file() && !is_spec).then_some(beside)
        }
    };
    let mut rules = topoc_diag::Rules::default();
    let mut problems = Diagnostics::new();
    if let Some(path) = config_path {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                reporter.failure(&format!("cannot read {}: {e}", path.display()));
                return Err(Exit::Failure);
            }
        };
        let file = outcome.files.add(path.display().to_string(), text.as_str());
        let (read, diags) = crate::config::parse(&text, file);
        rules = read;
        problems.extend(diags);
    }
    if let Some(topology) = &outcome.topology {
        problems.extend(hardening_overrides_without_effect(&rules, topology));
    }
    // The spec is always the first file.
    if let Some(spec_file) = outcome.files.get(topoc_diag::FileId(0)) {
        let text = spec_file.text.clone();
        let (inline, diags) = topoc_diag::inline_suppressions(topoc_diag::FileId(0), &text);
        rules.suppressions.extend(inline);
        problems.extend(diags);
    }
    let compiled = outcome.topology.is_some();
    let diagnostics = std::mem::take(&mut outcome.diagnostics);
    let (kept, hidden, unused) = rules.apply(diagnostics, &outcome.files, |d| protected(d, compiled));
    let mut counts =
        HiddenCounts { suppressed: hidden.suppressed, disabled: hidden.disabled, ..HiddenCounts::default() };
    let baseline = match (write_baseline, &policy.baseline) {
        (Some(path), _) => {
            let recorded: Diagnostics = kept.iter().filter(|d| protected(d, compiled).is_none()).cloned().collect();
            let text = topoc_diag::to_baseline(&recorded, &outcome.files);
            if let Err(message) = write::atomic(path, &text) {
                reporter.failure(&message);
                return Err(Exit::Failure);
            }
            reporter.note(&format!("wrote {} finding{} to {}", recorded.len(), plural(recorded.len()), path.display()));
            Some((path.to_path_buf(), topoc_diag::Baseline::parse(&text).map_err(|_| Exit::Failure)?))
        }
        (None, Some(path)) => {
            let parsed =
                std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| topoc_diag::Baseline::parse(&t));
            match parsed {
                Ok(b) => Some((path.clone(), b)),
                Err(e) => {
                    reporter.failure(&format!("cannot read baseline {}: {e}", path.display()));
                    return Err(Exit::Failure);
                }
            }
        }
        (None, None) => None,
    };
    let mut shown = kept;
    if let Some((path, baseline)) = baseline {
        let (left, hidden, stale) = baseline.filter(shown, &outcome.files, |d| protected(d, compiled).is_some());
        shown = left;
        counts.baselined = hidden;
        counts.stale = stale;
        counts.baseline = Some(path);
    }
    shown.extend(problems);
    shown.extend(unused);
    shown.sort();
    outcome.diagnostics = shown;
    Ok(counts)
}
