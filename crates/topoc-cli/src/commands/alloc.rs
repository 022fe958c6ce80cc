//! `topoc alloc SPEC TEMPLATE ID`: what a new instance of a template would get (subnets,
//! gateways, every address), from the pools and the lock, changing nothing.

use crate::args::{FindingsFormat, SpecArgs};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use std::io::Write;
use topoc_model::instance::{Allocation, allocation, with_instance};

#[derive(Debug, clap::Args)]
pub(crate) struct AllocArgs {
    #[command(flatten)]
    pub(crate) spec: SpecArgs,
    /// The template to add an instance of.
    pub(crate) template: String,
    /// The new instance's id (what `{id}` becomes).
    pub(crate) id: String,
}

pub(crate) fn exec(args: &AllocArgs, reporter: &Reporter) -> Exit {
    let edit =
        |spec: &topoc_spec::TopologySpec| with_instance(spec, &args.template, &args.id).map_err(|e| e.to_string());
    let outcome = match pipeline::compile_changed(&args.spec, reporter, topoc_model::Target::Compose, Some(&edit)) {
        Ok(o) => o,
        Err(exit) => return exit,
    };
    let found = outcome.topology.as_ref().and_then(|t| allocation(t, &args.template, &args.id));
    let has_errors = outcome.diagnostics.has_errors();
    if has_errors || !outcome.diagnostics.is_empty() {
        reporter.findings(&outcome.diagnostics, &outcome.files, args.spec.format, false);
    }
    let Some(found) = found else {
        return Exit::Findings;
    };
    let text = match args.spec.format {
        FindingsFormat::Json => {
            let mut t = serde_json::to_string_pretty(&found).unwrap_or_default();
            t.push('\n');
            t
        }
        _ => human(&found),
    };
    if std::io::stdout().write_all(text.as_bytes()).is_err() {
        return Exit::Failure;
    }
    // The addresses are what a build would give, but a topology with errors (a policy the
    // instance breaks) would not be built: say so through the exit code.
    if has_errors { Exit::Findings } else { Exit::Ok }
}

fn human(a: &Allocation) -> String {
    let mut out = format!("instance `{}` of template `{}`\n", a.id, a.template);
    for n in &a.networks {
        out.push_str(&format!("network {} (engine name {})", n.name, n.engine_name));
        for (subnet, gateway) in [(n.subnet, n.gateway), (n.subnet6, n.gateway6)] {
            if let Some(subnet) = subnet {
                out.push_str(&format!(": {subnet}"));
                if let Some(g) = gateway {
                    out.push_str(&format!(", gateway {g}"));
                }
            }
        }
        match &n.pool {
            Some(pool) if n.new => out.push_str(&format!(", newly allocated from pool {pool}")),
            Some(pool) => out.push_str(&format!(", held in the lock for pool {pool}")),
            None => {}
        }
        out.push('\n');
        let width = a.services.iter().map(|s| s.service.len()).max().unwrap_or(0);
        for s in a.services.iter().filter(|s| s.network == n.name) {
            let mut addresses: Vec<String> = s.addresses.iter().map(ToString::to_string).collect();
            addresses.extend(s.ip6.map(|ip| ip.to_string()));
            let addresses = if addresses.is_empty() { "assigned by the engine".into() } else { addresses.join(", ") };
            let role = if s.attached { "  (existing service, attached)" } else { "" };
            out.push_str(&format!("  {:width$}  {addresses}{role}\n", s.service));
        }
    }
    out
}
