//! `topoc instance add|remove SPEC TEMPLATE ID`: record a template instance in the instances
//! file beside the spec (or take it out), allocate through the lock, check the whole topology
//! with the change, then print (`--dry-run`) or run the engine operations that bring the live
//! deployment there without restarting anything else.

use crate::args::{FindingsFormat, SpecArgs};
use crate::exit::Exit;
use crate::pipeline::{self, Outcome};
use crate::report::Reporter;
use crate::write;
use std::io::Write;
use std::path::{Path, PathBuf};
use topoc_model::instance::{Allocation, allocation, with_instance, without_instance};
use topoc_model::plan::{self, Operation};

#[derive(Debug, clap::Args)]
pub(crate) struct InstanceArgs {
    #[command(subcommand)]
    pub(crate) action: InstanceAction,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum InstanceAction {
    /// Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its
    /// networks through the lock, check the topology, and create its networks, connect the
    /// existing services it attaches (no restart) and start its services.
    Add(InstanceChange),
    /// Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect
    /// the attached services, remove its networks, and free its allocation in the lock.
    Remove(InstanceChange),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InstanceChange {
    #[command(flatten)]
    pub(crate) spec: SpecArgs,
    /// The template.
    pub(crate) template: String,
    /// The instance id (what `{id}` becomes).
    pub(crate) id: String,
    /// Print the plan of engine operations (JSON with `--format json`) and change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// The Compose file of the deployment: services are started and stopped through it, and
    /// it is rewritten (as `topoc build --out` would) for the new instance set.
    #[arg(long, value_name = "PATH", default_value = "compose.yaml")]
    pub(crate) out: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Add,
    Remove,
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Remove => "remove",
        }
    }
}

pub(crate) fn exec(args: &InstanceArgs, reporter: &Reporter) -> Exit {
    match &args.action {
        InstanceAction::Add(change) => run(change, Action::Add, reporter),
        InstanceAction::Remove(change) => run(change, Action::Remove, reporter),
    }
}

fn run(args: &InstanceChange, action: Action, reporter: &Reporter) -> Exit {
    let mut file = match pipeline::read_instances(&args.spec.spec) {
        Ok(f) => f,
        Err(message) => {
            reporter.failure(&message);
            return Exit::Failure;
        }
    };
    let recorded = file.templates.get(&args.template).is_some_and(|ids| ids.contains(&args.id));
    // The topology before the change (for remove: where the instance's allocation is read).
    let before = match action {
        Action::Add => None,
        Action::Remove if !recorded => {
            reporter.failure(&format!(
                "instance `{}` of template `{}` is not recorded in {}: `instance remove` removes only \
                 instances `instance add` recorded; remove one written in the spec from the spec",
                args.id,
                args.template,
                pipeline::default_instances_path(&args.spec.spec).display()
            ));
            return Exit::Failure;
        }
        Action::Remove => match model(args, None, reporter) {
            Ok(outcome) => Some(outcome),
            Err(exit) => return exit,
        },
    };
    let (t, id) = (args.template.as_str(), args.id.as_str());
    let edit = |spec: &topoc_spec::TopologySpec| {
        match action {
            Action::Add => with_instance(spec, t, id),
            Action::Remove => without_instance(spec, t, id),
        }
        .map_err(|e| e.to_string())
    };
    let after = match model(args, Some(&edit), reporter) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    let Some(after_topology) = after.topology.as_ref() else { return Exit::Findings };
    let (held_in, allocated): (&topoc_model::Topology, Option<Allocation>) = match &before {
        None => (after_topology, allocation(after_topology, t, id)),
        Some(b) => {
            let topo = b.topology.as_ref().expect("model() returns a topology");
            (topo, allocation(topo, t, id))
        }
    };
    let Some(allocated) = allocated else {
        reporter.failure(&format!("template `{t}` has no instance `{id}` after resolution"));
        return Exit::Failure;
    };
    // Removing an instance that is not its template's last moves the `{index}` of those after
    // it; a template that derives addresses from `{index}` would move them. Nothing else may move.
    if let Some(b) = &before {
        let moved = moved_instances(b.topology.as_ref().expect("model() returns a topology"), after_topology, t, id);
        if !moved.is_empty() {
            reporter.failure(&format!(
                "removing instance `{id}` of template `{t}` would move the addresses of {}: their `{{index}}` \
                 changes; derive addresses from pools and `{{id}}` instead, or remove the last instance",
                moved.join(", ")
            ));
            return Exit::Findings;
        }
    }
    let ops = match action {
        Action::Add => plan::add(held_in, &allocated),
        Action::Remove => plan::remove(held_in, &allocated),
    };
    let compose = args.out.display().to_string();
    let project = &after_topology.name;
    if args.dry_run || args.spec.format == FindingsFormat::Json {
        let text = match args.spec.format {
            FindingsFormat::Json => {
                let value = serde_json::json!({
                    "action": action.word(),
                    "template": t,
                    "id": id,
                    "allocation": allocated,
                    "operations": ops,
                });
                let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
                text.push('\n');
                text
            }
            _ => ops.iter().map(|op| shell_line(&plan::command_line(op, project, &compose)) + "\n").collect(),
        };
        if std::io::stdout().write_all(text.as_bytes()).is_err() {
            return Exit::Failure;
        }
    }
    if args.dry_run {
        return Exit::Ok;
    }
    let ids = file.templates.entry(t.to_owned()).or_default();
    match action {
        Action::Add => ids.push(id.to_owned()),
        Action::Remove => ids.retain(|i| i != id),
    }
    file.templates.retain(|_, ids| !ids.is_empty());
    let carried = topoc_model::instance::without_runtime_attachments(after_topology, &file);
    let rendered = match topoc_emit::compose::render(&carried, &after.provenance, &topoc_emit::Templates::builtin()) {
        Ok(text) => text,
        Err(e) => {
            reporter.failure(&e.to_string());
            return Exit::Failure;
        }
    };
    // Services start from the artifact with the instance; they stop through the one that
    // still has it. So the artifact is rewritten before an add's operations and after a
    // remove's.
    if action == Action::Add
        && let Err(message) = write::generated(&args.out, &rendered, false, &[args.spec.spec.as_path()])
    {
        reporter.failure(&message);
        return Exit::Failure;
    }
    for op in &ops {
        if let Err(message) = execute(op, project, &compose) {
            reporter
                .failure(&format!("{message}; the operations before it were applied, the instance is not recorded"));
            return Exit::Failure;
        }
    }
    if action == Action::Remove
        && let Err(message) = write::generated(&args.out, &rendered, false, &[args.spec.spec.as_path()])
    {
        reporter.failure(&message);
        return Exit::Failure;
    }
    if let Err(message) = record(&args.spec.spec, &file, &after) {
        reporter.failure(&message);
        return Exit::Failure;
    }
    Exit::Ok
}

/// Compile with the change; a topology with errors (the policy no longer holds, a full pool)
/// stops everything: the findings are printed and nothing is done.
fn model(args: &InstanceChange, edit: Option<pipeline::Edit<'_>>, reporter: &Reporter) -> Result<Outcome, Exit> {
    // An empty edit still keeps the lock unwritten: only a completed change records anything.
    let keep = |spec: &topoc_spec::TopologySpec| Ok(spec.clone());
    let outcome =
        pipeline::compile_changed(&args.spec, reporter, topoc_model::Target::Compose, Some(edit.unwrap_or(&keep)))?;
    if outcome.topology.is_none() || outcome.diagnostics.has_errors() {
        reporter.findings(&outcome.diagnostics, &outcome.files, args.spec.format, false);
        return Err(Exit::Findings);
    }
    Ok(outcome)
}

/// Write the instances file and the lock of the new instance set.
fn record(spec: &Path, file: &topoc_model::instance::InstancesFile, after: &Outcome) -> Result<(), String> {
    let path = pipeline::default_instances_path(spec);
    if file.is_empty() {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", path.display())),
        }
    } else {
        write::atomic(&path, &file.render())?;
    }
    if let Some(lock) = after.lock.as_ref().filter(|l| l.writable && l.changed) {
        write::atomic(&lock.path, &lock.lock.render())?;
    }
    Ok(())
}

fn execute(op: &Operation, project: &str, compose: &str) -> Result<(), String> {
    let mut argv = plan::command_line(op, project, compose);
    // `docker compose` in the printed plan; here the Compose v2 that verify also uses.
    if argv.get(1).is_some_and(|a| a == "compose") {
        let mut program = super::verify::compose_command()?;
        program.extend(argv.drain(2..));
        argv = program;
    }
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", shell_line(&argv)))?;
    // The PyPI Compose wrapper exits 0 on errors: a failed `compose up` shows on stderr.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let compose_error =
        matches!(op, Operation::StartService { .. } | Operation::StopService { .. }) && stderr.contains("Error");
    if out.status.success() && !compose_error {
        Ok(())
    } else {
        Err(format!("`{}` failed: {}", shell_line(&argv), stderr.trim()))
    }
}

/// Arguments joined for a shell, single-quoting any that need it.
fn shell_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c)) {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The instances (`template/id`) other than the removed one whose allocation differs between
/// the two topologies.
fn moved_instances(
    before: &topoc_model::Topology,
    after: &topoc_model::Topology,
    removed_template: &str,
    removed_id: &str,
) -> Vec<String> {
    let settled = |mut a: Allocation| {
        // `new` says whether a resolve found the subnet in the lock, not where it is.
        a.networks.iter_mut().for_each(|n| n.new = false);
        a
    };
    let mut moved = Vec::new();
    for template in &before.templates {
        for id in &template.instances {
            if template.name == removed_template && id == removed_id {
                continue;
            }
            let was = allocation(before, &template.name, id).map(settled);
            let now = allocation(after, &template.name, id).map(settled);
            if was != now {
                moved.push(format!("`{}/{id}`", template.name));
            }
        }
    }
    moved
}
