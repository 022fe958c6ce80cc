//! The lints' edge cases and the `lints` section: groups, levels, merging. Every rule also has
//! a triggering and a clean fixture under tests/fixtures/diagnostics/<code>/.

use topoc_diag::{Code, FileId, Severity};
use topoc_model::{Lock, Target, resolve};
use topoc_reach::{EngineProfile, analyze};

fn findings(spec: &str, target: Target) -> Vec<(Code, Severity, String)> {
    let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, &Lock::default());
    let topo = r.topology.unwrap_or_else(|| panic!("resolves: {:#?}", r.diagnostics));
    let a = analyze(&topo, EngineProfile::default().with_target(target));
    a.findings.iter().map(|d| (d.code, d.severity, d.message.clone())).collect()
}

fn codes(spec: &str) -> Vec<Code> {
    findings(spec, Target::Compose).into_iter().map(|f| f.0).collect()
}

const BASE: &str =
    "topology: t\nnetworks: { n: { subnet: 10.1.0.0/24 } }\nservices:\n  a: { image: \"nginx:1.27\", networks: [n] }\n";

#[test]
fn a_clean_sketch_has_no_default_findings_and_hardening_is_off() {
    assert_eq!(codes(BASE), vec![]);
}

#[test]
fn hardening_is_enabled_by_group_and_a_code_entry_wins() {
    let spec = format!("{BASE}lints: {{ hardening: warning, healthcheck-missing: off, cpu-unlimited: error }}\n");
    let f = findings(&spec, Target::Compose);
    let has = |c: Code, s: Severity| f.iter().any(|(code, sev, _)| *code == c && *sev == s);
    assert!(has(Code::MemoryUnlimited, Severity::Warning), "{f:?}");
    assert!(has(Code::CpuUnlimited, Severity::Error), "{f:?}");
    assert!(!f.iter().any(|x| x.0 == Code::HealthcheckMissing), "{f:?}");
}

#[test]
fn a_default_lint_can_be_turned_off_and_unknown_names_are_reported() {
    let spec = "topology: t\nservices:\n  a: { image: nginx, network_mode: none }\nlints: { image-unpinned: off }\n";
    assert_eq!(codes(spec), vec![]);
    let spec = format!("{BASE}lints: {{ image-unpined: off, policy-violation: off }}\n");
    let f = findings(&spec, Target::Compose);
    assert_eq!(f.iter().filter(|x| x.0 == Code::UnknownLint).count(), 2, "{f:?}");
}

#[test]
fn template_copies_are_merged_into_one_finding() {
    let spec = "topology: t\ntemplates:\n  p:\n    count: 3\n    services:\n      \"s-{id}\": { image: \"x:latest\", network_mode: none }\n";
    let f = findings(spec, Target::Compose);
    assert_eq!(f.iter().filter(|x| x.0 == Code::ImageUnpinned).count(), 1, "{f:?}");
}

#[test]
fn image_references_with_registry_ports_and_digests() {
    let one = |image: &str| {
        codes(&format!("topology: t\nservices:\n  a: {{ image: \"{image}\", network_mode: none }}\n"))
            .contains(&Code::ImageUnpinned)
    };
    assert!(one("registry.local:5000/app"), "a registry port is not a tag");
    assert!(one("app:latest"));
    assert!(one("app:Stable"));
    assert!(!one("registry.local:5000/app:1.2"));
    assert!(!one("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
}

#[test]
fn host_paths_are_cleaned_before_matching() {
    let mount = |m: &str| {
        codes(&format!("topology: t\nservices:\n  a: {{ image: \"x:1\", network_mode: none, volumes: [\"{m}\"] }}\n"))
    };
    assert!(mount("/.:/host").contains(&Code::RootEquivalentMount));
    assert!(mount("/etc/../etc/ssl:/ssl:ro").contains(&Code::SensitiveMount));
    assert!(mount("/var/lib/mysql:/var/lib/mysql").is_empty(), "a database's own state is not the host's");
    assert!(mount("/etc/localtime:/etc/localtime:ro").is_empty());
    assert!(mount("/etcetera:/x").is_empty(), "a prefix is matched per path component");
    assert_eq!(mount("/run/containerd/containerd.sock:/c.sock"), vec![Code::SensitiveMount]);
    assert_eq!(mount("/var/run/docker.sock:/d.sock:ro"), vec![Code::DockerSocket], "reported once, as docker-socket");
}

#[test]
fn credential_heuristics() {
    let env = |k: &str, v: &str| {
        codes(&format!(
            "topology: t\nservices:\n  a: {{ image: \"x:1\", network_mode: none, environment: {{ {k}: \"{v}\" }} }}\n"
        ))
    };
    assert_eq!(env("DB_PASSWORD", "hunter2"), vec![Code::SecretInEnvironment]);
    assert_eq!(env("GITHUB_API_KEY", "ghp_x"), vec![Code::SecretInEnvironment]);
    assert!(env("DB_PASSWORD_FILE", "/run/secrets/db").is_empty());
    assert!(env("TOKEN_TTL", "3600").is_empty());
    assert!(env("PASSWORD_AUTH", "false").is_empty());
    assert!(env("KEYBOARD", "us").is_empty());
    assert_eq!(env("DATABASE_URL", "postgres://app:s3cret@db:5432/app"), vec![Code::CredentialInUrl]);
    assert!(env("DATABASE_URL", "postgres://app@db:5432/app").is_empty());
}

#[test]
fn swarm_publishes_every_port_on_every_address() {
    let spec = "topology: t\nnetworks: { n: { subnet: 10.1.0.0/24, egress: true } }\nservices:\n  a: { image: \"x:1\", networks: [n], ports: [\"127.0.0.1:80:80\"] }\n";
    assert!(!codes(spec).contains(&Code::PortAllInterfaces));
    assert!(findings(spec, Target::Swarm).iter().any(|f| f.0 == Code::PortAllInterfaces));
}

#[test]
fn duplicate_ports_collide_only_on_overlapping_addresses() {
    let spec = |a: &str, b: &str| {
        format!(
            "topology: t\nnetworks: {{ n: {{ subnet: 10.1.0.0/24, egress: true }} }}\nservices:\n  a: {{ image: \"x:1\", networks: [n], ports: [\"{a}\"] }}\n  b: {{ image: \"x:1\", networks: [n], ports: [\"{b}\"] }}\n"
        )
    };
    let dup = |a: &str, b: &str| codes(&spec(a, b)).contains(&Code::DuplicatePublishedPort);
    assert!(dup("127.0.0.1:80:80", "127.0.0.1:80:8080"));
    assert!(dup("80:80", "127.0.0.1:80:80"), "every interface includes loopback");
    assert!(!dup("127.0.0.1:80:80", "127.0.0.2:80:80"));
    assert!(!dup("127.0.0.1:80:80", "127.0.0.1:80:80/udp"));
}
