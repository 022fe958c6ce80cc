//! `topoc instance add|remove` on a live Compose deployment (needs a Docker engine; run with
//! `cargo test -p topoc-cli --test instances_live -- --ignored`). Every engine object is named
//! `topoct*` and removed at the end.
//!
//! The sequence of docs/targets.md: a core service attached into two instances; adding a
//! third and removing it again never recreates the core container, `docker compose up -d` of
//! the artifact after each step recreates nothing, and the engine ends as it began.

mod support;

use std::path::Path;
use std::process::Command;

const SPEC: &str = "\
topology: topoctlive
pools:
  projects: { range: 10.78.0.0/22, prefix: 26 }
networks:
  main: { subnet: 10.77.0.0/24 }
services:
  backend:
    image: topoct-img:1
    networks: { main: { ip: .10 } }
templates:
  project:
    instances: [a, b]
    networks:
      project-{id}: { pool: projects, gateway: .62 }
    services:
      vm-{id}:
        image: topoct-img:1
        networks: { 'project-{id}': { ip: .2 } }
    attach:
      backend: { 'project-{id}': { ip: .3 } }
";

fn sh(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program).current_dir(dir).args(args).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{program} {args:?}: {text}");
    text
}

fn compose_up(dir: &Path) -> String {
    let compose = support::compose_v2();
    sh(dir, compose.to_str().expect("path"), &["-f", "compose.yaml", "up", "-d"])
}

fn backend(dir: &Path) -> String {
    sh(dir, "docker", &["inspect", "topoctlive-backend-1", "--format", "{{.Id}} {{.State.StartedAt}}"])
}

fn engine_state(dir: &Path) -> String {
    sh(dir, "docker", &["network", "ls", "--filter", "name=topoctlive", "--format", "{{.Name}}"])
        + &sh(dir, "docker", &["ps", "-a", "--filter", "name=topoctlive", "--format", "{{.Names}} {{.ID}}"])
}

/// An image of `sleep` and its libraries, so the test needs nothing from a registry.
fn image(dir: &Path) {
    let root = dir.join("root");
    for (from, to) in [
        ("/usr/bin/sleep", "bin/sleep"),
        ("/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6"),
        ("/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2"),
    ] {
        let to = root.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from, &to).expect("copy");
    }
    let tar = dir.join("root.tar");
    sh(&root, "tar", &["-cf", tar.to_str().expect("path"), "."]);
    sh(dir, "docker", &["import", "--change", r#"CMD ["/bin/sleep","100000"]"#, "root.tar", "topoct-img:1"]);
}

fn topoc(dir: &Path, args: &[&str]) {
    let out = support::topoc().current_dir(dir).args(args).output().expect("run topoc");
    assert!(out.status.success(), "topoc {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
#[ignore = "needs a Docker engine; creates and removes topoct* objects"]
fn adding_and_removing_an_instance_restarts_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    image(d);
    std::fs::write(d.join("topoct.yaml"), SPEC).expect("write");
    topoc(d, &["build", "topoct.yaml", "--out", "compose.yaml"]);
    compose_up(d);
    let (core, state) = (backend(d), engine_state(d));
    let result = std::panic::catch_unwind(|| {
        for step in [["add", "c"], ["add", "d"], ["remove", "d"], ["remove", "c"]] {
            topoc(d, &["instance", step[0], "topoct.yaml", "project", step[1]]);
            assert_eq!(backend(d), core, "{step:?} restarted the core");
            let up = compose_up(d);
            assert!(!up.contains("Recreate") && !up.contains("Creat"), "{step:?}: up -d changed something:\n{up}");
            assert_eq!(backend(d), core, "{step:?}: up -d restarted the core");
            if step == ["add", "c"] {
                let subnet = sh(
                    d,
                    "docker",
                    &["network", "inspect", "topoctlive_project-c", "--format", "{{json .IPAM.Config}}"],
                );
                assert!(subnet.contains("10.78.0.128/26"), "{subnet}");
            }
        }
        assert_eq!(engine_state(d), state, "the engine is not as it was before the add");
    });
    let compose = support::compose_v2();
    let _ = Command::new(compose).current_dir(d).args(["-f", "compose.yaml", "down"]).output();
    let _ = Command::new("docker").args(["image", "rm", "topoct-img:1"]).output();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
