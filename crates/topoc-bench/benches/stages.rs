//! Stage benchmarks on the tenants workload: parse, resolve, check (reachability and policy),
//! and the two emitters. `cargo bench -p topoc-bench`; figures in docs/benchmarks.md.

use divan::Bencher;
use topoc_diag::FileId;
use topoc_model::{Lock, Topology};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[500, 5_000];

fn resolved(spec_text: &str) -> Topology {
    let spec = topoc_spec::load(spec_text, topoc_spec::Format::Yaml, FileId(0)).expect("workload loads");
    topoc_model::resolve(&spec, &Lock::default()).topology.expect("workload resolves")
}

fn provenance() -> topoc_emit::Provenance {
    topoc_emit::Provenance { spec_name: "bench.yaml".into(), spec_sha256: String::new() }
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn parse_template(b: Bencher<'_, '_>, n: usize) {
    let text = topoc_bench::tenants(n);
    b.bench(|| topoc_spec::load(&text, topoc_spec::Format::Yaml, FileId(0)).expect("loads"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn parse_flat(b: Bencher<'_, '_>, n: usize) {
    let text = topoc_bench::tenants_flat(n);
    b.bench(|| topoc_spec::load(&text, topoc_spec::Format::Yaml, FileId(0)).expect("loads"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn resolve(b: Bencher<'_, '_>, n: usize) {
    let spec = topoc_spec::load(&topoc_bench::tenants(n), topoc_spec::Format::Yaml, FileId(0)).expect("loads");
    b.bench(|| topoc_model::resolve(&spec, &Lock::default()));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn check(b: Bencher<'_, '_>, n: usize) {
    let topo = resolved(&topoc_bench::tenants(n));
    b.bench(|| topoc_reach::analyze(&topo, topoc_reach::EngineProfile::default()));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn emit_compose(b: Bencher<'_, '_>, n: usize) {
    let topo = resolved(&topoc_bench::tenants(n));
    let templates = topoc_emit::Templates::builtin();
    b.bench(|| topoc_emit::compose::render(&topo, &provenance(), &templates).expect("renders"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn emit_stack(b: Bencher<'_, '_>, n: usize) {
    let topo = resolved(&topoc_bench::tenants(n));
    let templates = topoc_emit::Templates::builtin();
    b.bench(|| topoc_emit::stack::render(&topo, &provenance(), &templates).expect("renders"));
}
