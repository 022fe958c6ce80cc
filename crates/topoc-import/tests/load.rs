//! Reading compose projects from files: `-f` merges, `extends` across files, `include`, the
//! errors Compose refuses, and where each finding is located.

use std::path::{Path, PathBuf};
use topoc_diag::Files;
use topoc_import::{Options, load};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

fn options(files: Vec<PathBuf>) -> Options {
    Options { files, project_name: Some("t".into()), ..Options::default() }
}

/// Codes and `file:line:col` of each finding's primary label.
fn findings(imported: &topoc_import::Imported, files: &Files) -> Vec<String> {
    imported
        .diagnostics
        .iter()
        .map(|d| {
            let at = d
                .labels
                .iter()
                .find(|l| l.primary)
                .and_then(|l| {
                    let f = files.get(l.span.file)?;
                    let lc = f.line_col(l.span.start as usize);
                    let name = Path::new(&f.path).file_name()?.to_string_lossy().into_owned();
                    Some(format!("{name}:{}:{}", lc.line, lc.column))
                })
                .unwrap_or_else(|| "-".into());
            format!("{} {at}", d.code.as_str())
        })
        .collect()
}

#[test]
fn extends_across_files_merges_the_base_under_the_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "common.yaml",
        "services:\n  base:\n    image: app:1.0\n    environment: {A: '1', B: '2'}\n    dns: [1.1.1.1]\n",
    );
    let main = write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    extends: {file: common.yaml, service: base}\n    environment: [B=3]\n    dns: [8.8.8.8]\n",
    );
    let mut files = Files::new();
    let imported = load(&options(vec![main]), &mut files);
    let spec = imported.spec.expect("spec").to_json();
    let web = &spec["services"]["web"];
    assert_eq!(web["image"], "app:1.0");
    assert_eq!(web["environment"], serde_json::json!({"A": "1", "B": "3"}));
    assert_eq!(web["dns"], serde_json::json!(["1.1.1.1", "8.8.8.8"]));
    assert_eq!(web["networks"], serde_json::json!(["default"]));
    assert!(spec["networks"]["default"].is_object());
}

#[test]
fn broken_extends_and_includes_are_refused_where_they_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = write(
        dir.path(),
        "compose.yaml",
        "include:\n  - missing.yaml\n  - other.yaml\nservices:\n  a:\n    extends: b\n  b:\n    extends: a\n  c:\n    image: x:1\n  d:\n    extends: {service: cc}\n",
    );
    write(dir.path(), "other.yaml", "services:\n  c:\n    image: y:1\n");
    let mut files = Files::new();
    let imported = load(&options(vec![main]), &mut files);
    assert!(imported.spec.is_none(), "a project Compose refuses is not decoded");
    let got = findings(&imported, &files);
    for want in [
        "compose-reference compose.yaml:2:5",   // missing.yaml
        "compose-reference compose.yaml:8:14",  // the cycle a → b → a, once
        "compose-reference compose.yaml:9:3",   // c defined twice (project and include)
        "compose-reference compose.yaml:12:24", // cc: no such service
    ] {
        assert!(got.iter().any(|g| g == want), "missing `{want}` in {got:?}");
    }
    assert_eq!(got.len(), 4, "one finding per cause: {got:?}");
}

#[test]
fn override_files_are_located_in_themselves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = write(dir.path(), "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n");
    let over = write(
        dir.path(),
        "compose.override.yaml",
        "services:\n  web:\n    deploy: {rollback_config: {parallelism: 1}}\n    network_mode: 'container:vpn'\n",
    );
    let mut files = Files::new();
    let imported = load(&options(vec![main, over]), &mut files);
    let got = findings(&imported, &files);
    assert_eq!(
        got,
        vec!["compose-not-carried compose.override.yaml:3:14", "compose-not-carried compose.override.yaml:4:19"],
        "{got:?}"
    );
}

#[test]
fn included_files_in_other_folders_keep_their_relative_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = write(dir.path(), "compose.yaml", "include: [sub/compose.yaml]\nservices: {}\n");
    write(dir.path(), "sub/compose.yaml", "services:\n  s:\n    image: x:1\n    volumes: ['./data:/data']\n");
    let mut files = Files::new();
    let imported = load(&options(vec![main]), &mut files);
    let spec = imported.spec.expect("spec").to_json();
    assert_eq!(spec["services"]["s"]["volumes"], serde_json::json!(["./sub/data:/data"]));
}

#[test]
fn reset_tags_are_refused_not_merged_silently() {
    // Compose's `!reset` / `!override` change how files merge; the YAML reader refuses every tag
    // it does not read, at the tagged value, so nothing is merged as if the tag were absent.
    let dir = tempfile::tempdir().expect("tempdir");
    let main = write(dir.path(), "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: !reset []\n");
    let mut files = Files::new();
    let imported = load(&options(vec![main]), &mut files);
    assert_eq!(findings(&imported, &files), vec!["invalid-value compose.yaml:4:19"]);
}
