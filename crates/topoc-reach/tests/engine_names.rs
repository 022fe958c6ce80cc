//! The model judges objects by the names the engine sees (issue 18, items 1 and 2): a network
//! whose engine name is Docker's `host`, `bridge` or `none` never reaches the model as an
//! ordinary network, and two keys that are one engine object are refused rather than judged
//! as two. The spelling the model can stand for (`network_mode: host`) shows the escape.

mod support;

use support::reach;
use topoc_diag::{Code, FileId};
use topoc_model::{Lock, Topology, resolve};
use topoc_reach::Analysis;

/// The error codes of resolution, or the model when it resolves.
fn model(spec: &str) -> Result<(Topology, Analysis), Vec<Code>> {
    support::model(spec).map_err(|errors| errors.iter().map(|d| d.code).collect())
}

const POLICY: &str = "policy:\n  default: allow\n  rules:\n    - deny: { from: api, to: external }\n";

#[test]
fn external_networks_named_after_docker_s_own_are_refused() {
    for engine in ["host", "none", "ingress", "docker_gwbridge"] {
        let spec = format!(
            "topology: shop\nnetworks:\n  back: {{ external: true, name: {engine} }}\n  front: {{ internal: true }}\n\
             services:\n  api: {{ image: \"nginx:1.27\", networks: [back] }}\n{POLICY}"
        )
        .replace("internal: true", "egress: false");
        assert_eq!(model(&spec).err(), Some(vec![Code::PredefinedNetwork]), "{engine}");
    }
    // Not external: Compose would still find Docker's own network by that name.
    let spec = "topology: shop\nnetworks:\n  back: { name: host }\nservices:\n  api: { image: \"nginx:1.27\", networks: [back] }\n";
    assert_eq!(model(spec).err(), Some(vec![Code::PredefinedNetwork]));
    // An external network whose *key* is `host` (no `name:`) is the host's namespace too.
    let spec = "topology: shop\nnetworks:\n  host: { external: true }\nservices:\n  api: { image: \"nginx:1.27\", networks: [host] }\n";
    assert_eq!(model(spec).err(), Some(vec![Code::PredefinedNetwork]));
    // Case matters to Docker's network names: `Host` is an ordinary network.
    let spec = "topology: shop\nnetworks:\n  back: { external: true, name: Host }\nservices:\n  api: { image: \"nginx:1.27\", networks: [back] }\n";
    assert!(model(spec).is_ok());
}

/// Docker's default bridge is a bridge network the model can stand for; a warning says that
/// containers outside the spec are on it too.
#[test]
fn the_default_bridge_is_a_bridge_with_a_warning() {
    for network in ["  common: { external: true, name: bridge }\n", "  bridge: { external: true }\n"] {
        let key = if network.contains("common") { "common" } else { "bridge" };
        let spec = format!(
            "topology: shop\nnetworks:\n{network}services:\n  a: {{ image: \"nginx:1.27\", networks: [{key}] }}\n  \
             b: {{ image: \"nginx:1.27\", networks: [{key}] }}\n"
        );
        let loaded = topoc_spec::load(&spec, topoc_spec::Format::Yaml, FileId(0)).expect("spec loads");
        let r = resolve(&loaded, &Lock::default());
        let warned = r
            .diagnostics
            .iter()
            .any(|d| d.code == Code::PredefinedNetwork && d.severity == topoc_diag::Severity::Warning);
        assert!(warned, "{:#?}", r.diagnostics);
        let (t, a) = model(&spec).expect("resolves");
        assert_eq!(reach(&t, &a, "a", "b"), "all ports");
    }
}

/// What the spec meant, written as the model knows it: an escape hatch, with the host and the
/// outside world in reach, and the `deny api → external` rule violated.
#[test]
fn the_host_namespace_written_as_network_mode_is_an_escape() {
    let spec = format!("topology: shop\nservices:\n  api: {{ image: \"nginx:1.27\", network_mode: host }}\n{POLICY}");
    let (t, a) = model(&spec).expect("resolves");
    assert!(a.findings.iter().any(|d| d.code == Code::EscapeHatch), "{:#?}", a.findings);
    assert!(a.findings.iter().any(|d| d.code == Code::PolicyViolation), "{:#?}", a.findings);
    assert_ne!(reach(&t, &a, "api", "external"), "-");
}

#[test]
fn one_engine_object_under_two_keys_is_refused() {
    let svc = "services:\n  web: { image: \"nginx:1.27\", networks: [web] }\n  db: { image: \"postgres:16\", networks: [db] }\n";
    // Two external networks with one `name:`: `web` and `db` would reach each other.
    let spec = format!(
        "topology: shop\nnetworks:\n  web: {{ external: true, name: shared }}\n  db: {{ external: true, name: shared }}\n{svc}"
    );
    assert_eq!(model(&spec).err(), Some(vec![Code::NameCollision]));
    // A `name:` equal to another network's default engine name, `<project>_<key>`.
    let spec = format!("topology: shop\nnetworks:\n  web: {{}}\n  db: {{ name: shop_web }}\n{svc}");
    assert_eq!(model(&spec).err(), Some(vec![Code::NameCollision]));
    // An external network without `name:` is known by its key.
    let spec =
        format!("topology: shop\nnetworks:\n  web: {{ external: true }}\n  db: {{ external: true, name: web }}\n{svc}");
    assert_eq!(model(&spec).err(), Some(vec![Code::NameCollision]));
    // Apart under their own names: the model says so, and it is true.
    let spec = format!(
        "topology: shop\nnetworks:\n  web: {{ external: true, name: a }}\n  db: {{ external: true, name: b }}\n{svc}"
    );
    let (t, a) = model(&spec).expect("resolves");
    assert_eq!(reach(&t, &a, "web", "db"), "-");
}

#[test]
fn volumes_and_secrets_resolve_to_their_engine_names() {
    // A writer outside the volume policy would mount `data` through `other`.
    let spec = "topology: shop\nvolumes:\n  data: {}\n  other: { name: shop_data }\nservices:\n  \
                db: { image: \"postgres:16\", network_mode: none, volumes: [\"data:/var/lib/postgresql/data\"] }\n  \
                intruder: { image: \"alpine:3\", network_mode: none, volumes: [\"other:/x\"] }\n";
    assert_eq!(model(spec).err(), Some(vec![Code::NameCollision]));
    let spec = "topology: shop\nvolumes:\n  a: { external: true, name: v }\n  b: { name: v }\nservices:\n  \
                s: { image: \"alpine:3\", network_mode: none }\n";
    assert_eq!(model(spec).err(), Some(vec![Code::NameCollision]));
    let spec = "topology: shop\nsecrets:\n  a: { external: true, name: pw }\n  b: { external: true, name: pw }\nservices:\n  \
                s: { image: \"alpine:3\", network_mode: none }\n";
    assert_eq!(model(spec).err(), Some(vec![Code::NameCollision]));
}

/// Docker's DNS does not tell `web` from `Web`.
#[test]
fn service_names_differing_in_case_are_one_name() {
    let spec = "topology: shop\nnetworks: { n: {} }\nservices:\n  web: { image: \"nginx:1.27\", networks: [n] }\n  \
                Web: { image: \"nginx:1.27\", networks: [n] }\n";
    assert_eq!(model(spec).err(), Some(vec![Code::NameCollision]));
}

/// A template whose network `name:` lacks `{id}`: one finding at the template's line.
#[test]
fn template_copies_with_one_engine_name_are_one_finding() {
    let spec = "topology: shop\ntemplates:\n  t:\n    instances: [a, b, c]\n    networks:\n      \"n-{id}\": { name: same }\n    \
                services:\n      \"s-{id}\": { image: \"nginx:1.27\", networks: [\"n-{id}\"] }\n";
    let spec = topoc_spec::load(spec, topoc_spec::Format::Yaml, FileId(0)).expect("spec loads");
    let r = resolve(&spec, &Lock::default());
    let found: Vec<_> = r.diagnostics.iter().filter(|d| d.code == Code::NameCollision).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
}

/// `/var/run/docker.sock/` is the socket too (issue 18 item 8): Docker cleans the path.
#[test]
fn the_docker_socket_behind_a_trailing_slash_is_still_the_socket() {
    for path in
        ["/var/run/docker.sock/", "/var/run//docker.sock/.", "/run/../var/run/docker.sock", "/var/run/docker.sock"]
    {
        let spec = format!(
            "topology: t\nservices:\n  a: {{ image: \"nginx:1.27\", network_mode: none, volumes: [\"{path}:/s\"] }}\n"
        );
        let (_, a) = model(&spec).expect("resolves");
        assert!(a.findings.iter().any(|d| d.code == Code::DockerSocket), "{path}: {:#?}", a.findings);
    }
}
