//! Names Docker, Compose and Swarm accept (research §9).

/// Compose project names: lowercase letters, digits, `-`, `_`; first a letter or digit.
pub fn project_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if name.is_empty() {
        return Some("the topology name is empty".into());
    }
    (!first_ok || !rest_ok).then(|| {
        "a Compose project name may hold only lowercase letters, digits, `-` and `_`, and starts with a letter or digit".into()
    })
}

/// Keys of services, networks, volumes and secrets in Compose and stack files: `[a-zA-Z0-9._-]+`.
pub fn key_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    let bad: String = name.chars().filter(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))).collect();
    (!bad.is_empty()).then(|| format!("Compose names may hold only letters, digits, `.`, `_` and `-`; found {bad:?}"))
}

/// A suggestion: the name with every refused character replaced by `-`.
pub fn sanitize_key(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect()
}

/// Simple glob match: `*` any run, `?` one character. Policy selectors match every service
/// name against every glob rule, so ASCII text (nearly all names) is matched byte by byte
/// without allocating.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob(pattern.as_bytes(), text.as_bytes(), b'*', b'?')
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        glob(&p, &t, '*', '?')
    }
}

/// Greedy glob matching with backtracking to the last `*` (linear for patterns with one `*`).
fn glob<T: Copy + PartialEq>(p: &[T], t: &[T], any_run: T, any_one: T) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any_one || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any_run {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == any_run {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(project_name_problem("pantheon").is_none());
        assert!(project_name_problem("Pantheon").is_some());
        assert!(project_name_problem("-x").is_some());
        assert!(key_problem("a.b_c-1").is_none());
        assert!(key_problem("a b").is_some());
        assert!(glob_match("agent-*", "agent-7"));
        assert!(glob_match("*-isolated", "coder-isolated"));
        assert!(!glob_match("agent-?", "agent-17"));
        assert!(glob_match("*", ""));
        // Non-ASCII takes the char path: `?` is one character, not one byte.
        assert!(glob_match("café-?", "café-ü"));
        assert!(glob_match("*é*", "café"));
        assert!(!glob_match("caf?", "caféé"));
    }
}
