//! Bounds on what one spec may ask for, so a hostile spec gets a located `resource-limit`
//! diagnostic before the machine's memory or time is at stake. The bounds, and the ones
//! `topoc-model` enforces after template expansion, are listed in docs/spec.md ("Limits").

use crate::node::{Node, NodeKind};
use topoc_diag::{Code, Diagnostic, Diagnostics};

/// The largest spec file topoc reads (the CLI checks it before reading).
pub const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// The longest mapping key, in characters as a generated file writes it (a JSON string with
/// its quotes and escapes): YAML readers, Compose's among them, refuse implicit keys of more
/// than 1024 characters.
pub const MAX_KEY_CHARS: usize = 1024;

/// The characters `key` takes as a quoted key in a generated file: its JSON spelling, with
/// Compose's `$` doubled and the escapes of `topoc-emit`'s `escape.rs` counted (at most 6 per
/// character).
pub fn written_key_chars(key: &str) -> usize {
    2 + key
        .chars()
        .map(|c| match c {
            '"' | '\\' | '$' | '\n' | '\r' | '\t' => 2,
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => 6,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Every mapping key longer than [`MAX_KEY_CHARS`] as written, reported at the key.
pub(crate) fn check_keys(root: &Node, diags: &mut Diagnostics) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    if let Some(text) = k.as_scalar() {
                        let chars = written_key_chars(text);
                        if chars > MAX_KEY_CHARS {
                            diags.push(
                                Diagnostic::new(
                                    Code::ResourceLimit,
                                    format!("a key of {chars} characters as written; keys are at most {MAX_KEY_CHARS}"),
                                )
                                .primary(k.span, "too long")
                                .note("YAML readers (Compose's among them) refuse longer keys")
                                .help("shorten the key"),
                            );
                        }
                    }
                    stack.push(v);
                }
            }
            NodeKind::Seq(items) => stack.extend(items),
            NodeKind::Null | NodeKind::Scalar { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_counted_as_written() {
        assert_eq!(written_key_chars("abc"), 5);
        assert_eq!(written_key_chars("a$b"), 6);
        assert_eq!(written_key_chars("é\u{2028}"), 2 + 1 + 6);
        // 1022 plain characters are the longest key Compose 2.40.3 reads (1024 with quotes).
        assert!(written_key_chars(&"K".repeat(1022)) <= MAX_KEY_CHARS);
        assert!(written_key_chars(&"K".repeat(1023)) > MAX_KEY_CHARS);
    }
}
