//! `topoc verify --sandbox IMAGE [--nodes N]` on this machine's engine: a small spec verified
//! inside throwaway engine containers, as a Compose project and on a 3-node Swarm, and a clear
//! refusal when the image cannot run a nested engine. After each run the outer engine holds
//! nothing of the sandbox's (containers, networks, volumes), and no image came or went.
//!
//! Gated like the live suite: it needs a Docker engine (and fails without one under CI=true),
//! and the engine image in `TOPOC_SANDBOX_IMAGE` (scripts/engine-lab.sh sets it to the lab's
//! 28.5.2 image; without it the test says it is skipped). `TOPOC_COMPOSE` must be a static
//! Compose v2 binary for images without `docker compose` (the lab's have none).

#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeSet;
use std::process::Command;

fn docker_lines(args: &[&str]) -> Vec<String> {
    Command::new("docker")
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// What of the sandbox's could be left on the outer engine. Other users share this engine (and
/// import and remove their own probe images meanwhile), so containers, networks, volumes and
/// images are the sandbox's by its label or its name; that the sandbox's IMAGE survives is
/// checked on its own.
fn outer_state() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ours = |l: &String| l.starts_with("topocsb");
    for (what, args) in [
        ("container", &["ps", "-a", "--format", "{{.Names}}"][..]),
        ("network", &["network", "ls", "--format", "{{.Name}}"][..]),
        ("volume", &["volume", "ls", "--format", "{{.Name}}"][..]),
    ] {
        found.extend(docker_lines(args).into_iter().filter(ours).map(|l| format!("{what} {l}")));
    }
    for (what, args) in [
        ("labelled container", &["ps", "-a", "--filter", "label=topoc-sandbox", "--format", "{{.Names}}"][..]),
        ("labelled network", &["network", "ls", "--filter", "label=topoc-sandbox", "--format", "{{.Name}}"][..]),
        ("labelled volume", &["volume", "ls", "--filter", "label=topoc-sandbox", "--format", "{{.Name}}"][..]),
        ("image", &["images", "--filter", "reference=topocsb*", "--format", "{{.Repository}}:{{.Tag}}"][..]),
        ("labelled image", &["images", "--filter", "label=topoc-sandbox", "--format", "{{.Repository}}:{{.Tag}}"][..]),
    ] {
        found.extend(docker_lines(args).into_iter().map(|l| format!("{what} {l}")));
    }
    found
}

/// Run `topoc verify SPEC ARGS --sandbox IMAGE`; returns (exit code, JSON report or None, stderr).
fn sandboxed(spec: &str, image: &str, args: &[&str]) -> (Option<i32>, Option<serde_json::Value>, String) {
    let root = support::repo_root();
    let lock = std::env::temp_dir().join(format!("topoc-sandbox-live-{}.lock", std::process::id()));
    let out = support::topoc()
        .current_dir(&root)
        .args(["verify", spec, "--sandbox", image, "--output", "json", "--color", "never"])
        .arg("--lock")
        .arg(&lock)
        .args(args)
        .output()
        .expect("run topoc");
    let _ = std::fs::remove_file(&lock);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), serde_json::from_slice(&out.stdout).ok(), stderr)
}

/// Every probe sent agrees, and there were some.
fn assert_agrees(what: &str, report: Option<serde_json::Value>, stderr: &str) {
    let report = report.unwrap_or_else(|| panic!("{what}: no report; stderr:\n{stderr}"));
    let probes = report["probes"].as_array().cloned().unwrap_or_default();
    let sent: Vec<_> = probes.iter().filter(|p| !p["observed"].is_null()).collect();
    let wrong: Vec<_> = sent.iter().filter(|p| p["observed"] != p["expected"]).collect();
    assert!(!sent.is_empty(), "{what}: no probe was sent");
    assert!(wrong.is_empty(), "{what}: mismatches {wrong:?}");
    assert!(
        report["teardown_problems"].as_array().is_some_and(Vec::is_empty),
        "{what}: {:?}",
        report["teardown_problems"]
    );
    eprintln!("{what}: {} probes, {} sent, all agree, engine {}", probes.len(), sent.len(), report["engine"]);
}

#[test]
fn verify_in_a_sandbox_leaves_nothing_on_the_outer_engine() {
    if !Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(std::env::var("CI").is_err(), "no Docker engine is reachable: the sandbox test cannot run");
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED verify_in_a_sandbox_leaves_nothing_on_the_outer_engine: no Docker engine\n"
        );
        return;
    }
    let Some(image) = std::env::var("TOPOC_SANDBOX_IMAGE").ok().filter(|s| !s.is_empty()) else {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED verify_in_a_sandbox_leaves_nothing_on_the_outer_engine: TOPOC_SANDBOX_IMAGE is not set \
             (scripts/engine-lab.sh runs it with the lab's 28.5.2 engine image)\n"
        );
        return;
    };
    let before = outer_state();

    // A Compose project inside one engine container.
    let (code, report, stderr) = sandboxed("tests/live/bridge-basics.yaml", &image, &[]);
    assert_agrees("compose in the sandbox", report, &stderr);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(outer_state(), before, "the compose sandbox left something behind");

    // A stack on a Swarm of three engine containers.
    let (code, report, stderr) =
        sandboxed("tests/live/swarm-overlay.yaml", &image, &["--target", "swarm", "--nodes", "3"]);
    assert!(stderr.contains("forming a swarm of 3 nodes"), "{stderr}");
    assert_agrees("a 3-node swarm in the sandbox", report, &stderr);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(outer_state(), before, "the swarm sandbox left something behind");

    // An image that cannot run a nested engine (it has no shell, let alone dockerd): one
    // diagnostic that says so, exit 2, nothing left.
    let empty = format!("topocsb-empty:{}", std::process::id());
    let mut import = Command::new("docker")
        .args(["import", "-", &empty])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("docker import");
    {
        use std::io::Write;
        import.stdin.take().expect("stdin").write_all(&[0u8; 1024]).expect("write tar");
    }
    assert!(import.wait().is_ok_and(|s| s.success()), "cannot import {empty}");
    let (code, _, stderr) = sandboxed("tests/live/bridge-basics.yaml", &empty, &[]);
    let _ = Command::new("docker").args(["rmi", &empty]).output();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot run a nested engine") || stderr.contains("cannot run verify inside"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "one diagnostic: {stderr}");
    assert_eq!(outer_state(), before, "the refused sandbox left something behind");
    assert!(
        Command::new("docker").args(["image", "inspect", &image]).output().is_ok_and(|o| o.status.success()),
        "the sandbox removed its image {image}"
    );
}
