//! Each reference topology keeps its design "as written" beside the fixed one, and its README
//! states topoc's verdict. `verdict.txt` lists the finding codes that verdict rests on; this
//! test reproduces every one of them on the as-written spec, and requires the fixed spec to
//! check without errors.

mod support;

fn codes(spec: &std::path::Path) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = support::run(&["check", "--format", "json"], spec, dir.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json findings");
    let mut codes: Vec<String> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    codes.sort();
    codes.dedup();
    (out.status.code(), codes)
}

#[test]
fn as_written_designs_reproduce_their_verdicts() {
    let mut checked = 0;
    for dir in std::fs::read_dir(support::repo_root().join("examples")).expect("examples").flatten() {
        let verdict = dir.path().join("verdict.txt");
        let Ok(text) = std::fs::read_to_string(&verdict) else { continue };
        let as_written = dir.path().join("topology.as-written.yaml");
        let (exit, reported) = codes(&as_written);
        assert_eq!(exit, Some(1), "{} should fail `topoc check`", as_written.display());
        for code in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            assert!(
                reported.iter().any(|c| c == code),
                "{}: verdict lists {code}, but check reports {reported:?}",
                as_written.display()
            );
        }
        let (fixed_exit, fixed) = codes(&dir.path().join("topology.yaml"));
        assert_eq!(fixed_exit, Some(0), "{}: the fixed design reports {fixed:?}", dir.path().display());
        assert!(dir.path().join("README.md").exists(), "{} has no README", dir.path().display());
        checked += 1;
    }
    assert!(checked >= 5, "expected the five reference topologies, found {checked}");
}
