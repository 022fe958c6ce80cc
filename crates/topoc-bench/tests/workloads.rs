//! The generated workloads are what they claim: they load, resolve and check clean, have the
//! promised size, and the flat tenants spec compiles to the same Compose file as the templated
//! one (so the two benchmark the same topology through different front ends).

use topoc_diag::{FileId, Severity};
use topoc_model::{Lock, Target, Topology};

fn compile(text: &str) -> Topology {
    let spec = topoc_spec::load(text, topoc_spec::Format::Yaml, FileId(0))
        .unwrap_or_else(|d| panic!("workload does not load: {d:#?}"));
    let r = topoc_model::resolve(&spec, &Lock::default());
    let errors: Vec<_> = r.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "resolution errors: {errors:#?}");
    r.topology.expect("resolves")
}

fn findings(topo: &Topology, target: Target) -> Vec<String> {
    let engine = topoc_reach::EngineProfile::default().with_target(target);
    let analysis = topoc_reach::analyze(topo, engine);
    analysis.findings.iter().filter(|d| d.severity >= Severity::Warning).map(|d| d.message.clone()).collect()
}

fn compose(topo: &Topology) -> String {
    let provenance = topoc_emit::Provenance { spec_name: "bench.yaml".into(), spec_sha256: String::new() };
    topoc_emit::compose::render(topo, &provenance, &topoc_emit::Templates::builtin()).expect("renders")
}

#[test]
fn tenants_has_the_promised_size_and_checks_clean() {
    for n in [2, 7] {
        let topo = compile(&topoc_bench::tenants(n));
        assert_eq!(topo.services.len(), 4 * n + 2);
        assert_eq!(topo.networks.len(), n + 1);
        assert_eq!(findings(&topo, Target::Compose), Vec::<String>::new());
    }
}

#[test]
fn flat_tenants_is_the_same_topology_written_out() {
    let n = 7;
    let templated = compile(&topoc_bench::tenants(n));
    let flat = compile(&topoc_bench::tenants_flat(n));
    assert_eq!(findings(&flat, Target::Compose), Vec::<String>::new());
    assert_eq!(compose(&templated), compose(&flat));
}

#[test]
fn swarm_workload_checks_clean_as_a_stack() {
    let topo = compile(&topoc_bench::swarm(4, 300));
    assert_eq!(topo.services.iter().map(|s| s.replicas as usize).sum::<usize>(), 4 * 300 + 2);
    assert_eq!(findings(&topo, Target::Swarm), Vec::<String>::new());
}

#[test]
fn compose_data_matches_the_compiled_topology() {
    let n = 3;
    let topo = compile(&topoc_bench::tenants(n));
    let data = topoc_bench::compose_data(n);
    let services = data["services"].as_array().expect("services");
    assert_eq!(services.len(), topo.services.len());
    for (s, d) in topo.services.iter().zip(services) {
        assert_eq!(d["name"], s.name.as_str());
        let ips: Vec<String> = s.attachments.iter().flat_map(|a| a.addresses.iter().map(|ip| ip.to_string())).collect();
        let data_ips: Vec<String> = d["networks"]
            .as_array()
            .expect("networks")
            .iter()
            .map(|a| a["ip"].as_str().expect("ip").to_owned())
            .collect();
        assert_eq!(ips, data_ips, "{}", s.name);
    }
}

#[test]
fn tenants_relay_has_the_promised_size_and_checks_clean() {
    for n in [2, 7] {
        let topo = compile(&topoc_bench::relayed::tenants_relay(n));
        assert_eq!(topo.services.len(), 5 * n + 2);
        assert_eq!(topo.networks.len(), 2 * n + 2);
        assert_eq!(topo.services.iter().map(|s| s.relays.len()).sum::<usize>(), n);
        assert_eq!(findings(&topo, Target::Compose), Vec::<String>::new());
    }
}

#[test]
fn flat_tenants_relay_is_the_same_topology_written_out() {
    let n = 7;
    let templated = compile(&topoc_bench::relayed::tenants_relay(n));
    let flat = compile(&topoc_bench::relayed::tenants_relay_flat(n));
    assert_eq!(findings(&flat, Target::Compose), Vec::<String>::new());
    assert_eq!(compose(&templated), compose(&flat));
}

/// The proxy's relay is what joins tenants: without it no tenant reaches another's site.
#[test]
fn the_proxy_relay_reaches_every_site_and_tenant_relays_their_database() {
    let alone = compile(&topoc_bench::relayed::tenants_relay(3));
    let analysis = topoc_reach::analyze(&alone, topoc_reach::EngineProfile::default());
    let of = |name: &str| analysis.endpoint(&alone, name).expect("service");
    assert!(analysis.reach.ports(of("web-1"), of("web-2")).is_empty());
    let topo = compile(&topoc_bench::relayed::tenants_proxy(3));
    assert_eq!(findings(&topo, Target::Compose), Vec::<String>::new());
    let analysis = topoc_reach::analyze(&topo, topoc_reach::EngineProfile::default());
    let of = |name: &str| analysis.endpoint(&topo, name).expect("service");
    let external = topoc_reach::Endpoint::External;
    assert_eq!(analysis.reach.ports(external, of("web-3")), topoc_reach::PortSet::of([8080]));
    assert_eq!(analysis.reach.ports(of("web-1"), of("web-2")), topoc_reach::PortSet::of([8080]));
    assert_eq!(analysis.reach.ports(of("web-1"), of("db-1")), topoc_reach::PortSet::All);
    assert!(analysis.reach.ports(of("web-1"), of("db-2")).is_empty());
    assert_eq!(analysis.reach.ports(of("proxy"), of("db-2")), topoc_reach::PortSet::of([5432]));
}

#[test]
fn hostile_workloads_compile_clean() {
    let topo = compile(&topoc_bench::hostile::glob_relays(12));
    assert_eq!(topo.services.len(), 12);
    assert_eq!(findings(&topo, Target::Compose), Vec::<String>::new());
    let topo = compile(&topoc_bench::hostile::shared_instances(9));
    assert_eq!(topo.services.len(), 18);
    assert_eq!(findings(&topo, Target::Compose), Vec::<String>::new());
}
