//! Volumes, secrets and services: references, attachments with their addresses, ports, mounts.

use super::Cx;
use super::addresses::{address, check_in_subnet};
use super::networks::no_subnet;
use super::templates::{Decl, Expanded};
use crate::ipam;
use crate::ir::*;
use std::net::IpAddr;
use topoc_diag::{Code, Diagnostic, Span};
use topoc_spec::{AttachmentSpec, Attachments, ServiceSpec, Sp, TopologySpec};

pub(crate) fn declare_volumes_and_secrets(topo: &mut Topology, spec: &TopologySpec, expanded: &Expanded, cx: &mut Cx) {
    for decl in &expanded.volumes {
        let name = &decl.name;
        cx.check_key("volume", name, name.span);
        if let Some(&existing) = cx.volume_ids.get(&name.value) {
            collision(cx, "volume", name, topo.volumes[existing.index()].span);
            continue;
        }
        let id = VolumeId(topo.volumes.len() as u32);
        cx.volume_ids.insert(name.value.clone(), id);
        let v = &decl.spec;
        super::reinterpreted::check_keys("driver_opts", &v.driver_opts, cx);
        super::reinterpreted::check_keys("labels", &v.labels, cx);
        topo.volumes.push(Volume {
            id,
            name: name.value.clone(),
            span: name.span,
            driver: v.driver.as_ref().map(|d| d.value.clone()),
            external: v.external.as_ref().is_some_and(|e| e.value),
            engine_name: v.name.as_ref().map(|n| n.value.clone()),
            driver_opts: v.driver_opts.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect(),
            labels: v.labels.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect(),
            origin: decl.origin.clone(),
        });
    }
    for (name, s) in spec.secrets.iter() {
        cx.check_key("secret", name, name.span);
        let sources: Vec<(SecretSource, Span)> = [
            s.file.as_ref().map(|f| (SecretSource::File(f.value.clone()), f.span)),
            s.environment.as_ref().map(|e| (SecretSource::Environment(e.value.clone()), e.span)),
            s.external.as_ref().filter(|e| e.value).map(|e| (SecretSource::External, e.span)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let source = match sources.as_slice() {
            [(one, _)] => one.clone(),
            [] => {
                cx.push(
                    Diagnostic::new(Code::MissingKey, format!("secret `{}` has no source", name.value))
                        .primary(name.span, "needs `file`, `environment` or `external: true`")
                        .help("e.g. `file: ./secrets/db_password.txt`"),
                );
                continue;
            }
            [(_, first), (_, second), ..] => {
                cx.push(
                    Diagnostic::new(Code::ConflictingKeys, format!("secret `{}` has more than one source", name.value))
                        .primary(*second, "second source")
                        .secondary(*first, "first source")
                        .help("keep exactly one of `file`, `environment`, `external`"),
                );
                continue;
            }
        };
        let id = SecretId(topo.secrets.len() as u32);
        cx.secret_ids.insert(name.value.clone(), id);
        topo.secrets.push(Secret {
            id,
            name: name.value.clone(),
            span: name.span,
            source,
            engine_name: s.name.as_ref().map(|n| n.value.clone()),
        });
    }
}

fn collision(cx: &mut Cx, kind: &str, name: &Sp<String>, first: Span) {
    cx.push(
        Diagnostic::new(Code::NameCollision, format!("{kind} `{}` is defined more than once", name.value))
            .primary(name.span, "defined again here")
            .secondary(first, "first defined here")
            .help(format!("rename one; in templates, put `{{id}}` in the {kind} name")),
    );
}

/// The most replicas of one service topoc plans addresses for.
const MAX_REPLICAS: u32 = 10_000;

/// Give every service an id, so services can refer to each other in any order.
pub(crate) fn declare(_topo: &mut Topology, expanded: &Expanded, cx: &mut Cx) {
    let mut spans: Vec<Span> = Vec::new();
    for decl in &expanded.services {
        let name = &decl.name;
        cx.check_key("service", name, name.span);
        if let Some(&existing) = cx.service_ids.get(&name.value) {
            collision(cx, "service", name, spans[existing.index()]);
            continue;
        }
        cx.service_ids.insert(name.value.clone(), ServiceId(spans.len() as u32));
        spans.push(name.span);
    }
}

pub(crate) fn resolve_all(topo: &mut Topology, expanded: &Expanded, cx: &mut Cx) {
    topo.services.reserve(expanded.services.len());
    for decl in &expanded.services {
        let Some(&id) = cx.service_ids.get(&decl.name.value) else {
            continue;
        };
        if id.index() != topo.services.len() {
            continue; // a colliding duplicate, already reported
        }
        let service = service(topo, id, decl, cx);
        topo.services.push(service);
    }
    // The networks each attached-to service already has: core services are attached once per
    // template instance, so a scan of their attachments per instance would be quadratic.
    let mut attached: foldhash::HashMap<ServiceId, foldhash::HashSet<NetworkId>> = foldhash::HashMap::default();
    for attach in &expanded.attach {
        let Some(&id) = cx.service_ids.get(&attach.service.value) else {
            let known = topo.services.iter().map(|s| s.name.clone());
            cx.unknown("service", &attach.service, known);
            continue;
        };
        let replicas = topo.services[id.index()].replicas;
        if !matches!(topo.services[id.index()].network_mode, NetworkMode::Networks) {
            cx.push(
                Diagnostic::new(
                    Code::ConflictingKeys,
                    format!(
                        "service `{}` uses `network_mode` and cannot be attached to networks",
                        attach.service.value
                    ),
                )
                .primary(attach.service.span, "attached here")
                .secondary(topo.services[id.index()].network_mode_span, "network_mode here"),
            );
            continue;
        }
        let new = attachments(topo, &attach.attachments, replicas, cx);
        let existing = attached
            .entry(id)
            .or_insert_with(|| topo.services[id.index()].attachments.iter().map(|a| a.network).collect());
        for a in new {
            if !existing.insert(a.network) {
                cx.push(
                    Diagnostic::new(
                        Code::NameCollision,
                        format!(
                            "service `{}` is attached to network `{}` twice",
                            attach.service.value,
                            topo.network(a.network).name
                        ),
                    )
                    .primary(a.span, "attached again here"),
                );
                continue;
            }
            topo.services[id.index()].attachments.push(a);
        }
    }
}

fn service(topo: &Topology, id: ServiceId, decl: &Decl<ServiceSpec>, cx: &mut Cx) -> Service {
    let s = &decl.spec;
    if s.image.value.trim().is_empty() {
        cx.push(
            Diagnostic::new(Code::InvalidValue, "the image is empty")
                .primary(s.image.span, "name an image, e.g. nginx:1.27"),
        );
    }
    let replicas = s.replicas.as_ref().map_or(1, |r| r.value);
    if let Some(r) = s.replicas.as_ref().filter(|r| r.value > MAX_REPLICAS) {
        cx.push(
            Diagnostic::new(
                Code::ResourceLimit,
                format!("{} replicas is more than topoc plans for ({MAX_REPLICAS})", r.value),
            )
            .primary(r.span, "too many replicas")
            .help("no Docker host or swarm runs this many tasks of one service; lower `replicas`"),
        );
    }
    let replicas = replicas.min(MAX_REPLICAS);
    let (network_mode, network_mode_span) = network_mode(s, cx);
    if !matches!(network_mode, NetworkMode::Networks) && !s.networks.0.is_empty() {
        cx.push(
            Diagnostic::new(
                Code::ConflictingKeys,
                format!("service `{}` sets both `network_mode` and `networks`", decl.name.value),
            )
            .primary(network_mode_span, "network_mode here")
            .secondary(s.networks.0.entries[0].0.span, "networks here")
            .help("a service uses its own networks or another namespace, not both"),
        );
    }
    if matches!(network_mode, NetworkMode::Service(_)) && !s.ports.is_empty() {
        cx.push(
            Diagnostic::new(
                Code::ConflictingKeys,
                format!("service `{}` shares another service's namespace and cannot publish ports", decl.name.value),
            )
            .primary(s.ports[0].span, "`ports` here")
            .secondary(network_mode_span, "network_mode here")
            .help("publish the ports on the service that owns the namespace"),
        );
    }
    let attachments = attachments(topo, &s.networks, replicas, cx);
    let ports = s
        .ports
        .iter()
        .filter_map(|p| {
            let long = &p.value.0;
            for port in [Some(&long.target), long.published.as_ref()].into_iter().flatten() {
                if port.value == 0 {
                    cx.push(
                        Diagnostic::new(Code::InvalidValue, "port 0 is not a port")
                            .primary(port.span, "ports run from 1 to 65535"),
                    );
                    return None;
                }
            }
            let host_ip = match &long.host_ip {
                Some(ip) => Some(address(&ip.value, ip.span, None, cx)?),
                None => topo.defaults.host_ip,
            };
            Some(PublishedPort {
                target: long.target.value,
                published: long.published.as_ref().map_or(long.target.value, |p| p.value),
                host_ip,
                protocol: long.protocol.as_ref().map_or(Protocol::Tcp, |p| p.value),
                mode: long.mode.as_ref().map_or(PortMode::Ingress, |m| m.value),
                span: p.span,
            })
        })
        .collect();
    let mounts = s
        .volumes
        .iter()
        .filter_map(|m| {
            let long = &m.value.0;
            let source = match &long.source {
                None => MountSource::Tmpfs,
                Some(src) if src.starts_with(['/', '.', '~']) => MountSource::Bind(src.value.clone()),
                Some(src) => match cx.volume_ids.get(&src.value) {
                    Some(&v) => MountSource::Volume(v),
                    None => {
                        let known = topo.volumes.iter().map(|v| v.name.clone());
                        cx.unknown("volume", src, known);
                        return None;
                    }
                },
            };
            if !long.target.starts_with('/') {
                cx.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("mount target `{}` is not an absolute path", long.target.value),
                    )
                    .primary(long.target.span, "must start with `/`"),
                );
            }
            Some(Mount {
                source,
                target: long.target.value.clone(),
                access: long.access.as_ref().map_or(Access::Rw, |a| a.value),
                span: m.span,
            })
        })
        .collect();
    let (secrets, unknown_secrets) = lookup_all(&s.secrets, &cx.secret_ids);
    for n in unknown_secrets {
        cx.unknown("secret", n, topo.secrets.iter().map(|x| x.name.clone()));
    }
    let (mut depends_on, unknown_services) = lookup_all(&s.depends_on, &cx.service_ids);
    for n in unknown_services {
        let known: Vec<String> = cx.service_ids.keys().cloned().collect();
        cx.unknown("service", n, known.into_iter());
    }
    depends_on.retain(|d| *d != id);
    let d = s.deploy.as_ref();
    let resources = |r: &Option<topoc_spec::ResourcesSpec>| Resources {
        cpus: r.as_ref().and_then(|r| r.cpus.as_ref().map(|c| c.value.0.clone())),
        memory: r.as_ref().and_then(|r| r.memory.as_ref().map(|m| m.value.clone())),
    };
    let deploy = Deploy {
        mode: d.and_then(|d| d.mode.as_ref().map(|m| m.value)),
        placement: d.map(|d| d.placement.iter().map(|p| p.value.clone()).collect()).unwrap_or_default(),
        limits: d.map(|d| resources(&d.limits)).unwrap_or_default(),
        reservations: d.map(|d| resources(&d.reservations)).unwrap_or_default(),
        endpoint_mode: d.and_then(|d| d.endpoint_mode.as_ref().map(|m| m.value)),
        restart_condition: d.and_then(|d| d.restart_condition.as_ref().map(|m| m.value.clone())),
        update_parallelism: d.and_then(|d| d.update_parallelism.as_ref().map(|m| m.value)),
        update_delay: d.and_then(|d| d.update_delay.as_ref().map(|m| m.value.clone())),
        labels: d.map(|d| pairs(&d.labels)).unwrap_or_default(),
    };
    super::reinterpreted::check_command("command", &s.command, cx);
    super::reinterpreted::check_command("entrypoint", &s.entrypoint, cx);
    super::reinterpreted::check_keys("environment", &s.environment, cx);
    super::reinterpreted::check_keys("labels", &s.labels, cx);
    super::reinterpreted::check_keys("extra_hosts", &s.extra_hosts, cx);
    super::compose_rules::check_service(s, cx);
    if let Some(d) = d {
        super::reinterpreted::check_keys("deploy.labels", &d.labels, cx);
    }
    let strings = |v: &[Sp<String>]| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
    Service {
        id,
        name: decl.name.value.clone(),
        span: decl.name.span,
        image: s.image.value.clone(),
        command: s.command.as_ref().map(|c| c.value.clone()),
        entrypoint: s.entrypoint.as_ref().map(|c| c.value.clone()),
        environment: pairs(&s.environment),
        secrets,
        mounts,
        ports,
        replicas,
        deploy,
        healthcheck: s.healthcheck.as_ref().map(|h| Healthcheck {
            test: h.test.value.clone(),
            interval: h.interval.as_ref().map(|x| x.value.clone()),
            timeout: h.timeout.as_ref().map(|x| x.value.clone()),
            retries: h.retries.as_ref().map(|x| x.value),
            start_period: h.start_period.as_ref().map(|x| x.value.clone()),
        }),
        attachments,
        network_mode,
        network_mode_span,
        relays: Vec::new(),
        user: s.user.as_ref().map(|x| x.value.clone()),
        read_only: s.read_only.as_ref().map(|x| x.value),
        privileged: s.privileged.as_ref().is_some_and(|x| x.value),
        cap_add: strings(&s.cap_add),
        cap_drop: strings(&s.cap_drop),
        security_opt: strings(&s.security_opt),
        hostname: s.hostname.as_ref().map(|x| x.value.clone()),
        dns: strings(&s.dns),
        extra_hosts: s.extra_hosts.iter().map(|(k, v)| (k.value.clone(), v.value.clone())).collect(),
        depends_on,
        restart: s.restart.as_ref().map(|r| r.value).or(topo.defaults.restart),
        gpus: s.gpus.as_ref().map(|x| x.value.clone()),
        working_dir: s.working_dir.as_ref().map(|x| x.value.clone()),
        labels: pairs(&s.labels),
        origin: decl.origin.clone(),
        spans: ServiceSpans {
            image: Some(s.image.span),
            user: s.user.as_ref().map(|x| x.span),
            read_only: s.read_only.as_ref().map(|x| x.span),
            privileged: s.privileged.as_ref().map(|x| x.span),
            cap_add: s.cap_add.iter().map(|x| x.span).collect(),
            cap_drop: s.cap_drop.iter().map(|x| x.span).collect(),
            security_opt: s.security_opt.iter().map(|x| x.span).collect(),
            environment: s.environment.iter().map(|(k, v)| (k.span, v.span)).collect(),
            restart: s.restart.as_ref().map(|x| x.span),
            deploy_limits: d.and_then(|d| d.limits.as_ref()).map(|l| {
                l.cpus.as_ref().map(|c| c.span).or(l.memory.as_ref().map(|m| m.span)).unwrap_or(decl.name.span)
            }),
        },
    }
}

fn pairs(map: &topoc_spec::Map<Sp<topoc_spec::Text>>) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect()
}

/// The ids of `names`, and the names that have none.
fn lookup_all<'n, I: Copy>(
    names: &'n [Sp<String>],
    ids: &foldhash::HashMap<String, I>,
) -> (Vec<I>, Vec<&'n Sp<String>>) {
    let mut found = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for n in names {
        match ids.get(&n.value) {
            Some(&id) => found.push(id),
            None => missing.push(n),
        }
    }
    (found, missing)
}

fn network_mode(s: &ServiceSpec, cx: &mut Cx) -> (NetworkMode, Span) {
    let Some(mode) = &s.network_mode else {
        return (NetworkMode::Networks, Span::DETACHED);
    };
    let parsed = match mode.value.as_str() {
        "host" => Some(NetworkMode::Host),
        "none" => Some(NetworkMode::None),
        other => match other.strip_prefix("service:") {
            Some(target) => match cx.service_ids.get(target) {
                Some(&id) => Some(NetworkMode::Service(id)),
                None => {
                    let known = cx.service_ids.keys().cloned().collect::<Vec<_>>();
                    cx.unknown("service", &Sp::new(target.to_owned(), mode.span), known.into_iter());
                    None
                }
            },
            None => {
                cx.push(
                    Diagnostic::new(Code::InvalidValue, format!("network_mode `{other}` is not supported"))
                        .primary(mode.span, "expected `host`, `none` or `service:<name>`")
                        .help("attach the service to networks instead; `bridge` (docker0) and `container:` are outside the topology"),
                );
                None
            }
        },
    };
    (parsed.unwrap_or(NetworkMode::None), mode.span)
}

/// Resolve a service's attachments: the network, and static addresses for every replica.
fn attachments(topo: &Topology, spec: &Attachments, replicas: u32, cx: &mut Cx) -> Vec<Attachment> {
    let mut out: Vec<Attachment> = Vec::new();
    for (name, a) in spec.0.iter() {
        let Some(&network) = cx.network_ids.get(&name.value) else {
            let known = topo.networks.iter().map(|n| n.name.clone());
            cx.unknown("network", name, known);
            continue;
        };
        if out.iter().any(|o| o.network == network) {
            cx.push(
                Diagnostic::new(Code::DuplicateKey, format!("network `{}` is listed twice", name.value))
                    .primary(name.span, "listed again here"),
            );
            continue;
        }
        let (addresses, address_span) = static_addresses(topo, network, name, a, replicas, cx);
        let ip6 = a.ip6.as_ref().and_then(|ip| {
            let net = topo.network(network);
            let Some(subnet6) = net.subnet6.as_ref().map(|s| s.net).or(net
                .subnet
                .as_ref()
                .map(|s| s.net)
                .filter(|s| s.network().is_ipv6()))
            else {
                cx.push(no_subnet(ip.span, "ip6", &name.value));
                return None;
            };
            let addr = address(&ip.value.0, ip.span, Some(subnet6), cx)?;
            check_in_subnet(addr, subnet6, ip.span, "address", cx).then_some(addr)
        });
        let mac = a.mac.as_ref().and_then(|m| mac(m, cx));
        for alias in &a.aliases {
            if let Some(problem) = crate::names::key_problem(alias) {
                cx.push(
                    Diagnostic::new(Code::InvalidName, format!("invalid alias `{}`", alias.value))
                        .primary(alias.span, problem),
                );
            }
        }
        out.push(Attachment {
            network,
            span: name.span,
            addresses,
            address_span,
            ip6,
            aliases: a.aliases.iter().map(|x| x.value.clone()).collect(),
            mac,
            mac_span: a.mac.as_ref().map_or(name.span, |m| m.span),
            gw_priority: a.gw_priority.as_ref().map(|x| x.value),
        });
    }
    out
}

fn static_addresses(
    topo: &Topology,
    network: NetworkId,
    name: &Sp<String>,
    a: &AttachmentSpec,
    replicas: u32,
    cx: &mut Cx,
) -> (Vec<IpAddr>, Span) {
    let subnet = topo.network(network).subnet.as_ref().map(|s| s.net);
    match (&a.ip, &a.range) {
        (Some(ip), Some(range)) => {
            cx.push(
                Diagnostic::new(Code::ConflictingKeys, "an attachment sets both `ip` and `range`")
                    .primary(range.span, "`range` here")
                    .secondary(ip.span, "`ip` here")
                    .help("use `ip` for one container, `range` for replicas"),
            );
            (Vec::new(), ip.span)
        }
        (Some(ip), None) => {
            let Some(subnet) = subnet else {
                cx.push(no_subnet(ip.span, "ip", &name.value));
                return (Vec::new(), ip.span);
            };
            let Some(addr) = address(&ip.value.0, ip.span, Some(subnet), cx) else {
                return (Vec::new(), ip.span);
            };
            if !check_in_subnet(addr, subnet, ip.span, "address", cx) {
                return (Vec::new(), ip.span);
            }
            if replicas > 1 {
                cx.push(
                    Diagnostic::new(Code::RangeTooSmall, format!("one static address for {replicas} replicas"))
                        .primary(ip.span, "every replica would claim this address")
                        .help(format!("use `range:` with at least {replicas} addresses, e.g. `.10-.{}`", 9 + replicas)),
                );
                return (Vec::new(), ip.span);
            }
            (vec![addr], ip.span)
        }
        (None, Some(range)) => {
            let Some(subnet) = subnet else {
                cx.push(no_subnet(range.span, "range", &name.value));
                return (Vec::new(), range.span);
            };
            let r = match ipam::parse_range(&range.value, Some(subnet)) {
                Ok(r) => r,
                Err(problem) => {
                    cx.push(Diagnostic::new(Code::InvalidAddress, problem).primary(range.span, "not a usable range"));
                    return (Vec::new(), range.span);
                }
            };
            if !check_in_subnet(r.first, subnet, range.span, "range start", cx)
                || !check_in_subnet(r.last, subnet, range.span, "range end", cx)
            {
                return (Vec::new(), range.span);
            }
            if r.len() < u128::from(replicas) {
                cx.push(
                    Diagnostic::new(
                        Code::RangeTooSmall,
                        format!("range {}-{} holds {} addresses for {replicas} replicas", r.first, r.last, r.len()),
                    )
                    .primary(range.span, "too small")
                    .help("widen the range or lower `replicas`"),
                );
                return (Vec::new(), range.span);
            }
            (r.take(replicas), range.span)
        }
        (None, None) => (Vec::new(), name.span),
    }
}

fn mac(m: &Sp<String>, cx: &mut Cx) -> Option<String> {
    let parts: Vec<&str> = m.value.split(':').collect();
    let valid = parts.len() == 6 && parts.iter().all(|p| p.len() == 2 && u8::from_str_radix(p, 16).is_ok());
    if !valid {
        cx.push(
            Diagnostic::new(Code::InvalidMac, format!("`{}` is not a MAC address", m.value))
                .primary(m.span, "expected six hex pairs, e.g. 02:42:ac:11:00:02"),
        );
        return None;
    }
    let first = u8::from_str_radix(parts[0], 16).unwrap_or(0);
    if first & 1 == 1 {
        cx.push(
            Diagnostic::new(Code::InvalidMac, format!("`{}` is a multicast MAC address", m.value))
                .primary(m.span, "the lowest bit of the first octet is set")
                .help("use a locally administered unicast address: first octet 02, 06, 0a, 0e, ..."),
        );
        return None;
    }
    Some(m.value.to_ascii_lowercase())
}

pub(crate) fn resolve_relays(topo: &mut Topology, expanded: &Expanded, cx: &mut Cx) {
    for decl in &expanded.services {
        let Some(&id) = cx.service_ids.get(&decl.name.value) else {
            continue;
        };
        if topo.services.get(id.index()).is_none_or(|s| s.span != decl.name.span) {
            continue;
        }
        let relays: Vec<Relay> = decl
            .spec
            .relays
            .iter()
            .filter_map(|r| {
                let to = super::policy::selector(&r.to, topo, cx)?;
                Some(Relay {
                    to,
                    ports: r.ports.iter().map(|p| p.value).collect(),
                    listen: r.listen.as_ref().map(|l| l.value),
                    span: r.to.span,
                })
            })
            .collect();
        topo.services[id.index()].relays = relays;
    }
}
