//! Embeds each rule's example fixtures for `topoc rule`: the table `RULE_FIXTURES` in
//! `$OUT_DIR/rule_fixtures.rs` maps a code's name to its `basic.yaml` (a spec that reports it)
//! and its `clean.yaml` (one that must not), both `include_str!`ed from
//! `tests/fixtures/diagnostics/<code>/`, so the pages show the fixtures the test suite runs.
#![allow(clippy::print_stdout)] // a build script talks to cargo on stdout

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../../tests/fixtures/diagnostics");
    // A fixture directory added or removed changes the table; include_str! tracks the contents.
    println!("cargo::rerun-if-changed={}", root.display());
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    if dirs.is_empty() {
        println!("cargo::warning=no fixtures in {}: `topoc rule` pages have no examples", root.display());
    }
    dirs.sort();
    let mut table = String::from("/// (code name, `basic.yaml`, `clean.yaml`), by name.\n");
    table.push_str("pub(crate) static RULE_FIXTURES: &[(&str, &str, Option<&str>)] = &[\n");
    for dir in dirs {
        let (Some(name), basic) = (dir.file_name().and_then(|n| n.to_str()), dir.join("basic.yaml")) else { continue };
        if !basic.is_file() {
            continue;
        }
        let clean = dir.join("clean.yaml");
        let clean = if clean.is_file() { format!("Some(include_str!({:?}))", clean.display()) } else { "None".into() };
        let _ = writeln!(table, "    ({name:?}, include_str!({:?}), {clean}),", basic.display());
    }
    table.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rule_fixtures.rs");
    std::fs::write(out, table).expect("write rule_fixtures.rs");
}
