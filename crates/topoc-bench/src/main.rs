//! `topoc-gen WORKLOAD N [REPLICAS]`: writes a benchmark workload spec to stdout.
//! `topoc-gen data N` writes the tenants topology as JSON data for the Jinja2 baseline.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: topoc-gen tenants N | tenants-flat N | tenants-relay N | tenants-relay-flat N | tenants-proxy N \
                     | swarm TYPES REPLICAS | glob-relays N | shared-instances N | data N";

fn number(arg: Option<&String>) -> Result<usize, String> {
    let text = arg.ok_or_else(|| USAGE.to_owned())?;
    text.parse().map_err(|_| format!("not a count: `{text}`\n{USAGE}"))
}

fn generate(args: &[String]) -> Result<String, String> {
    let workload = args.first().ok_or_else(|| USAGE.to_owned())?;
    let n = number(args.get(1))?;
    let tenants_in_range = |n: usize| {
        if (1..=topoc_bench::MAX_TENANTS).contains(&n) {
            Ok(n)
        } else {
            Err(format!("N must be 1..={} (one /24 of 10.0.0.0/8 each)", topoc_bench::MAX_TENANTS))
        }
    };
    match workload.as_str() {
        "tenants" => Ok(topoc_bench::tenants(tenants_in_range(n)?)),
        "tenants-flat" => Ok(topoc_bench::tenants_flat(tenants_in_range(n)?)),
        "tenants-relay" => Ok(topoc_bench::relayed::tenants_relay(tenants_in_range(n)?)),
        "tenants-proxy" => Ok(topoc_bench::relayed::tenants_proxy(tenants_in_range(n)?)),
        "tenants-relay-flat" => Ok(topoc_bench::relayed::tenants_relay_flat(tenants_in_range(n)?)),
        "glob-relays" => Ok(topoc_bench::hostile::glob_relays(n.max(1))),
        "shared-instances" => Ok(topoc_bench::hostile::shared_instances(n.max(1))),
        "data" => Ok(topoc_bench::compose_data(tenants_in_range(n)?).to_string()),
        "swarm" => {
            let replicas = number(args.get(2))?;
            if !(1..=120).contains(&n) || !(1..=4000).contains(&replicas) {
                return Err("swarm: TYPES must be 1..=120 and REPLICAS 1..=4000".into());
            }
            Ok(topoc_bench::swarm(n, replicas))
        }
        other => Err(format!("unknown workload `{other}`\n{USAGE}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match generate(&args) {
        Ok(text) => {
            if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{e}");
            ExitCode::from(2)
        }
    }
}
