//! `topoc instance move SPEC NETWORK --from OLD_SPEC`: a LAN (macvlan or ipvlan network)
//! whose subnet changed, as the MACVLAN runtimes' agent meets it when the host moves. The new
//! spec says where the network is now (its subnet, maybe its name, and the addresses planned
//! for it, examples/macvlan-runtimes FIX 7); the model checks the whole topology with it first
//! (any error: nothing is done), then the members are disconnected, the old network removed,
//! the new one created and every member connected with its address and MAC. No container
//! restarts: their other endpoints stay.

use crate::args::{FindingsFormat, SpecArgs};
use crate::exit::Exit;
use crate::pipeline::{self, Outcome};
use crate::report::Reporter;
use std::io::Write;
use std::path::PathBuf;
use topoc_model::plan::{self, Operation};

#[derive(Debug, clap::Args)]
pub(crate) struct MoveArgs {
    /// The spec as it is after the move (the network's new subnet, the addresses planned for it).
    #[command(flatten)]
    pub(crate) spec: SpecArgs,
    /// The network (its name in the new spec).
    pub(crate) network: String,
    /// The spec as deployed (e.g. `git show HEAD:topology.yaml > /tmp/deployed.yaml`).
    #[arg(long, value_name = "OLD_SPEC")]
    pub(crate) from: PathBuf,
    /// The network's name in the old spec, when the move renamed it (default: NETWORK).
    #[arg(long, value_name = "NAME")]
    pub(crate) was: Option<String>,
    /// Print the plan (JSON with `--format json`) and change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

pub(crate) fn exec(args: &MoveArgs, reporter: &Reporter) -> Exit {
    let old_args = SpecArgs {
        spec: args.from.clone(),
        format: args.spec.format,
        // The deployed spec's own lock, read only: only its macvlan network and its members matter.
        lock: None,
        locked: false,
        engine: args.spec.engine.clone(),
        compose: args.spec.compose.clone(),
    };
    let (before, after) = match (compiled(&old_args, reporter), compiled(&args.spec, reporter)) {
        (Ok(b), Ok(a)) => (b, a),
        (Err(exit), _) | (_, Err(exit)) => return exit,
    };
    let (Some(before_t), Some(after_t)) = (before.topology.as_ref(), after.topology.as_ref()) else {
        return Exit::Findings;
    };
    let was = args.was.as_deref().unwrap_or(&args.network);
    let ops = match plan::move_network(before_t, after_t, was, &args.network) {
        Ok(ops) => ops,
        Err(refusal) => {
            reporter.failure(&refusal.to_string());
            return Exit::Failure;
        }
    };
    let needs_mac = ops.iter().any(|op| matches!(op, Operation::Connect { mac: Some(_), .. }));
    if args.dry_run || args.spec.format == FindingsFormat::Json {
        let text = match args.spec.format {
            FindingsFormat::Json => {
                let value =
                    serde_json::json!({ "action": "move", "network": args.network, "was": was, "operations": ops });
                let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
                text.push('\n');
                text
            }
            _ => {
                let mut text = String::new();
                if needs_mac {
                    text.push_str(MAC_NOTE);
                }
                for op in &ops {
                    text.push_str(&super::instance::shell_line(&plan::command_line(op, &after_t.name, "compose.yaml")));
                    if let Operation::Connect { mac: Some(mac), .. } = op {
                        text.push_str(&format!("  # MAC {mac}: through the API"));
                    }
                    text.push('\n');
                }
                text
            }
        };
        if std::io::stdout().write_all(text.as_bytes()).is_err() {
            return Exit::Failure;
        }
    }
    if args.dry_run {
        return Exit::Ok;
    }
    // The CLI would connect the vNIC with a MAC the engine picks: the runtime would appear on
    // the LAN as another device. Refuse rather than do that.
    if needs_mac {
        reporter.failure(
            "the move keeps MAC addresses, which `docker network connect` cannot set: run the plan through the Docker \
             API (`--format json --dry-run`; the `connect` operations carry `mac`, EndpointSettings.MacAddress, Engine 25.0 \
             and later); nothing was done",
        );
        return Exit::Failure;
    }
    for op in &ops {
        if let Err(message) = super::instance::execute(op, &after_t.name, "compose.yaml") {
            reporter.failure(&format!("{message}; the operations before it were applied"));
            return Exit::Failure;
        }
    }
    Exit::Ok
}

const MAC_NOTE: &str = "# `docker network connect` has no MAC flag: a connect below that keeps a MAC must go through the\n\
# Docker API (EndpointSettings.MacAddress, API 1.44, Engine 25.0 and later); `--format json` carries it.\n";

/// The spec compiled; findings with errors (the new spec breaks the policy, overlaps a
/// network, has an address outside the new subnet) stop the move before anything is done.
fn compiled(args: &SpecArgs, reporter: &Reporter) -> Result<Outcome, Exit> {
    let keep = |spec: &topoc_spec::TopologySpec| Ok(spec.clone());
    let outcome = pipeline::compile_changed(args, reporter, topoc_model::Target::Compose, Some(&keep))?;
    if outcome.topology.is_none() || outcome.diagnostics.has_errors() {
        reporter.findings(&outcome.diagnostics, &outcome.files, args.format, false);
        return Err(Exit::Findings);
    }
    Ok(outcome)
}
