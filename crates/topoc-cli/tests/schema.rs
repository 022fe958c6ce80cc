//! The committed JSON Schema is what the binary generates, and every example validates against it.

mod support;

#[test]
fn committed_schema_is_fresh() {
    let out = support::topoc().arg("schema").output().expect("run");
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).expect("utf8");
    let path = support::repo_root().join("schemas/topology.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if generated != committed {
        if std::env::var_os("TOPOC_BLESS").is_some() {
            std::fs::write(&path, &generated).expect("write schema");
            return;
        }
        panic!(
            "schemas/topology.schema.json is stale: run `TOPOC_BLESS=1 cargo test --test schema` (or `topoc schema > schemas/topology.schema.json`) and commit it"
        );
    }
}

#[test]
fn examples_validate_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(support::repo_root().join("schemas/topology.schema.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let mut checked = 0;
    for entry in walk(&support::repo_root().join("examples")) {
        let text = std::fs::read_to_string(&entry).expect("read");
        if !matches!(entry.extension().and_then(|e| e.to_str()), Some("yaml" | "toml")) {
            continue;
        }
        let value = to_json(&entry, &text);
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{} does not validate: {errors:#?}", entry.display());
        checked += 1;
    }
    assert!(checked > 0, "no examples found");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("topology")) {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn to_json(path: &std::path::Path, text: &str) -> serde_json::Value {
    let format = topoc_spec::Format::from_path(&path.display().to_string());
    topoc_spec::parse(text, format, topoc_diag::FileId(0)).expect("example parses").to_json()
}
