//! Everything a run must undo, recorded as it is done, and undone once: after the run, after a
//! failure or a panic, and from the Ctrl-C handler.

use crate::engine::{Engine, Owner};
use crate::host::HostSetup;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A Compose project verify brought up: the Compose command, the project, its file.
#[derive(Debug)]
pub(crate) struct ComposeProject {
    pub(crate) compose: Vec<String>,
    pub(crate) project: String,
    pub(crate) file: PathBuf,
}

#[derive(Debug, Default)]
pub(crate) struct Cleanup {
    pub(crate) compose: Option<ComposeProject>,
    /// A deployed stack and its file: removed, then its containers and networks waited for.
    pub(crate) stack: Option<(String, PathBuf)>,
    /// verify initialised the swarm, so it leaves it again.
    pub(crate) leave_swarm: bool,
    /// docker_gwbridge did not exist before: removed after leaving, since it outlives the
    /// swarm and its /20 would collide with later deployments.
    pub(crate) remove_gwbridge: bool,
    pub(crate) setup: HostSetup,
    /// The probe image, when this run imported it: removed last, once no container uses it.
    pub(crate) image: Option<String>,
    pub(crate) done: bool,
}

impl Cleanup {
    /// Undo everything (once); what could not be undone is returned, not fatal.
    pub(crate) fn run(&mut self, engine: &dyn Engine) -> Vec<String> {
        if self.done {
            return Vec::new();
        }
        self.done = true;
        let mut problems = Vec::new();
        if let Some(c) = self.compose.take() {
            if let Err(e) = engine.compose_down(&c.compose, &c.project, &c.file) {
                problems.push(e.to_string());
            }
            let _ = std::fs::remove_file(&c.file);
        }
        if let Some((stack, file)) = self.stack.take() {
            problems.extend(remove_stack(engine, &stack));
            let _ = std::fs::remove_file(&file);
        }
        problems.extend(self.setup.teardown(engine));
        if self.leave_swarm
            && let Err(e) = engine.swarm_leave()
        {
            problems.push(e.to_string());
        }
        // Also when `swarm init` failed after verify created the bridge for it.
        if self.remove_gwbridge {
            let _ = engine.remove_network("docker_gwbridge");
        }
        if let Some(tag) = self.image.take()
            && let Err(e) = engine.remove_image(&tag)
        {
            problems.push(format!("the probe image {tag} could not be removed: {e}"));
        }
        problems
    }
}

/// `docker stack rm`, then wait (bounded) until the tasks' containers and the networks are
/// gone, then remove what `stack rm` leaves: its volumes, and networks that outlived the wait.
fn remove_stack(engine: &dyn Engine, stack: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = engine.stack_rm(stack) {
        problems.push(e.to_string());
    }
    // Stack removal is asynchronous.
    let owner = Owner::Stack(stack.to_owned());
    let deadline = Instant::now() + Duration::from_secs(120);
    let containers_left = || engine.containers(&owner, true).map(|c| !c.is_empty()).unwrap_or(false);
    let networks_left = || engine.owned_networks(&owner).map(|n| !n.is_empty()).unwrap_or(false);
    for left in [&containers_left as &dyn Fn() -> bool, &networks_left] {
        while Instant::now() < deadline && left() {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    // `docker stack rm` keeps the stack's volumes: remove them (only the stack's own, by its
    // namespace label), now that no task container holds them.
    for v in engine.volumes(&owner).unwrap_or_default() {
        if let Err(e) = engine.remove_volume(&v) {
            problems.push(format!("stack volume {v} could not be removed: {e}"));
        }
    }
    // Networks that outlived the wait are removed by name: left to `swarm leave`, a
    // swarm-scoped network can linger on the engine with its subnet still taken.
    for id in engine.owned_networks(&owner).unwrap_or_default() {
        if let Err(e) = engine.remove_network(&id) {
            problems.push(format!("stack network {id} could not be removed: {e}"));
        }
    }
    problems
}
