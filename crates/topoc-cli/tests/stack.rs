//! The Swarm target: every shipped example either builds a stack file that the real Docker CLI
//! accepts (`docker stack config`, an offline check against the stack schema) or is refused
//! with target findings only; the output is the same on every run; `--allow-drop` drops
//! loudly; and the showcase's stack file is snapshotted.
//!
//! The Docker CLI is `$TOPOC_DOCKER`, else `docker` on the PATH (no daemon needed).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn docker() -> PathBuf {
    std::env::var_os("TOPOC_DOCKER").map_or_else(|| PathBuf::from("docker"), PathBuf::from)
}

/// Validate a stack file with `docker stack config -c FILE`; returns stderr on failure.
fn stack_config(file: &Path) -> Result<String, String> {
    let out = Command::new(docker())
        .args(["stack", "config", "-c"])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run the Docker CLI ({}): {e}; set TOPOC_DOCKER", docker().display()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The codes of a `--format json` run's findings at one severity.
fn codes(json_stdout: &[u8], severity: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(json_stdout).expect("json findings");
    value["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["severity"] == severity)
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

/// Every feature a Swarm refusal may drop.
fn droppable() -> String {
    [
        "static-address",
        "gateway",
        "ip-range",
        "ipv6",
        "mac",
        "gw-priority",
        "host-ip",
        "secret-environment",
        "local-network",
        "icc",
        "shared-namespace",
        "no-network",
        "privileged",
        "security-opt",
        "gpus",
        "depends-on",
    ]
    .join(",")
}

/// Write a spec into a fresh directory.
fn spec_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write spec");
    p
}

#[test]
fn examples_build_for_swarm_or_are_refused() {
    for spec in support::example_specs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out_file = dir.path().join("stack.yaml");
        let first =
            support::run(&["build", "--target", "swarm", "--out", out_file.to_str().expect("utf8")], &spec, dir.path());
        if first.status.success() {
            let text = std::fs::read_to_string(&out_file).expect("output written");
            if let Err(e) = stack_config(&out_file) {
                panic!("docker stack config rejects the output of {}:\n{e}\n--- output ---\n{text}", spec.display());
            }
            let second = support::run(&["build", "--target", "swarm"], &spec, dir.path());
            assert!(second.status.success());
            assert_eq!(String::from_utf8_lossy(&second.stdout), text, "{} is not deterministic", spec.display());
        } else {
            assert_eq!(first.status.code(), Some(1), "{}:\n{}", spec.display(), stderr(&first));
            assert!(!out_file.exists(), "{}: a refused build wrote its output", spec.display());
            let check = support::run(&["check", "--target", "swarm", "--format", "json"], &spec, dir.path());
            assert_eq!(check.status.code(), Some(1));
            let errors = codes(&check.stdout, "error");
            assert!(!errors.is_empty(), "{}: exit 1 without an error", spec.display());
            // A refusal names what Swarm cannot carry; the policy may also fail, because Swarm's
            // semantics differ (overlays have no ICC switch, the mesh ignores host_ip).
            let target = ["topoc::target-unsupported", "topoc::swarm-name"];
            let policy = ["topoc::over-broad", "topoc::policy-violation", "topoc::unsatisfied-allow"];
            assert!(
                errors.iter().any(|c| target.contains(&c.as_str())),
                "{}: refused without a target finding",
                spec.display()
            );
            let others: Vec<&String> =
                errors.iter().filter(|c| !target.contains(&c.as_str()) && !policy.contains(&c.as_str())).collect();
            assert!(
                others.is_empty(),
                "{} fails for Swarm with more than target and policy findings: {others:?}\n{}",
                spec.display(),
                stderr(&first)
            );
        }
    }
}

#[test]
fn showcase_stack_file() {
    let spec = support::repo_root().join("examples/showcase/topology.yaml");
    let dir = tempfile::tempdir().expect("tempdir");
    // As written, Swarm refuses the showcase: it uses every construct of the spec language.
    let refused = support::run(&["build", "--target", "swarm"], &spec, dir.path());
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(refused.stdout.is_empty());
    // With every droppable loss accepted, the policy no longer holds: Swarm ignores the
    // loopback binding of 8443 (so the relay behind it becomes public) and overlays have no
    // ICC switch (so workers reach each other). topoc says so instead of building.
    let allow = droppable();
    let out_file = dir.path().join("stack.yaml");
    let costly = support::run(&["build", "--target", "swarm", "--allow-drop", &allow], &spec, dir.path());
    assert_eq!(costly.status.code(), Some(1));
    let why = stderr(&costly);
    assert!(
        why.contains("host:8443 (published by `gateway`)")
            && why.contains("network `workers` lets worker reach worker"),
        "{why}"
    );
    // Without the policy it builds, and says what it dropped.
    let text = std::fs::read_to_string(&spec).expect("showcase");
    let without_policy = dir.path().join("topology.yaml");
    std::fs::write(&without_policy, &text[..text.find("\npolicy:").expect("policy section")]).expect("write");
    let spec = without_policy;
    let built = support::run(
        &["build", "--target", "swarm", "--allow-drop", &allow, "--out", out_file.to_str().expect("utf8")],
        &spec,
        dir.path(),
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let warnings = stderr(&built);
    for feature in ["static-address", "local-network", "host-ip", "icc", "shared-namespace", "no-network"] {
        assert!(
            warnings.contains(&format!("`--allow-drop {feature}` accepted the loss")),
            "no warning for the dropped {feature}:\n{warnings}"
        );
    }
    let text = std::fs::read_to_string(&out_file).expect("output written");
    if let Err(e) = stack_config(&out_file) {
        panic!("docker stack config rejects the showcase stack file:\n{e}\n--- output ---\n{text}");
    }
    for absent in [
        "ipv4_address",
        "ipv6_address",
        "gateway: ",
        "ip_range",
        "host_ip",
        "mac_address",
        "macvlan",
        "ipvlan",
        "privileged",
        "security_opt",
        "gpus",
        "depends_on",
        "network_mode",
    ] {
        assert!(!text.contains(absent), "the stack file still holds {absent}");
    }
    // The header's spec hash changes with every edit of the example; the rest is the contract.
    let stable: Vec<&str> = text
        .lines()
        .map(|l| if l.starts_with("# Generated by topoc") { "# Generated by topoc <version> from <spec>" } else { l })
        .collect();
    insta::assert_snapshot!(stable.join("\n"));
}

/// Everything a stack file carries, in one spec that Swarm takes without a finding.
const SWARM_CLEAN: &str = r#"
topology: carrier
defaults: { restart: unless-stopped }
networks:
  front: { egress: true, labels: { tier: front } }
  back: { driver: overlay, subnet: 10.60.0.0/24, attachable: true, encrypted: true, driver_opts: { com.docker.network.driver.mtu: 1400 } }
  shared: { external: true, name: infra_shared }
volumes:
  data: { driver: local, labels: { backup: daily } }
  legacy: { external: true, name: legacy_store }
secrets:
  token: { file: ./token.txt, name: carrier_token_v2 }
  cert: { external: true }
services:
  web:
    image: nginx:1.27
    networks:
      front: { aliases: [www] }
      back: {}
    ports:
      - "8080:80"
      - { target: 443, published: 8443, mode: host }
      - "5353:53/udp"
    healthcheck: { test: "wget -q -O- http://localhost/ || exit 1", interval: 30s, retries: 3 }
    read_only: true
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    user: "101:101"
    hostname: web
    dns: [10.60.0.2]
    extra_hosts: { registry.local: 10.99.0.5, v6.local: "fd00::5" }
    labels: { com.example.owner: web }
  api:
    image: registry.local/api:1.0
    command: ["serve", "--port", "8000"]
    entrypoint: /usr/bin/api
    working_dir: /srv
    environment: { PRICE: "$5", FLAG: "no", BUILD: "0800" }
    secrets: [token, cert]
    networks: [back, shared]
    replicas: 3
    restart: on-failure
    volumes:
      - data:/var/lib/api
      - legacy:/legacy:ro
      - { source: /srv/config, target: /etc/api, access: ro }
      - { target: /tmp }
    deploy:
      mode: replicated
      placement: ["node.role == worker"]
      limits: { cpus: 0.5, memory: 512M }
      reservations: { cpus: 0.25, memory: 128M }
      endpoint_mode: dnsrr
      update_parallelism: 1
      update_delay: 10s
      labels: { com.example.tier: api }
  agent:
    image: registry.local/agent:1.0
    network_mode: host
    deploy: { mode: global }
  batch:
    image: registry.local/batch:1.0
    networks: [back]
    restart: "no"
"#;

#[test]
fn a_clean_spec_builds_and_passes_stack_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "carrier.yaml", SWARM_CLEAN);
    std::fs::write(dir.path().join("token.txt"), "t0k3n").expect("secret file");
    let check = support::run(&["check", "--target", "swarm", "--format", "json"], &spec, dir.path());
    let found: Vec<String> = ["error", "warning"].iter().flat_map(|s| codes(&check.stdout, s)).collect();
    let target_found: Vec<&String> =
        found.iter().filter(|c| c.starts_with("topoc::target") || *c == "topoc::swarm-name").collect();
    assert!(target_found.is_empty(), "a Swarm-clean spec has target findings: {target_found:?}");
    let out_file = dir.path().join("stack.yaml");
    let built =
        support::run(&["build", "--target", "swarm", "--out", out_file.to_str().expect("utf8")], &spec, dir.path());
    assert!(built.status.success(), "{}", stderr(&built));
    let text = std::fs::read_to_string(&out_file).expect("output");
    let config = match stack_config(&out_file) {
        Ok(c) => c,
        Err(e) => panic!("docker stack config rejects the stack file:\n{e}\n--- output ---\n{text}"),
    };
    // What the stack loader reads back: the translations, and values kept as written.
    for expected in [
        "version: \"3.9\"",
        // `front` has the default driver, which is an overlay in a swarm
        "  \"front\":\n    driver: \"overlay\"\n    internal: false",
        "      \"encrypted\": \"\"\n      \"com.docker.network.driver.mtu\": \"1400\"",
        "  \"host\":\n    external: true\n    name: \"host\"",
        "        published: 8080\n        protocol: \"tcp\"\n        mode: \"ingress\"",
        "extra_hosts: [\"registry.local:10.99.0.5\",\"v6.local:fd00::5\"]",
        "\"PRICE\": \"$$5\"",
        "          cpus: \"0.5\"",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    for expected in ["PRICE: $5", "FLAG: \"no\"", "BUILD: \"0800\"", "condition: on-failure", "condition: none"] {
        assert!(config.contains(expected), "docker stack config reads back no {expected:?}:\n{config}");
    }
    assert!(!text.contains("\nname:"), "a stack file has no top-level name");
}

const STATIC: &str = r#"
topology: shop
networks:
  data: { driver: overlay, subnet: 10.10.2.0/24 }
services:
  db:
    image: postgres:16.4
    replicas: 2
    networks:
      data: { range: .30-.31 }
"#;

#[test]
fn allow_drop_builds_with_a_warning_and_leaves_the_feature_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "shop.yaml", STATIC);
    let refused = support::run(&["build", "--target", "swarm", "--format", "json"], &spec, dir.path());
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stdout.is_empty(), "a refused build printed a stack file");
    let json = support::run(&["check", "--target", "swarm", "--format", "json"], &spec, dir.path());
    assert_eq!(codes(&json.stdout, "error"), ["topoc::target-unsupported"]);

    let out_file = dir.path().join("stack.yaml");
    let dropped = support::run(
        &["build", "--target", "swarm", "--allow-drop", "static-address", "--out", out_file.to_str().expect("utf8")],
        &spec,
        dir.path(),
    );
    assert!(dropped.status.success(), "{}", stderr(&dropped));
    assert!(stderr(&dropped).contains("`--allow-drop static-address` accepted the loss"), "{}", stderr(&dropped));
    let text = std::fs::read_to_string(&out_file).expect("output");
    assert!(!text.contains("10.10.2.30") && !text.contains("ipv4_address"), "{text}");
    assert!(text.contains("replicas: 2"), "{text}");
    stack_config(&out_file).expect("docker stack config accepts it");
    let json = support::run(
        &["check", "--target", "swarm", "--allow-drop", "static-address", "--format", "json"],
        &spec,
        dir.path(),
    );
    assert_eq!(json.status.code(), Some(0));
    assert_eq!(codes(&json.stdout, "warning"), ["topoc::target-unsupported"]);

    // The same spec for Compose: carried, numbered replicas with their addresses.
    let compose = support::run(&["build", "--target", "compose"], &spec, dir.path());
    assert!(compose.status.success());
    assert!(String::from_utf8_lossy(&compose.stdout).contains("ipv4_address: \"10.10.2.31\""));
}

#[test]
fn refusals_that_cannot_be_dropped_stay_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(
        dir.path(),
        "dns.yaml",
        "topology: dns\nnetworks: { public: { egress: true } }\nservices:\n  resolver:\n    image: r:1\n    networks: [public]\n    ports: [\"53:53/udp\"]\n    deploy: { endpoint_mode: dnsrr }\n",
    );
    let out = support::run(&["build", "--target", "swarm", "--allow-drop", "dnsrr-ingress"], &spec, dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot apply"), "{}", stderr(&out));
}

#[test]
fn compose_refuses_external_secrets_and_swarm_carries_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(
        dir.path(),
        "vault.yaml",
        "topology: vault\nnetworks: { app: { driver: overlay, attachable: true } }\nsecrets: { key: { external: true } }\nservices:\n  app:\n    image: a:1\n    networks: [app]\n    secrets: [key]\n",
    );
    let compose = support::run(&["check", "--format", "json"], &spec, dir.path());
    assert_eq!(compose.status.code(), Some(1));
    assert_eq!(codes(&compose.stdout, "error"), ["topoc::target-unsupported"]);
    let swarm = support::run(&["check", "--target", "swarm", "--format", "json"], &spec, dir.path());
    assert_eq!(swarm.status.code(), Some(0), "{}", String::from_utf8_lossy(&swarm.stdout));
}

#[test]
fn unknown_features_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "shop.yaml", STATIC);
    let out = support::run(&["build", "--target", "swarm", "--allow-drop", "static-adress"], &spec, dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("static-address"), "the usage error lists the features:\n{}", stderr(&out));
}

#[test]
fn a_user_template_extends_the_builtin_stack_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(
        dir.path(),
        "shop.yaml",
        "topology: shop\nnetworks: { web: {} }\nservices: { web: { image: nginx, networks: [web] } }\n",
    );
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).expect("mkdir");
    std::fs::write(
        templates.join("stack.yaml.j2"),
        "{% extends \"builtin/stack.yaml.j2\" %}{% block header %}{{ super() }}# reviewed by ops\n{% endblock %}",
    )
    .expect("template");
    let out = support::run(
        &["build", "--target", "swarm", "--templates", templates.to_str().expect("utf8")],
        &spec,
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# Generated by topoc"), "{text}");
    assert!(text.contains("# reviewed by ops\nversion: \"3.9\""), "{text}");
}
