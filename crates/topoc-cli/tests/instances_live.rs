//! `topoc instance add|remove` on a live deployment: the issue's "done when", on the Docker
//! engine `docker` reaches (the host's, or a lab engine's through `DOCKER_HOST`). Without an
//! engine the test says SKIPPED on stderr; under `CI=true` it fails instead, as the live suite
//! does (tests/live.rs). Every engine object is named `topoct*` and removed at the end.
//!
//! The deployment is tests/fixtures/instances/tenants.yaml: a core service (`backend`, on
//! `main` and `squatter`) attached into two instances. While a probe container connects to the
//! core service every 100 ms (on `main` and through instance `a`'s network), instance `c` is
//! added: the core container keeps its id and start time, the probe sees no failed connection,
//! the new network has the subnet and gateway `topoc alloc` gave and the core its address in
//! it; `docker compose up -d` of what `topoc build` emits reports nothing to change and
//! recreates no container; `instance remove` leaves the engine's `topoct` networks and
//! containers as they were before the add. Then `topoc verify` of the spec with `c` (the
//! instances file and lock as the add left them) passes on a deployment of its own (verify
//! always deploys its own probe copy; it runs after the teardown because it takes the same
//! subnets; only on the local engine, as it creates network namespaces on this machine).
//!
//! On Swarm (tests/fixtures/instances/tenants-swarm.yaml, a single-node swarm this test
//! initialises and leaves; skipped when the engine is already in one or is not this machine's):
//! `instance add --target swarm` replaces the core service's tasks one at a time, start-first,
//! while the probe connects to its tasks every 100 ms and always finds one serving; the new network
//! has the allocated subnet and is in the core's task spec; a `docker stack deploy` of what
//! `topoc build --target swarm` emits replaces no task; `instance remove` leaves the stack's
//! services and networks as they were before the add.
//!
//! `instance move` (tests/fixtures/instances/lan.yaml, a macvlan network on a veth this test
//! creates, local engine only): the runtime is reconnected to the LAN's new network at its
//! address in the new subnet without a restart, and the old network is gone. A later `docker
//! compose up -d` of the moved spec's artifact recreates the runtime (its definition's address
//! changed): the test asserts that too, so the day it stops being true the docs get fixed.

mod support;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = include_str!("../../../tests/fixtures/instances/tenants.yaml");
const SWARM_SPEC: &str = include_str!("../../../tests/fixtures/instances/tenants-swarm.yaml");
const LAN_SPEC: &str = include_str!("../../../tests/fixtures/instances/lan.yaml");

/// The two tests take the same subnets and names: one at a time.
static ENGINE: std::sync::Mutex<()> = std::sync::Mutex::new(());
/// Probe rounds: 100 ms apart, far more than the sequence takes; the container is killed when
/// the sequence ends.
const PROBE_ROUNDS: &str = "6000";

fn sh(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program).current_dir(dir).args(args).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{program} {args:?}: {text}");
    text
}

fn compose_up(dir: &Path, file: &str) -> String {
    let compose = support::compose_v2();
    let out = sh(dir, compose.to_str().expect("path"), &["-f", file, "up", "-d"]);
    // The PyPI Compose wrapper exits 0 on errors.
    assert!(!out.contains("Error"), "up -d failed:\n{out}");
    out
}

fn started(dir: &Path, container: &str) -> String {
    sh(dir, "docker", &["inspect", container, "--format", "{{.Id}} {{.State.StartedAt}}"])
}

/// The project's networks (name, id) and containers (name, id, start time), sorted.
fn engine_state(dir: &Path) -> String {
    let mut lines: Vec<String> =
        sh(dir, "docker", &["network", "ls", "--filter", "name=topoct", "--format", "{{.Name}} {{.ID}}"])
            .lines()
            .map(str::to_owned)
            .collect();
    for name in sh(dir, "docker", &["ps", "-a", "--filter", "name=topoct", "--format", "{{.Names}}"]).lines() {
        lines.push(format!("{name} {}", started(dir, name).trim()));
    }
    lines.sort();
    lines.join("\n")
}

/// Whether an engine answers; without one the test is skipped, except under CI.
fn engine_or_skip(test: &str) -> bool {
    let up = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(up || std::env::var("CI").is_err(), "no Docker engine reachable, and CI=true: {test} must run");
    if !up {
        say(&format!("\nSKIPPED {test}: no Docker engine reachable (it fails under CI=true)\n"));
    }
    up
}

/// The image every service of the fixture runs: this topoc binary and its libraries, its
/// probe agent listening on 8080. Nothing from a registry.
fn image(dir: &Path) {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_topoc"));
    let root = dir.join("root");
    let mut files = vec![(exe.clone(), root.join("topoc"))];
    let ldd = sh(dir, "ldd", &[exe.to_str().expect("path")]);
    for line in ldd.lines() {
        let lib = match line.split_once("=>") {
            Some((_, right)) => right.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        if let Some(lib) = lib.filter(|l| l.starts_with('/')) {
            files.push((PathBuf::from(lib), root.join(lib.trim_start_matches('/'))));
        }
    }
    for (from, to) in files {
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
    let tar = dir.join("root.tar");
    sh(&root, "tar", &["-cf", tar.to_str().expect("path"), "."]);
    sh(
        dir,
        "docker",
        &[
            "import",
            "--change",
            r#"ENTRYPOINT ["/topoc","__probe","serve","--listen","8080"]"#,
            "root.tar",
            "topoct-img:1",
        ],
    );
}

fn topoc(dir: &Path, args: &[&str]) -> String {
    let out = support::topoc().current_dir(dir).args(args).arg("--color").arg("never").output().expect("run topoc");
    assert!(out.status.success(), "topoc {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The probe's rounds so far: (rounds, failed rounds as printed).
fn probe_log(dir: &Path) -> (usize, Vec<String>) {
    let log = sh(dir, "docker", &["logs", "topoct-probe"]);
    let rounds: Vec<&str> = log.lines().filter(|l| *l == "ok" || l.starts_with("fail")).collect();
    (rounds.len(), rounds.iter().filter(|l| l.starts_with("fail")).map(|l| (*l).to_owned()).collect())
}

/// Start the probe on `networks`, connecting to every target every 100 ms.
/// `any`: a round is ok when one target answers.
fn start_probe(dir: &Path, networks: &[&str], targets: &[&str], any: bool) {
    let mut args = vec!["create", "--name", "topoct-probe", "--network", networks[0], "--entrypoint", "/topoc"];
    args.extend(["topoct-img:1", "__probe", "watch", "--every-ms", "100", "--count", PROBE_ROUNDS]);
    args.extend(["--timeout-ms", if any { "300" } else { "1000" }]);
    args.extend(any.then_some("--any"));
    args.extend(targets);
    sh(dir, "docker", &args);
    for n in &networks[1..] {
        sh(dir, "docker", &["network", "connect", n, "topoct-probe"]);
    }
    sh(dir, "docker", &["start", "topoct-probe"]);
}

/// Wait (bounded by rounds, not by time) until the probe has answered `more` rounds after `from`.
fn probe_rounds_after(dir: &Path, from: usize, more: usize) -> usize {
    for _ in 0..600 {
        let (n, _) = probe_log(dir);
        if n >= from + more {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the probe stopped answering: {:?}", probe_log(dir));
}

/// A line on the process's stderr, which cargo test does not capture (what was skipped, the figures).
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn adding_and_removing_an_instance_restarts_nothing() {
    if !engine_or_skip("adding_and_removing_an_instance_restarts_nothing") {
        return;
    }
    let _engine = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    image(d);
    std::fs::write(d.join("topoct.yaml"), SPEC).expect("write");
    let saved = d.join("with-c");
    let result = std::panic::catch_unwind(|| {
        topoc(d, &["build", "topoct.yaml", "--out", "compose.yaml"]);
        compose_up(d, "compose.yaml");
        // On `main` and through instance `a`'s network, to the core's address on each.
        start_probe(d, &["topoct_main", "topoct_project-a"], &["10.77.0.10:8080", "10.78.0.3:8080"], false);
        let core = started(d, "topoct-backend-1");
        let before = engine_state(d);
        let predicted = json(&topoc(d, &["alloc", "topoct.yaml", "project", "c", "--format", "json"]));

        let rounds = probe_rounds_after(d, 0, 3);
        topoc(d, &["instance", "add", "topoct.yaml", "project", "c"]);
        // The probe ran during the add and after it.
        probe_rounds_after(d, rounds, 3);
        assert_eq!(started(d, "topoct-backend-1"), core, "the add restarted the core");

        // The new network is the allocated one, and the core has its address in it.
        let net = &predicted["networks"][0];
        let ipam =
            json(&sh(d, "docker", &["network", "inspect", "topoct_project-c", "--format", "{{json .IPAM.Config}}"]));
        assert_eq!(ipam[0]["Subnet"], net["subnet"], "{ipam}");
        assert_eq!(ipam[0]["Gateway"], net["gateway"], "{ipam}");
        let core_ip = sh(
            d,
            "docker",
            &[
                "inspect",
                "topoct-backend-1",
                "--format",
                r#"{{(index .NetworkSettings.Networks "topoct_project-c").IPAddress}}"#,
            ],
        );
        let attached = predicted["services"].as_array().expect("services").iter().find(|s| s["attached"] == true);
        assert_eq!(core_ip.trim(), attached.expect("backend attached")["addresses"][0].as_str().expect("address"));

        // The documented way: `topoc build`, then `docker compose up -d`: nothing changes.
        topoc(d, &["build", "topoct.yaml", "--out", "built.yaml"]);
        assert_eq!(
            std::fs::read_to_string(d.join("built.yaml")).expect("built"),
            std::fs::read_to_string(d.join("compose.yaml")).expect("rewritten by add"),
            "instance add's artifact is not what build emits"
        );
        let with_c = engine_state(d);
        let up = compose_up(d, "built.yaml");
        assert!(
            up.lines().filter(|l| l.contains("Container ")).all(|l| l.trim_end().ends_with("Running")),
            "up -d after the add changed something:\n{up}"
        );
        assert_eq!(engine_state(d), with_c, "up -d after the add recreated or restarted a container");
        std::fs::create_dir_all(&saved).expect("mkdir");
        for f in ["topoct.yaml", "topoct.lock", "topoct.instances.toml"] {
            std::fs::copy(d.join(f), saved.join(f)).expect("save the spec with c");
        }

        let rounds = probe_log(d).0;
        topoc(d, &["instance", "remove", "topoct.yaml", "project", "c"]);
        probe_rounds_after(d, rounds, 3);
        assert_eq!(started(d, "topoct-backend-1"), core, "the remove restarted the core");
        let up = compose_up(d, "compose.yaml");
        assert!(
            up.lines().filter(|l| l.contains("Container ")).all(|l| l.trim_end().ends_with("Running")),
            "up -d after the remove changed something:\n{up}"
        );
        assert_eq!(engine_state(d), before, "the engine is not as it was before the add");
        assert!(!d.join("topoct.instances.toml").exists(), "the instances file still records c");

        let (rounds, failed) = probe_log(d);
        assert!(failed.is_empty(), "the probe saw {} failed rounds of {rounds}: {failed:?}", failed.len());
        say(&format!("instances_live: {rounds} probe rounds, none failed"));
    });
    let _ = Command::new("docker").args(["rm", "-f", "topoct-probe"]).output();
    let _ = Command::new(support::compose_v2()).current_dir(d).args(["-f", "compose.yaml", "down"]).output();
    let _ = Command::new("docker").args(["image", "rm", "topoct-img:1"]).output();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    // verify of the spec with `c`, on its own deployment (it needs this machine's engine).
    if std::env::var_os("DOCKER_HOST").is_some() {
        say("instances_live: DOCKER_HOST is set: verify (local engine only) not run");
        return;
    }
    let out = support::topoc()
        .current_dir(&saved)
        .env("TOPOC_COMPOSE", support::compose_v2())
        .args(["verify", "topoct.yaml", "--all-instances", "--all", "--color", "never"])
        .output()
        .expect("run verify");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "verify of the spec with instance c failed:\n{text}");
    let summary = text.lines().find(|l| l.contains(" mismatches")).unwrap_or_default();
    assert!(summary.contains(" 0 mismatches"), "{text}");
    // Instance c was probed, not only deployed.
    assert!(
        text.lines().any(|l| l.contains("vm-c")),
        "no probe of vm-c:
{text}"
    );
    say(&format!("instances_live: verify of the spec with c: {summary}"));
}

/// The address `docker swarm init` advertises: the first IPv4 address of the default route's
/// interface.
fn advertise_address(dir: &Path) -> String {
    let route = sh(dir, "ip", &["-4", "route", "show", "default"]);
    let dev = route.split_whitespace().skip_while(|w| *w != "dev").nth(1).expect("a default route").to_owned();
    let addr = sh(dir, "ip", &["-4", "-o", "addr", "show", "dev", &dev]);
    let cidr = addr.split_whitespace().skip_while(|w| *w != "inet").nth(1).expect("an IPv4 address");
    cidr.split('/').next().expect("address").to_owned()
}

/// The stack's services (name, replicas) and networks (name), and every running task's id.
fn stack_state(dir: &Path) -> (String, String) {
    let services =
        sh(dir, "docker", &["service", "ls", "--filter", "name=topoct", "--format", "{{.Name}} {{.Replicas}}"]);
    let networks = sh(dir, "docker", &["network", "ls", "--filter", "name=topoct", "--format", "{{.Name}}"]);
    let mut defs: Vec<&str> = services.lines().chain(networks.lines()).collect();
    defs.sort();
    let tasks = sh(dir, "docker", &["ps", "--filter", "name=topoct_", "--format", "{{.ID}} {{.Names}}"]);
    let mut tasks: Vec<&str> = tasks.lines().collect();
    tasks.sort();
    (defs.join("\n"), tasks.join("\n"))
}

/// Poll (bounded) until every service of the stack runs all its replicas and no task is
/// starting or stopping: `docker stack deploy` returns before Swarm has done it.
fn converged(dir: &Path) {
    for _ in 0..240 {
        let services = sh(dir, "docker", &["service", "ls", "--filter", "name=topoct", "--format", "{{.Replicas}}"]);
        let settled = !services.trim().is_empty()
            && services
                .lines()
                .all(|r| r.split_once(" ").map_or(r, |(n, _)| n).split_once('/').is_some_and(|(a, b)| a == b));
        let tasks = sh(dir, "docker", &["ps", "-a", "--filter", "name=topoct_", "--format", "{{.Status}}"]);
        if settled && tasks.lines().all(|t| t.starts_with("Up") || t.starts_with("Exited")) {
            let running = sh(dir, "docker", &["ps", "--filter", "name=topoct_", "-q"]).lines().count();
            let wanted: usize = services
                .lines()
                .filter_map(|r| r.split('/').nth(1)?.split_whitespace().next()?.parse::<usize>().ok())
                .sum();
            if running == wanted {
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!("the stack did not converge:\n{}", sh(dir, "docker", &["service", "ls"]));
}

#[test]
fn adding_and_removing_an_instance_on_swarm_keeps_the_core_serving() {
    if !engine_or_skip("adding_and_removing_an_instance_on_swarm_keeps_the_core_serving") {
        return;
    }
    let _engine = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let state = sh(d, "docker", &["info", "--format", "{{.Swarm.LocalNodeState}}"]);
    if state.trim() != "inactive" || std::env::var_os("DOCKER_HOST").is_some() {
        // Not ours to init or leave: a swarm someone else made, or an engine elsewhere.
        assert!(std::env::var("CI").is_err(), "CI=true: the engine must be local and in no swarm ({})", state.trim());
        say(
            "\nSKIPPED adding_and_removing_an_instance_on_swarm_keeps_the_core_serving: the engine is in a swarm or not local\n",
        );
        return;
    }
    image(d);
    std::fs::write(d.join("topoct.yaml"), SWARM_SPEC).expect("write");
    // `swarm init` creates docker_gwbridge and `leave` keeps it: removed again when it is ours.
    let gwbridge_was_there = Command::new("docker")
        .args(["network", "inspect", "docker_gwbridge"])
        .output()
        .is_ok_and(|o| o.status.success());
    sh(d, "docker", &["swarm", "init", "--advertise-addr", &advertise_address(d)]);
    let result = std::panic::catch_unwind(|| {
        let stack = |file: &str| sh(d, "docker", &["stack", "deploy", "-c", file, "topoct"]);
        topoc(d, &["build", "topoct.yaml", "--target", "swarm", "--out", "stack.yaml"]);
        stack("stack.yaml");
        converged(d);
        // The core's virtual IP needs IPVS, which not every kernel has (docs/semantics.md §4):
        // the probe connects to every address a task of it can get on `main` (from .3: .1 is
        // the gateway, .2 the virtual IP), and a round is ok when one of them answers, i.e.
        // some task of the core serves.
        let task_addresses: Vec<String> = (3..=14).map(|host| format!("10.77.0.{host}:8080")).collect();
        let task_addresses: Vec<&str> = task_addresses.iter().map(String::as_str).collect();
        start_probe(d, &["topoct_main"], &task_addresses, true);
        let (defs_before, tasks_before) = stack_state(d);
        let predicted = json(&topoc(d, &["alloc", "topoct.yaml", "project", "c", "--format", "json"]));

        let rounds = probe_rounds_after(d, 0, 3);
        let plan = topoc(d, &["instance", "add", "topoct.yaml", "project", "c", "--target", "swarm", "--dry-run"]);
        assert!(plan.contains("# Swarm replaces the tasks of `backend` (2 replicas, start-first, 1 at a time): a task serves throughout"), "{plan}");
        topoc(d, &["instance", "add", "topoct.yaml", "project", "c", "--target", "swarm"]);
        converged(d);
        probe_rounds_after(d, rounds, 3);
        let ipam =
            json(&sh(d, "docker", &["network", "inspect", "topoct_project-c", "--format", "{{json .IPAM.Config}}"]));
        assert_eq!(ipam[0]["Subnet"], predicted["networks"][0]["subnet"], "{ipam}");
        let c_id = sh(d, "docker", &["network", "inspect", "topoct_project-c", "--format", "{{.Id}}"]);
        let nets = sh(
            d,
            "docker",
            &["service", "inspect", "topoct_backend", "--format", "{{json .Spec.TaskTemplate.Networks}}"],
        );
        assert!(nets.contains(c_id.trim()), "backend is not on project-c: {nets}");
        let (_, tasks_with_c) = stack_state(d);
        assert_ne!(tasks_with_c, tasks_before, "Swarm replaced no task: the add did not reach the core");

        // The documented way: `topoc build --target swarm`, then `docker stack deploy`.
        topoc(d, &["build", "topoct.yaml", "--target", "swarm", "--out", "built.yaml"]);
        assert_eq!(
            std::fs::read_to_string(d.join("built.yaml")).expect("built"),
            std::fs::read_to_string(d.join("stack.yaml")).expect("rewritten by add"),
        );
        stack("built.yaml");
        converged(d);
        assert_eq!(stack_state(d).1, tasks_with_c, "stack deploy of the rebuilt stack file replaced a task");

        let rounds = probe_log(d).0;
        topoc(d, &["instance", "remove", "topoct.yaml", "project", "c", "--target", "swarm"]);
        converged(d);
        probe_rounds_after(d, rounds, 3);
        // Swarm removes an overlay network asynchronously: wait (bounded) until it is gone.
        for _ in 0..60 {
            if stack_state(d).0 == defs_before {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        assert_eq!(stack_state(d).0, defs_before, "the stack is not as it was before the add");
        let (rounds, failed) = probe_log(d);
        assert!(failed.is_empty(), "the probe saw {} failed rounds of {rounds}: {failed:?}", failed.len());
        say(&format!("instances_live (swarm): {rounds} probe rounds, none failed"));
    });
    let _ = Command::new("docker").args(["rm", "-f", "topoct-probe"]).output();
    let _ = Command::new("docker").args(["stack", "rm", "topoct"]).output();
    // Leave the swarm once the stack's tasks are gone, and the engine in none.
    for _ in 0..60 {
        let left = Command::new("docker").args(["ps", "-aq", "--filter", "name=topoct_"]).output();
        if left.is_ok_and(|o| o.stdout.is_empty()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let _ = Command::new("docker").args(["swarm", "leave", "--force"]).output();
    if !gwbridge_was_there {
        let _ = Command::new("docker").args(["network", "rm", "docker_gwbridge"]).output();
    }
    let _ = Command::new("docker").args(["image", "rm", "topoct-img:1"]).output();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn moving_a_lan_reconnects_its_members_without_a_restart() {
    if !engine_or_skip("moving_a_lan_reconnects_its_members_without_a_restart") {
        return;
    }
    let _engine = ENGINE.lock().unwrap_or_else(|e| e.into_inner());
    if std::env::var_os("DOCKER_HOST").is_some() {
        say(
            "\nSKIPPED moving_a_lan_reconnects_its_members_without_a_restart: the LAN's parent is a veth on this machine\n",
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    image(d);
    std::fs::write(d.join("deployed.yaml"), LAN_SPEC).expect("write");
    std::fs::write(d.join("topology.yaml"), LAN_SPEC.replace("10.79.0.", "10.79.1.")).expect("write");
    sh(d, "ip", &["link", "add", "topoct0", "type", "veth", "peer", "name", "topoct0p"]);
    let result = std::panic::catch_unwind(|| {
        for link in ["topoct0", "topoct0p"] {
            sh(d, "ip", &["link", "set", link, "up"]);
        }
        topoc(d, &["build", "deployed.yaml", "--out", "deployed-compose.yaml"]);
        compose_up(d, "deployed-compose.yaml");
        let runtime = started(d, "topoctlan-runtime-1");
        topoc(d, &["instance", "move", "topology.yaml", "lan", "--from", "deployed.yaml"]);
        assert_eq!(started(d, "topoctlan-runtime-1"), runtime, "the move restarted the runtime");
        let networks = sh(d, "docker", &["network", "ls", "--filter", "name=topoct-lan", "--format", "{{.Name}}"]);
        assert_eq!(networks.trim(), "topoct-lan-10.79.1.0_24", "the old LAN network is left or the new one missing");
        let ipam = json(&sh(
            d,
            "docker",
            &["network", "inspect", "topoct-lan-10.79.1.0_24", "--format", "{{json .IPAM.Config}}"],
        ));
        assert_eq!(ipam[0]["Subnet"], "10.79.1.0/24");
        let address = sh(
            d,
            "docker",
            &[
                "inspect",
                "topoctlan-runtime-1",
                "--format",
                r#"{{(index .NetworkSettings.Networks "topoct-lan-10.79.1.0_24").IPAddress}}"#,
            ],
        );
        assert_eq!(address.trim(), "10.79.1.23");
        // Compose sees the runtime's definition changed (the address) and recreates it.
        topoc(d, &["build", "topology.yaml", "--out", "compose.yaml"]);
        let up = compose_up(d, "compose.yaml");
        assert!(
            up.contains("Recreate"),
            "Compose no longer recreates a moved member (docs/targets.md says it does):\n{up}"
        );
    });
    let _ = Command::new(support::compose_v2()).current_dir(d).args(["-f", "compose.yaml", "down"]).output();
    let _ = Command::new(support::compose_v2()).current_dir(d).args(["-f", "deployed-compose.yaml", "down"]).output();
    let _ =
        Command::new("docker").args(["network", "rm", "topoct-lan-10.79.0.0_24", "topoct-lan-10.79.1.0_24"]).output();
    let _ = Command::new("ip").args(["link", "del", "topoct0"]).output();
    let _ = Command::new("docker").args(["image", "rm", "topoct-img:1"]).output();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
