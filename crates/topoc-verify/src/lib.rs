//! `topoc verify`: prove the model on a real Docker engine.
//!
//! The topology is deployed with every image replaced by a probe (this topoc binary, imported
//! as an image), relays turned into real forwarders, under a unique project name. Probes then
//! try every way the model knows — same network, other networks, published ports, relays,
//! egress to a stand-in internet, ingress from it, host to container, container to host, LAN
//! to macvlan — and each observation is compared with the model's expectation. Everything is
//! torn down afterwards, also on failure and on Ctrl-C. Probes only ever target containers and
//! namespaces the run created; every host-originated probe is checked against the routing
//! table first, and topology subnets the host does not route locally are blackholed.

pub mod agent;
mod cleanup;
mod deploy;
pub mod engine;
mod error;
mod exec;
mod host;
mod image;
pub mod inspect;
mod observe;
mod plan;
pub mod probe;
mod run;
pub mod sandbox;
mod send;
mod swarm;
#[cfg(test)]
mod tests;

use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use topoc_model::{Target, Topology};
use topoc_reach::Analysis;

pub use engine::{DockerCli, Engine};
pub use error::VerifyError;
pub use probe::{Kind, Probe};

/// How to run.
pub struct Options {
    /// The Compose v2 command: program and leading arguments (`docker compose` or a binary).
    pub compose: Vec<String>,
    pub probe_timeout_ms: u64,
    /// The whole run's bound.
    pub deadline: Duration,
    pub progress: Box<dyn Fn(&str) + Send + Sync>,
    /// What the user must hear before verify changes the engine beyond its own deployment
    /// (`swarm init`/`leave`): always shown.
    pub announce: Box<dyn Fn(&str) + Send + Sync>,
    /// Deploy into a swarm the engine is already part of (else verify refuses it).
    pub use_existing_swarm: bool,
    /// Leave the probe image of this build on the engine for later runs, when this run
    /// imports it (else the run removes it again).
    pub keep_probe_image: bool,
    /// Also write the probe deployment's compose file here (to inspect what verify deploys).
    pub dump_compose: Option<std::path::PathBuf>,
    /// Deploy as a Compose project or as a Swarm stack (`docker stack deploy`).
    pub target: Target,
    /// Probe every instance of every template, not only the first `INSTANCE_BOUND` of each
    /// (instances are stamped alike, but one added at run time is the one to prove).
    pub all_instances: bool,
}

#[derive(Debug, Serialize)]
pub struct Report {
    /// The engine's own version string.
    pub engine: String,
    /// The engine profile the expectations were computed with.
    pub engine_profile: String,
    pub project: String,
    pub target: Target,
    pub probes: Vec<Probe>,
    /// What verify could not deploy or test, and why.
    pub skipped: Vec<String>,
    /// Per template: which instances were probed, and which were deployed but not.
    pub sampling: Vec<String>,
    pub teardown_problems: Vec<String>,
    pub seconds: f64,
}

impl Report {
    pub fn mismatches(&self) -> impl Iterator<Item = &Probe> {
        self.probes.iter().filter(|p| p.mismatch())
    }
}

/// This process's binary, by a path that stays valid even if the file is replaced meanwhile
/// (a rebuild during a run): the probe image and the listeners are this binary.
pub(crate) fn own_exe() -> std::path::PathBuf {
    let proc_path = std::path::PathBuf::from(format!("/proc/{}/exe", std::process::id()));
    if proc_path.exists() { proc_path } else { std::env::current_exe().unwrap_or(proc_path) }
}

/// The server version of the machine's engine.
pub fn engine_version() -> Result<String, VerifyError> {
    DockerCli::local().version()
}

/// Whether the engine on this machine runs the userland proxy (`docker-proxy`), from its
/// configuration: the command line of the `dockerd` in this process's PID namespace (the lab's
/// engine containers have one each), then its daemon.json. The default, and the answer when
/// neither says otherwise, is true.
pub fn userland_proxy_enabled() -> bool {
    let own_ns = std::fs::read_link("/proc/self/ns/pid").ok();
    let Ok(procs) = std::fs::read_dir("/proc") else { return true };
    for entry in procs.flatten() {
        let dir = entry.path();
        if std::fs::read_to_string(dir.join("comm")).map(|c| c.trim() != "dockerd").unwrap_or(true)
            || std::fs::read_link(dir.join("ns/pid")).ok() != own_ns
        {
            continue;
        }
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else { continue };
        let args: Vec<String> = cmdline.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        if let Some(flag) = args.iter().find_map(|a| a.strip_prefix("--userland-proxy=")) {
            return flag != "false";
        }
        let config = args
            .iter()
            .position(|a| a == "--config-file")
            .and_then(|i| args.get(i + 1).cloned())
            .or_else(|| args.iter().find_map(|a| a.strip_prefix("--config-file=").map(str::to_owned)))
            .unwrap_or_else(|| "/etc/docker/daemon.json".to_owned());
        let daemon: Option<serde_json::Value> =
            std::fs::read_to_string(config).ok().and_then(|t| serde_json::from_str(&t).ok());
        return daemon.and_then(|d| d.get("userland-proxy").and_then(serde_json::Value::as_bool)).unwrap_or(true);
    }
    true
}

/// Deploy, probe, compare, tear down, on the machine's engine. The analysis must come from the
/// engine's own profile.
pub fn verify(topo: &Topology, analysis: &Analysis, opts: &Options) -> Result<Report, VerifyError> {
    verify_on(Arc::new(DockerCli::local()), topo, analysis, opts)
}

/// [`verify`] on the engine `engine` reaches (another engine's `docker` command line, e.g. a
/// sandbox's). The host side (namespaces, routes, listeners) is still this machine's.
pub fn verify_on(
    engine: Arc<dyn Engine>,
    topo: &Topology,
    analysis: &Analysis,
    opts: &Options,
) -> Result<Report, VerifyError> {
    // Verifies on one machine share the engine, the swarm and 198.18.0.1: one at a time.
    let lock_path = std::env::temp_dir().join("topoc-verify.lock");
    let machine_lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| VerifyError::io(&lock_path, e))?;
    if machine_lock.try_lock().is_err() {
        (opts.progress)("waiting for another verify on this machine to finish");
        machine_lock.lock().map_err(|e| VerifyError::io(&lock_path, e))?;
    }
    let cleanup = Arc::new(Mutex::new(cleanup::Cleanup::default()));
    let for_signal = Arc::clone(&cleanup);
    let signal_engine = Arc::clone(&engine);
    // Ctrl-C (or SIGTERM): tear down, then leave with the conventional code.
    let _ = ctrlc::set_handler(move || {
        if let Ok(mut c) = for_signal.lock() {
            c.run(signal_engine.as_ref());
        }
        std::process::exit(130);
    });
    // Teardown runs even if the run panics: the panic is caught, the host is cleaned, and the
    // panic becomes an error.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run::verify(engine.as_ref(), topo, analysis, opts, &cleanup)
    }))
    .unwrap_or_else(|panic| {
        let what =
            panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
        Err(VerifyError::Internal(what.unwrap_or_default()))
    });
    let problems = match cleanup.lock() {
        Ok(mut c) => c.run(engine.as_ref()),
        Err(poisoned) => poisoned.into_inner().run(engine.as_ref()),
    };
    result.map(|mut r| {
        r.teardown_problems = problems;
        r
    })
}
