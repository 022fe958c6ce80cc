//! `topoc.toml`, the project configuration beside the spec: per-code severity overrides and
//! suppressions with a reason (docs/cli.md#configuration-topoctoml). Problems in it are
//! diagnostics pointing into it, like problems in the spec.

use topoc_diag::{Code, Diagnostic, Diagnostics, FileId, Override, Rules, Scope, Severity, Span, Suppression};
use topoc_spec::{Format, Node, NodeKind};

/// The name looked for beside the spec.
pub(crate) const FILE_NAME: &str = "topoc.toml";

const TOP_KEYS: &[&str] = &["rules", "suppress"];
const SUPPRESS_KEYS: &[&str] = &["code", "message", "reason"];
const LEVELS: &[&str] = &["error", "warning", "note", "off"];

/// Read `topoc.toml` text (already added to the run's files as `file`).
pub(crate) fn parse(text: &str, file: FileId) -> (Rules, Diagnostics) {
    let mut rules = Rules::default();
    let mut diags = Diagnostics::new();
    let root = match topoc_spec::parse(text, Format::Toml, file) {
        Ok(root) => root,
        Err(d) => return (rules, d),
    };
    let NodeKind::Map(entries) = &root.kind else { return (rules, diags) };
    for (key, value) in entries {
        let name = key.as_scalar().unwrap_or_default();
        match name {
            "rules" => read_rules(value, &mut rules, &mut diags),
            "suppress" => read_suppressions(value, &mut rules, &mut diags),
            other => diags.push(unknown_key(other, key.span, TOP_KEYS, "in topoc.toml")),
        }
    }
    (rules, diags)
}

fn read_rules(value: &Node, rules: &mut Rules, diags: &mut Diagnostics) {
    let NodeKind::Map(entries) = &value.kind else {
        diags.push(wrong_type(value, "a table of `CODE = \"LEVEL\"`"));
        return;
    };
    for (key, level) in entries {
        let name = key.as_scalar().unwrap_or_default();
        let Some(code) = Code::from_name(name) else {
            diags.push(topoc_diag::unknown_code(name, key.span));
            continue;
        };
        let Some(text) = string(level) else {
            diags.push(wrong_type(level, "a string: \"error\", \"warning\", \"note\" or \"off\""));
            continue;
        };
        let severity = match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            "off" => None,
            other => {
                let mut d = Diagnostic::new(Code::InvalidValue, format!("`{other}` is not a level"))
                    .primary(level.span, "expected error, warning, note or off");
                let prefix = LEVELS.iter().copied().find(|l| !other.is_empty() && l.starts_with(other));
                if let Some(s) = prefix.or_else(|| topoc_diag::did_you_mean(other, LEVELS.iter().copied())) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
                continue;
            }
        };
        rules.overrides.push(Override { code, severity, span: key.span.to(level.span) });
    }
}

fn read_suppressions(value: &Node, rules: &mut Rules, diags: &mut Diagnostics) {
    let NodeKind::Seq(items) = &value.kind else {
        diags.push(wrong_type(value, "a list of tables: write each as `[[suppress]]`"));
        return;
    };
    for item in items {
        let NodeKind::Map(entries) = &item.kind else {
            diags.push(wrong_type(item, "a table with `code` and `reason`"));
            continue;
        };
        let (mut codes, mut message, mut reason, mut ok, mut code_seen) = (Vec::new(), None, None, true, false);
        for (key, v) in entries {
            match key.as_scalar().unwrap_or_default() {
                "code" => {
                    code_seen = true;
                    let names: Vec<&Node> = match &v.kind {
                        NodeKind::Seq(items) => items.iter().collect(),
                        _ => vec![v],
                    };
                    for n in names {
                        match string(n) {
                            Some(name) => match Code::from_name(name) {
                                Some(c) => codes.push(c),
                                None => {
                                    ok = false;
                                    diags.push(topoc_diag::unknown_code(name, n.span));
                                }
                            },
                            None => {
                                ok = false;
                                diags.push(wrong_type(n, "a code name, or a list of them"));
                            }
                        }
                    }
                }
                "message" => match string(v) {
                    Some(m) if !m.is_empty() => message = Some(m.to_owned()),
                    Some(_) => {
                        ok = false;
                        diags.push(
                            Diagnostic::new(Code::InvalidValue, "an empty `message` matches every finding")
                                .primary(v.span, "empty")
                                .help("leave `message` out to suppress every finding of the code"),
                        );
                    }
                    None => {
                        ok = false;
                        diags.push(wrong_type(v, "a string: text the finding's message contains"));
                    }
                },
                "reason" => match string(v) {
                    Some(r) if !r.trim().is_empty() => reason = Some(r.trim().to_owned()),
                    Some(_) => {}
                    None => {
                        ok = false;
                        diags.push(wrong_type(v, "a string"));
                    }
                },
                other => {
                    ok = false;
                    diags.push(unknown_key(other, key.span, SUPPRESS_KEYS, "in a [[suppress]] table"));
                }
            }
        }
        if !code_seen || (ok && codes.is_empty()) {
            ok = false;
            diags.push(
                Diagnostic::new(Code::MissingKey, "this suppression names no code")
                    .primary(item.span, "no `code`")
                    .help("add `code = \"CODE\"` (or a list of codes)"),
            );
        }
        let Some(reason) = reason else {
            diags.push(
                Diagnostic::new(Code::MissingKey, "this suppression gives no reason")
                    .primary(item.span, "no `reason`")
                    .help("say why the finding is acceptable: `reason = \"...\"`"),
            );
            continue;
        };
        if ok {
            rules.suppressions.push(Suppression { codes, scope: Scope::Message(message), reason, span: item.span });
        }
    }
}

fn string(n: &Node) -> Option<&str> {
    match &n.kind {
        NodeKind::Scalar { text, quoted: true } => Some(text),
        _ => None,
    }
}

fn wrong_type(n: &Node, expected: &str) -> Diagnostic {
    Diagnostic::new(Code::InvalidType, format!("expected {expected}, found {}", n.describe()))
        .primary(n.span, format!("this is {}", n.describe()))
}

fn unknown_key(name: &str, span: Span, known: &[&str], place: &str) -> Diagnostic {
    let d = Diagnostic::new(Code::UnknownKey, format!("unknown key `{name}` {place}")).primary(span, "unknown key");
    match topoc_diag::did_you_mean(name, known.iter().copied()) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!("the keys are: {}", known.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use topoc_diag::Files;

    fn read(text: &str) -> (Rules, Vec<(Code, String, String)>) {
        let mut files = Files::new();
        let id = files.add("topoc.toml", text);
        let (rules, diags) = parse(text, id);
        let diags = diags
            .iter()
            .map(|d| {
                let span = d.primary_span().expect("located");
                let (_, lc) = files.location(span).expect("location");
                (d.code, format!("{}:{}", lc.line, lc.column), d.help.clone().unwrap_or_default())
            })
            .collect();
        (rules, diags)
    }

    #[test]
    fn reads_overrides_and_suppressions() {
        let (rules, diags) = read(
            "[rules]\nunused-rule = \"off\"\n\"topoc::docker-socket\" = \"error\"\n\n[[suppress]]\ncode = \"policy-violation\"\nmessage = \"`web`\"\nreason = \"accepted: OPS-12\"\n\n[[suppress]]\ncode = [\"escape-hatch\", \"ineffective\"]\nreason = \"legacy\"\n",
        );
        assert_eq!(diags, vec![]);
        let o: Vec<(Code, Option<Severity>)> = rules.overrides.iter().map(|o| (o.code, o.severity)).collect();
        assert_eq!(o, vec![(Code::UnusedRule, None), (Code::DockerSocket, Some(Severity::Error))]);
        assert_eq!(rules.suppressions.len(), 2);
        assert_eq!(rules.suppressions[0].scope, Scope::Message(Some("`web`".into())));
        assert_eq!(rules.suppressions[1].codes, vec![Code::EscapeHatch, Code::Ineffective]);
    }

    #[test]
    fn reports_problems_where_they_are() {
        let (rules, diags) = read(
            "[rulez]\n[rules]\nunused-rul = \"off\"\ndocker-socket = \"warn\"\nsyntax = 3\n[[suppress]]\ncode = \"ineffective\"\n[[suppress]]\ncode = \"ineffective\"\nreason = \"x\"\nmesage = \"y\"\n",
        );
        assert_eq!(
            diags,
            vec![
                (Code::UnknownKey, "1:2".into(), "did you mean `rules`?".into()),
                (Code::UnknownReference, "3:1".into(), "did you mean `unused-rule`?".into()),
                (Code::InvalidValue, "4:17".into(), "did you mean `warning`?".into()),
                (Code::InvalidType, "5:10".into(), String::new()),
                (Code::MissingKey, "6:1".into(), "say why the finding is acceptable: `reason = \"...\"`".into()),
                (Code::UnknownKey, "11:1".into(), "did you mean `message`?".into()),
            ]
        );
        assert!(rules.suppressions.is_empty());
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, diags) = read("[rules\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].0, Code::Syntax);
    }
}
