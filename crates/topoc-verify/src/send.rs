//! Sending planned probes and recording what happened: the `Sender` seam (live: the probe
//! agent in containers through the engine, on the host, in the stand-in namespaces; in the
//! tests: a table), and the two passes over the probes.

use crate::agent::{self, Destination};
use crate::deploy::PROBE_PORT;
use crate::engine::Engine;
use crate::error::VerifyError;
use crate::exec;
use crate::host;
use crate::probe::{Kind, Origin, Probe};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Sends one origin's probes; `None` for a probe not sent.
pub(crate) trait Sender {
    fn send(&self, origin: &Origin, targets: &[Destination]) -> Result<Vec<Option<bool>>, VerifyError>;

    /// What container `container`'s agent prints for `__probe source DEST`: the address its
    /// kernel sends from toward `dest`, or `none`.
    fn source(&self, container: &str, dest: SocketAddr) -> Result<String, VerifyError>;
}

/// The agent arguments of a `route` probe: the source address toward the stand-in internet.
pub(crate) fn source_args(dest: SocketAddr) -> Vec<String> {
    vec!["__probe".to_owned(), "source".into(), dest.to_string()]
}

/// Observe every `route` probe (once: a route is no listener that may not be up yet): the
/// container's source address toward the stand-in internet against the model's, the address
/// it has on the network its default route should go through (§1.3).
fn observe_routes(probes: &mut [Probe], sender: &dyn Sender) -> Result<(), VerifyError> {
    let dest = SocketAddr::new(host::INET_NS.into(), PROBE_PORT);
    for p in probes.iter_mut().filter(|p| p.kind == Kind::Route && p.observed.is_none()) {
        let Origin::Container(id) = &p.origin else { continue };
        let engine_source = sender.source(id, dest)?.trim().to_owned();
        let model = p.target.addr.ip();
        p.observed = Some(engine_source.parse::<IpAddr>().is_ok_and(|a| a == model));
        p.detail.push_str(&format!(": model source {model}, engine {engine_source}"));
    }
    Ok(())
}

/// Try every probe that needs sending (not the `inspect` ones, observed when planned), grouped
/// by origin, then once more those that failed: a listener that was not up yet (seen right
/// after deploy) must not read as "blocked". A success is never retried: nothing can answer
/// the one-line exchange but the probe agent. The `route` probes are observed first, once.
pub(crate) fn send_all(
    probes: &mut [Probe],
    sender: &dyn Sender,
    started: Instant,
    deadline: Duration,
) -> Result<(), VerifyError> {
    observe_routes(probes, sender)?;
    for pass in 0..2 {
        let pending: Vec<usize> = (0..probes.len())
            .filter(|i| probes[*i].origin != Origin::Inspect && probes[*i].kind != Kind::Route)
            .filter(|i| if pass == 0 { probes[*i].observed.is_none() } else { probes[*i].observed == Some(false) })
            .collect();
        let origins: BTreeSet<Origin> = pending.iter().map(|i| probes[*i].origin.clone()).collect();
        for origin in origins {
            if started.elapsed() > deadline {
                return Err(VerifyError::Deadline { seconds: deadline.as_secs() });
            }
            let index: Vec<usize> = pending.iter().copied().filter(|i| probes[*i].origin == origin).collect();
            let targets: Vec<Destination> = index.iter().map(|i| probes[*i].target.clone()).collect();
            let results = sender.send(&origin, &targets)?;
            for (i, r) in index.into_iter().zip(results) {
                if pass == 0 || r == Some(true) {
                    probes[i].observed = r;
                }
            }
        }
    }
    Ok(())
}

/// The live sender.
pub(crate) struct Live<'a> {
    pub(crate) engine: &'a dyn Engine,
    /// verify's own host interfaces (a host probe leaves only through them or Docker's).
    pub(crate) own_links: Vec<String>,
    pub(crate) inet_ns: String,
    /// This binary, which is the probe agent on the host and in the namespaces.
    pub(crate) exe: String,
    pub(crate) timeout_ms: u64,
}

impl Live<'_> {
    fn agent_args(&self, targets: &[Destination]) -> Vec<String> {
        let mut args = vec!["__probe".to_owned(), "connect".into(), "--timeout-ms".into(), self.timeout_ms.to_string()];
        args.extend(targets.iter().map(Destination::to_string));
        args
    }

    fn batch_timeout(targets: &[Destination]) -> Duration {
        Duration::from_secs(30 + targets.len() as u64)
    }
}

impl Sender for Live<'_> {
    fn send(&self, origin: &Origin, targets: &[Destination]) -> Result<Vec<Option<bool>>, VerifyError> {
        Ok(match origin {
            Origin::Host => {
                let sendable: Vec<bool> = targets
                    .iter()
                    .map(|t| host::routed_locally(t.via.unwrap_or(t.addr).ip(), &self.own_links))
                    .collect();
                let sent: Vec<Destination> =
                    targets.iter().zip(&sendable).filter(|(_, ok)| **ok).map(|(t, _)| t.clone()).collect();
                let mut results = agent::reach_all(&sent, Duration::from_millis(self.timeout_ms)).into_iter();
                sendable.iter().map(|ok| if *ok { results.next() } else { None }).collect()
            }
            Origin::Container(id) => {
                let (stdout, stderr) =
                    self.engine.exec_probe(id, &self.agent_args(targets), Self::batch_timeout(targets))?;
                answers(&stdout, &stderr, "docker exec", targets)?
            }
            Origin::Inspect => vec![None; targets.len()],
            Origin::Internet | Origin::Lan(_) => {
                let ns = match origin {
                    Origin::Lan(ns) => ns.clone(),
                    _ => self.inet_ns.clone(),
                };
                let mut args = vec!["netns".to_owned(), "exec".into(), ns, self.exe.clone()];
                args.extend(self.agent_args(targets));
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = exec::run("ip", &refs, None, Self::batch_timeout(targets))?;
                answers(&out.stdout, &out.stderr, "ip netns exec", targets)?
            }
        })
    }

    fn source(&self, container: &str, dest: SocketAddr) -> Result<String, VerifyError> {
        let (stdout, stderr) = self.engine.exec_probe(container, &source_args(dest), Duration::from_secs(30))?;
        if stdout.trim().is_empty() {
            return Err(VerifyError::NoAnswer { program: "docker exec".into(), stderr: stderr.trim().to_owned() });
        }
        Ok(stdout)
    }
}

/// The agent's answer (`TARGET ok` or `TARGET fail`, a line each) for each target, in order; a
/// target it did not answer for is not sent. No answer at all is an error.
pub(crate) fn answers(
    stdout: &str,
    stderr: &str,
    program: &str,
    targets: &[Destination],
) -> Result<Vec<Option<bool>>, VerifyError> {
    let mut seen: BTreeMap<&str, bool> = BTreeMap::new();
    for line in stdout.lines() {
        if let Some((t, r)) = line.rsplit_once(' ') {
            seen.insert(t, r == "ok");
        }
    }
    if seen.is_empty() && !targets.is_empty() {
        return Err(VerifyError::NoAnswer { program: program.to_owned(), stderr: stderr.trim().to_owned() });
    }
    Ok(targets.iter().map(|t| seen.get(t.to_string().as_str()).copied()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agents_lines_answer_each_target_in_order() {
        let t = |s: &str| s.parse::<Destination>().expect("target");
        let targets = [t("10.0.0.2:7000"), t("10.0.0.3:7000"), t("10.0.0.9:7000>10.0.1.2:7000")];
        let out = "10.0.0.3:7000 fail\n10.0.0.2:7000 ok\n";
        assert_eq!(answers(out, "", "x", &targets).expect("answers"), [Some(true), Some(false), None]);
        assert!(matches!(answers("", "boom", "x", &targets), Err(VerifyError::NoAnswer { .. })));
        assert_eq!(answers("", "", "x", &[]).expect("nothing asked"), Vec::<Option<bool>>::new());
    }
}
