//! `--format junit` is valid JUnit XML: every report validates with `xmllint --schema` against
//! `tests/schemas/junit.xsd` (the Ant/Jenkins JUnit format; Debian package libxml2-utils, which
//! .ci/run installs), including reports whose messages carry markup, quotes and control
//! characters XML 1.0 forbids. The validator is checked to reject a broken report, so the test
//! cannot pass vacuously.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn schema() -> PathBuf {
    support::repo_root().join("tests/schemas/junit.xsd")
}

/// Validate an XML document against the JUnit schema with xmllint; `Err` holds its complaint.
fn validate(xml: &str, dir: &Path) -> Result<(), String> {
    let file = dir.join("report.xml");
    std::fs::write(&file, xml).expect("write report");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint ({e}): install it with `apt-get install libxml2-utils`"));
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

fn junit(spec: &Path, dir: &Path) -> (String, Option<i32>) {
    let out = support::run(&["check", "--format", "junit"], spec, dir);
    (String::from_utf8(out.stdout).expect("utf-8"), out.status.code())
}

#[test]
fn the_validator_rejects_broken_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good =
        "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase name=\"t\" classname=\"c\"/></testsuite></testsuites>";
    assert_eq!(validate(good, dir.path()), Ok(()));
    for bad in [
        // not a count
        "<testsuites><testsuite name=\"s\" tests=\"many\"><testcase name=\"t\" classname=\"c\"/></testsuite></testsuites>",
        // a testcase without its name
        "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/></testsuite></testsuites>",
        // an unknown element
        "<testsuites><testsuite name=\"s\" tests=\"1\"><finding/></testsuite></testsuites>",
        // not well-formed: a raw control character
        "<testsuites><testsuite name=\"s\u{1b}\" tests=\"1\"/></testsuites>",
        // not well-formed: unescaped markup
        "<testsuites><testsuite name=\"a<b\" tests=\"1\"/></testsuites>",
    ] {
        assert!(validate(bad, dir.path()).is_err(), "accepted: {bad}");
    }
}

#[test]
fn junit_reports_are_valid() {
    let root = support::repo_root();
    let dir = tempfile::tempdir().expect("tempdir");
    // Markup, quotes, `]]>` and an ESC character in a key name reach the messages.
    let hostile = dir.path().join("hostile.yaml");
    std::fs::write(
        &hostile,
        "topology: h\nnetworks:\n  n: { subnet: 10.0.0.0/24, \"bad<&>\\\"']]>\\e\\x01key\": 1 }\n",
    )
    .expect("write");
    let clean = dir.path().join("clean.yaml");
    std::fs::write(
        &clean,
        "topology: c\nnetworks:\n  n: { subnet: 10.0.0.0/24 }\nservices:\n  a: { image: \"x:1\", networks: [n] }\n",
    )
    .expect("write");
    let specs = [
        root.join("examples/pantheon/topology.as-written.yaml"),
        root.join("tests/fixtures/diagnostics/subnet-overlap/basic.toml"),
        root.join("tests/fixtures/diagnostics/unknown-key/basic.yaml"),
        root.join("tests/cmd/findings.in/topology.yaml"),
        hostile.clone(),
        clean.clone(),
    ];
    for spec in &specs {
        let (xml, code) = junit(spec, dir.path());
        assert!(matches!(code, Some(0 | 1)), "{}: exit {code:?}", spec.display());
        if let Err(e) = validate(&xml, dir.path()) {
            panic!("{}: invalid JUnit XML:\n{e}\n{xml}", spec.display());
        }
        assert_eq!(xml, junit(spec, dir.path()).0, "{}: deterministic", spec.display());
    }
    // The hostile key survives, escaped.
    let (xml, code) = junit(&hostile, dir.path());
    assert_eq!(code, Some(1));
    assert!(xml.contains("bad&lt;&amp;&gt;&quot;&apos;]]&gt;\\u{1b}\\u{1}key"), "{xml}");
    // A clean spec is one passing testcase, not an empty report.
    let (xml, code) = junit(&clean, dir.path());
    assert_eq!(code, Some(0));
    assert!(xml.contains("tests=\"1\" failures=\"0\""), "{xml}");
    assert!(xml.contains("<testcase name=\"") && xml.contains(": no findings\" classname=\"topoc\""), "{xml}");
}
