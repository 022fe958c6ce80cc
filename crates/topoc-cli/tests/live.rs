//! The live suite: `topoc verify` on a real Docker engine, for a spec per group of model
//! rules (tests/live/) and for the shipped examples, both targets. Every probe must agree with
//! the model, and nothing may be left behind or touched that verify did not create.
//!
//! Needs a Docker engine, root (network namespaces) and Compose v2. Without an engine the
//! suite fails when `CI=true`, and is skipped with a message elsewhere. Cases run one after
//! another: they reuse subnets.
//!
//! - `TOPOC_LIVE_ENGINE=CONTAINER` runs every case inside an engine container of the lab
//!   (scripts/engine-lab.sh): `docker exec CONTAINER topoc verify ...`, with this repository and
//!   this topoc binary mounted at the same paths, and the leftover checks run there too.
//!   `TOPOC_LIVE_COMPOSE` names the Compose binary inside it (default
//!   /usr/local/bin/docker-compose).
//! - `TOPOC_LIVE_EXISTING_SWARM=1`: the engine is the manager of a Swarm made for the suite
//!   (the lab's 3-node one): the Swarm cases deploy into it (`--use-existing-swarm`), and it
//!   stays as it is.
//! - `TOPOC_LIVE_REPORT=FILE` writes the per-case figures (probes, agreements, mismatches,
//!   probes not sent and why) as JSON lines.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the engine under test is: this machine's, or one inside a lab container.
#[derive(Debug, Clone)]
enum Engine {
    Local,
    Container(String),
}

impl Engine {
    fn from_env() -> Engine {
        match std::env::var("TOPOC_LIVE_ENGINE") {
            Ok(c) if !c.is_empty() => Engine::Container(c),
            _ => Engine::Local,
        }
    }

    /// `program args` on the engine's host (inside the lab container for a lab engine).
    fn command(&self, program: &str) -> Command {
        match self {
            Engine::Local => Command::new(program),
            Engine::Container(c) => {
                let mut cmd = Command::new("docker");
                cmd.args(["exec", c, program]);
                cmd
            }
        }
    }

    fn stdout(&self, args: &[&str]) -> String {
        self.command(args[0])
            .args(&args[1..])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    fn ok(&self, args: &[&str]) -> bool {
        self.command(args[0]).args(&args[1..]).output().is_ok_and(|o| o.status.success())
    }

    fn available(&self) -> bool {
        self.ok(&["docker", "version", "--format", "{{.Server.Version}}"])
    }

    fn compose(&self) -> String {
        match self {
            Engine::Local => support::compose_v2().display().to_string(),
            Engine::Container(_) => {
                std::env::var("TOPOC_LIVE_COMPOSE").unwrap_or_else(|_| "/usr/local/bin/docker-compose".into())
            }
        }
    }
}

/// One case's figures, for the report.
#[derive(Debug)]
struct CaseReport {
    spec: String,
    target: String,
    engine: String,
    probes: usize,
    agree: usize,
    mismatches: Vec<String>,
    not_sent: BTreeMap<String, usize>,
    notes: Vec<String>,
    seconds: f64,
    error: Option<String>,
}

/// `keep_image`: pass `--keep-probe-image` (every case but the first, which shows that a run
/// removes the image it imported; the suite removes the kept one at the end).
fn verify(engine: &Engine, spec: &Path, target: &str, n: usize, keep_image: bool) -> CaseReport {
    let started = Instant::now();
    let lock = format!("/tmp/topoc-live-{}-{n}.lock", std::process::id());
    // The Compose binary goes to topoc through the environment: inside a lab engine, through
    // `docker exec -e` (the exec client's own environment stays outside).
    let mut cmd = match engine {
        Engine::Local => {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_topoc"));
            cmd.env_remove("NO_COLOR").env("TOPOC_COMPOSE", engine.compose());
            cmd
        }
        Engine::Container(c) => {
            let mut cmd = Command::new("docker");
            cmd.args(["exec", "-e", &format!("TOPOC_COMPOSE={}", engine.compose()), c, env!("CARGO_BIN_EXE_topoc")]);
            cmd
        }
    };
    let out = cmd
        .arg("verify")
        .arg(spec)
        .args(["--target", target, "--output", "json", "--color", "never", "--lock", &lock])
        .args(keep_image.then_some("--keep-probe-image"))
        .args(
            (target == "swarm" && std::env::var_os("TOPOC_LIVE_EXISTING_SWARM").is_some())
                .then_some("--use-existing-swarm"),
        )
        .output();
    let _ = engine.command("rm").args(["-f", &lock]).output();
    let mut case = CaseReport {
        spec: spec.strip_prefix(support::repo_root()).unwrap_or(spec).display().to_string(),
        target: target.into(),
        engine: String::new(),
        probes: 0,
        agree: 0,
        mismatches: Vec::new(),
        not_sent: BTreeMap::new(),
        notes: Vec::new(),
        seconds: 0.0,
        error: None,
    };
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            case.error = Some(format!("cannot run topoc: {e}"));
            return case;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let Ok(report) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
        case.error = Some(format!("no report: {}", stderr.trim()));
        return case;
    };
    case.engine = report["engine"].as_str().unwrap_or_default().to_owned();
    let probes = report["probes"].as_array().cloned().unwrap_or_default();
    case.probes = probes.len();
    for p in &probes {
        if p["observed"].is_null() {
            let why = if p["kind"] == "ingress" && target == "swarm" {
                "routing mesh, no IPVS in this kernel".to_owned()
            } else if p["kind"] == "gateway" {
                let d = p["detail"].as_str().unwrap_or_default();
                if d.contains("IPv6 subnet of a stack") {
                    "IPv6 gateway of a stack network, not compared".to_owned()
                } else {
                    "gateway of a network the engine does not show on this node".to_owned()
                }
            } else if p["from"] == "host" {
                "host probe without a local route".to_owned()
            } else {
                format!("{} probe not sent", p["kind"].as_str().unwrap_or_default())
            };
            *case.not_sent.entry(why).or_default() += 1;
        } else if p["observed"] == p["expected"] {
            case.agree += 1;
        } else {
            case.mismatches.push(format!(
                "{} {} → {} ({}): model {}, engine {}",
                p["kind"], p["from"], p["to"], p["detail"], p["expected"], p["observed"]
            ));
        }
    }
    case.notes =
        report["skipped"].as_array().into_iter().flatten().filter_map(|s| s.as_str()).map(str::to_owned).collect();
    let teardown: Vec<String> = report["teardown_problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str())
        .map(str::to_owned)
        .collect();
    if !teardown.is_empty() {
        case.error = Some(format!("teardown problems: {}", teardown.join("; ")));
    } else if !out.status.success() && case.mismatches.is_empty() {
        case.error = Some(format!("exit {:?}: {}", out.status.code(), stderr.trim()));
    }
    case.seconds = started.elapsed().as_secs_f64();
    case
}

/// Everything a verify run could leave behind or take away, on the engine and its host: the
/// containers, networks, volumes, stacks and probe images verify names, the namespaces and
/// routes it adds, and the swarm state. Compared before and after the suite.
fn engine_state(engine: &Engine) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut add = |what: &str, args: &[&str], keep: &dyn Fn(&str) -> bool| {
        for l in engine.stdout(args).lines().filter(|l| keep(l)) {
            found.insert(format!("{what} {l}"));
        }
    };
    let ours = |l: &str| l.starts_with("topocv");
    add("container", &["docker", "ps", "-a", "--format", "{{.Names}}"], &ours);
    add("network", &["docker", "network", "ls", "--format", "{{.Name}}"], &|l| ours(l) || l == "docker_gwbridge");
    add("volume", &["docker", "volume", "ls", "--format", "{{.Name}}"], &|l| !l.is_empty());
    add("stack", &["docker", "stack", "ls", "--format", "{{.Name}}"], &ours);
    add("image", &["docker", "images", "--format", "{{.Repository}}:{{.Tag}}", "topoc-probe"], &|l| !l.is_empty());
    add("netns", &["ip", "netns", "list"], &ours);
    add("route", &["ip", "route"], &|l| l.starts_with("blackhole") || l.contains(" dev tv"));
    add("route6", &["ip", "-6", "route"], &|l| l.starts_with("blackhole") || l.contains(" dev tv"));
    add("link", &["ip", "-br", "link"], &|l| l.starts_with("tv"));
    add("swarm", &["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"], &|l| !l.is_empty());
    found
}

/// Things of someone else's that verify must not touch: a `topoc-probe:*` image of another
/// build and a volume. Created before the suite, checked and removed after it.
struct Foreign {
    image: String,
    volume: String,
}

impl Foreign {
    fn create(engine: &Engine) -> Foreign {
        let id = std::process::id();
        let f = Foreign { image: format!("topoc-probe:foreign-{id}"), volume: format!("topoc-foreign-{id}") };
        // An empty image: a tar archive of nothing but its end-of-archive blocks.
        let mut import = engine.command("docker");
        import.args(["import", "-", &f.image]);
        if let Engine::Container(c) = engine {
            import = Command::new("docker");
            import.args(["exec", "-i", c, "docker", "import", "-", &f.image]);
        }
        let mut child = import.stdin(std::process::Stdio::piped()).spawn().expect("docker import");
        {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(&[0u8; 1024]).expect("write tar");
        }
        assert!(child.wait().is_ok_and(|s| s.success()), "cannot import the foreign image {}", f.image);
        assert!(engine.ok(&["docker", "volume", "create", &f.volume]), "cannot create the foreign volume {}", f.volume);
        f
    }

    /// What is missing of it now; then removes it.
    fn check_and_remove(self, engine: &Engine) -> Vec<String> {
        let mut missing = Vec::new();
        if !engine.ok(&["docker", "image", "inspect", &self.image]) {
            missing.push(format!("image {}", self.image));
        }
        if !engine.ok(&["docker", "volume", "inspect", &self.volume]) {
            missing.push(format!("volume {}", self.volume));
        }
        let _ = engine.ok(&["docker", "rmi", &self.image]);
        let _ = engine.ok(&["docker", "volume", "rm", &self.volume]);
        missing
    }
}

/// Every live spec and every example, with its target: the rule specs by name
/// (`swarm-*.yaml` as stacks), every example as a Compose project (but RuVector, whose overlays
/// Compose cannot create) and as a Swarm stack.
fn cases() -> Vec<(PathBuf, &'static str)> {
    let root = support::repo_root();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/live"))
        .expect("tests/live")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    let mut out: Vec<(PathBuf, &'static str)> = specs
        .into_iter()
        .map(|p| {
            let swarm = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("swarm-"));
            (p, if swarm { "swarm" } else { "compose" })
        })
        .collect();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples")
        .flatten()
        .map(|e| e.path().join("topology.yaml"))
        .filter(|p| p.exists())
        .collect();
    examples.sort();
    for e in &examples {
        if !e.display().to_string().contains("ruvector-swarm") {
            out.push((e.clone(), "compose"));
        }
    }
    for e in examples {
        out.push((e, "swarm"));
    }
    out
}

#[test]
fn live_verify_agrees_with_the_model() {
    let engine = Engine::from_env();
    if !engine.available() {
        assert!(
            std::env::var("CI").is_err() && matches!(engine, Engine::Local),
            "no Docker engine is reachable ({engine:?}): the live suite cannot run"
        );
        // Straight to the process's stderr: the test harness captures `eprintln!` of a passing
        // test, and a skip must not look like a pass.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED live_verify_agrees_with_the_model: no Docker engine reachable; the live suite needs one \
             (it fails under CI=true; scripts/engine-lab.sh runs it on real engines)\n"
        );
        return;
    }
    let before = engine_state(&engine);
    let foreign = Foreign::create(&engine);
    let mut report = std::env::var_os("TOPOC_LIVE_REPORT").map(|p| std::fs::File::create(p).expect("report file"));
    let mut failures = Vec::new();
    let mut probes = 0;
    // TOPOC_LIVE_ONLY=TEXT runs only the cases whose "SPEC TARGET" contains TEXT (to re-run
    // one case; `A|B` for those that contain A or B); it says how many it left out, and the
    // leftover checks still run.
    let only = std::env::var("TOPOC_LIVE_ONLY").ok().filter(|s| !s.is_empty());
    let all = cases();
    let chosen: Vec<(PathBuf, &str)> = all
        .iter()
        .filter(|(spec, target)| {
            let case = format!("{} {target}", spec.display());
            only.as_ref().is_none_or(|o| o.split('|').any(|text| case.contains(text)))
        })
        .cloned()
        .collect();
    if only.is_some() {
        // Straight to stderr (the harness captures `eprintln!` of a passing test): a case left
        // out must be seen.
        use std::io::Write as _;
        let left: Vec<String> = all
            .iter()
            .filter(|c| !chosen.contains(c))
            .map(|(spec, target)| format!("  left out: {} ({target})", spec.display()))
            .collect();
        let _ = writeln!(
            std::io::stderr(),
            "TOPOC_LIVE_ONLY: {} of {} cases left out\n{}",
            left.len(),
            all.len(),
            left.join("\n")
        );
        assert!(!chosen.is_empty(), "TOPOC_LIVE_ONLY matches no case");
    }
    for (n, (spec, target)) in chosen.into_iter().enumerate() {
        let case = verify(&engine, &spec, target, n, n > 0);
        if n == 0 {
            let images = engine_state(&engine).into_iter().filter(|l| l.starts_with("image ")).collect::<BTreeSet<_>>();
            let before_images = before.iter().filter(|l| l.starts_with("image ")).cloned().collect::<BTreeSet<_>>();
            let new: Vec<&String> = images.difference(&before_images).filter(|l| !l.contains(&foreign.image)).collect();
            if !new.is_empty() {
                failures.push(format!("the first run left its probe image behind: {new:?}"));
            }
        }
        let unsent: usize = case.not_sent.values().sum();
        eprintln!(
            "verified {} ({}) on {}: {} probes, {} agree, {} mismatches, {unsent} not sent {:?}, {:.1}s",
            case.spec,
            target,
            case.engine,
            case.probes,
            case.agree,
            case.mismatches.len(),
            case.not_sent,
            case.seconds
        );
        for note in &case.notes {
            eprintln!("  note: {note}");
        }
        if let Some(f) = report.as_mut() {
            use std::io::Write;
            let line = serde_json::json!({
                "spec": case.spec, "target": case.target, "engine": case.engine, "probes": case.probes,
                "agree": case.agree, "mismatches": case.mismatches, "not_sent": case.not_sent,
                "notes": case.notes, "seconds": case.seconds, "error": case.error,
            });
            let _ = writeln!(f, "{line}");
        }
        probes += case.probes;
        if !case.mismatches.is_empty() || case.error.is_some() {
            failures.push(format!(
                "{} ({target}): {}\n  {}",
                case.spec,
                case.error.as_deref().unwrap_or("mismatches"),
                case.mismatches.join("\n  ")
            ));
        }
    }
    // The probe image the later cases kept (`--keep-probe-image`): the suite's to remove.
    for l in engine_state(&engine).difference(&before) {
        if let Some(tag) = l.strip_prefix("image ").filter(|t| *t != foreign.image) {
            let _ = engine.ok(&["docker", "rmi", tag]);
        }
    }
    let missing = foreign.check_and_remove(&engine);
    let after = engine_state(&engine);
    let left: Vec<&String> = after.difference(&before).collect();
    let gone: Vec<&String> = before.difference(&after).collect();
    assert!(missing.is_empty(), "verify removed things that were not its own: {missing:?}");
    assert!(left.is_empty() && gone.is_empty(), "verify changed the engine: left {left:?}, removed {gone:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(probes > 0, "no probe was sent");
}
