//! Shared by the fuzz targets: load a document, and exercise what the CLI does with the
//! diagnostics it gets back (JSON rendering resolves every span to a line and column).

#![allow(dead_code)]

use topoc_diag::{Diagnostics, Files};
use topoc_spec::{Format, TopologySpec};

/// Load `text` in `format` as the CLI does; on errors, render them as the CLI would.
pub fn load(text: &str, format: Format) -> Option<(Files, TopologySpec)> {
    let mut files = Files::new();
    let file = files.add("fuzz.spec", text);
    match topoc_spec::load(text, format, file) {
        Ok(spec) => Some((files, spec)),
        Err(diags) => {
            render(&diags, &files);
            None
        }
    }
}

/// What the CLI does with findings: sort, render as JSON and SARIF.
pub fn render(diags: &Diagnostics, files: &Files) {
    let mut diags = diags.clone();
    diags.sort();
    let _ = topoc_diag::to_json(&diags, files);
    let _ = topoc_diag::to_sarif(&diags, files, "fuzz");
}
