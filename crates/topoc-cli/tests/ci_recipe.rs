//! The CI recipes (docs/ci.md, docs/ci/*.yml) and the pre-commit hooks (.pre-commit-hooks.yaml)
//! cannot rot: the recipes are valid YAML quoted verbatim by docs/ci.md, every `topoc` command in
//! them parses with the current command line, and the hooks manifest and the documented
//! `.pre-commit-config.yaml` pass the real pre-commit's validation (pre-commit 4.7.0, which
//! scripts/test.sh installs into .venv), whose `try-repo` then runs the hook on real specs.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One simple command of a shell script: its words (quotes removed, `$VARS` left as written)
/// and where its standard output is redirected.
#[derive(Debug, Default)]
struct ShellCommand {
    words: Vec<String>,
    stdout: Option<String>,
}

/// Split a script into simple commands: enough shell for CI recipes (quotes, backslash-newline,
/// comments, `;`, `&&`, `||`, `|`, and `>`, `>>`, `<`, `2>`, `2>&1` redirections).
fn shell_commands(script: &str) -> Vec<ShellCommand> {
    #[derive(PartialEq)]
    enum Redirect {
        None,
        Stdout,
        Other,
    }
    let script = script.replace("\\\n", " ");
    let mut out = Vec::new();
    let mut cmd = ShellCommand::default();
    let mut word = String::new();
    let mut in_word = false;
    let mut redirect = Redirect::None;
    let mut chars = script.chars().peekable();

    fn end_word(cmd: &mut ShellCommand, word: &mut String, in_word: &mut bool, redirect: &mut Redirect) {
        if !*in_word {
            return;
        }
        let w = std::mem::take(word);
        match redirect {
            Redirect::Stdout => cmd.stdout = Some(w),
            Redirect::Other => {}
            Redirect::None => cmd.words.push(w),
        }
        *redirect = Redirect::None;
        *in_word = false;
    }
    fn end_command(out: &mut Vec<ShellCommand>, cmd: &mut ShellCommand) {
        let c = std::mem::take(cmd);
        if !c.words.is_empty() {
            out.push(c);
        }
    }

    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(q),
                    }
                }
            }
            '#' if !in_word => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                end_command(&mut out, &mut cmd);
            }
            ' ' | '\t' => end_word(&mut cmd, &mut word, &mut in_word, &mut redirect),
            '\n' | ';' | '|' | '&' => {
                end_word(&mut cmd, &mut word, &mut in_word, &mut redirect);
                end_command(&mut out, &mut cmd);
                if matches!(c, '|' | '&') && chars.peek() == Some(&c) {
                    chars.next();
                }
            }
            '>' | '<' => {
                // Digits right before are the descriptor (`2>`); anything else ends a word.
                let fd = if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    in_word = false;
                    Some(std::mem::take(&mut word))
                } else {
                    end_word(&mut cmd, &mut word, &mut in_word, &mut redirect);
                    None
                };
                if c == '>' && chars.peek() == Some(&'>') {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    // `2>&1`: a duplication, no file
                    chars.next();
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    continue;
                }
                let stdout = c == '>' && fd.as_deref().is_none_or(|f| f == "1");
                redirect = if stdout { Redirect::Stdout } else { Redirect::Other };
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut cmd, &mut word, &mut in_word, &mut redirect);
    end_command(&mut out, &mut cmd);
    out
}

/// A `topoc` command of a recipe, parsed with the current command line.
struct TopocRun {
    line: String,
    subcommand: String,
    matches: clap::ArgMatches,
    stdout: Option<String>,
}

impl TopocRun {
    fn raw(&self, id: &str) -> Option<String> {
        self.matches.try_get_raw(id).ok().flatten().and_then(|mut v| v.next()).map(|v| v.to_string_lossy().into_owned())
    }
    fn flag(&self, id: &str) -> bool {
        self.matches.try_get_one::<bool>(id).ok().flatten().copied().unwrap_or(false)
    }
}

/// Every `topoc` command of the scripts, parsed; a command the CLI rejects is an error naming it.
fn topoc_runs(origin: &str, scripts: &[String]) -> Result<Vec<TopocRun>, String> {
    let mut runs = Vec::new();
    let mut errors = Vec::new();
    for script in scripts {
        for cmd in shell_commands(script) {
            if cmd.words[0] != "topoc" {
                continue;
            }
            let line = cmd.words.join(" ");
            match topoc_cli::command().try_get_matches_from(&cmd.words) {
                Ok(m) => {
                    let (sub, sub_m) = m.subcommand().expect("topoc needs a subcommand");
                    runs.push(TopocRun {
                        line,
                        subcommand: sub.to_owned(),
                        matches: sub_m.clone(),
                        stdout: cmd.stdout,
                    });
                }
                Err(e) => errors.push(format!("{origin}: `{line}` is rejected by topoc:\n{}", e.render())),
            }
        }
    }
    if errors.is_empty() { Ok(runs) } else { Err(errors.join("\n")) }
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(support::repo_root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn yaml(rel: &str) -> Value {
    let text = read(rel);
    match topoc_spec::parse(&text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)) {
        Ok(node) => node.to_json(),
        Err(d) => panic!("{rel} is not valid YAML: {d:?}"),
    }
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn check_with_format<'a>(runs: &'a [TopocRun], format: &str) -> &'a TopocRun {
    runs.iter()
        .find(|r| r.subcommand == "check" && r.raw("format").as_deref() == Some(format))
        .unwrap_or_else(|| panic!("no `topoc check --format {format}` in {:?}", lines(runs)))
}

fn lines(runs: &[TopocRun]) -> Vec<&str> {
    runs.iter().map(|r| r.line.as_str()).collect()
}

/// The `build --locked --out X` run and the `git diff --exit-code -- X` that follows it.
fn assert_freshness_check(origin: &str, scripts: &[String], runs: &[TopocRun]) {
    let build = runs
        .iter()
        .find(|r| r.subcommand == "build")
        .unwrap_or_else(|| panic!("{origin}: no `topoc build` in {:?}", lines(runs)));
    let out = build.raw("out").unwrap_or_else(|| panic!("{origin}: `{}` has no --out", build.line));
    let diffs = scripts
        .iter()
        .flat_map(|s| shell_commands(s))
        .any(|c| c.words.len() > 3 && c.words[..3] == ["git", "diff", "--exit-code"] && c.words.contains(&out));
    assert!(diffs, "{origin}: no `git diff --exit-code` of {out} after `{}`", build.line);
    for run in runs {
        assert!(run.flag("locked"), "{origin}: `{}` lacks --locked", run.line);
    }
}

#[test]
fn the_shell_splitter_finds_commands_and_redirections() {
    let cmds = shell_commands(
        "command -v topoc || cargo install x # topoc check nope\n\
         topoc check \"$SPEC\" --format 'sarif' \\\n  --fail-on never > out.sarif 2>&1; echo 'a;b'\n\
         topoc build s.yaml 2> err.txt | tee log && git diff --exit-code -- c.yaml",
    );
    let words: Vec<Vec<&str>> = cmds.iter().map(|c| c.words.iter().map(String::as_str).collect()).collect();
    assert_eq!(
        words,
        vec![
            vec!["command", "-v", "topoc"],
            vec!["cargo", "install", "x"],
            vec!["topoc", "check", "$SPEC", "--format", "sarif", "--fail-on", "never"],
            vec!["echo", "a;b"],
            vec!["topoc", "build", "s.yaml"],
            vec!["tee", "log"],
            vec!["git", "diff", "--exit-code", "--", "c.yaml"],
        ]
    );
    assert_eq!(cmds[2].stdout.as_deref(), Some("out.sarif"));
    assert_eq!(cmds[4].stdout, None);
}

#[test]
fn commands_the_cli_rejects_are_reported() {
    for bad in
        ["topoc check s.yaml --format nope", "topoc check s.yaml --no-such-flag", "topoc chekc s.yaml", "topoc build"]
    {
        let err = topoc_runs("test", &[bad.to_owned()]).err();
        assert!(err.is_some_and(|e| e.contains(bad)), "`{bad}` was accepted");
    }
    let ok = topoc_runs("test", &["topoc check s.yaml --locked --format json".to_owned()]).expect("accepted");
    assert_eq!(ok[0].raw("format").as_deref(), Some("json"));
    assert!(ok[0].flag("locked"));
}

#[test]
fn github_workflow_uses_the_current_cli() {
    let origin = "docs/ci/github-actions.yml";
    let doc = yaml(origin);
    let jobs = doc["jobs"].as_object().expect("jobs");
    assert!(!jobs.is_empty());
    let mut scripts = Vec::new();
    let mut sarif_uploads = Vec::new();
    for (name, job) in jobs {
        let steps = job["steps"].as_array().unwrap_or_else(|| panic!("job {name} has no steps"));
        for step in steps {
            scripts.extend(string(&step["run"]));
            if string(&step["uses"]).is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")) {
                assert_eq!(job["permissions"]["security-events"], "write", "job {name} cannot upload SARIF");
                sarif_uploads.push(string(&step["with"]["sarif_file"]).expect("sarif_file"));
            }
        }
    }
    let runs = topoc_runs(origin, &scripts).unwrap_or_else(|e| panic!("{e}"));
    let sarif = check_with_format(&runs, "sarif");
    let written = sarif.stdout.clone().unwrap_or_else(|| panic!("`{}` is not redirected to a file", sarif.line));
    assert_eq!(sarif_uploads, vec![written], "upload-sarif must upload what `topoc check --format sarif` wrote");
    assert_eq!(sarif.raw("fail_on").as_deref(), Some("never"), "the SARIF step must not stop the upload");
    let gate = check_with_format(&runs, "github");
    assert_ne!(gate.raw("fail_on").as_deref(), Some("never"), "the annotation step is the gate");
    assert_freshness_check(origin, &scripts, &runs);
}

#[test]
fn gitlab_job_uses_the_current_cli() {
    let origin = "docs/ci/gitlab-ci.yml";
    let doc = yaml(origin);
    let job = &doc["topoc"];
    let mut scripts = Vec::new();
    for key in ["before_script", "script"] {
        for line in job[key].as_array().unwrap_or_else(|| panic!("topoc.{key}")) {
            scripts.push(string(line).expect("a script line is a string"));
        }
    }
    let runs = topoc_runs(origin, &scripts).unwrap_or_else(|e| panic!("{e}"));
    let junit = check_with_format(&runs, "junit");
    let report = string(&job["artifacts"]["reports"]["junit"]).expect("artifacts:reports:junit");
    assert_eq!(junit.stdout.as_deref(), Some(report.as_str()), "the JUnit report is not what topoc wrote");
    assert_eq!(job["artifacts"]["when"], "always", "the report must be kept when the check fails");
    assert_freshness_check(origin, &scripts, &runs);
}

#[test]
fn ci_page_quotes_the_recipes_verbatim() {
    let page = read("docs/ci.md");
    for file in ["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"] {
        let text = read(file);
        assert!(page.contains(&format!("```yaml\n{text}```\n")), "docs/ci.md does not quote {file} verbatim");
    }
    // Any other `topoc` command on the page parses too.
    let mut scripts = Vec::new();
    for block in fenced_blocks(&page) {
        if matches!(block.0.as_str(), "sh" | "console" | "text") {
            scripts.push(block.1.lines().map(|l| l.strip_prefix("$ ").unwrap_or(l)).collect::<Vec<_>>().join("\n"));
        }
    }
    topoc_runs("docs/ci.md", &scripts).unwrap_or_else(|e| panic!("{e}"));
}

/// Fenced code blocks of a Markdown page: (language, text).
fn fenced_blocks(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in page.lines() {
        if let Some(rest) = line.strip_prefix("```") {
            match current.take() {
                Some(block) => out.push(block),
                None => current = Some((rest.trim().to_owned(), String::new())),
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// pre-commit from `$TOPOC_PRE_COMMIT`, else the project's `.venv/bin/pre-commit`.
fn pre_commit() -> PathBuf {
    if let Some(p) = std::env::var_os("TOPOC_PRE_COMMIT") {
        return PathBuf::from(p);
    }
    let p = support::repo_root().join(".venv/bin/pre-commit");
    assert!(
        p.exists(),
        "pre-commit not found at {}: run scripts/test.sh (it installs pre-commit==4.7.0 into .venv) or set TOPOC_PRE_COMMIT",
        p.display()
    );
    p
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn pre_commit_validates_the_hooks_and_the_documented_config() {
    let root = support::repo_root();
    let (ok, text) = run(Command::new(pre_commit()).arg("validate-manifest").arg(root.join(".pre-commit-hooks.yaml")));
    assert!(ok, "pre-commit rejects .pre-commit-hooks.yaml:\n{text}");

    let tmp = tempfile::tempdir().expect("tempdir");
    // The validator really validates: the same manifest with a language pre-commit lacks fails.
    let broken = read(".pre-commit-hooks.yaml").replace("language: script", "language: no-such-language");
    assert_ne!(broken, read(".pre-commit-hooks.yaml"));
    std::fs::write(tmp.path().join("broken.yaml"), broken).expect("write");
    let (ok, _) = run(Command::new(pre_commit()).arg("validate-manifest").arg(tmp.path().join("broken.yaml")));
    assert!(!ok, "pre-commit accepted a broken manifest");

    let page = read("docs/ci.md");
    let config = fenced_blocks(&page)
        .into_iter()
        .find(|(lang, text)| lang == "yaml" && text.starts_with("repos:"))
        .expect("docs/ci.md shows a .pre-commit-config.yaml")
        .1;
    assert!(config.contains("id: topoc-check"));
    let path = tmp.path().join(".pre-commit-config.yaml");
    std::fs::write(&path, config).expect("write");
    let (ok, text) = run(Command::new(pre_commit()).arg("validate-config").arg(&path));
    assert!(ok, "pre-commit rejects the .pre-commit-config.yaml of docs/ci.md:\n{text}");
}

fn git(dir: &Path, args: &[&str]) {
    let (ok, text) = run(Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid"));
    assert!(ok, "git {args:?} failed:\n{text}");
}

/// The hook end to end with the real pre-commit: `try-repo` on a copy of the hook files, in a
/// project with a clean spec, a spec with an error and a YAML file the hook must not touch. The
/// release build the hook runs is replaced by a `cargo` on PATH that records its arguments and
/// puts this test's topoc where `cargo build --release` would.
#[test]
fn pre_commit_hook_checks_every_matching_spec() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = support::repo_root();

    let hooks = tmp.path().join("hooks");
    std::fs::create_dir_all(hooks.join("scripts")).expect("mkdir");
    std::fs::copy(root.join(".pre-commit-hooks.yaml"), hooks.join(".pre-commit-hooks.yaml")).expect("copy");
    std::fs::copy(root.join("scripts/pre-commit-topoc.sh"), hooks.join("scripts/pre-commit-topoc.sh")).expect("copy");
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);

    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let cargo_log = tmp.path().join("cargo.log");
    let fake_cargo = format!(
        "#!/bin/sh\necho \"$@\" >> '{log}'\nmkdir -p \"$CARGO_TARGET_DIR/release\"\ncp '{topoc}' \"$CARGO_TARGET_DIR/release/topoc\"\n",
        log = cargo_log.display(),
        topoc = env!("CARGO_BIN_EXE_topoc"),
    );
    std::fs::write(bin.join("cargo"), fake_cargo).expect("write");
    make_executable(&bin.join("cargo"));

    let project = tmp.path().join("project");
    std::fs::create_dir_all(project.join("bad")).expect("mkdir");
    std::fs::write(
        project.join("topology.yaml"),
        "topology: shop\nnetworks:\n  edge: { subnet: 10.10.1.0/24, egress: true }\nservices:\n  web: { image: \"nginx:1.27\", networks: [edge] }\n",
    )
    .expect("write");
    std::fs::write(
        project.join("bad/topology.yaml"),
        "topology: bad\nnetworks:\n  back: { subnet: 10.0.1.5/24 }\nservices:\n  db: { image: \"postgres:16\", networks: [back] }\n",
    )
    .expect("write");
    std::fs::write(project.join("notes.yaml"), "not: [a, topology\n").expect("write");
    git(&project, &["init", "-q"]);
    git(&project, &["add", "."]);

    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let try_repo = |extra: &[&str]| {
        run(Command::new(pre_commit())
            .args(["try-repo", "--color", "never"])
            .arg(&hooks)
            .arg("topoc-check")
            .args(extra)
            .current_dir(&project)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("NO_COLOR", "1"))
    };

    let (ok, text) = try_repo(&["--files", "topology.yaml", "notes.yaml"]);
    assert!(ok, "the hook failed on a clean spec:\n{text}");
    assert!(text.contains("topoc check") && text.contains("Passed"), "{text}");
    let log = std::fs::read_to_string(&cargo_log).expect("the hook ran cargo");
    assert!(log.contains("build") && log.contains("--release") && log.contains("-p topoc-cli"), "cargo {log}");

    let (ok, text) = try_repo(&["--all-files"]);
    assert!(!ok, "the hook passed a spec with an error:\n{text}");
    assert!(text.contains("host-bits-set") && text.contains("bad/topology.yaml"), "{text}");
    assert!(!text.contains("notes.yaml"), "the hook read a file that is not a spec:\n{text}");
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// The recipes' `topoc` commands, run as written (variables set, redirections honoured) in a
/// copy of each example: on the fixed spec every step passes, and on the as-written design the
/// matrix step fails exactly when the `check` gate does (one configuration for both).
#[test]
fn recipes_run_on_the_examples() {
    let mut scripts = Vec::new();
    for step in yaml("docs/ci/github-actions.yml")["jobs"]["topoc"]["steps"].as_array().expect("steps") {
        scripts.extend(string(&step["run"]));
    }
    for line in yaml("docs/ci/gitlab-ci.yml")["topoc"]["script"].as_array().expect("script") {
        scripts.extend(string(line));
    }
    let commands: Vec<ShellCommand> =
        scripts.iter().flat_map(|s| shell_commands(s)).filter(|c| c.words[0] == "topoc").collect();
    assert!(commands.iter().any(|c| c.words[1] == "matrix"), "the GitHub recipe puts the matrix in the summary");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(support::repo_root().join("examples"))
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("topology.yaml").exists())
        .collect();
    examples.sort();
    for example in examples {
        let dir = tempfile::tempdir().expect("tempdir");
        for entry in std::fs::read_dir(&example).expect("example").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
            }
        }
        for (spec, gate_passes) in [("topology.yaml", true), ("topology.as-written.yaml", false)] {
            if !dir.path().join(spec).exists() {
                continue;
            }
            let lock = spec.replace(".yaml", ".lock");
            if !gate_passes && !dir.path().join(&lock).exists() {
                // The as-written design's lock is not committed everywhere: write it first.
                let _ = support::topoc().current_dir(dir.path()).args(["check", spec]).output();
            }
            let mut exits = Vec::new();
            for cmd in &commands {
                let words: Vec<String> = cmd.words[1..]
                    .iter()
                    .map(|w| w.replace("$SPEC", spec).replace("$COMPOSE", "compose.yaml"))
                    .collect();
                if !gate_passes && words[0] == "build" {
                    continue; // nothing to build from a design with errors
                }
                let out = support::topoc().current_dir(dir.path()).args(&words).output().expect("run topoc");
                if let Some(target) = &cmd.stdout {
                    let target = target.replace("$GITHUB_STEP_SUMMARY", "summary.md");
                    std::fs::write(dir.path().join(target), &out.stdout).expect("redirect");
                }
                let code = out.status.code().unwrap_or(-1);
                if gate_passes {
                    assert_eq!(
                        code,
                        0,
                        "{}: `topoc {}` exits {code}:\n{}",
                        example.display(),
                        words.join(" "),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                exits.push((words, code));
            }
            let gate = exits
                .iter()
                .find(|(w, _)| w[0] == "check" && w.iter().any(|x| x == "github"))
                .map(|(_, c)| *c)
                .expect("the gate");
            let matrix = exits.iter().find(|(w, _)| w[0] == "matrix").map(|(_, c)| *c).expect("the matrix step");
            assert_eq!(matrix, gate, "{}/{spec}: matrix and check disagree", example.display());
            assert_eq!(gate == 0, gate_passes, "{}/{spec}: gate exit {gate}", example.display());
        }
        assert!(dir.path().join("summary.md").exists(), "{}: the matrix step wrote the summary", example.display());
    }
}

/// The `topoc diff` recipes (docs/ci/github-diff.yml, docs/ci/gitlab-diff.yml): the scripts of
/// each, in order.
fn diff_recipe_scripts(origin: &str) -> Vec<String> {
    let doc = yaml(origin);
    let mut scripts = Vec::new();
    if let Some(jobs) = doc["jobs"].as_object() {
        for job in jobs.values() {
            for step in job["steps"].as_array().expect("steps") {
                scripts.extend(string(&step["run"]));
            }
        }
    } else {
        let job = &doc["topoc-diff"];
        for key in ["before_script", "script"] {
            for line in job[key].as_array().unwrap_or_else(|| panic!("{origin}: topoc-diff.{key}")) {
                scripts.push(string(line).expect("a script line is a string"));
            }
        }
    }
    scripts
}

/// Run a recipe's `topoc diff` words in `dir`, with the CI variables set to a spec and the
/// revision holding the old version of it; returns the exit code and what it wrote.
fn run_recipe_diff(words: &[String], dir: &Path, base: &str) -> (Option<i32>, String) {
    let args: Vec<String> = words[1..]
        .iter()
        .map(|w| match w.as_str() {
            "$SPEC" => "topology.yaml".to_owned(),
            w if w.contains('$') => base.to_owned(),
            w => w.to_owned(),
        })
        .collect();
    let out = support::topoc().current_dir(dir).args(&args).output().expect("run topoc");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn diff_recipes_post_what_topoc_diff_wrote_and_run_on_the_examples() {
    let page = read("docs/ci.md");
    for (origin, posts) in [("docs/ci/github-diff.yml", "--body-file"), ("docs/ci/gitlab-diff.yml", "body@")] {
        let text = read(origin);
        assert!(page.contains(&format!("```yaml\n{text}```\n")), "docs/ci.md does not quote {origin} verbatim");
        let scripts = diff_recipe_scripts(origin);
        let runs = topoc_runs(origin, &scripts).unwrap_or_else(|e| panic!("{e}"));
        let diff = runs.iter().find(|r| r.subcommand == "diff").unwrap_or_else(|| panic!("{origin}: no `topoc diff`"));
        assert_eq!(diff.raw("format").as_deref(), Some("markdown"), "{origin}: `{}`", diff.line);
        assert!(diff.raw("git").is_some() && diff.flag("locked"), "{origin}: `{}` needs --git and --locked", diff.line);
        let written = diff.stdout.clone().unwrap_or_else(|| panic!("{origin}: `{}` is not redirected", diff.line));
        let posted = scripts.iter().flat_map(|s| shell_commands(s)).any(|c| {
            c.words.iter().any(|w| w == &format!("{posts}{written}"))
                || c.words.windows(2).any(|p| p[0] == posts && p[1] == written)
        });
        assert!(posted, "{origin}: nothing posts {written}");
        let words: Vec<String> = shell_commands(&scripts.join("\n"))
            .into_iter()
            .find(|c| c.words.len() > 1 && c.words[0] == "topoc" && c.words[1] == "diff")
            .expect("the diff command")
            .words;
        // Each example: the design as written committed, the repaired design in the working tree
        // (macvlan-runtimes: the as-written steady state, since its first stage does not resolve).
        for spec in support::example_specs() {
            let example = spec.parent().expect("example dir");
            let stage2 = example.join("topology.as-written.stage2.yaml");
            let as_written = if stage2.exists() { stage2 } else { example.join("topology.as-written.yaml") };
            if spec.file_name().is_none_or(|n| n != "topology.yaml") || !as_written.exists() {
                continue;
            }
            let dir = tempfile::tempdir().expect("tempdir");
            let root = dir.path();
            std::fs::copy(&as_written, root.join("topology.yaml")).expect("copy");
            let old_lock = example.join("topology.as-written.lock");
            if old_lock.exists() {
                std::fs::copy(&old_lock, root.join("topology.lock")).expect("copy");
            }
            git(root, &["init", "-q"]);
            git(root, &["add", "."]);
            git(root, &["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "as written"]);
            std::fs::copy(&spec, root.join("topology.yaml")).expect("copy");
            let _ = std::fs::remove_file(root.join("topology.lock"));
            if example.join("topology.lock").exists() {
                std::fs::copy(example.join("topology.lock"), root.join("topology.lock")).expect("copy");
            }
            let (code, markdown) = run_recipe_diff(&words, root, "HEAD");
            // Every repair changes something (findings at least); exit 2 would fail the job.
            assert!(matches!(code, Some(0 | 1)), "{origin} on {}: exit {code:?}", example.display());
            assert!(markdown.starts_with("### topoc diff: "), "{origin} on {}:\n{markdown}", example.display());
            assert!(markdown.contains("\n<details><summary>Findings: "), "{}:\n{markdown}", example.display());
            assert!(markdown.contains("`HEAD:topology.yaml` → `topology.yaml`"), "{}:\n{markdown}", example.display());
        }
    }
}
