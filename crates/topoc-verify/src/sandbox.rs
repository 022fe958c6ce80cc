//! Throwaway engines for `topoc verify --sandbox IMAGE [--nodes N]`: N engine containers
//! started from IMAGE on the outer engine, on a bridge of their own, each with a volume at its
//! `/var/lib/docker` (so the inner engine can use overlay2: the container's own root is an
//! overlay, on which only vfs works), and with N > 1 joined into a Swarm whose manager is
//! node 1. Everything is labelled with the sandbox's id and removed again by `teardown`: the
//! containers, their volumes, the bridge. Images are never pulled nor removed.
//!
//! The engine-container recipe (`engine_run_args`) is the one that works where plain
//! `--privileged` is refused (a sandbox whose bounding set lacks CAP_SYS_RESOURCE): every
//! capability but SYS_RESOURCE, no seccomp/AppArmor confinement, writable `/sys` and the host's
//! cgroup tree, `/dev/net/tun`, and dockerd with a cgroup parent of its own. The engine lab
//! (scripts/engine-lab.sh) uses the same recipe; a test checks that the two agree.

use crate::exec;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(30);

/// The label every object of a sandbox carries, with the sandbox's id as its value.
pub const LABEL: &str = "topoc-sandbox";

/// A path of the outer machine mounted read-only at the same path inside (or at `inside`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub outside: PathBuf,
    pub inside: PathBuf,
    pub read_only: bool,
}

/// One engine container to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineContainer {
    pub name: String,
    pub image: String,
    pub network: String,
    /// The volume mounted at the inner `/var/lib/docker`.
    pub volume: String,
    /// The value of the `topoc-sandbox` label (the sandbox's id).
    pub label: String,
    pub mounts: Vec<Mount>,
}

/// The security options of the recipe, without which a nested dockerd cannot run here:
/// shared by the sandbox and (mirrored, checked by a test) the engine lab.
pub const SECURITY_ARGS: &[&str] = &[
    "--cap-add",
    "ALL",
    "--cap-drop",
    "SYS_RESOURCE",
    "--security-opt",
    "seccomp=unconfined",
    "--security-opt",
    "apparmor=unconfined",
    "--security-opt",
    "systempaths=unconfined",
    "--device",
    "/dev/net/tun",
    "-v",
    "/sys/fs/cgroup:/sys/fs/cgroup:rw",
];

/// The shell command the engine container runs: `/sys` writable again (Docker mounts it
/// read-only), then dockerd under a cgroup parent of its own (the cgroup tree is the host's),
/// its log in /var/log/dockerd.log.
pub fn dockerd_command(cgroup_parent: &str) -> String {
    format!("mount -o remount,rw /sys && exec dockerd --cgroup-parent=/{cgroup_parent} >/var/log/dockerd.log 2>&1")
}

/// `docker run` arguments (after `docker`) that start one engine container, detached.
pub fn engine_run_args(c: &EngineContainer) -> Vec<String> {
    let mut args: Vec<String> =
        ["run", "-d", "--name", &c.name, "--hostname", &c.name].into_iter().map(str::to_owned).collect();
    args.extend(["--label".into(), format!("{LABEL}={}", c.label), "--network".into(), c.network.clone()]);
    args.extend(SECURITY_ARGS.iter().map(|s| (*s).to_owned()));
    args.extend(["-v".into(), format!("{}:/var/lib/docker", c.volume)]);
    for m in &c.mounts {
        let ro = if m.read_only { ":ro" } else { "" };
        args.extend(["-v".into(), format!("{}:{}{ro}", m.outside.display(), m.inside.display())]);
    }
    args.extend(["--entrypoint".into(), "/bin/sh".into(), c.image.clone(), "-c".into(), dockerd_command(&c.name)]);
    args
}

/// Why a sandbox could not be made: each says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxError {
    /// The outer engine refused to start the engine container (privileges).
    Refused { image: String, reason: String },
    /// The engine container started but its dockerd did not answer within the bound.
    NoNestedEngine { image: String, waited: Duration, log: String },
    /// The image lacks what verify needs inside (it runs this topoc binary there).
    Unusable { image: String, reason: String },
    /// Forming the Swarm of the nodes failed.
    Swarm(String),
    /// A docker command on the outer engine failed.
    Outer(String),
}

impl std::fmt::Display for SandboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SandboxError::Refused { image, reason } => write!(
                f,
                "the engine cannot run a nested engine from {image}: {reason}\n\
                 --sandbox needs an engine that may start a container with every capability but SYS_RESOURCE, \
                 without seccomp and AppArmor confinement, with /dev/net/tun and the host's cgroup tree \
                 (docs/cli.md, `verify --sandbox`); run it as a user who may do that, or verify without --sandbox"
            ),
            SandboxError::NoNestedEngine { image, waited, log } => write!(
                f,
                "the nested engine of {image} did not answer within {}s, so this engine cannot run a nested engine here; \
                 its dockerd said:\n{log}\nuse an image whose `dockerd` runs as root (e.g. docker:<version>-dind), \
                 or verify without --sandbox",
                waited.as_secs()
            ),
            SandboxError::Unusable { image, reason } => write!(f, "{image} cannot run verify inside: {reason}"),
            SandboxError::Swarm(e) => write!(f, "cannot form the sandbox's swarm: {e}"),
            SandboxError::Outer(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SandboxError {}

/// What to start.
#[derive(Debug, Clone)]
pub struct Request {
    pub image: String,
    pub nodes: usize,
    /// Where this topoc binary is inside (it is one of `mounts`).
    pub topoc: PathBuf,
    /// Paths verify needs inside (the spec's directory, the topoc binary, the CLIs).
    pub mounts: Vec<Mount>,
    /// How long a nested dockerd may take to answer.
    pub engine_bound: Duration,
}

/// A running sandbox: its engine containers (node 1 first), their volumes and bridge.
#[derive(Debug)]
pub struct Sandbox {
    pub id: String,
    pub nodes: Vec<String>,
    pub network: String,
    pub volumes: Vec<String>,
}

/// A failed command on the outer engine.
fn outer(e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Outer(e.to_string())
}

fn docker(args: &[&str], timeout: Duration) -> Result<String, SandboxError> {
    exec::check("docker", args, timeout).map_err(outer)
}

impl Sandbox {
    /// Start the engines, wait for each, form the swarm when N > 1. On any failure what was
    /// made is removed again before the error is returned.
    pub fn start(req: &Request, progress: &dyn Fn(&str)) -> Result<Sandbox, SandboxError> {
        let id = format!("topocsb{}", std::process::id());
        let mut sb = Sandbox { id: id.clone(), nodes: Vec::new(), network: format!("{id}-net"), volumes: Vec::new() };
        match sb.start_inner(req, progress) {
            Ok(()) => Ok(sb),
            Err(e) => {
                let _ = sb.teardown();
                Err(e)
            }
        }
    }

    fn start_inner(&mut self, req: &Request, progress: &dyn Fn(&str)) -> Result<(), SandboxError> {
        let label = format!("{LABEL}={}", self.id);
        docker(&["network", "create", "--label", &label, &self.network], T)?;
        for n in 1..=req.nodes.max(1) {
            let name = format!("{}-node{n}", self.id);
            let volume = format!("{name}-docker");
            docker(&["volume", "create", "--label", &label, &volume], T)?;
            self.volumes.push(volume.clone());
            let c = EngineContainer {
                name: name.clone(),
                image: req.image.clone(),
                network: self.network.clone(),
                volume,
                label: self.id.clone(),
                mounts: req.mounts.clone(),
            };
            let args = engine_run_args(&c);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            progress(&format!("starting engine container {name} from {}", req.image));
            let out = exec::run("docker", &refs, None, Duration::from_secs(120)).map_err(outer)?;
            if !out.success {
                // The container may exist (created, not started): remove it with the rest.
                self.nodes.push(name);
                return Err(SandboxError::Refused { image: req.image.clone(), reason: out.stderr.trim().to_owned() });
            }
            self.nodes.push(name);
        }
        for node in self.nodes.clone() {
            self.wait_for_engine(&node, &req.image, req.engine_bound)?;
        }
        // verify runs this topoc binary inside: the image must be able to run it.
        let topoc = req.topoc.display().to_string();
        let out = exec::run("docker", &["exec", &self.nodes[0], &topoc, "--version"], None, T).map_err(outer)?;
        if !out.success {
            return Err(SandboxError::Unusable {
                image: req.image.clone(),
                reason: format!(
                    "this topoc binary does not run in it ({}); the image needs the C library topoc was built \
                     against (glibc: a Debian-based engine image)",
                    out.stderr.trim()
                ),
            });
        }
        if self.nodes.len() > 1 {
            self.form_swarm(progress)?;
        }
        Ok(())
    }

    fn wait_for_engine(&self, node: &str, image: &str, bound: Duration) -> Result<(), SandboxError> {
        let started = Instant::now();
        loop {
            let out =
                exec::run("docker", &["exec", node, "docker", "version", "--format", "{{.Server.Version}}"], None, T)
                    .map_err(outer)?;
            if out.success {
                return Ok(());
            }
            // The container stopped (dockerd exited): no point in waiting longer.
            let running = docker(&["inspect", "--format", "{{.State.Running}}", node], T)?;
            if started.elapsed() >= bound || running.trim() != "true" {
                let log = exec::run("docker", &["exec", node, "tail", "-n", "15", "/var/log/dockerd.log"], None, T)
                    .ok()
                    .filter(|o| o.success)
                    .map(|o| o.stdout)
                    .or_else(|| exec::run("docker", &["logs", "--tail", "15", node], None, T).ok().map(|o| o.stderr))
                    .unwrap_or_default();
                return Err(SandboxError::NoNestedEngine {
                    image: image.to_owned(),
                    waited: started.elapsed(),
                    log: log.trim().to_owned(),
                });
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Node 1 initialises, advertising its address on the sandbox's bridge; the others join
    /// as workers.
    fn form_swarm(&self, progress: &dyn Fn(&str)) -> Result<(), SandboxError> {
        let manager = &self.nodes[0];
        let addr = docker(
            &[
                "inspect",
                "--format",
                &format!("{{{{(index .NetworkSettings.Networks \"{}\").IPAddress}}}}", self.network),
                manager,
            ],
            T,
        )?;
        let addr = addr.trim().to_owned();
        progress(&format!("forming a swarm of {} nodes, manager {manager} at {addr}", self.nodes.len()));
        let swarm = |node: &str, args: &[&str]| {
            let mut all = vec!["exec", node, "docker", "swarm"];
            all.extend_from_slice(args);
            exec::check("docker", &all, Duration::from_secs(60)).map_err(|e| SandboxError::Swarm(e.to_string()))
        };
        swarm(manager, &["init", "--advertise-addr", &addr])?;
        let token = swarm(manager, &["join-token", "-q", "worker"])?;
        for node in &self.nodes[1..] {
            let own = docker(
                &[
                    "inspect",
                    "--format",
                    &format!("{{{{(index .NetworkSettings.Networks \"{}\").IPAddress}}}}", self.network),
                    node,
                ],
                T,
            )?;
            swarm(node, &["join", "--advertise-addr", own.trim(), "--token", token.trim(), &format!("{addr}:2377")])?;
        }
        Ok(())
    }

    /// `docker` arguments that run `program args` on node `n` (0-based), with `env` set.
    pub fn exec_args(&self, n: usize, env: &[(String, String)], program: &[String]) -> Vec<String> {
        let mut args = vec!["exec".to_owned()];
        for (k, v) in env {
            args.extend(["-e".to_owned(), format!("{k}={v}")]);
        }
        args.push(self.nodes[n].clone());
        args.extend(program.iter().cloned());
        args
    }

    /// Remove the containers (with their inner engines and everything in them), the volumes and
    /// the bridge. Returns what could not be removed.
    pub fn teardown(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        for node in self.nodes.drain(..).rev() {
            if let Err(e) =
                exec::check("docker", &["rm", "-f", "-v", &node], Duration::from_secs(120)).map_err(|e| e.to_string())
                && !e.contains("No such container")
            {
                problems.push(e);
            }
        }
        for v in self.volumes.drain(..).rev() {
            if let Err(e) = exec::check("docker", &["volume", "rm", "-f", &v], Duration::from_secs(120)) {
                problems.push(e.to_string());
            }
        }
        if let Err(e) = exec::check("docker", &["network", "rm", &self.network], T).map_err(|e| e.to_string())
            && !e.contains("not found")
        {
            problems.push(e);
        }
        problems
    }
}

/// The docker CLI and Compose paths of the outer machine, for images that lack them.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file()).and_then(|p| p.canonicalize().ok())
}

/// Whether `image` has `program` on its PATH (a throwaway container, no engine inside).
pub fn image_has(image: &str, program: &str) -> bool {
    image_runs(image, &format!("command -v {program} >/dev/null"))
}

/// The directory `path` is in, absolute.
pub fn directory_of(path: &Path) -> Option<PathBuf> {
    let abs = path.canonicalize().ok()?;
    abs.parent().map(Path::to_path_buf)
}

/// One `topoc verify` to run inside a sandbox.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub image: String,
    pub nodes: usize,
    /// The arguments after the program name, without `--sandbox` and `--nodes`.
    pub args: Vec<String>,
    /// The working directory: mounted at the same path (read-write: verify writes the lock
    /// beside the spec as it does outside), and the inner verify runs in it.
    pub cwd: PathBuf,
    /// Other directories the arguments name (the spec's, the lock's ...), mounted the same way.
    pub dirs: Vec<PathBuf>,
    /// A static Compose v2 binary to mount for images without `docker compose`.
    pub compose: Option<PathBuf>,
    pub engine_bound: Duration,
}

/// The real path of this topoc binary (mounted into the engine containers).
fn this_binary() -> Result<PathBuf, SandboxError> {
    std::fs::read_link("/proc/self/exe")
        .or_else(|_| std::env::current_exe())
        .map_err(|e| SandboxError::Outer(format!("cannot find this topoc binary: {e}")))
}

/// Start the sandbox, run verify inside node 1 with this process's stdout and stderr, remove
/// the sandbox (also on Ctrl-C). Returns the inner verify's exit code and the teardown problems.
pub fn run(inv: &Invocation, progress: &dyn Fn(&str)) -> Result<(i32, Vec<String>), SandboxError> {
    let topoc = this_binary()?;
    let ro =
        |p: &Path, inside: &str| Mount { outside: p.to_path_buf(), inside: PathBuf::from(inside), read_only: true };
    let mut mounts = vec![ro(&topoc, &topoc.display().to_string())];
    let mut dirs: Vec<PathBuf> = vec![inv.cwd.clone()];
    for d in &inv.dirs {
        if !dirs.iter().any(|m| d.starts_with(m)) {
            dirs.push(d.clone());
        }
    }
    for d in dirs {
        mounts.push(Mount { outside: d.clone(), inside: d, read_only: false });
    }
    if !image_has(&inv.image, "docker") {
        let cli = find_on_path("docker").ok_or_else(|| SandboxError::Unusable {
            image: inv.image.clone(),
            reason: "it has no docker CLI and there is none on this machine's PATH to mount".into(),
        })?;
        mounts.push(ro(&cli, "/usr/local/bin/docker"));
    }
    let mut env = Vec::new();
    if !image_runs(&inv.image, "docker compose version") {
        let compose = inv.compose.clone().ok_or_else(|| SandboxError::Unusable {
            image: inv.image.clone(),
            reason: "it has no `docker compose`; set TOPOC_COMPOSE to a static Compose v2 binary to mount".into(),
        })?;
        mounts.push(ro(&compose, "/usr/local/bin/docker-compose"));
        env.push(("TOPOC_COMPOSE".to_owned(), "/usr/local/bin/docker-compose".to_owned()));
    }
    let req = Request {
        image: inv.image.clone(),
        nodes: inv.nodes,
        topoc: topoc.clone(),
        mounts,
        engine_bound: inv.engine_bound,
    };
    let sandbox = Sandbox::start(&req, progress)?;
    let shared = std::sync::Arc::new(std::sync::Mutex::new(sandbox));
    let for_signal = std::sync::Arc::clone(&shared);
    // Ctrl-C (or SIGTERM): the inner verify dies with its container; remove the sandbox.
    let _ = ctrlc::set_handler(move || {
        if let Ok(mut s) = for_signal.lock() {
            s.teardown();
        }
        std::process::exit(130);
    });
    let mut program = vec![topoc.display().to_string()];
    program.extend(inv.args.iter().cloned());
    let code = {
        let s = shared.lock().map_err(|_| SandboxError::Outer("sandbox state poisoned".into()))?;
        let mut args = vec!["exec".to_owned(), "-w".to_owned(), inv.cwd.display().to_string()];
        args.extend(s.exec_args(0, &env, &program).into_iter().skip(1));
        progress(&format!("running verify inside {}", s.nodes[0]));
        if s.nodes.len() > 1 {
            // Said before every multi-node run, so that a pass is not read as more than it is.
            progress(
                "note: verify imports its probe image on node 1 only, so the Swarm ends up scheduling every probe task \
                 there (tasks cannot start on the other nodes without it): paths between nodes are not probed yet",
            );
        }
        std::process::Command::new("docker")
            .args(&args)
            .status()
            .map_err(|e| SandboxError::Outer(format!("cannot run docker exec: {e}")))?
            .code()
            .unwrap_or(1)
    };
    let problems = match shared.lock() {
        Ok(mut s) => s.teardown(),
        Err(poisoned) => poisoned.into_inner().teardown(),
    };
    Ok((code, problems))
}

/// Whether `command` succeeds in a throwaway container of `image` (no engine inside).
fn image_runs(image: &str, command: &str) -> bool {
    exec::run(
        "docker",
        &["run", "--rm", "--entrypoint", "/bin/sh", image, "-c", command],
        None,
        Duration::from_secs(60),
    )
    .is_ok_and(|o| o.success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container() -> EngineContainer {
        EngineContainer {
            name: "topocsb1-node1".into(),
            image: "docker:28.5.2-dind".into(),
            network: "topocsb1-net".into(),
            volume: "topocsb1-node1-docker".into(),
            label: "topocsb1".into(),
            mounts: vec![Mount { outside: "/opt/topoc".into(), inside: "/opt/topoc".into(), read_only: true }],
        }
    }

    #[test]
    fn the_recipe_gives_the_inner_engine_a_volume_and_every_privilege_it_needs() {
        let args = engine_run_args(&container());
        let joined = args.join(" ");
        assert!(
            joined.starts_with("run -d --name topocsb1-node1 --hostname topocsb1-node1 --label topoc-sandbox=topocsb1")
        );
        assert!(joined.contains("--cap-add ALL --cap-drop SYS_RESOURCE"));
        assert!(joined.contains("-v topocsb1-node1-docker:/var/lib/docker"));
        assert!(joined.contains("-v /opt/topoc:/opt/topoc:ro"));
        assert!(!args.iter().any(|a| a == "--privileged"), "--privileged is refused where SYS_RESOURCE is missing");
        // The image comes right before its command.
        let at = args.iter().position(|a| a == "docker:28.5.2-dind").expect("image");
        assert_eq!(args[at - 1], "/bin/sh");
        assert_eq!(args[at + 1], "-c");
        assert!(args[at + 2].contains("dockerd --cgroup-parent=/topocsb1-node1"));
    }

    #[test]
    fn refusals_say_how_to_fix_them() {
        let e = SandboxError::Refused { image: "x".into(), reason: "unable to apply caps".into() };
        assert!(e.to_string().contains("docs/cli.md"));
        let e = SandboxError::NoNestedEngine { image: "x".into(), waited: Duration::from_secs(60), log: "boom".into() };
        assert!(e.to_string().contains("within 60s") && e.to_string().contains("boom"));
    }

    /// The engine lab starts its engine containers with the same recipe: every security
    /// option, and the same dockerd command (its cgroup parent named by the script).
    #[test]
    fn the_engine_lab_script_uses_the_same_recipe() {
        let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/engine-lab.sh"))
            .expect("scripts/engine-lab.sh");
        let flat = script.replace("\\\n", " ").split_whitespace().collect::<Vec<_>>().join(" ");
        for pair in SECURITY_ARGS.chunks(2) {
            let option = pair.join(" ");
            assert!(flat.contains(&option), "scripts/engine-lab.sh lacks `{option}` of the sandbox's recipe");
        }
        let command = dockerd_command("$name");
        // The lab's own extra dockerd flags (`TOPOC_LAB_DOCKERD_FLAGS`, empty by default, e.g.
        // `--userland-proxy=false` for the proxy-off rows) are no part of the shared recipe.
        let flat = flat.replace(" ${TOPOC_LAB_DOCKERD_FLAGS:-}", "");
        assert!(
            flat.contains(&format!("-c \"{command}\"")),
            "scripts/engine-lab.sh runs dockerd otherwise than `{command}`"
        );
        assert!(flat.contains(":/var/lib/docker"), "scripts/engine-lab.sh gives the inner engine no volume");
    }
}
