//! Every Compose key topoc carries, judged by the real Compose: for each pair
//! `tests/compose-keys/NAME.spec.yaml` + `NAME.compose.yaml`, `topoc build` of the spec and the
//! hand-written compose file must give the same `docker compose config --format json`.
//!
//! Both files are read with the pairs folder as project directory, so relative paths (binds,
//! `env_file`, build contexts) resolve alike, and with an environment holding only what the
//! pair's `NAME.env` (if any) sets, so interpolation and pass-through variables resolve alike.
//! Two spellings Compose keeps apart but that mean the same are made equal before comparing
//! (`normalize`): a service's network entry `{}` and `null` (topoc writes the mapping form),
//! and a volume mount without `volume` options and one with `volume: {}` (Compose adds the
//! empty mapping when it reads the short form).
//!
//! A pair whose spec must be refused instead has `NAME.refused.txt`: the diagnostic text it must
//! contain (one line per expected fragment), and no compose file.

mod support;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pairs_dir() -> PathBuf {
    support::repo_root().join("tests/compose-keys")
}

/// The names of the pairs (`NAME` of `NAME.spec.yaml`), sorted.
fn pair_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(pairs_dir())
        .expect("tests/compose-keys/")
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".spec.yaml").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Variables a pair sets for Compose, from `NAME.env` (`KEY=value` lines).
fn pair_env(name: &str) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(pairs_dir().join(format!("{name}.env"))) else {
        return Vec::new();
    };
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// `docker compose config --format json` of a file, or Compose's complaint.
fn compose_json(file: &Path, env: &[(String, String)]) -> Result<Json, String> {
    let mut cmd = Command::new(support::compose_v2());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::var_os("HOME").unwrap_or_default())
        .arg("-f")
        .arg(file)
        .arg("--project-directory")
        .arg(pairs_dir())
        .args(["config", "--format", "json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().map_err(|e| format!("cannot run docker-compose: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The PyPI wrapper exits 0 on errors: no JSON on stdout means Compose refused the file.
    let mut json: Json =
        serde_json::from_str(&stdout).map_err(|_| String::from_utf8_lossy(&out.stderr).into_owned())?;
    normalize(&mut json);
    Ok(json)
}

/// See the module comment.
fn normalize(json: &mut Json) {
    let Some(services) = json.get_mut("services").and_then(Json::as_object_mut) else { return };
    for service in services.values_mut() {
        if let Some(networks) = service.get_mut("networks").and_then(Json::as_object_mut) {
            for v in networks.values_mut() {
                if v.as_object().is_some_and(|o| o.is_empty()) {
                    *v = Json::Null;
                }
            }
        }
        if let Some(volumes) = service.get_mut("volumes").and_then(Json::as_array_mut) {
            for m in volumes.iter_mut().filter_map(Json::as_object_mut) {
                if m.get("type").and_then(Json::as_str) == Some("volume") && !m.contains_key("volume") {
                    m.insert("volume".into(), Json::Object(Default::default()));
                }
            }
        }
    }
}

#[test]
fn carried_keys_mean_what_compose_means() {
    let names = pair_names();
    assert!(!names.is_empty(), "no pairs in tests/compose-keys");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for name in &names {
        let spec = pairs_dir().join(format!("{name}.spec.yaml"));
        let out_file = tmp.path().join(format!("{name}.out.yaml"));
        let out = support::run(&["build", "-o", out_file.to_str().expect("utf-8 path")], &spec, tmp.path());
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let refused = pairs_dir().join(format!("{name}.refused.txt"));
        if let Ok(expected) = std::fs::read_to_string(&refused) {
            if out.status.success() {
                failures.push(format!("{name}: built, but must be refused"));
            }
            for fragment in expected.lines().filter(|l| !l.trim().is_empty()) {
                if !stderr.contains(fragment) {
                    failures.push(format!("{name}: the refusal does not say `{fragment}`:\n{stderr}"));
                }
            }
            continue;
        }
        if !out.status.success() {
            failures.push(format!("{name}: topoc build failed:\n{stderr}"));
            continue;
        }
        let env = pair_env(name);
        let hand = pairs_dir().join(format!("{name}.compose.yaml"));
        let (ours, theirs) = match (compose_json(&out_file, &env), compose_json(&hand, &env)) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                failures.push(format!(
                    "{name}: Compose refused a file:\n topoc's: {:?}\n hand-written: {:?}",
                    a.err(),
                    b.err()
                ));
                continue;
            }
        };
        if ours != theirs {
            let mut lines = Vec::new();
            diff("", &ours, &theirs, &mut lines);
            failures.push(format!(
                "{name}: Compose reads them differently (topoc build | {name}.compose.yaml):\n{}",
                lines.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} pairs failed:\n{}", failures.len(), names.len(), failures.join("\n\n"));
}

/// The paths where two JSON values differ, each with both sides.
fn diff(path: &str, a: &Json, b: &Json, out: &mut Vec<String>) {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (va, vb) = (x.get(k).unwrap_or(&Json::Null), y.get(k).unwrap_or(&Json::Null));
                if x.contains_key(k) != y.contains_key(k) {
                    out.push(format!("  {path}.{k}: {} | {}", show(x.get(k)), show(y.get(k))));
                } else {
                    diff(&format!("{path}.{k}"), va, vb, out);
                }
            }
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ if a != b => out.push(format!("  {path}: {a} | {b}")),
        _ => {}
    }
}

fn show(v: Option<&Json>) -> String {
    v.map_or_else(|| "(absent)".to_owned(), Json::to_string)
}

/// The keys of the Compose Specification's JSON Schema (compose-spec/compose-spec
/// `schema/compose-spec.json`, commit 170098b), per object, as topoc's table must list them.
const SCHEMA_KEYS: &[(&str, &[&str])] = &[
    (TOP, &["configs", "include", "models", "name", "networks", "secrets", "services", "version", "volumes"]),
    (
        SERVICE,
        &[
            "annotations",
            "attach",
            "blkio_config",
            "build",
            "cap_add",
            "cap_drop",
            "cgroup",
            "cgroup_parent",
            "command",
            "configs",
            "container_name",
            "cpu_count",
            "cpu_percent",
            "cpu_period",
            "cpu_quota",
            "cpu_rt_period",
            "cpu_rt_runtime",
            "cpu_shares",
            "cpus",
            "cpuset",
            "credential_spec",
            "depends_on",
            "deploy",
            "develop",
            "device_cgroup_rules",
            "devices",
            "dns",
            "dns_opt",
            "dns_search",
            "domainname",
            "entrypoint",
            "env_file",
            "environment",
            "expose",
            "extends",
            "external_links",
            "extra_hosts",
            "gpus",
            "group_add",
            "healthcheck",
            "hostname",
            "image",
            "init",
            "ipc",
            "isolation",
            "label_file",
            "labels",
            "links",
            "logging",
            "mac_address",
            "mem_limit",
            "mem_reservation",
            "mem_swappiness",
            "memswap_limit",
            "models",
            "network_mode",
            "networks",
            "oom_kill_disable",
            "oom_score_adj",
            "pid",
            "pids_limit",
            "platform",
            "ports",
            "post_start",
            "pre_stop",
            "privileged",
            "profiles",
            "provider",
            "pull_policy",
            "pull_refresh_after",
            "read_only",
            "restart",
            "runtime",
            "scale",
            "secrets",
            "security_opt",
            "shm_size",
            "stdin_open",
            "stop_grace_period",
            "stop_signal",
            "storage_opt",
            "sysctls",
            "tmpfs",
            "tty",
            "ulimits",
            "use_api_socket",
            "user",
            "userns_mode",
            "uts",
            "volumes",
            "volumes_from",
            "working_dir",
        ],
    ),
    (
        NETWORK,
        &[
            "attachable",
            "driver",
            "driver_opts",
            "enable_ipv4",
            "enable_ipv6",
            "external",
            "internal",
            "ipam",
            "labels",
            "name",
        ],
    ),
    (VOLUME, &["driver", "driver_opts", "external", "labels", "name"]),
    (SECRET, &["driver", "driver_opts", "environment", "external", "file", "labels", "name", "template_driver"]),
    (CONFIG, &["content", "environment", "external", "file", "labels", "name", "template_driver"]),
];

use topoc_spec::compose_keys::{CONFIG, KEYS, NETWORK, SECRET, SERVICE, Status, TOP, VOLUME};

/// The keys a spec object accepts.
fn spec_keys(object: &str) -> &'static [&'static str] {
    match object {
        TOP => topoc_spec::TopologySpec::KEYS,
        SERVICE => topoc_spec::ServiceSpec::KEYS,
        NETWORK => topoc_spec::NetworkSpec::KEYS,
        VOLUME => topoc_spec::VolumeSpec::KEYS,
        SECRET => topoc_spec::SecretSpec::KEYS,
        CONFIG => topoc_spec::ConfigSpec::KEYS,
        other => panic!("unknown object {other}"),
    }
}

#[test]
fn the_key_table_covers_the_compose_schema_and_matches_the_spec() {
    let mut problems = Vec::new();
    for (object, keys) in SCHEMA_KEYS {
        for key in *keys {
            if !KEYS.iter().any(|(o, k, _)| o == object && k == key) {
                problems.push(format!("{object}: `{key}` is in the Compose schema but not in compose_keys::KEYS"));
            }
        }
    }
    for (object, key, status) in KEYS {
        let in_schema = SCHEMA_KEYS.iter().any(|(o, keys)| o == object && keys.contains(key));
        if !in_schema {
            problems.push(format!("{object}: `{key}` is in KEYS but not in the Compose schema"));
        }
        let accepted = spec_keys(object).contains(key);
        match status {
            Status::Refused(_) if accepted => {
                problems.push(format!("{object}: `{key}` is refused but the spec takes it"))
            }
            Status::Modelled | Status::Carried if !accepted => {
                problems.push(format!("{object}: `{key}` is {status:?} but the spec does not take it"))
            }
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn docs_compose_keys_is_the_table() {
    let doc = std::fs::read_to_string(support::repo_root().join("docs/compose-keys.md")).expect("docs/compose-keys.md");
    let section = |object: &str| match object {
        TOP => "## Top level",
        SERVICE => "## Services",
        NETWORK => "## Networks",
        VOLUME => "## Volumes",
        SECRET => "## Secrets",
        _ => "## Configs",
    };
    let mut problems = Vec::new();
    let mut rows = 0;
    for (object, key, status) in KEYS {
        let start = doc.find(section(object)).expect("a section per object");
        let end = doc[start + 3..].find("\n## ").map_or(doc.len(), |e| start + 3 + e);
        let body = &doc[start..end];
        let word = match status {
            Status::Modelled => "modelled",
            Status::Carried => "carried",
            Status::Refused(_) => "refused",
        };
        match body.lines().find(|l| l.starts_with(&format!("| `{key}` |"))) {
            Some(line) => {
                rows += 1;
                if !line.starts_with(&format!("| `{key}` | {word} |")) {
                    problems.push(format!("{}: `{key}` is {word} in KEYS: {line}", section(object)));
                }
                if let Status::Refused(reason) = status
                    && !line.contains(reason)
                {
                    problems.push(format!("{}: `{key}` does not give the reason `{reason}`", section(object)));
                }
            }
            None => problems.push(format!("{}: no row for `{key}`", section(object))),
        }
    }
    for (object, key, reason) in topoc_spec::compose_keys::NESTED {
        if !doc.contains(&format!("| {object} | `{key}` | {reason} |")) {
            problems.push(format!("## Inside services and networks: no row for `{key}` in {object}"));
        }
    }
    let table_rows = doc.lines().filter(|l| l.starts_with("| `")).count();
    if table_rows != rows {
        problems.push(format!("docs/compose-keys.md has {table_rows} key rows, KEYS has {rows}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_carried_key_has_a_pair() {
    let mut specs = String::new();
    for name in pair_names() {
        if !pairs_dir().join(format!("{name}.refused.txt")).exists() {
            specs.push_str(&std::fs::read_to_string(pairs_dir().join(format!("{name}.spec.yaml"))).expect("spec"));
        }
    }
    let missing: Vec<String> = KEYS
        .iter()
        .filter(|(_, _, s)| *s == Status::Carried)
        .filter(|(_, k, _)| !specs.contains(&format!(" {k}:")))
        .map(|(o, k, _)| format!("{o}: {k}"))
        .collect();
    assert!(missing.is_empty(), "carried keys no pair in tests/compose-keys uses: {missing:?}");
}

#[test]
fn a_port_topoc_reports_as_unpublished_is_no_duplicate() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = pairs_dir().join("unpublished-duplicate.spec.yaml");
    let out = support::run(&["check", "--format", "json"], &spec, tmp.path());
    let report: Json = serde_json::from_slice(&out.stdout).expect("json report");
    let codes: Vec<&str> =
        report["diagnostics"].as_array().expect("list").iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"topoc::ineffective"), "{codes:?}");
    assert!(!codes.contains(&"topoc::duplicate-published-port"), "{codes:?}");
}

/// The stack file carries secrets and configs in the long form, ports without a host port,
/// interpolations and `x-` extensions, as `docker stack config` reads them; carried keys and
/// configs a stack cannot read are refused unless dropped.
#[test]
fn the_stack_file_carries_the_long_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("token.txt"), "t0k3n").expect("secret file");
    let spec = dir.path().join("carrier.yaml");
    std::fs::write(
        &spec,
        r#"topology: carrier
x-owner: { team: infra }
networks:
  front: { egress: true, attachable: true }
secrets:
  token: { file: ./token.txt }
configs:
  conf: { file: ./token.txt }
  inline: { content: "hello" }
services:
  web:
    image: { interpolate: "nginx:${TAG:-1.27}" }
    x-tier: front
    networks: [front]
    ports: ["8080"]
    environment:
      GREETING: { interpolate: "hi ${USER_NAME:-nobody}" }
    secrets: [{ source: token, target: /run/token, mode: 0440 }]
    configs: [conf, inline]
    init: true
"#,
    )
    .expect("spec");
    let out_file = dir.path().join("stack.yaml");
    let out = out_file.to_str().expect("utf8");
    let refused = support::run(&["build", "--target", "swarm", "--out", out], &spec, dir.path());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("`inline` has inline content") && stderr.contains("`web` sets `init`"), "{stderr}");
    let built = support::run(
        &["build", "--target", "swarm", "--allow-drop", "config-source,carried-key", "--out", out],
        &spec,
        dir.path(),
    );
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let docker = std::env::var_os("TOPOC_DOCKER").unwrap_or_else(|| "docker".into());
    let config = Command::new(docker).args(["stack", "config", "-c"]).arg(&out_file).env_remove("TAG").output();
    let config = config.expect("run docker stack config");
    let text = String::from_utf8_lossy(&config.stdout);
    assert!(config.status.success(), "{}", String::from_utf8_lossy(&config.stderr));
    for expected in [
        "image: nginx:1.27",
        "GREETING: hi nobody",
        "- source: token\n        target: /run/token\n        mode: 288",
        "- source: conf\n",
        "- mode: ingress\n        target: 8080\n        protocol: tcp\n",
        "x-tier: front",
        "x-owner:\n  team: infra",
    ] {
        assert!(text.contains(expected), "docker stack config reads back no {expected:?}:\n{text}");
    }
    assert!(!text.contains("inline") && !text.contains("init"), "{text}");
}
