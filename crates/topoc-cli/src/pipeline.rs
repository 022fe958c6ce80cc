//! The shared front of every command: read the spec, load, resolve against the lock, keep the
//! lock current. Everything here is I/O around the library calls.

use crate::args::{SpecArgs, TargetArgs};
use crate::exit::Exit;
use crate::write;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use topoc_diag::{Code, Diagnostic, Diagnostics, Files, Severity, Span};
use topoc_emit::Provenance;
use topoc_model::{Lock, Target, Topology};
use topoc_spec::Format;

pub(crate) struct Outcome {
    pub(crate) files: Files,
    pub(crate) diagnostics: Diagnostics,
    pub(crate) topology: Option<Topology>,
    pub(crate) analysis: Option<topoc_reach::Analysis>,
    pub(crate) provenance: Provenance,
    /// Findings the project's suppressions hid (set by `apply_policy`), for SARIF.
    pub(crate) suppressed: Vec<topoc_diag::SuppressedFinding>,
    /// The spec's template instance ids: findings that differ only in them are one cause.
    pub(crate) instance_ids: std::collections::HashSet<String>,
    /// How far the pipeline got.
    pub(crate) stage: Stage,
    /// The lock the resolve produced (none when the spec did not load).
    pub(crate) lock: Option<LockUpdate>,
}

impl Outcome {
    /// A run that stopped before resolution: only what reading found.
    fn unresolved(files: Files, diagnostics: Diagnostics, provenance: Provenance, stage: Stage) -> Self {
        Outcome {
            files,
            diagnostics,
            topology: None,
            analysis: None,
            provenance,
            suppressed: Vec::new(),
            instance_ids: Default::default(),
            stage,
            lock: None,
        }
    }
}

/// The stages of a run, in order. A suppression is judged unused only when the stage that
/// produces its findings ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// The text could not be read as YAML or TOML (or UTF-8).
    Nothing,
    /// The document was decoded (completely, reporting every problem), not resolved.
    Decoded,
    /// Resolution ran (with or without errors); no analysis.
    Resolved,
    /// The analysis ran (and, for check and build, the target's capability check).
    Analyzed,
}

/// The stage whose run can produce findings of `code`: the reader's and decoder's own codes
/// (a code also raised later counts as the later stage's), resolution's, and the analysis's
/// (policy, hygiene, lints, target capabilities).
fn producing_stage(code: Code) -> Stage {
    match code {
        Code::Syntax | Code::DuplicateKey => Stage::Nothing,
        Code::InvalidType | Code::UnknownKey | Code::MissingKey => Stage::Decoded,
        Code::PolicyViolation
        | Code::OverBroad
        | Code::UnusedRule
        | Code::UnsatisfiedAllow
        | Code::EngineUnsupported
        | Code::VolumeAccess
        | Code::EscapeHatch
        | Code::Ineffective
        | Code::RelayUnreachable
        | Code::TargetUnsupported
        | Code::TargetIgnored
        | Code::SwarmName => Stage::Analyzed,
        c if topoc_reach::lints::group(c).is_some() => Stage::Analyzed,
        _ => Stage::Resolved,
    }
}

pub(crate) fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&topoc_spec::json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The default lock path: `<spec stem>.lock` beside the spec, so a spec's YAML and TOML forms
/// share one lock and different specs in one folder do not fight over it.
/// The spec's bytes, at most one byte past [`topoc_spec::limits::MAX_SPEC_BYTES`] (so a huge
/// file, or a pipe that never ends, is refused without being held in memory).
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(topoc_spec::limits::MAX_SPEC_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(crate) fn default_lock_path(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "topoc".into());
    spec.with_file_name(format!("{stem}.lock"))
}

/// Compile a spec: load, resolve (keeping the lock current), and analyze on the engine the
/// arguments name, deployed as `target`.
pub(crate) fn compile(args: &SpecArgs, reporter: &crate::report::Reporter, target: Target) -> Result<Outcome, Exit> {
    compile_changed(args, reporter, target, None)
}

/// A change to the spec made before it is resolved (`alloc`, `instance`): the edit, and the
/// spec as loaded (before the edit) handed back through `Outcome::loaded`. The lock is never
/// written: the command decides, once the changed topology has passed its checks.
pub(crate) type Edit<'a> = &'a dyn Fn(&topoc_spec::TopologySpec) -> Result<topoc_spec::TopologySpec, String>;

/// [`compile`] with the spec changed by `edit` first (and then the lock left unwritten).
pub(crate) fn compile_changed(
    args: &SpecArgs,
    reporter: &crate::report::Reporter,
    target: Target,
    edit: Option<Edit<'_>>,
) -> Result<Outcome, Exit> {
    let engine = match topoc_reach::EngineProfile::parse(&args.engine) {
        Ok(e) => e.with_target(target),
        Err(message) => {
            reporter.failure(&message);
            return Err(Exit::Failure);
        }
    };
    let display = args.spec.display().to_string();
    let bytes = match read_bounded(&args.spec) {
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
    if bytes.len() as u64 > topoc_spec::limits::MAX_SPEC_BYTES {
        let file = files.add(display, String::new());
        diagnostics.push(
            Diagnostic::new(
                Code::ResourceLimit,
                format!("the spec is larger than {} MiB", topoc_spec::limits::MAX_SPEC_BYTES / (1024 * 1024)),
            )
            .primary(Span::new(file, 0, 0), "not read past this limit")
            .help("split the topology into several specs"),
        );
        return Ok(Outcome::unresolved(files, diagnostics, provenance, Stage::Nothing));
    }
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
            return Ok(Outcome::unresolved(files, diagnostics, provenance, Stage::Nothing));
        }
    };
    // A compose file is read through the import, so findings land on its own lines.
    let (spec, read) = if args.compose.compose || topoc_import::looks_like_compose(&text) {
        crate::commands::import::load_for_analysis(&args.spec, &args.compose, &mut files)
    } else {
        let format = Format::from_path(&display);
        let file = files.add(display, text.as_str());
        match topoc_spec::load(&text, format, file) {
            Ok(spec) => (Some(spec), Diagnostics::new()),
            Err(diags) => (None, diags),
        }
    };
    // `files` holds its own copy of the text.
    drop(text);
    let Some(spec) = spec else {
        let stage = if read.iter().any(|d| d.code == Code::Syntax) { Stage::Nothing } else { Stage::Decoded };
        diagnostics.extend(read);
        diagnostics.sort();
        diagnostics.group_causes();
        return Ok(Outcome::unresolved(files, diagnostics, provenance, stage));
    };
    diagnostics.extend(read);
    // Most specs have no instances file: skip the copy of the spec applying one makes.
    let spec = match read_instances(&args.spec).and_then(|file| {
        if file.is_empty() {
            return Ok(spec);
        }
        file.apply(&spec).map_err(|e| format!("{}: {e}", default_instances_path(&args.spec).display()))
    }) {
        Ok(spec) => spec,
        Err(message) => {
            reporter.failure(&message);
            return Err(Exit::Failure);
        }
    };
    let spec = match edit {
        None => spec,
        Some(edit) => match edit(&spec) {
            Ok(changed) => changed,
            Err(message) => {
                reporter.failure(&message);
                return Err(Exit::Failure);
            }
        },
    };

    let lock_path = args.lock.clone().unwrap_or_else(|| default_lock_path(&args.spec));
    let (old_lock, lock_state) = read_lock(&lock_path, &mut diagnostics);
    let resolution = topoc_model::resolve(&spec, &old_lock);
    let instance_ids = instance_ids(&spec);
    // The decoded spec is not read after resolution: freed before the analysis, which is the
    // peak (a compose file's 20,000 decoded services were alive through it).
    drop(spec);
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
    let lock_changed = resolution.lock != old_lock;
    if writable
        && edit.is_none()
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
    let lock = Some(LockUpdate { path: lock_path, lock: resolution.lock, writable, changed: lock_changed });
    let analysis_ran = analysis.is_some();
    diagnostics.group_causes_of(&instance_ids);
    Ok(Outcome {
        files,
        diagnostics,
        topology: resolution.topology,
        analysis,
        provenance,
        suppressed: Vec::new(),
        instance_ids,
        stage: if analysis_ran { Stage::Analyzed } else { Stage::Resolved },
        lock,
    })
}

/// The lock a resolve produced, where it lives, and whether writing it is allowed and needed.
pub(crate) struct LockUpdate {
    pub(crate) path: PathBuf,
    pub(crate) lock: Lock,
    /// False when the file on disk could not be read (topoc leaves it alone).
    pub(crate) writable: bool,
    pub(crate) changed: bool,
}

/// Where `topoc instance` records instances: `<spec stem>.instances.toml` beside the spec.
pub(crate) fn default_instances_path(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "topoc".into());
    spec.with_file_name(format!("{stem}.instances.toml"))
}

/// The instances file beside the spec (empty when there is none).
pub(crate) fn read_instances(spec: &Path) -> Result<topoc_model::instance::InstancesFile, String> {
    let path = default_instances_path(spec);
    match std::fs::read_to_string(&path) {
        Ok(text) => topoc_model::instance::InstancesFile::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Every template's instance ids, as written (`instances`) or numbered (`count`: numbers are
/// instance names to the grouping anyway).
fn instance_ids(spec: &topoc_spec::TopologySpec) -> std::collections::HashSet<String> {
    spec.templates.iter().flat_map(|(_, t)| t.instances.iter().map(|i| i.value.clone())).collect()
}

/// A spec that compiled into a topology and its analysis, with the findings as `check` would
/// leave them under the same configuration.
pub(crate) struct Modeled {
    pub(crate) files: Files,
    pub(crate) topology: Topology,
    pub(crate) analysis: topoc_reach::Analysis,
    /// The findings after topoc.toml, inline suppressions and the baseline (and the target's
    /// capability check): what `check` reports.
    pub(crate) diagnostics: Diagnostics,
    /// Causes of denied reach whose findings the configuration hides.
    pub(crate) hidden_causes: std::collections::BTreeSet<topoc_reach::policy::Cause>,
    /// Whether `check` would exit 1 on these findings (`--fail-on`).
    pub(crate) fails: bool,
}

/// Compile for a command that needs the model (matrix, explain, graph), reading the same
/// configuration as `check` (so `check` and `matrix` agree): when the spec does not resolve,
/// its findings are reported and the command ends with exit 1.
pub(crate) fn compile_model(
    args: &SpecArgs,
    policy: &crate::args::PolicyArgs,
    reporter: &crate::report::Reporter,
    target: Target,
) -> Result<Modeled, Exit> {
    let mut outcome = compile(args, reporter, target)?;
    check_target(&mut outcome, &TargetArgs { target, allow_drop: Vec::new() });
    apply_policy(&mut outcome, &args.spec, policy, None, reporter)?;
    let fails = policy.fail_on.fails(&outcome.diagnostics);
    match (outcome.topology, outcome.analysis) {
        (Some(topology), Some(analysis)) if !analysis.refused() => {
            let hidden_causes = hidden_causes(&topology, &analysis, &outcome.diagnostics);
            Ok(Modeled {
                files: outcome.files,
                topology,
                analysis,
                diagnostics: outcome.diagnostics,
                hidden_causes,
                fails,
            })
        }
        _ => {
            reporter.findings(&outcome.diagnostics, &outcome.files, args.format, false);
            Err(Exit::Findings)
        }
    }
}

/// The causes whose denied-reach finding the configuration hid: it is no longer among the
/// findings shown (as a finding of its own or as an instance of a grouped one).
fn hidden_causes(
    topology: &Topology,
    analysis: &topoc_reach::Analysis,
    shown: &Diagnostics,
) -> std::collections::BTreeSet<topoc_reach::policy::Cause> {
    let spans = |d: &Diagnostic| d.labels.iter().map(|l| (l.span, l.primary)).collect::<Vec<_>>();
    // A finding is known by its code, its labels' places and its message.
    type Identity<'a> = (Code, Vec<(Span, bool)>, &'a str);
    let mut kept: std::collections::HashSet<Identity<'_>> = std::collections::HashSet::new();
    for d in shown {
        for m in d.messages() {
            kept.insert((d.code, spans(d), m));
        }
    }
    topoc_reach::policy::denied_causes(topology, &analysis.classes, &analysis.reach, &analysis.listeners)
        .into_iter()
        .filter(|(_, d)| !kept.contains(&(d.code, spans(d), d.message.as_str())))
        .map(|(cause, _)| cause)
        .collect()
}

/// Add the target's capability findings (what it would ignore or refuse) to a compiled spec.
pub(crate) fn check_target(outcome: &mut Outcome, target: &TargetArgs) {
    if let Some(topology) = &outcome.topology {
        outcome.diagnostics.extend(topoc_emit::targets::check(topology, target.target, &target.allow_drop));
        outcome.diagnostics.sort();
        outcome.diagnostics.group_causes_of(&outcome.instance_ids);
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
    let stage = outcome.stage;
    let judged = |s: &topoc_diag::Suppression| s.codes.iter().all(|c| producing_stage(*c) <= stage);
    let (kept, hidden, unused) = rules.apply_judging(diagnostics, &outcome.files, |d| protected(d, compiled), judged);
    if hidden.unjudged > 0 {
        reporter.note(&format!(
            "{} suppression{} not judged: the run stopped before the checks that would produce {} findings (fix the errors above)",
            hidden.unjudged,
            plural(hidden.unjudged),
            if hidden.unjudged == 1 { "its" } else { "their" }
        ));
    }
    let mut counts =
        HiddenCounts { suppressed: hidden.suppressed, disabled: hidden.disabled, ..HiddenCounts::default() };
    outcome.suppressed = hidden.findings;
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
    shown.group_causes_of(&outcome.instance_ids);
    outcome.diagnostics = shown;
    Ok(counts)
}
