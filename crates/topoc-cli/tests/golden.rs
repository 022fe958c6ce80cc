//! Golden outputs of every shipped example: the compose file, the stack file (or the Swarm
//! refusal), the matrix, the Mermaid picture, and the findings on the as-written design. Any compiler change that
//! changes them shows up in review as a snapshot diff.

mod support;

use std::path::Path;

fn run(args: &[&str], spec: &Path) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = support::run(args, spec, dir.path());
    let root = support::repo_root().display().to_string();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    format!(
        "exit: {}\n{}",
        out.status.code().unwrap_or(-1),
        text.replace(&root, "<repo>").replace(&dir.path().display().to_string(), "<tmp>")
    )
}

#[test]
fn example_outputs() {
    let mut dirs: Vec<_> = std::fs::read_dir(support::repo_root().join("examples"))
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let spec = dir.join("topology.yaml");
        insta::assert_snapshot!(format!("{name}__compose"), run(&["build", "--target", "compose"], &spec));
        insta::assert_snapshot!(format!("{name}__swarm"), run(&["build", "--target", "swarm"], &spec));
        insta::assert_snapshot!(format!("{name}__matrix"), run(&["matrix"], &spec));
        insta::assert_snapshot!(format!("{name}__graph"), run(&["graph", "--output", "mermaid"], &spec));
        let as_written = dir.join("topology.as-written.yaml");
        if as_written.exists() {
            insta::assert_snapshot!(
                format!("{name}__as_written_findings"),
                run(&["check", "--format", "json"], &as_written)
            );
        }
    }
}
