//! The committed shell completions (`completions/`) and man pages (`docs/man/`) are what the
//! current command tree generates, byte for byte. `TOPOC_BLESS=1 cargo test -p topoc-cli --test
//! generated_docs` rewrites them (and removes pages of commands that no longer exist). The rule
//! pages (`docs/rules/`) are kept fresh the same way by `tests/rules.rs`.

mod support;

use clap_complete::{Generator, Shell};
use std::collections::BTreeMap;

const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell];

/// Every completion script, by file name (`topoc.bash`, `_topoc`, `topoc.fish`, ...).
fn completions() -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for shell in SHELLS {
        let mut cmd = without_hidden(&topoc_cli::command());
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "topoc", &mut buf);
        out.insert(shell.file_name("topoc"), buf);
    }
    out
}

/// The command tree without its hidden subcommands: clap_complete 4.6 offers hidden
/// subcommands (`__probe`) like any other, and clap cannot remove a subcommand, so this copies
/// the tree (before `build`, so the generated `help` and `--help`/`--version` are added again).
fn without_hidden(cmd: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(leak(cmd.get_name()))
        .args(cmd.get_arguments().cloned())
        .subcommands(cmd.get_subcommands().filter(|s| !s.is_hide_set()).map(without_hidden))
        .subcommand_required(cmd.is_subcommand_required_set())
        .arg_required_else_help(cmd.is_arg_required_else_help_set())
        .args_conflicts_with_subcommands(cmd.is_args_conflicts_with_subcommands_set())
        .subcommand_negates_reqs(cmd.is_subcommand_negates_reqs_set())
        .disable_help_subcommand(cmd.is_disable_help_subcommand_set())
        .disable_version_flag(cmd.is_disable_version_flag_set())
        .disable_help_flag(cmd.is_disable_help_flag_set())
        .hide(cmd.is_hide_set());
    if let Some(v) = cmd.get_version() {
        out = out.version(leak(v));
    }
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(about) = cmd.get_long_about() {
        out = out.long_about(about.clone());
    }
    for alias in cmd.get_all_aliases() {
        out = out.alias(leak(alias));
    }
    if let Some(c) = cmd.get_short_flag() {
        out = out.short_flag(c);
    }
    if let Some(l) = cmd.get_long_flag() {
        out = out.long_flag(leak(l));
    }
    for group in cmd.get_groups() {
        out = out.group(group.clone());
    }
    out
}

/// clap's names are `&'static str` (its `string` feature is off); the copies live for the test.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// `topoc.1` and one page per visible subcommand (`topoc-check.1`, ...), as
/// `clap_mangen::generate_to` lays them out, but in memory. Hidden commands (`__probe`) and the
/// `help` subcommand get no page.
fn man_pages() -> BTreeMap<String, Vec<u8>> {
    fn walk(cmd: clap::Command, source: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, source, out);
        }
        let man = clap_mangen::Man::new(cmd).source(source).manual("topoc manual");
        let mut buf = Vec::new();
        man.render(&mut buf).expect("render man page");
        out.insert(man.get_filename(), buf);
    }
    let mut cmd = topoc_cli::command().disable_help_subcommand(true);
    cmd.build();
    // Subcommands have no version of their own: every page names the program's.
    let source = format!("topoc {}", cmd.get_version().expect("topoc has a version"));
    let mut out = BTreeMap::new();
    walk(cmd, &source, &mut out);
    out
}

#[test]
fn committed_completions_are_fresh() {
    let generated = completions();
    let names: Vec<&str> = generated.keys().map(String::as_str).collect();
    assert_eq!(names, ["_topoc", "_topoc.ps1", "topoc.bash", "topoc.elv", "topoc.fish"]);
    support::check_generated("completions", &generated, |name| name.contains("topoc"), "generated_docs");
}

#[test]
fn committed_man_pages_are_fresh() {
    let generated = man_pages();
    support::check_generated("docs/man", &generated, |name| name.ends_with(".1"), "generated_docs");
}

#[test]
fn every_visible_command_is_covered_and_hidden_ones_are_not() {
    let cmd = topoc_cli::command();
    let visible: Vec<String> =
        cmd.get_subcommands().filter(|s| !s.is_hide_set()).map(|s| s.get_name().to_owned()).collect();
    let hidden: Vec<String> =
        cmd.get_subcommands().filter(|s| s.is_hide_set()).map(|s| s.get_name().to_owned()).collect();
    assert!(visible.iter().any(|n| n == "check") && visible.iter().any(|n| n == "build"), "{visible:?}");
    assert!(hidden.iter().any(|n| n.starts_with("__")), "expected a hidden `__` command, found {hidden:?}");

    let pages = man_pages();
    assert!(pages.contains_key("topoc.1"));
    for name in &visible {
        let page = format!("topoc-{name}.1");
        let text = String::from_utf8(pages[&page].clone()).expect("utf8 page");
        assert!(text.contains(&format!(".TH topoc-{name} 1")), "{page} has no title line");
    }
    let top = String::from_utf8(pages["topoc.1"].clone()).expect("utf8 page");
    for name in &visible {
        assert!(top.contains(&format!("topoc\\-{name}(1)")), "topoc.1 does not list `{name}`");
    }

    let scripts = completions();
    let bash = String::from_utf8(scripts["topoc.bash"].clone()).expect("utf8 script");
    let fish = String::from_utf8(scripts["topoc.fish"].clone()).expect("utf8 script");
    for name in &visible {
        assert!(bash.contains(&format!("topoc,{name})")), "bash completion lacks `{name}`");
        assert!(fish.contains(&format!("-a \"{name}\"")), "fish completion lacks `{name}`");
    }

    for name in hidden {
        assert!(pages.keys().all(|p| !p.contains(&name)), "hidden `{name}` has a man page");
        for (file, bytes) in pages.iter().chain(scripts.iter()) {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(&name), "hidden command `{name}` appears in {file}");
        }
    }
}
