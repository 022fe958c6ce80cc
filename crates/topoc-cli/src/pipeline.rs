//! The shared front of every command: read the spec, load, resolve against the lock, keep the
//! lock current. Everything here is I/O around the library calls.

use crate::args::{SpecArgs, TargetArgs};
use crate::exit::Exit;
use crate::write;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use topoc_diag::{Code, Diagnostic, Diagnostics, Files, Span};
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
        (Some(topology), Some(analysis)) => Ok(Modeled { files: outcome.files, topology, analysis }),
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
