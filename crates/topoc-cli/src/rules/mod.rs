//! Rule pages, generated from one source: a rule's text is the doc comment of its `Code`
//! (`topoc_diag::Code::documentation`), its examples are its fixtures
//! (`tests/fixtures/diagnostics/<code>/basic.yaml` and `clean.yaml`, embedded by `build.rs`),
//! its group comes from `topoc_reach::lints`. `docs/rules/<code>.md` and the index
//! `docs/rules/README.md` are what [`page`] and [`index`] return (`tests/rules.rs` keeps them
//! fresh); `topoc rule` prints the same text.

use std::fmt::Write as _;
use topoc_diag::Code;
use topoc_reach::lints::{self, Group};

include!(concat!(env!("OUT_DIR"), "/rule_fixtures.rs"));

/// The index's prose; `{{ tables }}` marks where the sections' tables go.
const INDEX_TEMPLATE: &str = include_str!("index.md");
const TABLES_MARK: &str = "{{ tables }}\n";

/// Which part of topoc reports a code that the spec's `lints` section cannot configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    SpecReader,
    Resolution,
    ReachabilityModel,
    TargetCheck,
    /// The `lints` section's own check (`unknown-lint`).
    Linter,
}

impl Stage {
    fn words(self) -> &'static str {
        match self {
            Stage::SpecReader => "the spec reader",
            Stage::Resolution => "resolution",
            Stage::ReachabilityModel => "the reachability model",
            Stage::TargetCheck => "the target check",
            Stage::Linter => "the linter",
        }
    }
}

/// What a section of the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Lints: each code's group is in `topoc_reach::lints::RULES`.
    Lints,
    /// Findings that are not lints, all reported by one stage.
    Findings(Stage),
}

/// A section of the index: a heading and a table of codes. Every code is in exactly one.
#[derive(Debug)]
pub struct Section {
    pub title: &'static str,
    pub kind: Kind,
    pub codes: &'static [Code],
}

pub const SECTIONS: &[Section] = &[
    Section {
        title: "Security (default on)",
        kind: Kind::Lints,
        codes: &[
            Code::EscapeHatch,
            Code::DockerSocket,
            Code::Privileged,
            Code::DangerousCapability,
            Code::SecurityProfileDisabled,
            Code::RootUser,
            Code::ImageUnpinned,
            Code::PortAllInterfaces,
            Code::DuplicatePublishedPort,
            Code::SensitiveMount,
            Code::RootEquivalentMount,
            Code::SecretInEnvironment,
            Code::CredentialInUrl,
        ],
    },
    Section {
        title: "Network and address plan (default on)",
        kind: Kind::Lints,
        codes: &[Code::StaticInDynamicRange, Code::SubnetUnpinned, Code::DockerPoolOverlap, Code::UnencryptedOverlay],
    },
    Section {
        title: "Hardening (the `hardening` group: off unless enabled)",
        kind: Kind::Lints,
        codes: &[
            Code::NoNewPrivileges,
            Code::CapabilitiesUnrestricted,
            Code::WritableRootFs,
            Code::HealthcheckMissing,
            Code::MemoryUnlimited,
            Code::CpuUnlimited,
            Code::ImageNoDigest,
            Code::PrivilegedPort,
            Code::SharedVolume,
        ],
    },
    Section { title: "Lint configuration", kind: Kind::Findings(Stage::Linter), codes: &[Code::UnknownLint] },
    Section { title: "Model hygiene", kind: Kind::Findings(Stage::ReachabilityModel), codes: &[Code::Ineffective] },
    Section {
        title: "Reachability policy",
        kind: Kind::Findings(Stage::ReachabilityModel),
        codes: &[
            Code::InvalidSelector,
            Code::PolicyViolation,
            Code::OverBroad,
            Code::UnusedRule,
            Code::UnsatisfiedAllow,
            Code::RelayUnreachable,
            Code::VolumeAccess,
        ],
    },
    Section {
        title: "Addresses, pools and the lock file",
        kind: Kind::Findings(Stage::Resolution),
        codes: &[
            Code::InvalidCidr,
            Code::HostBitsSet,
            Code::InvalidAddress,
            Code::InvalidMac,
            Code::SubnetOverlap,
            Code::ReservedOverlap,
            Code::AddressOutsideSubnet,
            Code::AddressReserved,
            Code::DuplicateAddress,
            Code::DuplicateMac,
            Code::RangeTooSmall,
            Code::PoolExhausted,
            Code::LockOutdated,
            Code::LockInvalid,
        ],
    },
    Section {
        title: "Names and references",
        kind: Kind::Findings(Stage::Resolution),
        codes: &[
            Code::UnknownReference,
            Code::InvalidName,
            Code::NameCollision,
            Code::MacvlanDuplicate,
            Code::PredefinedNetwork,
            Code::UnknownPlaceholder,
        ],
    },
    Section {
        title: "Reading the spec",
        kind: Kind::Findings(Stage::SpecReader),
        codes: &[
            Code::Syntax,
            Code::InvalidType,
            Code::UnknownKey,
            Code::MissingKey,
            Code::DuplicateKey,
            Code::InvalidValue,
            Code::ConflictingKeys,
            Code::ResourceLimit,
        ],
    },
    Section {
        title: "Reading compose files",
        kind: Kind::Findings(Stage::SpecReader),
        codes: &[Code::ComposeNotCarried, Code::ComposeReference],
    },
    Section {
        title: "Engines and targets",
        kind: Kind::Findings(Stage::TargetCheck),
        codes: &[Code::EngineUnsupported, Code::TargetUnsupported, Code::TargetIgnored, Code::SwarmName],
    },
];

/// Every code in the order of the index, then any code no section lists (so none is hidden).
pub fn in_index_order() -> Vec<Code> {
    let mut codes: Vec<Code> = SECTIONS.iter().flat_map(|s| s.codes.iter().copied()).collect();
    codes.extend(Code::ALL.iter().filter(|c| section(**c).is_none()));
    codes
}

/// The section that lists `code`.
pub fn section(code: Code) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.codes.contains(&code))
}

/// A rule's doc comment split into the page's sections.
#[derive(Debug)]
pub struct RuleDoc {
    /// Everything before the first heading; its first paragraph is the description.
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    /// A Markdown list, one item per equivalent rule (or one saying there is none).
    pub equivalents: &'static str,
}

/// The headings a rule's doc comment has, in this order, each followed by its text.
pub const HEADINGS: [&str; 3] = ["## Why", "## How to fix", "## Equivalent rules"];

impl RuleDoc {
    /// Split `code`'s documentation; `Err` says what is missing or out of place.
    pub fn of(code: Code) -> Result<RuleDoc, String> {
        RuleDoc::parse(code.documentation()).map_err(|problem| format!("{code}'s doc comment {problem}"))
    }

    fn parse(doc: &'static str) -> Result<RuleDoc, String> {
        let mut parts = Vec::new();
        let mut rest = doc;
        for heading in HEADINGS {
            let marker = format!("\n\n{heading}\n\n");
            let Some(at) = rest.find(&marker) else {
                return Err(format!("has no `{heading}` section (after the ones before it)"));
            };
            parts.push(rest[..at].trim());
            rest = &rest[at + marker.len()..];
        }
        parts.push(rest.trim());
        if let Some(twice) = HEADINGS.iter().find(|h| doc.lines().filter(|l| l == *h).count() > 1) {
            return Err(format!("has `{twice}` more than once"));
        }
        if let Some(stray) = doc.lines().find(|l| l.starts_with('#') && !HEADINGS.contains(l)) {
            return Err(format!("has a heading rule pages do not have: `{stray}`"));
        }
        if let Some(empty) = parts.iter().position(|p| p.is_empty()) {
            let name = if empty == 0 { "the description" } else { HEADINGS[empty - 1] };
            return Err(format!("has nothing under {name}"));
        }
        let equivalents = parts[3];
        if !equivalents.lines().all(|l| l.starts_with("- ") || l.starts_with("  ")) {
            return Err("has an `## Equivalent rules` section that is not a list of `- ` items".to_owned());
        }
        Ok(RuleDoc { what: parts[0], why: parts[1], fix: parts[2], equivalents })
    }

    /// The equivalent rules as one table cell: items joined by `; `, `—` when there are none.
    fn equivalents_cell(&self) -> String {
        let mut items: Vec<String> = Vec::new();
        for line in self.equivalents.lines() {
            match (line.strip_prefix("- "), items.last_mut()) {
                (Some(item), _) => items.push(item.to_owned()),
                (None, Some(last)) => {
                    last.push(' ');
                    last.push_str(line.trim());
                }
                (None, None) => {}
            }
        }
        if items.len() == 1 && items[0].starts_with("none ") { "—".to_owned() } else { items.join("; ") }
    }
}

/// A code's example fixtures: `basic.yaml` (reported) and `clean.yaml` (not reported).
pub fn fixtures(code: Code) -> Option<(&'static str, Option<&'static str>)> {
    RULE_FIXTURES.iter().find(|(name, _, _)| *name == code.as_str()).map(|&(_, basic, clean)| (basic, clean))
}

/// The names of the fixture directories that have a `basic.yaml`.
pub fn fixture_names() -> impl Iterator<Item = &'static str> {
    RULE_FIXTURES.iter().map(|(name, _, _)| *name)
}

/// How `code` is configured, for the page's first line.
fn configuration(code: Code) -> Result<String, String> {
    match (lints::group(code), section(code).map(|s| s.kind)) {
        (Some(Group::Default), _) => Ok("**Group:** `default` (configurable in `lints`)".to_owned()),
        (Some(Group::Hardening), _) => Ok("**Group:** `hardening` (off unless enabled in `lints`)".to_owned()),
        (None, Some(Kind::Findings(stage))) => Ok(format!("not configurable (a finding of {})", stage.words())),
        (None, Some(Kind::Lints)) => Err(format!("{code} is listed with the lints but is not one")),
        (None, None) => Err(format!("{code} is in no section of the index (crates/topoc-cli/src/rules/mod.rs)")),
    }
}

/// `docs/rules/<code>.md`: the rule's page. `Err` when its documentation or fixtures are
/// incomplete.
pub fn page(code: Code) -> Result<String, String> {
    let doc = RuleDoc::of(code)?;
    let config = configuration(code)?;
    let name = code.as_str();
    let (basic, clean) =
        fixtures(code).ok_or_else(|| format!("{code} has no tests/fixtures/diagnostics/{name}/basic.yaml"))?;
    let mut out = String::new();
    let _ = writeln!(out, "# `{code}`\n");
    let _ = writeln!(out, "**Severity:** {} · {config}\n", code.default_severity().as_str());
    let _ = writeln!(out, "## What it flags\n\n{}\n", doc.what);
    let _ = writeln!(out, "{}\n\n{}\n", HEADINGS[0], doc.why);
    let _ = writeln!(out, "{}\n\n{}\n", HEADINGS[1], doc.fix);
    let _ = writeln!(out, "## Example\n\nReported (`tests/fixtures/diagnostics/{name}/`):\n");
    let _ = writeln!(out, "```yaml\n{}```\n", with_newline(basic));
    if let Some(clean) = clean {
        let _ = writeln!(out, "Not reported:\n\n```yaml\n{}```\n", with_newline(clean));
    }
    let _ = writeln!(out, "{}\n\n{}", HEADINGS[2], doc.equivalents);
    Ok(out)
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') { text.to_owned() } else { format!("{text}\n") }
}

/// `docs/rules/README.md`: the index's prose with a table per section.
pub fn index() -> Result<String, String> {
    let mut tables = String::new();
    for (i, section) in SECTIONS.iter().enumerate() {
        if i > 0 {
            tables.push('\n');
        }
        let _ = writeln!(tables, "## {}\n", section.title);
        let _ = writeln!(tables, "| code | severity | what it flags | KICS / dclint / compose-lint |");
        let _ = writeln!(tables, "|---|---|---|---|");
        for &code in section.codes {
            let doc = RuleDoc::of(code)?;
            let _ = writeln!(
                tables,
                "| [`{name}`]({name}.md) | {} | {} | {} |",
                code.default_severity().as_str(),
                cell(code.description()),
                cell(&doc.equivalents_cell()),
                name = code.as_str(),
            );
        }
    }
    let (head, tail) = INDEX_TEMPLATE.split_once(TABLES_MARK).ok_or("index.md has no `{{ tables }}` line")?;
    Ok(format!("{head}{tables}{tail}"))
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Where the rule's page is in the repository.
pub fn page_path(code: Code) -> String {
    format!("docs/rules/{}.md", code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "Flags a thing.\n\n## Why\n\nBecause.\n\n## How to fix\n\nDo not.\n\n## Equivalent rules\n\n- KICS: *A* (`x`)\n- none else, really\n  wrapped\n";

    #[test]
    fn a_complete_doc_comment_splits_into_the_page_sections() {
        let doc = RuleDoc::parse(GOOD).expect("complete");
        assert_eq!((doc.what, doc.why, doc.fix), ("Flags a thing.", "Because.", "Do not."));
        assert_eq!(doc.equivalents_cell(), "KICS: *A* (`x`); none else, really wrapped");
        let none =
            RuleDoc::parse("A.\n\n## Why\n\nB.\n\n## How to fix\n\nC.\n\n## Equivalent rules\n\n- none in KICS\n");
        assert_eq!(none.expect("complete").equivalents_cell(), "—");
    }

    #[test]
    fn incomplete_doc_comments_are_refused_with_the_reason() {
        let cases = [
            ("Flags a thing.\n", "has no `## Why` section"),
            (&GOOD.replace("## How to fix\n\nDo not.\n\n", "") as &str, "has no `## How to fix` section"),
            (&GOOD.replace("\n\n## Equivalent rules", "\n\n## Equivalents"), "has no `## Equivalent rules`"),
            (&GOOD.replace("Because.", "## Because"), "has a heading rule pages do not have: `## Because`"),
            (&GOOD.replace("Flags a thing.", ""), "has nothing under the description"),
            (&GOOD.replace("Do not.", " "), "has nothing under ## How to fix"),
            (&GOOD.replace("- KICS", "KICS"), "not a list"),
            (&format!("{}\n\n## Why\n\nAgain.\n", GOOD.trim_end()), "has `## Why` more than once"),
        ];
        for (doc, expected) in cases {
            let doc: &'static str = Box::leak(doc.to_owned().into_boxed_str());
            match RuleDoc::parse(doc) {
                Ok(_) => panic!("accepted:\n{doc}"),
                Err(problem) => assert!(problem.contains(expected), "{problem:?} for:\n{doc}"),
            }
        }
    }

    #[test]
    fn every_code_of_a_section_is_on_its_page_with_its_stage() {
        let page = page(Code::Syntax).expect("syntax is documented");
        assert!(page.contains("not configurable (a finding of the spec reader)"), "{page}");
        let page = super::page(Code::SharedVolume).expect("shared-volume is documented");
        assert!(page.contains("**Group:** `hardening`") && page.contains("Not reported:"), "{page}");
    }
}
