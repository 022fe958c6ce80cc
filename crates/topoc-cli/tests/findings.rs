//! Findings that are signal (tests/fixtures/findings): one finding per cause whatever the
//! number of template instances, every instance still available (`--verbose`, JSON, SARIF).

mod support;

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    support::repo_root().join("tests/fixtures/findings").join(name)
}

fn check(args: &[&str], name: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = support::run(&all, &fixture(name), dir.path());
    let root = support::repo_root().display().to_string();
    let tmp = dir.path().display().to_string();
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&root, "<repo>").replace(&tmp, "<tmp>");
    (out.status.code().unwrap_or(-1), clean(&out.stdout), clean(&out.stderr))
}

/// 200 tenants, one forgotten rule: at most 3 findings and 60 lines, not one per instance.
#[test]
fn forgotten_rule_over_200_instances_is_one_finding() {
    let (code, _, human) = check(&[], "forgotten-rule-200.yaml");
    assert_eq!(code, 1);
    let lines = human.lines().count();
    assert!(lines <= 60, "{lines} lines of human output:\n{human}");
    assert!(human.contains("failed: 2 errors, 0 warnings"), "{human}");
    assert!(human.contains("one cause, 200 instances"), "{human}");
    insta::assert_snapshot!("forgotten_rule_200_human", human);

    let (_, json, _) = check(&["--format", "json"], "forgotten-rule-200.yaml");
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let list = json["diagnostics"].as_array().expect("diagnostics");
    assert!(list.len() <= 3, "{} findings", list.len());
    let grouped = list.iter().find(|d| d["instance_count"] == 200).expect("the template's cause, 200 instances");
    let instances = grouped["instances"].as_array().expect("instances");
    assert_eq!(instances.len(), 199, "the first is the finding itself");
    assert!(instances[198]["message"].as_str().is_some_and(|m| m.contains("tenant-t200")), "{}", instances[198]);
    assert!(instances[0]["notes"][0].as_str().is_some_and(|n| n.starts_with("path: host → bridge of network")));

    let (_, sarif, _) = check(&["--format", "sarif"], "forgotten-rule-200.yaml");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), list.len(), "one SARIF result per cause");
    let result = results.iter().find(|r| r["properties"]["instanceCount"] == 200).expect("grouped result");
    // One related location for the secondary label, one per further instance.
    assert_eq!(result["relatedLocations"].as_array().map(Vec::len), Some(1 + 199));
}

/// `--verbose` lists every instance with its witness path.
#[test]
fn verbose_lists_every_instance() {
    let (_, _, human) = check(&["--verbose"], "forgotten-rule-200.yaml");
    for id in ["t002", "t117", "t200"] {
        assert!(
            human.contains(&format!("the host reaches backend on all ports through network `tenant-{id}`")),
            "{id}"
        );
        assert!(human.contains(&format!("path: host → bridge of network `tenant-{id}` → backend")), "{id}");
    }
    assert!(human.contains("    200. "), "numbered up to the last instance");
}

fn codes_and_messages(name: &str) -> Vec<(String, String)> {
    let (_, json, _) = check(&["--format", "json"], name);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["code"].as_str().unwrap_or("").to_owned(), d["message"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// "frontend → api on 8080, nothing else" is satisfied without a suppression when api
/// listens only on 8080.
#[test]
fn allow_one_port_checks_clean_when_that_is_all_the_target_listens_on() {
    let (code, _, human) = check(&[], "listen-8080-only.yaml");
    assert_eq!(code, 0, "{human}");
    assert_eq!(codes_and_messages("listen-8080-only.yaml"), vec![]);
}

/// The same rule while api listens on more: the extra ports are the finding.
#[test]
fn extra_listeners_are_the_finding() {
    let found = codes_and_messages("listen-more.yaml");
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "topoc::over-broad" && m.contains("lets frontend reach api on ports 9000, 9001")),
        "{found:?}"
    );
    assert!(!found.iter().any(|(_, m)| m.contains("8080")), "8080 is allowed: {found:?}");
}

fn topoc_on(args: &[&str], spec: &std::path::Path) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = support::run(args, spec, dir.path());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `check`, `matrix` and `explain` read the same topoc.toml: a suppressed violation fails
/// neither, shows as suppressed in the matrix and in SARIF, and fails both without the file.
#[test]
fn check_and_matrix_agree_under_one_configuration() {
    let spec = fixture("configured/topology.yaml");
    let empty = tempfile::NamedTempFile::new().expect("empty config");
    let no_config = empty.path().to_str().expect("path");
    for (config, want) in [(None, 0), (Some(no_config), 1)] {
        let extra: Vec<&str> = config.map(|c| vec!["--config", c]).unwrap_or_default();
        let with = |cmd: &[&'static str]| -> Vec<&str> { cmd.iter().copied().chain(extra.iter().copied()).collect() };
        let (check, _, _) = topoc_on(&with(&["check"]), &spec);
        let (matrix, table, _) = topoc_on(&with(&["matrix"]), &spec);
        let (markdown, _, _) = topoc_on(&with(&["matrix", "-o", "markdown"]), &spec);
        assert_eq!((check, matrix, markdown), (want, want, want), "config {config:?}");
        let host_row = table.lines().find(|l| l.starts_with("host")).expect("host row");
        let cell = if want == 0 { "~ 5432" } else { "✗ 5432" };
        assert!(host_row.contains(cell), "{table}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = support::topoc()
        .args(["explain"])
        .arg(&spec)
        .args(["host", "db", "--color", "never", "--lock"])
        .arg(dir.path().join("test.lock"))
        .output()
        .expect("explain");
    let explain = String::from_utf8_lossy(&out.stdout);
    assert!(explain.contains("accepted by the project's configuration (suppressed)"), "{explain}");
    let (_, sarif, _) = topoc_on(&["check", "--format", "sarif"], &spec);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "the suppressed finding, marked");
    assert_eq!(results[0]["suppressions"][0]["kind"], "external");
    assert_eq!(results[0]["suppressions"][0]["justification"], "host access to db is tracked in OPS-12");
}

/// `matrix --level networks`: two tenant networks "reach" each other only because a shared
/// service sits on both; the cell says so.
#[test]
fn network_pairs_through_a_multi_homed_member_are_marked() {
    let (_, json, _) = topoc_on(&["matrix", "--level", "networks", "-o", "json"], &fixture("forgotten-rule-200.yaml"));
    let m: serde_json::Value = serde_json::from_str(&json).expect("matrix json");
    let labels: Vec<&str> = m["labels"].as_array().expect("labels").iter().filter_map(|l| l.as_str()).collect();
    let at = |name: &str| labels.iter().position(|l| *l == name).expect(name);
    let (t1, t2, main) = (at("network:tenant-t001"), at("network:tenant-t002"), at("network:main"));
    let cell = |a: usize, b: usize| {
        m["cells"].as_array().expect("cells").iter().find(|c| c["from"] == a && c["to"] == b).cloned()
    };
    let across = cell(t1, t2).expect("backend, on both, makes the pair");
    assert_eq!(across["multi_homed"], true, "{across}");
    let main_to_tenant = cell(main, t1).expect("backend again");
    assert_eq!(main_to_tenant["multi_homed"], true);
    let within = cell(t1, t1).expect("members of one network");
    assert!(within.get("multi_homed").is_none(), "{within}");
    let (_, table, _) = topoc_on(&["matrix", "--level", "networks"], &fixture("forgotten-rule-200.yaml"));
    assert!(table.contains("* only through a multi-homed member"), "legend");
}

/// One mistake, one error: the errors that only follow from it are not reported.
#[test]
fn a_mistake_does_not_cascade() {
    for (name, code) in [
        ("cascade-unknown-placeholder.yaml", "topoc::unknown-placeholder"),
        ("cascade-pool-exhausted.yaml", "topoc::pool-exhausted"),
        ("cascade-misspelt-key.yaml", "topoc::unknown-key"),
    ] {
        let found = codes_and_messages(name);
        let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, [code], "{name}: {found:?}");
        let (exit, _, human) = check(&[], name);
        assert_eq!(exit, 1);
        assert!(human.contains("failed: 1 error, 0 warnings"), "{name}: {human}");
        insta::assert_snapshot!(name.trim_end_matches(".yaml").replace('-', "_"), human);
    }
}

/// A suppression is "unused" only when the stage that would produce its finding ran.
#[test]
fn suppressions_are_not_judged_when_their_stage_did_not_run() {
    let (exit, _, human) = check(&[], "suppression-after-error.yaml");
    assert_eq!(exit, 1);
    assert!(!human.contains("hides no finding"), "{human}");
    assert!(human.contains("note: 1 suppression not judged"), "{human}");
    let codes: Vec<String> = codes_and_messages("suppression-after-error.yaml").into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["topoc::unknown-key"]);
}

/// `explain` judges on listeners too: it says when a path exists but nothing listens, and
/// narrows the reach to the ports the target declares.
#[test]
fn explain_says_when_nothing_listens() {
    let spec = fixture("listen-more.yaml");
    let explain = |from: &str, to: &str| {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = support::topoc()
            .arg("explain")
            .arg(&spec)
            .args([from, to, "--color", "never", "--lock"])
            .arg(dir.path().join("test.lock"))
            .output()
            .expect("explain");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let none = explain("api", "frontend");
    assert!(
        none.contains("a path exists on all ports, but nothing listens there: frontend listens on no port"),
        "{none}"
    );
    let some = explain("frontend", "api");
    assert!(some.contains("reachable on ports 8080, 9000, 9001, by 1 path"), "{some}");
    assert!(some.contains("denies — VIOLATION: reachable on ports 9000, 9001"), "{some}");
}

/// Two services alike but for `expose` are two classes, each judged on what it listens on
/// (as one class, b would be judged on a's 8080 and its 9090 would go unreported).
#[test]
fn services_that_listen_differently_are_judged_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("two.yaml");
    std::fs::write(
        &spec,
        "topology: two\ndefaults: { listen: declared }\nnetworks:\n  app: { subnet: 10.33.0.0/24 }\n  edge: { subnet: 10.34.0.0/24 }\nservices:\n  client: { image: \"c:1.0\", networks: [edge, app] }\n  a: { image: \"s:1.0\", networks: [app], expose: [8080] }\n  b: { image: \"s:1.0\", networks: [app], expose: [9090] }\npolicy:\n  default: deny\n  rules:\n    - allow: { from: client, to: \"network:app\", ports: [8080] }\n    - allow: { from: host, to: \"network:app\" }\n",
    )
    .expect("write");
    let (code, _, stderr) = topoc_on(&["check"], &spec);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("lets client reach b on port 9090"), "{stderr}");
    assert!(!stderr.contains("client reach a"), "{stderr}");
}

/// The words say what the spec wrote: an explicit `0.0.0.0` is a wildcard address, not a
/// missing one; and `explain` names which reason keeps a published port out of reach.
#[test]
fn wording_says_what_the_spec_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("w.yaml");
    std::fs::write(
        &spec,
        "topology: w\nnetworks:\n  edge: { subnet: 10.91.1.0/24, egress: true }\n  back: { subnet: 10.91.2.0/24 }\n\
         services:\n  wild: { image: \"nginx:1.27\", networks: [edge], ports: [\"0.0.0.0:8080:80\"] }\n  \
         bare: { image: \"nginx:1.27\", networks: [edge], ports: [\"8081:80\"] }\n  \
         local: { image: \"nginx:1.27\", networks: [edge], ports: [\"127.0.0.1:8082:80\"] }\n  \
         inner: { image: \"nginx:1.27\", networks: [back] }\n",
    )
    .expect("write");
    let out = support::run(&["check"], &spec, dir.path());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("a wildcard host address"), "{text}");
    assert!(text.contains("no host address"), "{text}");
    let explain = |from: &str, to: &str| {
        let out = support::topoc()
            .args(["explain"])
            .arg(&spec)
            .args([from, to, "--color", "never", "--lock"])
            .arg(dir.path().join("test.lock"))
            .output()
            .expect("run");
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };
    let text = explain("external", "local");
    assert!(text.contains("every published port of `local` is bound to a loopback address"), "{text}");
    assert!(!text.contains("internal networks"), "{text}");
    let text = explain("inner", "bare");
    assert!(text.contains("the source is only on internal networks (`back`)"), "{text}");
}
