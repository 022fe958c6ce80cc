//! Every diagnostic code has a rule page, `docs/rules/<code>.md`, that names it, and the rule
//! index `docs/rules/README.md` links every page.

mod support;

use topoc_diag::Code;

#[test]
fn every_code_has_a_rule_page_and_an_index_entry() {
    let dir = support::repo_root().join("docs/rules");
    let index = std::fs::read_to_string(dir.join("README.md")).expect("docs/rules/README.md");
    let mut problems = Vec::new();
    for code in Code::ALL {
        let name = code.as_str();
        match std::fs::read_to_string(dir.join(format!("{name}.md"))) {
            Ok(page) => {
                if !page.contains(&format!("topoc::{name}")) {
                    problems.push(format!("docs/rules/{name}.md does not name topoc::{name}"));
                }
                for section in ["## What it flags", "## Why", "## How to fix", "## Equivalent rules"] {
                    if !page.contains(section) {
                        problems.push(format!("docs/rules/{name}.md has no `{section}`"));
                    }
                }
            }
            Err(_) => problems.push(format!("docs/rules/{name}.md is missing")),
        }
        if !index.contains(&format!("]({name}.md)")) {
            problems.push(format!("docs/rules/README.md does not link {name}.md"));
        }
    }
    assert!(problems.is_empty(), "rule docs out of date:\n{}", problems.join("\n"));
}

#[test]
fn every_rule_page_is_a_code() {
    let dir = support::repo_root().join("docs/rules");
    let strays: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/rules")
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".md")).map(str::to_owned))
        .filter(|n| n != "README" && Code::from_name(n).is_none())
        .collect();
    assert!(strays.is_empty(), "pages for codes that do not exist: {strays:?}");
}
