//! `topoc alloc` against `topoc build`: the addresses alloc predicts for a new instance are
//! the ones Compose reads from the artifact built once the instance is in the spec, and alloc
//! writes nothing.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// tests/fixtures/instances/tenants.yaml, shared with the model's instance tests and the live one.
const SPEC: &str = include_str!("../../../tests/fixtures/instances/tenants.yaml");

fn topoc(dir: &Path, args: &[&str]) -> std::process::Output {
    support::topoc().current_dir(dir).args(args).arg("--color").arg("never").output().expect("run topoc")
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

#[test]
fn alloc_predicts_the_addresses_of_the_next_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("t.yaml"), SPEC).expect("write spec");
    let first = topoc(dir.path(), &["build", "t.yaml", "--out", "compose.yaml"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let lock_before = std::fs::read_to_string(dir.path().join("t.lock")).expect("lock written");

    let alloc = topoc(dir.path(), &["alloc", "t.yaml", "project", "c", "--format", "json"]);
    assert!(alloc.status.success(), "{}", String::from_utf8_lossy(&alloc.stderr));
    let predicted = json(&alloc.stdout);
    assert_eq!(std::fs::read_to_string(dir.path().join("t.lock")).expect("lock"), lock_before, "alloc wrote the lock");

    std::fs::write(dir.path().join("t.yaml"), SPEC.replace("[a, b]", "[a, b, c]")).expect("write spec");
    let second = topoc(dir.path(), &["build", "t.yaml", "--out", "compose.yaml"]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let config = Command::new(support::compose_v2())
        .current_dir(dir.path())
        .args(["-f", "compose.yaml", "config", "--format", "json"])
        .output()
        .expect("run compose");
    let config = json(&config.stdout);

    let network = &predicted["networks"][0];
    let key = network["name"].as_str().expect("name");
    let ipam = &config["networks"][key]["ipam"]["config"][0];
    assert_eq!(ipam["subnet"], network["subnet"], "{config:#}");
    assert_eq!(ipam["gateway"], network["gateway"]);
    assert_eq!(config["networks"][key]["name"], network["engine_name"]);
    let services = predicted["services"].as_array().expect("services");
    assert_eq!(services.len(), 2);
    for s in services {
        let service = s["service"].as_str().expect("service");
        let attached = &config["services"][service]["networks"][key];
        assert_eq!(attached["ipv4_address"], s["addresses"][0], "{service}");
    }
}

#[test]
fn alloc_refuses_an_instance_that_exists() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("t.yaml"), SPEC).expect("write spec");
    let out = topoc(dir.path(), &["alloc", "t.yaml", "project", "a"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "error: template `project` already has an instance `a`\n");
    assert!(out.stdout.is_empty());
    assert!(!dir.path().join("t.lock").exists(), "alloc wrote a lock");
}

#[test]
fn instance_add_dry_run_prints_the_plan_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("t.yaml"), SPEC).expect("write spec");
    assert!(topoc(dir.path(), &["build", "t.yaml", "--out", "compose.yaml"]).status.success());
    let lock = std::fs::read_to_string(dir.path().join("t.lock")).expect("lock");
    let out = topoc(dir.path(), &["instance", "add", "t.yaml", "project", "c", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "docker network create --driver bridge --subnet 10.78.0.128/26 --gateway 10.78.0.190 --internal \
         --label com.docker.compose.network=project-c --label com.docker.compose.project=topoct topoct_project-c\n\
         docker network connect --ip 10.78.0.131 topoct_project-c topoct-backend-1\n\
         docker compose -p topoct -f compose.yaml up -d --no-deps --no-recreate vm-c\n"
    );
    let json_out = topoc(dir.path(), &["instance", "add", "t.yaml", "project", "c", "--dry-run", "--format", "json"]);
    let plan = json(&json_out.stdout);
    let ops: Vec<&str> =
        plan["operations"].as_array().expect("ops").iter().map(|o| o["op"].as_str().expect("op")).collect();
    assert_eq!(ops, ["create_network", "connect", "start_service"]);
    assert_eq!(plan["operations"][1]["ip"], "10.78.0.131");
    assert_eq!(std::fs::read_to_string(dir.path().join("t.lock")).expect("lock"), lock);
    assert!(!dir.path().join("t.instances.toml").exists());
}

#[test]
fn the_instances_file_is_read_by_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("t.yaml"), SPEC).expect("write spec");
    std::fs::write(dir.path().join("t.instances.toml"), "version = 1\n[templates]\nproject = [\"c\"]\n")
        .expect("write");
    let out = topoc(dir.path(), &["build", "t.yaml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("10.78.0.128/26"));
    // The artifact keeps the core's attachment to a run-time instance out of its definition
    // (docs/targets.md): the instance's own service is there, the core's connection is not.
    std::fs::write(dir.path().join("compose.yaml"), &out.stdout).expect("write");
    let config = Command::new(support::compose_v2())
        .current_dir(dir.path())
        .args(["-f", "compose.yaml", "config", "--format", "json"])
        .output()
        .expect("run compose");
    let config = json(&config.stdout);
    assert_eq!(config["services"]["vm-c"]["networks"]["project-c"]["ipv4_address"], "10.78.0.130");
    assert!(config["services"]["backend"]["networks"].get("project-c").is_none(), "{config:#}");
    assert_eq!(config["services"]["backend"]["networks"]["project-a"]["ipv4_address"], "10.78.0.3");
    // Removing a recorded instance plans the reverse.
    let out = topoc(dir.path(), &["instance", "remove", "t.yaml", "project", "c", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "docker compose -p topoct -f compose.yaml rm --stop --force vm-c\n\
         docker network disconnect topoct_project-c topoct-backend-1\n\
         docker network rm topoct_project-c\n"
    );
    // An instance the spec itself writes is the user's to remove.
    let out = topoc(dir.path(), &["instance", "remove", "t.yaml", "project", "a", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    // A bad file stops every command with its path.
    std::fs::write(dir.path().join("t.instances.toml"), "version = 1\n[templates]\nprojekt = [\"c\"]\n")
        .expect("write");
    let out = topoc(dir.path(), &["check", "t.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("t.instances.toml: unknown template `projekt`"));
}

#[test]
fn an_instance_the_topology_cannot_hold_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Room for two /26s only: a third instance cannot be allocated.
    std::fs::write(dir.path().join("t.yaml"), SPEC.replace("10.78.0.0/22", "10.78.0.0/25")).expect("write spec");
    let out = topoc(dir.path(), &["instance", "add", "t.yaml", "project", "c"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pool"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("t.instances.toml").exists());
    assert!(!dir.path().join("t.lock").exists());
    assert!(!dir.path().join("compose.yaml").exists());
}

#[test]
fn a_remove_that_would_move_another_instance_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Addresses from `{index}`: removing `c` (not the last) would renumber `d`.
    let spec = SPEC.replace("{ ip: .2 }", "{ ip: \".{index}0\" }");
    std::fs::write(dir.path().join("t.yaml"), spec).expect("write spec");
    std::fs::write(dir.path().join("t.instances.toml"), "version = 1\n[templates]\nproject = [\"c\", \"d\"]\n")
        .expect("write");
    let out = topoc(dir.path(), &["instance", "remove", "t.yaml", "project", "c", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("would move the addresses of `project/d`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The last one can go.
    let out = topoc(dir.path(), &["instance", "remove", "t.yaml", "project", "d", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// tests/fixtures/instances/tenants-swarm.yaml: the same topology as a stack.
const SWARM_SPEC: &str = include_str!("../../../tests/fixtures/instances/tenants-swarm.yaml");

#[test]
fn on_swarm_the_plan_is_a_stack_deploy_and_says_what_swarm_replaces() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("t.yaml"), SWARM_SPEC).expect("write spec");
    let add = ["instance", "add", "t.yaml", "project", "c", "--target", "swarm", "--dry-run"];
    let out = topoc(dir.path(), &add);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "# Swarm replaces the tasks of `backend` (2 replicas, start-first, 1 at a time): a task serves throughout\n\
         docker stack deploy -c stack.yaml topoct\n"
    );
    // Without start-first, one replica: the plan says the service stops serving, and how not to.
    let single =
        SWARM_SPEC.replace("    replicas: 2\n", "").replace("order: start-first, parallelism: 1", "parallelism: 1");
    std::fs::write(dir.path().join("t.yaml"), single).expect("write spec");
    let out = topoc(dir.path(), &[&add[..], &["--format", "json"]].concat());
    let plan = json(&out.stdout);
    assert_eq!(plan["operations"][0]["op"], "deploy_stack");
    let replaced = &plan["replaced_tasks"][0];
    assert_eq!(replaced["service"], "backend");
    assert_eq!(replaced["order"], "stop-first");
    assert_eq!(replaced["available_throughout"], false);
    std::fs::write(dir.path().join("t.instances.toml"), "version = 1\n[templates]\nproject = [\"c\"]\n")
        .expect("write");
    let out = topoc(dir.path(), &["instance", "remove", "t.yaml", "project", "c", "--target", "swarm", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("serves nothing while a task is replaced"), "{text}");
    assert!(
        text.ends_with(
            "docker service rm topoct_vm-c\ndocker stack deploy -c stack.yaml topoct\ndocker network rm topoct_project-c\n"
        ),
        "{text}"
    );
}

/// examples/pantheon/README.md shows project 25 created at run time in place of the backend's
/// `calculateProjectSubnet`: what `alloc` and `instance add --dry-run` print today.
#[test]
fn the_pantheon_readme_shows_what_alloc_and_instance_add_print() {
    let example = support::repo_root().join("examples/pantheon");
    let readme = std::fs::read_to_string(example.join("README.md")).expect("README");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["topology.yaml", "topology.lock"] {
        std::fs::copy(example.join(f), dir.path().join(f)).expect("copy");
    }
    for args in [
        &["alloc", "topology.yaml", "project", "25"][..],
        &["instance", "add", "topology.yaml", "project", "25", "--dry-run"],
    ] {
        let out = topoc(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let shown = format!("$ topoc {}\n{}", args.join(" "), String::from_utf8_lossy(&out.stdout));
        assert!(readme.contains(&shown), "examples/pantheon/README.md does not show the current output:\n{shown}");
    }
    // The dry run changed nothing.
    assert!(!dir.path().join("topology.instances.toml").exists());
}

/// examples/macvlan-runtimes: eth1's LAN moves from 192.168.20.0/24 to 192.168.30.0/24. The
/// spec after the move says so (network, name, gateway, range, and runtime-3's address planned
/// for the new subnet, its MAC kept: the README's FIX 7).
fn macvlan_move(dir: &Path, moved: &str) {
    let example = support::repo_root().join("examples/macvlan-runtimes");
    let deployed = std::fs::read_to_string(example.join("topology.yaml")).expect("spec");
    std::fs::write(dir.join("deployed.yaml"), &deployed).expect("write");
    std::fs::write(dir.join("topology.yaml"), moved).expect("write");
    for lock in ["deployed.lock", "topology.lock"] {
        std::fs::copy(example.join("topology.lock"), dir.join(lock)).expect("copy lock");
    }
}

const MOVE: [&str; 8] = [
    "instance",
    "move",
    "topology.yaml",
    "macvlan_eth1_192.168.30.0_24",
    "--was",
    "macvlan_eth1_192.168.20.0_24",
    "--from",
    "deployed.yaml",
];

#[test]
fn instance_move_reconnects_the_lan_members_with_their_address_and_mac() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = support::repo_root().join("examples/macvlan-runtimes/topology.yaml");
    let moved = std::fs::read_to_string(example).expect("spec").replace("192.168.20", "192.168.30");
    macvlan_move(dir.path(), &moved);
    let out = topoc(dir.path(), &[&MOVE[..], &["--dry-run"]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let commands: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        commands,
        [
            "docker network disconnect macvlan_eth1_192.168.20.0_24 macvlan-runtimes-runtime-3-1",
            "docker network rm macvlan_eth1_192.168.20.0_24",
            "docker network create --driver macvlan --subnet 192.168.30.0/24 --gateway 192.168.30.1 --ip-range \
             192.168.30.224/27 --opt parent=eth1 --opt macvlan_mode=bridge --label \
             com.docker.compose.network=macvlan_eth1_192.168.30.0_24 --label com.docker.compose.project=macvlan-runtimes \
             macvlan_eth1_192.168.30.0_24",
            "docker network connect --ip 192.168.30.23 macvlan_eth1_192.168.30.0_24 macvlan-runtimes-runtime-3-1  \
             # MAC 02:42:c0:a8:14:17: through the API",
        ]
    );
    let out = topoc(dir.path(), &[&MOVE[..], &["--dry-run", "--format", "json"]].concat());
    let plan = json(&out.stdout);
    let connect = &plan["operations"][3];
    assert_eq!(connect["op"], "connect");
    assert_eq!(connect["ip"], "192.168.30.23");
    assert_eq!(connect["mac"], "02:42:c0:a8:14:17");
    // Run for real, the CLI cannot keep the MAC: refused before any operation.
    let out = topoc(dir.path(), &MOVE);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing was done"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn instance_move_is_checked_by_the_model_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let example = support::repo_root().join("examples/macvlan-runtimes/topology.yaml");
    // The "same address": runtime-3 keeps 192.168.20.23, outside the new subnet.
    let moved = std::fs::read_to_string(example)
        .expect("spec")
        .replace("192.168.20.0", "192.168.30.0")
        .replace("192.168.20.1\n", "192.168.30.1\n")
        .replace("192.168.20.224", "192.168.30.224");
    macvlan_move(dir.path(), &moved);
    let out = topoc(dir.path(), &[&MOVE[..], &["--dry-run"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("topoc::address-outside-subnet"));
    assert!(out.stdout.is_empty(), "a plan was printed for a topology with errors");
    // A network that is not a LAN is not moved.
    let out =
        topoc(dir.path(), &["instance", "move", "deployed.yaml", "uplink", "--from", "deployed.yaml", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("moves macvlan and ipvlan networks"));
}
