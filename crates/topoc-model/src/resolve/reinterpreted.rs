//! Text the deploy tools reinterpret before Docker sees it. Both are silent in Compose 2.40.3:
//! the file is accepted and the container gets something else than the spec says, so topoc
//! refuses the spec instead.
//!
//! - A command written as one string is split into words by Compose (and `docker stack
//!   deploy`) with shell-word rules, without a shell: the split stops at an unquoted `|`, `;`,
//!   `&`, `<` or `>`, drops the rest, and unbalanced quotes or a trailing `\` are rejected.
//! - A key starting with `x-` in a mapping is a Compose extension: under `environment`,
//!   `labels`, `driver_opts` (of services, networks and volumes) or `deploy.labels` it is
//!   dropped and never reaches the container, network or volume; under `extra_hosts`, and as
//!   the key of a network (`Cx::check_key`), Compose rejects the file. An empty key is
//!   rejected too.

use super::Cx;
use topoc_diag::{Code, Diagnostic};
use topoc_spec::{Command, Map, Sp};

/// Why Compose would not run `text` as the words it appears to be, if it would not.
pub(crate) fn shell_words_problem(text: &str) -> Option<String> {
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '|' | ';' | '&' | '<' | '>' | '(' | ')' | '`' if !single && !double => {
                return Some(format!(
                    "`{c}` outside quotes: Compose runs no shell, and cuts or rejects the command there"
                ));
            }
            _ => {}
        }
    }
    if single || double {
        return Some("an unbalanced quote: Compose rejects the command".into());
    }
    if escaped {
        return Some("a trailing `\\`: Compose rejects the command".into());
    }
    None
}

/// A command in its string form must split into words the way it reads.
pub(crate) fn check_command(field: &str, command: &Option<Sp<Command>>, cx: &mut Cx) {
    let Some(Sp { value: Command::Shell(text), span }) = command else { return };
    if let Some(problem) = shell_words_problem(text) {
        cx.push(
            Diagnostic::new(Code::InvalidValue, format!("this `{field}` string is not run by a shell"))
                .primary(*span, problem)
                .help(format!(
                    "Compose splits a `{field}` string into words itself; for shell syntax write the list form, e.g. `[\"sh\", \"-c\", \"...\"]`"
                )),
        );
    }
}

/// Keys of `environment`, `labels`, `driver_opts` and `extra_hosts` must not start with `x-`,
/// nor be empty.
pub(crate) fn check_keys<T>(what: &str, map: &Map<T>, cx: &mut Cx) {
    for (key, _) in map.iter() {
        if key.value.starts_with("x-") {
            cx.push(
                Diagnostic::new(Code::InvalidName, format!("`{}` in `{what}` starts with `x-`", key.value))
                    .primary(key.span, "Compose reads this as an extension: it drops it, or rejects the file")
                    .help("rename it: the container, network or volume would never get it"),
            );
        } else if key.value.is_empty() {
            cx.push(
                Diagnostic::new(Code::InvalidName, format!("an empty key in `{what}`"))
                    .primary(key.span, "Compose rejects the file")
                    .help("give the entry a name"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shell_words_problem;

    #[test]
    fn words_that_split_as_they_read_pass() {
        for ok in ["sleep infinity", "echo 'a | b'", "echo \"x;y\" z", "a\\;b", "redis-server --appendonly yes", ""] {
            assert_eq!(shell_words_problem(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn shell_syntax_and_broken_quoting_are_named() {
        for bad in ["echo hi && sleep 1", "a | b", "a; b", "a > out", "it's", "echo (x)", "a`b`", "trailing\\"] {
            assert!(shell_words_problem(bad).is_some(), "{bad:?}");
        }
    }
}
