//! The rule pages `docs/rules/<code>.md` and their index `docs/rules/README.md` are generated
//! from each code's doc comment (crates/topoc-diag/src/code.rs), its fixtures
//! (`tests/fixtures/diagnostics/<code>/basic.yaml`, `clean.yaml`) and the index's template
//! (crates/topoc-cli/src/rules/): these tests fail when a committed page differs from what they
//! generate, or when a code lacks what its page needs. `TOPOC_BLESS=1 cargo test -p topoc-cli
//! --test rules` rewrites the pages (and removes pages of codes that no longer exist).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use topoc_cli::rules::{self, Kind, SECTIONS};
use topoc_diag::Code;

#[test]
fn committed_rule_pages_are_fresh() {
    let mut generated = BTreeMap::new();
    let mut problems = Vec::new();
    for code in Code::ALL {
        match rules::page(*code) {
            Ok(page) => {
                generated.insert(format!("{}.md", code.as_str()), page.into_bytes());
            }
            Err(problem) => problems.push(problem),
        }
    }
    match rules::index() {
        Ok(index) => {
            generated.insert("README.md".to_owned(), index.into_bytes());
        }
        Err(problem) => problems.push(problem),
    }
    assert!(problems.is_empty(), "rule pages cannot be generated:\n{}", problems.join("\n"));
    support::check_generated("docs/rules", &generated, |name| name.ends_with(".md"), "rules");
}

/// Each doc comment has every section, each code is in one section of the index (a lint
/// section exactly when it is a lint), and has the fixtures its page shows.
#[test]
fn every_code_is_documented_indexed_and_has_its_examples() {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for section in SECTIONS {
        for code in section.codes {
            if !seen.insert(*code) {
                problems.push(format!("{code} is in more than one section of the index"));
            }
            let lint = topoc_reach::lints::group(*code).is_some();
            if lint != (section.kind == Kind::Lints) {
                problems.push(format!("{code} (a lint: {lint}) is in the section `{}`", section.title));
            }
        }
    }
    for code in Code::ALL {
        if !seen.contains(code) {
            problems.push(format!("{code} is in no section of the index (crates/topoc-cli/src/rules/mod.rs)"));
        }
        if let Err(problem) = rules::RuleDoc::of(*code) {
            problems.push(problem);
        }
        match rules::fixtures(*code) {
            None => problems.push(format!("{code} has no tests/fixtures/diagnostics/{}/basic.yaml", code.as_str())),
            Some((_, None)) if topoc_reach::lints::group(*code).is_some() => {
                problems.push(format!("the lint {code} has no tests/fixtures/diagnostics/{}/clean.yaml", code.as_str()))
            }
            Some(_) => {}
        }
    }
    for name in rules::fixture_names() {
        if Code::from_name(name).is_none() {
            problems.push(format!("tests/fixtures/diagnostics/{name}/ is not a code"));
        }
    }
    assert!(problems.is_empty(), "rule documentation incomplete:\n{}", problems.join("\n"));
}

/// `topoc rule --all --format json` lists every code once, in the index's order, with what a
/// tool needs to link it.
#[test]
fn rule_all_lists_every_code_as_json() {
    let out = support::topoc().args(["rule", "--all", "--format", "json"]).output().expect("run topoc");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = list.as_array().expect("an array");
    let codes: Vec<&str> = list.iter().map(|e| e["code"].as_str().expect("code")).collect();
    let expected: Vec<&str> = SECTIONS.iter().flat_map(|s| s.codes.iter().map(|c| c.as_str())).collect();
    assert_eq!(codes, expected);
    assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), Code::ALL.len());
    for entry in list {
        let code = Code::from_name(entry["code"].as_str().expect("code")).expect("a code");
        assert_eq!(entry["severity"], code.default_severity().as_str());
        assert_eq!(entry["description"], code.description());
        assert_eq!(entry["group"].as_str(), topoc_reach::lints::group(code).map(|g| g.as_str()));
        assert_eq!(entry["path"], format!("docs/rules/{}.md", code.as_str()));
        assert_eq!(entry["url"], code.help_uri());
        assert!(support::repo_root().join(entry["path"].as_str().expect("path")).is_file());
    }
}

/// The binary prints the committed page of every rule, byte for byte (its fixtures embedded
/// when it was built), and accepts the code as findings print it.
#[test]
fn topoc_rule_prints_the_committed_page() {
    for code in Code::ALL {
        let page = std::fs::read_to_string(support::repo_root().join(rules::page_path(*code))).expect("committed page");
        for name in [code.as_str().to_owned(), code.to_string()] {
            let out = support::topoc().args(["rule", &name]).output().expect("run topoc");
            assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout), page, "`topoc rule {name}` differs from its page");
        }
    }
}
