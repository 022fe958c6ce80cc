//! Findings about the topology's own hygiene that the model makes visible: volume access
//! against the volume policy, escape hatches, ports Docker will not publish, broken relays.

use crate::classes::{Classes, is_docker_socket, mounts_docker_socket};
use crate::graph::{Endpoint, Reach, publishes};
use crate::ports::PortSet;
use crate::select;
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Access, MountSource, NetworkMode, Topology};

pub(crate) fn check(
    topo: &Topology,
    classes: &Classes,
    reach: &Reach,
    engine: &crate::EngineProfile,
    out: &mut Diagnostics,
) {
    engine_support(topo, engine, out);
    volumes(topo, classes, out);
    escape_hatches(topo, out);
    ineffective_ports(topo, classes, engine, out);
    relays(topo, classes, reach, out);
}

/// Features the engine version does not have: the deployment would fail on it.
fn engine_support(topo: &Topology, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    for s in &topo.services {
        for a in &s.attachments {
            if a.mac.is_some() && !engine.per_network_mac() {
                out.push(
                    Diagnostic::new(
                        Code::EngineUnsupported,
                        format!("engine {} cannot set `{}`'s MAC address per network", engine.version, s.name),
                    )
                    .primary(a.mac_span, "needs engine 25.0 or newer (API 1.44)")
                    .note("Compose refuses to create the container on older engines")
                    .help("upgrade the engine, or drop `mac` (name the engine with --engine if it is newer)"),
                );
            }
            if a.gw_priority.is_some() && !engine.gateway_priority() {
                out.push(
                    Diagnostic::new(
                        Code::EngineUnsupported,
                        format!("engine {} has no gateway priority", engine.version),
                    )
                    .primary(a.span, "`gw_priority` needs engine 28.0 or newer (API 1.48)")
                    .help("upgrade the engine, or drop `gw_priority`"),
                );
            }
        }
    }
}

/// Volume policy: a read-write mount needs a writer selector; a read-only one a writer or a
/// reader. A volume without a policy entry is not judged.
fn volumes(topo: &Topology, classes: &Classes, out: &mut Diagnostics) {
    for vp in &topo.policy.volumes {
        let picks = |sels: &[topoc_model::Selector], s: topoc_model::ServiceId| {
            sels.iter().any(|sel| select::matches(classes, sel, Endpoint::Class(classes.of_service[s.index()])))
        };
        for s in &topo.services {
            for m in &s.mounts {
                if !matches!(m.source, MountSource::Volume(v) if v == vp.volume) {
                    continue;
                }
                let writer = picks(&vp.writers, s.id);
                let reader = picks(&vp.readers, s.id);
                let volume = &topo.volume(vp.volume).name;
                let problem = match (m.access, writer, reader) {
                    (_, true, _) | (Access::Ro, _, true) => None,
                    (Access::Rw, false, true) => {
                        Some(format!("`{}` mounts `{volume}` read-write, but the policy lets it only read", s.name))
                    }
                    _ => Some(format!(
                        "`{}` mounts `{volume}`, but the volume policy lists it neither as writer nor as reader",
                        s.name
                    )),
                };
                if let Some(message) = problem {
                    out.push(
                        Diagnostic::new(Code::VolumeAccess, message)
                            .primary(
                                m.span,
                                if m.access == Access::Rw { "mounted read-write here" } else { "mounted here" },
                            )
                            .secondary(vp.span, "volume policy")
                            .help(if reader && m.access == Access::Rw {
                                "mount it read-only (`:ro`, or `access: ro` in the long form), or add the service to `writers`"
                            } else {
                                "remove the mount, or add the service to the policy's `writers` or `readers`"
                            }),
                    );
                }
            }
        }
    }
}

fn escape_hatches(topo: &Topology, out: &mut Diagnostics) {
    for s in &topo.services {
        match s.network_mode {
            NetworkMode::Host => out.push(
                Diagnostic::new(Code::EscapeHatch, format!("`{}` uses the host's network stack", s.name))
                    .primary(s.network_mode_span, "network_mode: host")
                    .note("it reaches every bridge container like the host does, and every port it opens is open on the host's addresses")
                    .help("attach it to networks and publish only the ports it serves"),
            ),
            NetworkMode::Service(other) => out.push(
                Diagnostic::new(Code::EscapeHatch, format!("`{}` shares the network namespace of `{}`", s.name, topo.service(other).name))
                    .primary(s.network_mode_span, "network_mode: service")
                    .note("both reach each other on localhost, and each has the other's reach")
                    .with_severity(topoc_diag::Severity::Note),
            ),
            _ => {}
        }
        for m in &s.mounts {
            if mounts_docker_socket(s) && matches!(&m.source, MountSource::Bind(p) if is_docker_socket(p)) {
                out.push(
                    Diagnostic::new(Code::DockerSocket, format!("`{}` mounts the Docker socket", s.name))
                        .primary(m.span, if m.access == Access::Ro { "read-only does not help: the API is still writable" } else { "the Docker API, with root on the host" })
                        .note("whoever controls this container can start containers on any network, with network_mode: host, mounting /: isolation ends here")
                        .help("use a socket proxy that allows only the API calls the service needs, or run the service on the host"),
                );
            }
        }
    }
}

/// §2.3: Docker publishes ports only through a non-internal bridge or overlay network; a
/// service without one (internal-only, LAN-only, or no network) publishes nothing. With
/// `network_mode: host` the ports are discarded: the service listens on the host directly.
fn ineffective_ports(topo: &Topology, classes: &Classes, engine: &crate::EngineProfile, out: &mut Diagnostics) {
    for s in &topo.services {
        if s.ports.is_empty() {
            continue;
        }
        let class = &classes.classes[classes.of_service[s.id.index()].index()];
        let (message, note, help) = match s.network_mode {
            NetworkMode::Host => (
                format!("the ports of `{}` are ignored: it uses the host's network stack", s.name),
                "with network_mode: host the service listens on the host's addresses directly; Docker discards `ports`",
                "remove `ports` (and better, `network_mode: host`)",
            ),
            NetworkMode::Networks if publishes(topo, class, engine) => continue,
            NetworkMode::Networks if class.networks.is_empty() => (
                format!("the ports of `{}` are not published: it is on no network", s.name),
                "a container without a network has nothing to map ports through",
                "attach the service to a network with `egress: true`, or remove `ports`",
            ),
            NetworkMode::Networks if class.networks.iter().all(|n| topo.network(*n).is_lan()) => (
                format!("the ports of `{}` are not published: it is only on macvlan/ipvlan networks", s.name),
                "LAN hosts reach a macvlan/ipvlan container directly on every port; port mapping does not apply there",
                "remove `ports`: the LAN already reaches these ports at the container's own address",
            ),
            NetworkMode::Networks => (
                format!("the ports of `{}` are not published: it is only on internal networks", s.name),
                "Docker maps ports only on the network that provides the default route, and internal networks provide none; Compose prints no warning",
                "attach the service to a network with `egress: true` to publish, or remove `ports`",
            ),
            _ => continue,
        };
        let mut d = Diagnostic::new(Code::Ineffective, message);
        for p in &s.ports {
            d = d.primary(p.span, "Docker publishes nothing here");
        }
        out.push(d.note(note).help(help));
    }
}

fn relays(topo: &Topology, classes: &Classes, reach: &Reach, out: &mut Diagnostics) {
    for s in &topo.services {
        let me = Endpoint::Class(classes.of_service[s.id.index()]);
        for r in &s.relays {
            let ports = PortSet::from_list(&r.ports);
            let targets = select::endpoints(topo, classes, &r.to);
            let unreachable: Vec<String> = targets
                .iter()
                .filter(|t| **t != me && reach.ports(me, **t).intersect(&ports).is_empty())
                .map(|t| crate::describe::endpoint(topo, classes, *t))
                .collect();
            if targets.is_empty() {
                out.push(
                    Diagnostic::new(Code::RelayUnreachable, format!("relay of `{}` selects no target", s.name))
                        .primary(r.span, "matches nothing")
                        .help("fix the selector"),
                );
            } else if !unreachable.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::RelayUnreachable,
                        format!(
                            "`{}` relays to `{}` but cannot reach {} on {ports}",
                            s.name,
                            r.to.text,
                            unreachable.join(", ")
                        ),
                    )
                    .primary(r.span, "declared here")
                    .help("attach the relay to a network it shares with its targets"),
                );
            }
        }
    }
}
