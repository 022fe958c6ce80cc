//! Escaping for generated YAML, in one place: values written as JSON literals, and comment
//! lines built from text that comes from outside the spec's values (file names, versions).
//!
//! JSON leaves some characters raw that a YAML reader does not take back unchanged:
//! - U+0085, U+2028 and U+2029 are line breaks to YAML 1.1 readers (Go's yaml, which Compose
//!   uses, among them): inside a double-quoted string they fold into a space, in a comment they
//!   end the comment;
//! - DEL, the C1 controls, U+FEFF (a byte order mark), U+FFFE and U+FFFF are outside YAML's
//!   printable set, and Compose refuses the whole file ("control characters are not allowed").
//!
//! Inside a double-quoted scalar `\uXXXX` writes each of them exactly; in a comment, which has no
//! escapes, they are spelled out as `\u{XXXX}` text.

/// Whether a YAML reader would not take `c` back as itself when written raw in a double-quoted
/// string (JSON's own escapes, C0 controls, `"` and `\`, are already taken care of by JSON).
fn unsafe_in_yaml(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// Whether JSON text needs [`json_for_yaml`] at all: a pass over bytes, which rules out the
/// common case (ASCII without DEL) quickly.
pub(crate) fn needs_escaping(json: &str) -> bool {
    json.bytes().any(|b| b >= 0x7f) && json.chars().any(unsafe_in_yaml)
}

/// JSON text (a literal, or a list or mapping of them) made safe for YAML: every character a
/// YAML reader would change is written as a `\uXXXX` escape. Such characters can only occur
/// inside JSON strings (JSON's syntax is ASCII), where the escape means exactly them.
pub(crate) fn json_for_yaml(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_in_yaml(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text safe to put on one YAML comment line: every character outside YAML's printable set, and
/// every character any YAML version reads as a line break (`\n`, `\r`, U+0085, U+2028, U+2029),
/// is spelled `\u{XXXX}`; so is `\` itself, so the spelling cannot be forged.
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let printable = matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
            && !unsafe_in_yaml(c);
        if printable && c != '\\' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code point YAML 1.1 or 1.2 breaks a line at, and every one outside its printable set
    /// that a file name can hold.
    const BREAKS: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

    #[test]
    fn comments_keep_one_line_whatever_the_text() {
        for &b in BREAKS {
            let text = format!("shop{b}include: [evil.yml]{b}#.yaml");
            let line = comment_text(&text);
            assert!(!line.contains(BREAKS), "{line:?}");
            assert!(line.contains(&format!("\\u{{{:04x}}}", b as u32)), "{line:?}");
        }
        for c in ['\0', '\t', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}', '\u{feff}', '\u{fffe}', '\u{ffff}'] {
            assert_eq!(comment_text(&format!("a{c}b")), format!("a\\u{{{:04x}}}b", c as u32));
        }
        assert_eq!(comment_text("a\\u{2028}b"), "a\\u{005c}u{2028}b", "a backslash cannot forge an escape");
        assert_eq!(comment_text("odd name: #1 é 中文 😀.yaml"), "odd name: #1 é 中文 😀.yaml");
    }

    #[test]
    fn json_for_yaml_escapes_only_what_yaml_would_change() {
        let json = serde_json::to_string(&["a\u{85}b", "\u{2028}\u{2029}", "\u{7f}\u{80}\u{9f}\u{fffe}\u{ffff}", "é"])
            .expect("json");
        assert!(needs_escaping(&json));
        assert_eq!(json_for_yaml(&json), r#"["a\u0085b","\u2028\u2029","\u007f\u0080\u009f\ufffe\uffff","é"]"#);
        assert!(!needs_escaping(r#"["é","中文","😀","\u0000"]"#));
    }
}
