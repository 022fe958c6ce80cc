//! `topoc __probe serve|connect|watch`: the probe agent verify runs in containers and
//! namespaces, and the client the live tests watch a service with while they change its
//! deployment.

use crate::exit::Exit;
use std::io::Write;
use std::time::Duration;
use topoc_verify::agent;

#[derive(Debug, clap::Args)]
pub(crate) struct ProbeArgs {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, clap::Subcommand)]
enum Mode {
    /// Listen on ports (`PORT`, or `PORT=ADDR:PORT,...` to relay) until killed.
    Serve {
        #[arg(long = "listen")]
        listen: Vec<String>,
    },
    /// Try each target (`IP:PORT`, or `RELAY_IP:PORT>IP:PORT`); print `TARGET ok|fail`.
    Connect {
        #[arg(long, default_value_t = 1500)]
        timeout_ms: u64,
        targets: Vec<String>,
    },
    /// Try the targets `--count` times, `--every-ms` apart (a bounded loop); print one line per
    /// round, `ok` when every target answered (with `--any`: when one did), else
    /// `fail TARGET ...`, as it happens.
    Watch {
        /// A round is ok when any target answers: the addresses a service's tasks may have.
        #[arg(long)]
        any: bool,
        #[arg(long, default_value_t = 100)]
        every_ms: u64,
        #[arg(long)]
        count: u32,
        #[arg(long, default_value_t = 1500)]
        timeout_ms: u64,
        targets: Vec<String>,
    },
    /// Print the address this namespace sends from toward `IP:PORT` (its route), or `none`.
    Source { dest: String },
}

pub(crate) fn exec(args: &ProbeArgs) -> Exit {
    match &args.mode {
        Mode::Serve { listen } => {
            let specs: Result<Vec<_>, _> = listen.iter().map(|l| agent::parse_listen(l)).collect();
            match specs.and_then(agent::serve) {
                Ok(()) => Exit::Ok,
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "probe: {e}");
                    Exit::Failure
                }
            }
        }
        Mode::Connect { timeout_ms, targets } => {
            let parsed: Result<Vec<agent::Destination>, _> = targets.iter().map(|t| t.parse()).collect();
            let Ok(parsed) = parsed else {
                let _ = writeln!(std::io::stderr(), "probe: bad target");
                return Exit::Failure;
            };
            let results = agent::reach_all(&parsed, Duration::from_millis(*timeout_ms));
            let mut out = String::new();
            for (t, ok) in parsed.iter().zip(results) {
                out.push_str(&format!("{t} {}\n", if ok { "ok" } else { "fail" }));
            }
            let _ = std::io::stdout().write_all(out.as_bytes());
            Exit::Ok
        }
        Mode::Watch { any, every_ms, count, timeout_ms, targets } => {
            let Ok(parsed) = targets.iter().map(|t| t.parse()).collect::<Result<Vec<agent::Destination>, _>>() else {
                let _ = writeln!(std::io::stderr(), "probe: bad target");
                return Exit::Failure;
            };
            let mut stdout = std::io::stdout();
            for _ in 0..*count {
                let results = agent::reach_all(&parsed, Duration::from_millis(*timeout_ms));
                let answered = results.iter().any(|ok| *ok);
                let failed: Vec<String> =
                    parsed.iter().zip(results).filter(|(_, ok)| !ok).map(|(t, _)| t.to_string()).collect();
                let line = if failed.is_empty() || (*any && answered) {
                    "ok\n".to_owned()
                } else {
                    format!("fail {}\n", failed.join(" "))
                };
                // Flushed per round: the watcher reads the log while this runs.
                if stdout.write_all(line.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                    return Exit::Failure;
                }
                std::thread::sleep(Duration::from_millis(*every_ms));
            }
            Exit::Ok
        }
        Mode::Source { dest } => {
            let Ok(dest) = dest.parse() else {
                let _ = writeln!(std::io::stderr(), "probe: bad destination `{dest}` (expected IP:PORT)");
                return Exit::Failure;
            };
            let shown = agent::source_address(dest).map_or_else(|| "none".to_owned(), |a| a.to_string());
            let _ = writeln!(std::io::stdout(), "{shown}");
            Exit::Ok
        }
    }
}
