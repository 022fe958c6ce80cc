//! The precision benchmark (tests/precision): every finding `topoc check` gives on the corpus
//! is marked by hand as a real problem or as noise, the counts per file are held here, and
//! docs/precision.md's table must say the same.

mod support;

use std::path::Path;

/// One hand-marked expectation: `MARK | CODE | TEXT | WHY`.
struct Mark {
    real: bool,
    code: String,
    text: String,
}

fn marks(path: &Path) -> Vec<Mark> {
    let text = std::fs::read_to_string(path).expect("expect file");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(parts.len(), 4, "{}: `{l}` is not MARK | CODE | TEXT | WHY", path.display());
            assert!(matches!(parts[0], "true" | "noise"), "{}: mark `{}`", path.display(), parts[0]);
            Mark { real: parts[0] == "true", code: format!("topoc::{}", parts[1]), text: parts[2].to_owned() }
        })
        .collect()
}

/// (file, findings, true, noise) as held by this test.
const COUNTS: &[(&str, usize, usize, usize)] =
    &[("gitea", 2, 1, 1), ("monitoring", 6, 3, 3), ("saas", 2, 2, 0), ("traefik", 8, 6, 2), ("wordpress", 8, 5, 3)];

#[test]
fn every_finding_is_marked_and_the_counts_hold() {
    let root = support::repo_root().join("tests/precision");
    let mut seen = Vec::new();
    for &(name, findings, real, noise) in COUNTS {
        let spec = root.join(format!("{name}.yaml"));
        let dir = tempfile::tempdir().expect("tempdir");
        let out = support::run(&["check", "--format", "json"], &spec, dir.path());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let found: Vec<(String, String)> = json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| (d["code"].as_str().unwrap_or("").to_owned(), d["message"].as_str().unwrap_or("").to_owned()))
            .collect();
        let marks = marks(&root.join(format!("{name}.expect")));
        let mut used = vec![false; marks.len()];
        let (mut t, mut n) = (0, 0);
        for (code, message) in &found {
            let hit =
                marks.iter().enumerate().position(|(i, m)| !used[i] && &m.code == code && message.contains(&m.text));
            let Some(i) = hit else { panic!("{name}: unmarked finding {code}: {message}") };
            used[i] = true;
            if marks[i].real { t += 1 } else { n += 1 }
        }
        let stale: Vec<&str> = marks.iter().zip(&used).filter(|(_, u)| !**u).map(|(m, _)| m.text.as_str()).collect();
        assert!(stale.is_empty(), "{name}: marks that match no finding: {stale:?}");
        assert_eq!((found.len(), t, n), (findings, real, noise), "{name}: (findings, true, noise)");
        seen.push(name);
    }
    let mut files: Vec<String> = std::fs::read_dir(&root)
        .expect("corpus")
        .flatten()
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| s != "README")
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(files, seen, "every spec of the corpus has its counts here");
}

#[test]
fn docs_report_the_same_precision() {
    let doc = std::fs::read_to_string(support::repo_root().join("docs/precision.md")).expect("docs/precision.md");
    let (mut all, mut real) = (0, 0);
    for &(name, findings, t, n) in COUNTS {
        let row = format!("| {name} | {findings} | {t} | {n} |");
        assert!(doc.contains(&row), "docs/precision.md lacks the row `{row}`");
        all += findings;
        real += t;
    }
    let total = format!("| **total** | **{all}** | **{real}** | **{}** |", all - real);
    assert!(doc.contains(&total), "docs/precision.md lacks `{total}`");
    let percent = format!("precision {}%", real * 100 / all);
    assert!(doc.contains(&percent), "docs/precision.md lacks `{percent}`");
}
