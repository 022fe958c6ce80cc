//! The compose corpus (tests/compose-corpus/): compose files of our own making that reproduce
//! the patterns of public deployments.
//!
//! 1. Round trip with the real Compose: `topoc import` each case (with the case's `args`: more
//!    `-f` files, `--profile`), `topoc build` the spec, and compare `docker compose config
//!    --format json` of the original with that of the built file, up to the normalisations of
//!    docs/import.md ("Round trip"). A case whose import reports no `compose-not-carried`
//!    warning must come back equal; the status of every case (equal, or how many settings are
//!    not carried yet and whether the rest still matches) is a snapshot.
//! 2. `topoc check` runs on every case and locates every finding in the case's compose files
//!    (line and column in the file as written); the findings are a snapshot, and the data of
//!    docs/compose-lint.md.

mod support;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: String,
    dir: PathBuf,
    main: String,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let root = support::repo_root().join("tests/compose-corpus");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&root).expect("tests/compose-corpus").flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        let main = ["compose.yaml", "docker-compose.yml"]
            .into_iter()
            .find(|f| dir.join(f).is_file())
            .unwrap_or_else(|| panic!("{} has no compose.yaml", dir.display()))
            .to_owned();
        let args = std::fs::read_to_string(dir.join("args"))
            .map(|a| a.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        out.push(Case { name: entry.file_name().to_string_lossy().into_owned(), dir, main, args });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(out.len() >= 20, "the corpus has {} cases, fewer than 20", out.len());
    out
}

/// `--profile P` pairs of a case's arguments (they apply to the built file too).
fn profiles(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--profile"
            && let Some(p) = it.next()
        {
            out.extend(["--profile".to_owned(), p.clone()]);
        }
    }
    out
}

fn compose_json(cwd: &Path, project_dir: Option<&Path>, files: &[String], extra: &[String]) -> Json {
    let mut cmd = Command::new(support::compose_v2());
    cmd.current_dir(cwd).arg("-p").arg("corpus");
    if let Some(dir) = project_dir {
        cmd.arg("--project-directory").arg(dir);
    }
    for f in files {
        cmd.arg("-f").arg(f);
    }
    cmd.args(extra).args(["config", "--format", "json"]);
    for (k, _) in std::env::vars() {
        if k.starts_with("COMPOSE_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd.output().expect("run docker-compose");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("compose config in {} failed ({e}): {}", cwd.display(), String::from_utf8_lossy(&out.stderr))
    })
}

/// The normalisations of docs/import.md, applied to both sides.
fn normalise(mut v: Json) -> Json {
    if let Some(networks) = v.get_mut("networks").and_then(Json::as_object_mut) {
        for n in networks.values_mut().filter_map(Json::as_object_mut) {
            // The emitter writes the defaults Compose leaves implicit.
            if n.get("driver").and_then(Json::as_str) == Some("bridge") {
                n.remove("driver");
            }
            if n.get("internal") == Some(&Json::Bool(false)) {
                n.remove("internal");
            }
            if let Some(ipam) = n.get_mut("ipam").and_then(Json::as_object_mut)
                && ipam.get("driver").and_then(Json::as_str) == Some("default")
            {
                ipam.remove("driver");
            }
            // topoc states the gateway Docker picks when a file leaves it out (the first address
            // of the ip_range, else of the subnet), so the file means the same on every engine.
            for pool in n
                .get_mut("ipam")
                .and_then(|i| i.get_mut("config"))
                .and_then(Json::as_array_mut)
                .into_iter()
                .flatten()
                .filter_map(Json::as_object_mut)
            {
                if pool.contains_key("gateway") {
                    continue;
                }
                let net = |key: &str| pool.get(key).and_then(Json::as_str).and_then(|t| t.parse::<ipnet::IpNet>().ok());
                if let Some(gateway) =
                    net("subnet").and_then(|s| topoc_model::ipam::default_gateway(s, net("ip_range")))
                {
                    pool.insert("gateway".into(), Json::String(gateway.to_string()));
                }
            }
        }
    }
    if let Some(services) = v.get_mut("services").and_then(Json::as_object_mut) {
        for s in services.values_mut().filter_map(Json::as_object_mut) {
            if let Some(nets) = s.get_mut("networks").and_then(Json::as_object_mut) {
                for a in nets.values_mut() {
                    if a.as_object().is_some_and(|o| o.is_empty()) {
                        *a = Json::Null;
                    }
                }
            }
            if let Some(mounts) = s.get_mut("volumes").and_then(Json::as_array_mut) {
                for m in mounts.iter_mut().filter_map(Json::as_object_mut) {
                    if m.get("volume").is_some_and(|v| v.as_object().is_some_and(|o| o.is_empty())) {
                        m.remove("volume");
                    }
                }
            }
        }
    }
    v
}

/// Paths where two JSON values differ (at most `limit`).
fn differences(a: &Json, b: &Json, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(l), Some(r)) => differences(l, r, &p, out),
                    (Some(_), None) => out.push(format!("{p}: only in the original")),
                    (None, Some(_)) => out.push(format!("{p}: only in the build")),
                    (None, None) => {}
                }
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: {a} vs {b}")),
    }
}

#[test]
fn corpus_round_trips_through_import_and_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut status = String::new();
    let mut failures = Vec::new();
    for case in cases() {
        let spec = tmp.path().join(format!("{}.yaml", case.name));
        let built = tmp.path().join(format!("{}.compose.yaml", case.name));
        let lock = tmp.path().join(format!("{}.lock", case.name));
        let import = support::topoc()
            .current_dir(&case.dir)
            .arg("import")
            .arg(&case.main)
            .args(&case.args)
            .args(["-p", "corpus", "--lossy", "--force", "--format", "json", "-o"])
            .arg(&spec)
            .output()
            .expect("run topoc import");
        let report: Json = serde_json::from_slice(&import.stdout).unwrap_or_else(|e| {
            panic!("{}: import printed no JSON ({e}): {}", case.name, String::from_utf8_lossy(&import.stderr))
        });
        assert!(import.status.success(), "{}: import failed: {report:#}", case.name);
        let lost = report["diagnostics"]
            .as_array()
            .map(|d| d.iter().filter(|d| d["code"] == "topoc::compose-not-carried" && d["severity"] != "note").count())
            .unwrap_or_default();
        let build = support::topoc()
            .arg("build")
            .arg(&spec)
            .arg("--lock")
            .arg(&lock)
            .arg("-o")
            .arg(&built)
            .arg("--force")
            .output()
            .expect("run topoc build");
        assert!(build.status.success(), "{}: build failed: {}", case.name, String::from_utf8_lossy(&build.stderr));
        // The starting policy admits exactly today's paths: `check` on the import judges none.
        let check = support::topoc()
            .arg("check")
            .arg(&spec)
            .arg("--lock")
            .arg(&lock)
            .args(["--format", "json"])
            .output()
            .expect("run topoc check");
        let judged: Json = serde_json::from_slice(&check.stdout).expect("check JSON");
        let policy_findings: Vec<&Json> = judged["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| {
                matches!(
                    d["code"].as_str(),
                    Some(
                        "topoc::over-broad"
                            | "topoc::policy-violation"
                            | "topoc::unsatisfied-allow"
                            | "topoc::unused-rule"
                    )
                )
            })
            .collect();
        assert!(policy_findings.is_empty(), "{}: the imported policy does not fit: {policy_findings:#?}", case.name);
        let mut files = vec![case.main.clone()];
        let mut it = case.args.iter();
        while let Some(a) = it.next() {
            if a == "-f"
                && let Some(f) = it.next()
            {
                files.push(f.clone());
            }
        }
        let original = normalise(compose_json(&case.dir, None, &files, &profiles(&case.args)));
        let rebuilt =
            normalise(compose_json(&case.dir, Some(&case.dir), &[built.display().to_string()], &profiles(&case.args)));
        let mut diff = Vec::new();
        differences(&original, &rebuilt, "", &mut diff);
        let line = match (lost, diff.len()) {
            (0, 0) => "round trip: equal".to_owned(),
            (0, n) => {
                failures.push(format!("{}: {n} differences:\n  {}", case.name, diff.join("\n  ")));
                format!("round trip: {n} differences")
            }
            (l, 0) => format!("{l} settings not carried yet; the rest round-trips equal"),
            (l, n) => format!("{l} settings not carried yet; {n} differences where they were"),
        };
        status.push_str(&format!("{}: {line}\n", case.name));
    }
    assert!(failures.is_empty(), "cases that import without loss must round-trip:\n{}", failures.join("\n"));
    insta::assert_snapshot!("corpus_status", status);
}

#[test]
fn check_locates_every_finding_in_the_compose_files() {
    let mut all = String::new();
    for case in cases() {
        let out = support::topoc()
            .current_dir(&case.dir)
            .arg("check")
            .arg(&case.main)
            .args(&case.args)
            .args(["--format", "json", "--color", "never"])
            .output()
            .expect("run topoc check");
        let code = out.status.code().unwrap_or(-1);
        assert!(code == 0 || code == 1, "{}: check exited {code}: {}", case.name, String::from_utf8_lossy(&out.stderr));
        let report: Json = serde_json::from_slice(&out.stdout).expect("check JSON");
        all.push_str(&format!("## {} (exit {code})\n", case.name));
        for d in report["diagnostics"].as_array().into_iter().flatten() {
            let primary = d["labels"].as_array().and_then(|l| l.iter().find(|l| l["primary"] == true));
            let at = match primary {
                Some(l) => {
                    let file = l["file"].as_str().unwrap_or_default();
                    assert!(
                        case.dir.join(file).is_file() && (file.ends_with(".yaml") || file.ends_with(".yml")),
                        "{}: finding located in {file}, not a compose file of the case",
                        case.name
                    );
                    assert!(l["start"]["line"].as_u64().unwrap_or(0) >= 1);
                    format!("{file}:{}:{}", l["start"]["line"], l["start"]["column"])
                }
                None => "-".to_owned(),
            };
            let code = d["code"].as_str().unwrap_or_default().trim_start_matches("topoc::");
            all.push_str(&format!("{code} {at} {}\n", d["message"].as_str().unwrap_or_default()));
        }
    }
    insta::assert_snapshot!("corpus_check", all);
}
