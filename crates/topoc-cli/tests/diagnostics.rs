//! One fixture per diagnostic code, in YAML and in TOML (`tests/fixtures/diagnostics/<code>/`),
//! each rendered as a user sees it and snapshotted. A code without both fixtures fails the suite.
//!
//! A fixture named `clean.*` is the other side: a spec that must *not* report the code of its
//! directory (the fix, or the look-alike the rule must leave alone). Every lint rule
//! (`topoc_reach::lints::RULES`) has one.

mod support;

use std::path::Path;
use topoc_diag::Code;

/// Run `topoc check` on a fixture, human and JSON. Two optional inputs beside the fixture, for
/// the lock codes a spec alone cannot produce:
/// - `<stem>.lock` (e.g. `basic.lock` for `basic.yaml` and `basic.toml`): copied to the throwaway
///   lock path before each run, so every run starts from the same lock;
/// - `args` (one per directory): extra command-line arguments, whitespace-separated (`--locked`).
///
/// The throwaway directory is shown as `<tmp>`, so messages that name the lock file are stable.
fn render(path: &Path) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture_dir = path.parent().expect("fixture dir");
    let extra = std::fs::read_to_string(fixture_dir.join("args")).unwrap_or_default();
    let extra: Vec<&str> = extra.split_whitespace().collect();
    let lock = path.with_extension("lock");
    let run = |args: &[&str]| {
        if lock.exists() {
            std::fs::copy(&lock, dir.path().join("test.lock")).expect("copy fixture lock");
        }
        let args: Vec<&str> = args.iter().chain(&extra).copied().collect();
        support::run(&args, path, dir.path())
    };
    let human = run(&["check"]);
    let json = run(&["check", "--format", "json"]);
    let root = support::repo_root();
    let text = String::from_utf8_lossy(&human.stderr)
        .replace(&dir.path().display().to_string(), "<tmp>")
        .replace(&root.display().to_string(), "<repo>");
    let value = serde_json::from_slice(&json.stdout).expect("json findings");
    (format!("exit: {}\n{text}", human.status.code().unwrap_or(-1)), value)
}

#[test]
fn fixtures_render() {
    insta::glob!("../../../tests/fixtures/diagnostics", "**/*.{yaml,toml}", |path| {
        let code =
            path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).expect("code dir");
        let (text, json) = render(path);
        let codes: Vec<&str> =
            json["diagnostics"].as_array().expect("list").iter().filter_map(|d| d["code"].as_str()).collect();
        let reports = codes.contains(&format!("topoc::{code}").as_str());
        if is_clean(path) {
            assert!(!reports, "{} is a clean fixture but reports {code}", path.display());
        } else {
            assert!(reports, "{} does not report {code}; it reports {codes:?}", path.display());
        }
        insta::assert_snapshot!(text);
    });
}

/// A fixture that must not report its directory's code.
fn is_clean(path: &Path) -> bool {
    path.file_stem().is_some_and(|s| s == "clean")
}

#[test]
fn every_code_has_yaml_and_toml_fixtures() {
    let root = support::repo_root().join("tests/fixtures/diagnostics");
    let mut missing = Vec::new();
    for code in Code::ALL {
        let dir = root.join(code.as_str());
        let files: Vec<_> =
            std::fs::read_dir(&dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        // Compose files are YAML: the compose reader's codes have no TOML twin.
        let formats: &[&str] = if matches!(code, Code::ComposeNotCarried | Code::ComposeReference) {
            &["yaml"]
        } else {
            &["yaml", "toml"]
        };
        for &ext in formats {
            if !files.iter().any(|p| !is_clean(p) && p.extension().is_some_and(|x| x == ext)) {
                missing.push(format!("{}/*.{ext}", code.as_str()));
            }
        }
        if topoc_reach::lints::group(*code).is_some() && !files.iter().any(|p| is_clean(p)) {
            missing.push(format!("{}/clean.*", code.as_str()));
        }
    }
    assert!(missing.is_empty(), "diagnostic codes without fixtures: {missing:?}");
}
