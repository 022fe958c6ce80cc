//! Golden CLI cases: `tests/cmd/*.toml` (args, exit code, stdout, stderr), as typos does.
//! Bless changes with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("../../tests/cmd/*.toml");
}
