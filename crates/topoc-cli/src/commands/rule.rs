//! `topoc rule CODE`: a rule's page, the Markdown of `docs/rules/<code>.md` (generated from the
//! same doc comment and fixtures, see `crate::rules`); `topoc rule --all`: every rule.

use crate::exit::Exit;
use crate::report::Reporter;
use crate::rules;
use std::fmt::Write as _;
use std::io::Write;
use topoc_diag::Code;

#[derive(Debug, clap::Args)]
pub(crate) struct RuleArgs {
    /// The rule's code (`docker-socket`, or `topoc::docker-socket` as findings print it).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    code: Option<String>,
    /// List every rule: code, severity, group and description.
    #[arg(long)]
    all: bool,
    /// Output format: the page's Markdown (a table with `--all`), or JSON.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    format: RuleFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RuleFormat {
    Text,
    Json,
}

pub(crate) fn exec(args: &RuleArgs, reporter: &Reporter) -> Exit {
    let text = match (&args.code, args.format) {
        (Some(name), format) => {
            let Some(code) = Code::from_name(name) else {
                let bare = name.strip_prefix("topoc::").unwrap_or(name);
                let hint = topoc_diag::did_you_mean(bare, Code::ALL.iter().map(|c| c.as_str()))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                reporter.failure(&format!("`{name}` is not a rule code{hint}"));
                reporter.note("`topoc rule --all` lists them");
                return Exit::Failure;
            };
            let page = match rules::page(code) {
                Ok(page) => page,
                Err(problem) => {
                    reporter.failure(&format!("the page of {code} cannot be built: {problem}"));
                    return Exit::Failure;
                }
            };
            match format {
                RuleFormat::Text => page,
                RuleFormat::Json => {
                    let mut entry = entry(code);
                    entry["page"] = serde_json::Value::String(page);
                    json(&entry)
                }
            }
        }
        (None, RuleFormat::Text) => table(),
        (None, RuleFormat::Json) => {
            json(&serde_json::Value::Array(rules::in_index_order().into_iter().map(entry).collect()))
        }
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => Exit::Ok,
        Err(_) => Exit::Failure,
    }
}

/// A rule as `--format json` lists it (`group`: its lint group, `null` for findings that are
/// not lints; `section`: the index's heading that lists it).
fn entry(code: Code) -> serde_json::Value {
    serde_json::json!({
        "code": code.as_str(),
        "severity": code.default_severity().as_str(),
        "group": topoc_reach::lints::group(code).map(|g| g.as_str()),
        "section": rules::section(code).map(|s| s.title),
        "description": code.description(),
        "path": rules::page_path(code),
        "url": code.help_uri(),
    })
}

fn json(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// One line per rule: code, severity, lint group (`-` for findings that are not lints), and
/// description, in the order of the index.
fn table() -> String {
    let width = Code::ALL.iter().map(|c| c.as_str().len()).max().unwrap_or(0);
    let mut out = String::new();
    for code in rules::in_index_order() {
        let group = topoc_reach::lints::group(code).map_or("-", |g| g.as_str());
        let severity = code.default_severity().as_str();
        let _ = writeln!(out, "{:width$}  {severity:7}  {group:9}  {}", code.as_str(), code.description());
    }
    out
}
