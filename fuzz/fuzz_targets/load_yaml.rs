//! `topoc_spec::load` on arbitrary UTF-8 as YAML: errors are fine, panics are not.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = common::load(text, topoc_spec::Format::Yaml);
    }
});
