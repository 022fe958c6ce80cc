//! Is a file a compose file or a topoc spec? By content: a spec starts with `topology:`; a
//! compose file has `services:` (or `include:`) and no `topology:` at the top level.

/// Whether the text is a compose file rather than a topoc spec. Only top-level keys are looked
/// at (lines that start with a key at column 0), so nothing is parsed twice.
pub fn looks_like_compose(text: &str) -> bool {
    let mut compose = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let key = line.split(':').next().unwrap_or_default().trim_matches(['"', '\'']);
        match key {
            "topology" => return false,
            "services" | "include" | "version" | "x-" => compose = true,
            k if k.starts_with("x-") => compose = true,
            _ => {}
        }
        // TOML specs have no top-level `services:` line with a colon.
        if line.starts_with('[') {
            return false;
        }
    }
    compose
}

#[cfg(test)]
mod tests {
    use super::looks_like_compose;

    #[test]
    fn tells_compose_files_from_specs() {
        assert!(looks_like_compose("services:\n  web:\n    image: nginx\n"));
        assert!(looks_like_compose("# c\nversion: '3.8'\nservices: {}\n"));
        assert!(looks_like_compose("include:\n  - other.yaml\n"));
        assert!(!looks_like_compose("topology: lab\nservices:\n  web: {image: nginx}\n"));
        assert!(!looks_like_compose("services:\n  a: {}\ntopology: lab\n"));
        assert!(!looks_like_compose("topology = \"lab\"\n[services.web]\n"));
    }
}
