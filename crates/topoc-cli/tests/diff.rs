//! `topoc diff`: one pair of specs per kind of change (tests/fixtures/diff/CASE/{old,new}.yaml),
//! each with the diff its semantics call for, written here from docs/semantics.md and the spec
//! pair (not copied from the output). Each case runs in a copy of its directory, since the
//! command keeps lock files current as `check` does.

mod support;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

fn case(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = support::repo_root().join("tests/fixtures/diff").join(name);
    for entry in std::fs::read_dir(&from).expect("fixture dir") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

fn diff_in(dir: &Path, extra: &[&str]) -> Output {
    support::topoc()
        .current_dir(dir)
        .args(["diff", "old.yaml", "new.yaml", "--color", "never"])
        .args(extra)
        .output()
        .expect("run topoc")
}

fn json_of(dir: &Path) -> Value {
    let out = diff_in(dir, &["--format", "json", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("diff JSON")
}

/// The reachability rows as (category, kind, from, to, old ports, new ports).
fn rows(d: &Value) -> Vec<(String, String, String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    d["reachability"]
        .as_array()
        .expect("reachability")
        .iter()
        .map(|r| {
            (
                s(&r["category"]),
                s(&r["kind"]),
                s(&r["from"]["label"]),
                s(&r["to"]["label"]),
                s(&r["old_ports"]),
                s(&r["new_ports"]),
            )
        })
        .collect()
}

fn row(
    category: &str,
    kind: &str,
    from: &str,
    to: &str,
    old: &str,
    new: &str,
) -> (String, String, String, String, String, String) {
    (category.into(), kind.into(), from.into(), to.into(), old.into(), new.into())
}

/// The line of `needle` in a fixture (1-based), for expected witness locations.
fn line_of(dir: &Path, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(dir.join(file)).expect("fixture");
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1).expect("needle in fixture")
}

fn witness_lines(r: &Value) -> Vec<String> {
    r["witnesses"][0]["because"]
        .as_array()
        .expect("because")
        .iter()
        .map(|b| b["at"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn an_attachment_that_bridges_two_tenants_gives_new_pairs_with_their_witness() {
    let dir = case("bridge-tenants");
    let d = json_of(dir.path());
    // §1.1: sharing net-b, a-app and b-app reach each other on every port, both ways. Nothing
    // else changes: the host already reached both (§2.2), neither network has egress.
    assert_eq!(
        rows(&d),
        vec![
            row("internal", "new", "a-app", "b-app", "none", "all ports"),
            row("internal", "new", "b-app", "a-app", "none", "all ports"),
        ]
    );
    let first = &d["reachability"][0];
    assert_eq!(first["witnesses"][0]["side"], "new");
    assert_eq!(first["witnesses"][0]["path"], "a-app → network `net-b` → b-app");
    let line = line_of(dir.path(), "new.yaml", "a-app:");
    assert!(witness_lines(first).iter().any(|at| at.starts_with(&format!("new.yaml:{line}:"))), "{first}");
    assert_eq!(d["published"], json!([]));
    assert_eq!(d["allocations"], json!([]));
    assert_eq!(d["renames"], json!([]));
    // Exposure grew: the default --fail-on new-exposure exits 1.
    assert_eq!(diff_in(dir.path(), &[]).status.code(), Some(1));
}

#[test]
fn egress_added_to_a_network_lets_its_members_out() {
    let dir = case("egress-added");
    let d = json_of(dir.path());
    // §3.5: a non-internal bridge NATs its members out. api and db are one class (same network,
    // nothing tells them apart); host ↔ members was already there (§2.2, §3.2).
    assert_eq!(rows(&d), vec![row("egress", "new", "api/db", "external", "none", "all ports")]);
    let r = &d["reachability"][0];
    assert_eq!(r["pairs"], 2);
    let line = line_of(dir.path(), "new.yaml", "egress: true");
    assert!(witness_lines(r).iter().any(|at| at.starts_with(&format!("new.yaml:{line}:"))), "{r}");
    // The artifact: the network loses `internal: true`.
    assert_eq!(
        d["artifact"]["networks"]["changed"],
        json!([{"name": "backend", "renamed_from": null, "keys": ["internal"]}])
    );
}

#[test]
fn a_port_widened_to_every_interface_is_an_exposure() {
    let dir = case("port-widened");
    let d = json_of(dir.path());
    assert_eq!(
        d["published"],
        json!([{
            "kind": "widened",
            "service": "web",
            "old": "127.0.0.1:8080->80/tcp",
            "new": "0.0.0.0:8080->80/tcp",
            "at": {"at": format!("new.yaml:{}:13", line_of(dir.path(), "new.yaml", "8080:80")), "label": "port 8080"}
        }])
    );
    // §3.4: on loopback only the host reached it (and it reaches web anyway, through the bridge);
    // on every interface the outside world reaches web's port 80 through host port 8080.
    assert_eq!(rows(&d), vec![row("ingress", "new", "external", "web", "none", "port 80")]);
    assert_eq!(d["findings"]["new"][0]["code"], "topoc::port-all-interfaces");
    assert_eq!(diff_in(dir.path(), &[]).status.code(), Some(1));
}

#[test]
fn a_pool_edit_does_not_renumber_networks_the_lock_holds() {
    let dir = case("pool-edit");
    let d = json_of(dir.path());
    // new.lock is the committed lock: t-a and t-b keep their blocks though t-c is declared first
    // and the pool grew. t-c is new (an artifact network), not an allocation change.
    assert_eq!(d["allocations"], json!([]));
    assert_eq!(d["reachability"], json!([]));
    assert_eq!(d["artifact"]["networks"]["added"], json!(["t-c"]));
    assert_eq!(d["artifact"]["networks"]["changed"], json!([]));
    assert_eq!(diff_in(dir.path(), &[]).status.code(), Some(0));
    // Without the lock, first-free allocation in declaration order moves both: renumbering is a
    // finding of its own.
    std::fs::remove_file(dir.path().join("new.lock")).expect("remove lock");
    let d = json_of(dir.path());
    let renumbered: Vec<(&str, &str, &str)> = d["allocations"]
        .as_array()
        .expect("allocations")
        .iter()
        .map(|a| {
            (a["kind"].as_str().unwrap_or(""), a["network"].as_str().unwrap_or(""), a["new"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(renumbered, vec![("renumbered", "t-a", "10.60.1.0/24"), ("renumbered", "t-b", "10.60.2.0/24")]);
}

#[test]
fn a_relay_added_makes_its_targets_reachable_through_it() {
    let dir = case("relay-added");
    let d = json_of(dir.path());
    // §1.3: whoever reaches the relay on its listen port reaches its target on the relay's
    // ports. client reaches proxy (front); the host already reached api on every port (§2.2);
    // api reaching itself through the relay is no pair.
    assert_eq!(rows(&d), vec![row("internal", "new", "client", "api", "none", "port 8080")]);
    let r = &d["reachability"][0];
    assert_eq!(r["witnesses"][0]["path"], "client → network `front` → proxy ⇒ relays to api");
    let line = line_of(dir.path(), "new.yaml", "to: api");
    assert_eq!(witness_lines(r), vec![format!("new.yaml:{line}:15")]);
}

#[test]
fn a_service_renamed_with_the_same_attachments_is_a_rename() {
    let dir = case("rename");
    let d = json_of(dir.path());
    assert_eq!(d["renames"], json!([{"old": "worker", "new": "job-runner"}]));
    assert_eq!(d["reachability"], json!([]));
    assert_eq!(d["allocations"], json!([]), "the address stays with the renamed service");
    assert_eq!(d["artifact"]["services"]["added"], json!([]));
    assert_eq!(d["artifact"]["services"]["removed"], json!([]));
    assert_eq!(
        d["artifact"]["services"]["changed"],
        json!([{"name": "job-runner", "renamed_from": "worker", "keys": []}])
    );
    assert_eq!(diff_in(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(diff_in(dir.path(), &["--fail-on", "any-change"]).status.code(), Some(1));
}

#[test]
fn identical_specs_are_no_change_and_exit_0_even_under_any_change() {
    let dir = case("rename");
    let out = support::topoc()
        .current_dir(dir.path())
        .args(["diff", "old.yaml", "old.yaml", "--fail-on", "any-change", "--color", "never"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no change"));
}

#[test]
fn a_side_that_does_not_compile_or_a_missing_file_exits_2() {
    let dir = case("rename");
    std::fs::write(dir.path().join("bad.yaml"), "topology: x\nservices:\n  a: { image: x, networks: [nowhere] }\n")
        .expect("write");
    let out = support::topoc().current_dir(dir.path()).args(["diff", "old.yaml", "bad.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.yaml does not compile"), "{stderr}");
    let out = support::topoc().current_dir(dir.path()).args(["diff", "old.yaml", "gone.yaml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn git_mode_compares_the_spec_lock_and_config_at_a_revision_with_the_working_tree() {
    let dir = case("pool-edit");
    let root = dir.path();
    let sub = root.join("infra");
    std::fs::create_dir(&sub).expect("mkdir");
    // Both versions publish a port on every interface (a `port-all-interfaces` warning); the
    // config at the revision turns that lint off, and the working tree deletes the config.
    let publish = |text: String| {
        text.replace(
            "a: { image: \"app:1\", networks: [t-a] }",
            "a: { image: \"app:1\", networks: [t-a], ports: [\"8080:80\"] }",
        )
    };
    let read = |name: &str| std::fs::read_to_string(root.join(name)).expect("read");
    std::fs::write(sub.join("topology.yaml"), publish(read("old.yaml"))).expect("write");
    std::fs::copy(root.join("old.lock"), sub.join("topology.lock")).expect("copy");
    std::fs::write(sub.join("topoc.toml"), "[rules]\nport-all-interfaces = \"off\"\n").expect("write");
    git(root, &["init", "-q"]);
    git(root, &["add", "infra"]);
    git(root, &["commit", "-qm", "old"]);
    std::fs::write(sub.join("topology.yaml"), publish(read("new.yaml"))).expect("write");
    std::fs::remove_file(sub.join("topoc.toml")).expect("rm");
    let out = support::topoc()
        .current_dir(root)
        .args(["diff", "infra/topology.yaml", "--git", "HEAD", "--format", "json", "--fail-on", "never"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).expect("json");
    // The lock at HEAD and the working tree's (the same file, committed) keep t-a and t-b.
    assert_eq!(d["allocations"], json!([]));
    assert_eq!(d["artifact"]["networks"]["added"], json!(["t-c"]));
    // Nothing was checked out or written in the tree but the working tree's own lock.
    let status = std::process::Command::new("git").current_dir(root).args(["status", "--short"]).output().expect("git");
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(status.contains(" M infra/topology.yaml") && !status.contains("?? infra"), "{status}");
    // The revision's config hid the warning; the working tree has no config, so it is new.
    let new_codes: Vec<&str> =
        d["findings"]["new"].as_array().expect("new").iter().map(|f| f["code"].as_str().unwrap_or("")).collect();
    assert_eq!(new_codes, vec!["topoc::port-all-interfaces"]);
    assert_eq!(d["findings"]["fixed"], json!([]));
    // An unknown revision cannot be compared with.
    let out = support::topoc()
        .current_dir(root)
        .args(["diff", "infra/topology.yaml", "--git", "no-such-rev"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_lists_only_the_new_findings() {
    let dir = case("port-widened");
    let out = diff_in(dir.path(), &["--format", "sarif", "--fail-on", "never"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, vec!["topoc::port-all-interfaces"]);
}

/// A tenant template of 500 instances and a scanner attached to every tenant network: 1,000
/// changed pairs (scanner ↔ each tenant app).
fn many_tenants(dir: &Path) -> (PathBuf, PathBuf) {
    let ids: Vec<String> = (0..500).map(|i| format!("t{i}")).collect();
    let base = format!(
        "topology: many\npools:\n  tenants: {{ range: 10.80.0.0/14, prefix: 26 }}\ntemplates:\n  tenant:\n    instances: [{}]\n    networks: {{ \"net-{{id}}\": {{ pool: tenants }} }}\n    services:\n      \"app-{{id}}\": {{ image: \"app:1\", networks: [\"net-{{id}}\"] }}\n",
        ids.join(", ")
    );
    let old = dir.join("old.yaml");
    let new = dir.join("new.yaml");
    std::fs::write(&old, format!("{base}services:\n  scanner: {{ image: \"scan:1\", networks: [] }}\n"))
        .expect("write");
    std::fs::write(&new, format!("{base}    attach: {{ scanner: [\"net-{{id}}\"] }}\nservices:\n  scanner: {{ image: \"scan:1\", networks: [] }}\n")).expect("write");
    (old, new)
}

#[test]
fn markdown_stays_readable_for_a_thousand_changed_pairs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = many_tenants(dir.path());
    let run = |level: &str| {
        let out = support::topoc()
            .args(["diff"])
            .arg(&old)
            .arg(&new)
            .args(["--format", "markdown", "--fail-on", "never", "--level", level])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    // Grouped by template: the 500 instances changed alike, so two rows stand for the 1,000 pairs
    // (and the scanner, now on bridges, is reached from and reaches the host: two more).
    let grouped = run("templates");
    assert!(grouped.contains("| **new** | `scanner` ×500 | `app-{id}` |"), "{grouped}");
    assert!(grouped.contains("| **new** | `app-{id}` ×500 | `scanner` |"), "{grouped}");
    assert!(grouped.contains("- 1002 pairs reach more than before"), "{grouped}");
    // Class by class: 1,000 rows, capped, with the rest counted, and under GitHub's comment limit.
    let classes = run("classes");
    assert!(classes.contains("*… and 970 more: `topoc diff --format json` lists them all.*"), "{classes}");
    assert!(classes.len() < 65_536, "{} characters", classes.len());
    assert!(classes.starts_with("### topoc diff: ⚠️ new reachability or exposure\n"));
    assert!(classes.contains("<details><summary>"));
}

#[test]
fn renames_are_paired_by_attachments_then_image_and_never_guessed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec =
        |services: &str| format!("topology: r\nnetworks:\n  jobs: {{ subnet: 10.75.0.0/24 }}\nservices:\n{services}");
    let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).expect("write");
    write("old.yaml", spec("  w1: { image: \"a:1\", networks: [jobs] }\n  w2: { image: \"b:1\", networks: [jobs] }\n"));
    // Two services leave and two with the same attachments arrive: the images tell them apart.
    write("new.yaml", spec("  x1: { image: \"b:1\", networks: [jobs] }\n  x2: { image: \"a:1\", networks: [jobs] }\n"));
    let d = json_of(dir.path());
    assert_eq!(d["renames"], json!([{"old": "w1", "new": "x2"}, {"old": "w2", "new": "x1"}]));
    assert_eq!(d["reachability"], json!([]));
    // Same attachments and the same image: nothing tells which is which, so no rename is guessed,
    // and the pairs of the services that left and arrived are reported.
    write("new.yaml", spec("  x1: { image: \"a:1\", networks: [jobs] }\n  x2: { image: \"a:1\", networks: [jobs] }\n"));
    write("old.yaml", spec("  w1: { image: \"a:1\", networks: [jobs] }\n  w2: { image: \"a:1\", networks: [jobs] }\n"));
    let d = json_of(dir.path());
    assert_eq!(d["renames"], json!([]));
    assert_eq!(d["artifact"]["services"]["added"], json!(["x1", "x2"]));
    assert_eq!(d["artifact"]["services"]["removed"], json!(["w1", "w2"]));
    let kinds: Vec<&str> =
        d["reachability"].as_array().expect("rows").iter().map(|r| r["kind"].as_str().unwrap_or("")).collect();
    assert!(kinds.contains(&"new") && kinds.contains(&"removed"), "{kinds:?}");
}

/// Each reference example's README shows the summary of `topoc diff` from the design as written
/// to the repaired one (macvlan-runtimes: from its as-written steady state, since its first
/// stage does not resolve); this keeps that summary what the command prints.
#[test]
fn example_readmes_show_the_current_diff_summary() {
    for spec in support::example_specs() {
        let example = spec.parent().expect("example dir");
        let stage2 = example.join("topology.as-written.stage2.yaml");
        let old = if stage2.exists() { stage2 } else { example.join("topology.as-written.yaml") };
        if spec.file_name().is_none_or(|n| n != "topology.yaml") || !old.exists() {
            continue;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        for entry in std::fs::read_dir(example).expect("example").flatten() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
        }
        let old_name = old.file_name().expect("name").to_string_lossy().into_owned();
        let out = support::topoc()
            .current_dir(dir.path())
            .args(["diff", &old_name, "topology.yaml", "--color", "never"])
            .output()
            .expect("run");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            example.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("utf-8");
        let summary: String = stdout.lines().take_while(|l| !l.is_empty()).map(|l| format!("{l}\n")).collect();
        let readme = std::fs::read_to_string(example.join("README.md")).expect("README");
        let shown = format!("$ topoc diff {old_name} topology.yaml\n{summary}");
        assert!(readme.contains(&shown), "{}/README.md does not show the current summary:\n{shown}", example.display());
    }
}

#[test]
fn on_swarm_a_loopback_port_already_was_every_interface() {
    // §3.4: a stack ignores `host_ip`, so the edit of port-widened changes nothing there: no
    // widened port, no new ingress, exit 0.
    let dir = case("port-widened");
    let out = diff_in(dir.path(), &["--target", "swarm", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(d["published"], json!([]));
    assert_eq!(d["reachability"], json!([]));
}

#[test]
fn two_compose_files_are_compared_through_the_import_at_their_own_lines() {
    // Both sides are plain compose files (recognised by content). The change under review: `db`
    // joins `frontend`, which has egress (Compose networks are not internal unless they say so),
    // and its port moves from loopback to every interface.
    let dir = case("compose-files");
    let d = json_of(dir.path());
    // §1.1: sharing `frontend`, db and proxy reach each other on every port, both ways; app
    // already shared a network with each. §2.1: `frontend` NATs db to the outside. §3.4: on
    // every interface the outside reaches db's 5432 (on loopback it was only the host, which
    // reached db through the bridge before as well).
    let mut got = rows(&d);
    got.sort();
    let mut want = vec![
        row("egress", "new", "db", "external", "none", "all ports"),
        row("ingress", "new", "external", "db", "none", "port 5432"),
        row("internal", "new", "db", "proxy", "none", "all ports"),
        row("internal", "new", "proxy", "db", "none", "all ports"),
    ];
    want.sort();
    assert_eq!(got, want);
    // Witnesses point into the compose file: db's new `frontend` attachment.
    let attach_line = line_of(dir.path(), "new.yaml", "networks: [backend, frontend]");
    let egress =
        d["reachability"].as_array().expect("rows").iter().find(|r| r["category"] == "egress").expect("egress row");
    assert!(witness_lines(egress).iter().any(|at| at.starts_with(&format!("new.yaml:{attach_line}:"))), "{egress}");
    let port_line = line_of(dir.path(), "new.yaml", "\"5432:5432\"");
    assert_eq!(d["published"][0]["kind"], "widened");
    assert_eq!(d["published"][0]["old"], "127.0.0.1:5432->5432/tcp");
    assert_eq!(d["published"][0]["new"], "0.0.0.0:5432->5432/tcp");
    assert!(d["published"][0]["at"]["at"].as_str().expect("at").starts_with(&format!("new.yaml:{port_line}:")));
    // Compose leaves the subnets to the engine on both sides: nothing to renumber.
    assert_eq!(d["allocations"], json!([]));
    assert_eq!(d["findings"]["new"][0]["code"], "topoc::port-all-interfaces");
    assert_eq!(
        d["artifact"]["services"]["changed"],
        json!([{"name": "db", "renamed_from": null, "keys": ["networks", "ports"]}])
    );
    assert_eq!(diff_in(dir.path(), &[]).status.code(), Some(1));
}
