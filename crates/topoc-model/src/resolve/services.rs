//! Volumes, secrets and services: references, attachments with their addresses, ports, mounts.

use super::Cx;
use super::addresses::{address, check_in_subnet};
use super::networks::report_no_subnet;
use super::templates::{Decl, Expanded};
use crate::ipam;
use crate::ir::*;
use std::net::IpAddr;
use topoc_diag::{Code, Diagnostic, Span};
use topoc_spec::{
    AttachmentSpec, Attachments, ComposeText, EnvValue, FileRefs, HealthcheckSpec, MountLong, MountType, ServiceSpec,
    Sp, TopologySpec,
};

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
            carried: v.carried(),
        });
    }
    for (name, s) in spec.secrets.iter() {
        cx.check_key("secret", name, name.span);
        let candidates = [
            s.file.as_ref().map(|f| (SecretSource::File(f.value.clone()), f.span)),
            s.environment.as_ref().map(|e| (SecretSource::Environment(e.value.clone()), e.span)),
            s.external.as_ref().filter(|e| e.value).map(|e| (SecretSource::External, e.span)),
        ];
        let Some(source) = one_source("secret", name, candidates, "`file`, `environment` or `external: true`", cx)
        else {
            continue;
        };
        let id = SecretId(topo.secrets.len() as u32);
        cx.secret_ids.insert(name.value.clone(), id);
        topo.secrets.push(Secret {
            id,
            name: name.value.clone(),
            span: name.span,
            source,
            engine_name: s.name.as_ref().map(|n| n.value.clone()),
            carried: s.carried(),
        });
    }
    for (name, c) in spec.configs.iter() {
        cx.check_key("config", name, name.span);
        let candidates = [
            c.file.as_ref().map(|f| (SecretSource::File(f.value.clone()), f.span)),
            c.content.as_ref().map(|f| (SecretSource::Content(f.value.clone()), f.span)),
            c.environment.as_ref().map(|e| (SecretSource::Environment(e.value.clone()), e.span)),
            c.external.as_ref().filter(|e| e.value).map(|e| (SecretSource::External, e.span)),
        ];
        let what = "`file`, `content`, `environment` or `external: true`";
        let Some(source) = one_source("config", name, candidates, what, cx) else {
            continue;
        };
        let id = ConfigId(topo.configs.len() as u32);
        cx.config_ids.insert(name.value.clone(), id);
        topo.configs.push(Config {
            id,
            name: name.value.clone(),
            span: name.span,
            source,
            engine_name: c.name.as_ref().map(|n| n.value.clone()),
            carried: c.carried(),
        });
    }
}

/// The one source of a secret or config, or a finding.
fn one_source<const N: usize>(
    kind: &str,
    name: &Sp<String>,
    candidates: [Option<(SecretSource, Span)>; N],
    what: &str,
    cx: &mut Cx,
) -> Option<SecretSource> {
    let sources: Vec<(SecretSource, Span)> = candidates.into_iter().flatten().collect();
    match sources.as_slice() {
        [(one, _)] => Some(one.clone()),
        [] => {
            cx.push(
                Diagnostic::new(Code::MissingKey, format!("{kind} `{}` has no source", name.value))
                    .primary(name.span, format!("needs {what}"))
                    .help(format!("e.g. `file: ./{kind}s/{}.txt`", name.value)),
            );
            None
        }
        [(_, first), (_, second), ..] => {
            cx.push(
                Diagnostic::new(Code::ConflictingKeys, format!("{kind} `{}` has more than one source", name.value))
                    .primary(*second, "second source")
                    .secondary(*first, "first source")
                    .help(format!("keep exactly one of {what}")),
            );
            None
        }
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
pub(crate) fn declare(expanded: &Expanded, cx: &mut Cx) {
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
    match &s.image {
        Some(image) if image.as_written().trim().is_empty() => cx.push(
            Diagnostic::new(Code::InvalidValue, "the image is empty")
                .primary(image.span, "name an image, e.g. nginx:1.27"),
        ),
        None if s.build.is_none() => {
            cx.push(
                Diagnostic::new(
                    Code::MissingKey,
                    format!("service `{}` has no `image` and no `build`", decl.name.value),
                )
                .primary(decl.name.span, "needs `image` or `build`")
                .help("name an image (`image: nginx:1.27`), or say how to build one (`build: ./app`)"),
            );
        }
        _ => {}
    }
    if let (Some(r), Some(scale)) = (&s.replicas, &s.scale)
        && r.value != scale.value
    {
        cx.push(
            Diagnostic::new(
                Code::ConflictingKeys,
                format!("service `{}` sets `replicas: {}` and `scale: {}`", decl.name.value, r.value, scale.value),
            )
            .primary(scale.span, "`scale` here")
            .secondary(r.span, "`replicas` here")
            .help("they are one count: keep one (Compose refuses distinct values of `scale` and `deploy.replicas`)"),
        );
    }
    let count = s.replicas.as_ref().or(s.scale.as_ref());
    let replicas = count.map_or(1, |r| r.value);
    if let Some(r) = count.filter(|r| r.value > MAX_REPLICAS) {
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
    let attachments = match network_mode {
        NetworkMode::DefaultBridge => default_bridge_attachment(topo, network_mode_span, cx).into_iter().collect(),
        _ => attachments(topo, &s.networks, replicas, cx),
    };
    let ports = s
        .ports
        .iter()
        .filter_map(|p| {
            let long = &p.value.0;
            let zero = (long.target.value == 0).then_some(long.target.span).or(long
                .published
                .as_ref()
                .filter(|p| p.value.first == 0)
                .map(|p| p.span));
            if let Some(span) = zero {
                cx.push(
                    Diagnostic::new(Code::InvalidValue, "port 0 is not a port")
                        .primary(span, "ports run from 1 to 65535"),
                );
                return None;
            }
            let host_ip = match &long.host_ip {
                Some(ip) => Some(address(&ip.value, ip.span, None, cx)?),
                None => topo.defaults.host_ip,
            };
            Some((p, long, host_ip))
        })
        // A container range maps one to one onto the host range (or onto ports the engine
        // picks): one port each, as Compose expands it.
        .flat_map(|(p, long, host_ip)| {
            let last = p.value.1.unwrap_or(long.target.value);
            let host = long.published.as_ref().map(|h| h.value);
            (long.target.value..=last).map(move |target| {
                let offset = target - long.target.value;
                let (published, published_range) = match host {
                    Some(h) if h.is_range() && p.value.1.is_none() => (None, Some((h.first, h.last))),
                    Some(h) => (Some(h.first + offset), None),
                    None => (None, None),
                };
                (p, long, host_ip, target, published, published_range)
            })
        })
        .map(|(p, long, host_ip, target, published, published_range)| PublishedPort {
            target,
            published,
            published_range,
            host_ip,
            protocol: long.protocol.as_ref().map_or(Protocol::Tcp, |p| p.value),
            mode: long.mode.as_ref().map_or(PortMode::Ingress, |m| m.value),
            span: p.span,
            name: long.name.as_ref().map(|n| n.value.clone()),
            app_protocol: long.app_protocol.as_ref().map(|n| n.value.clone()),
        })
        .collect();
    let mounts = s
        .volumes
        .iter()
        .filter_map(|m| {
            let long = &m.value.0;
            let source = match (long.r#type.as_ref().map(|t| t.value), &long.source) {
                (Some(MountType::Tmpfs), Some(src)) => {
                    cx.push(
                        Diagnostic::new(Code::ConflictingKeys, "a tmpfs mount has no source")
                            .primary(src.span, "`source` here")
                            .help("remove `source`, or make it a bind or volume mount"),
                    );
                    return None;
                }
                (Some(MountType::Bind), None) => {
                    cx.push(
                        Diagnostic::new(Code::MissingKey, "a bind mount needs a `source`")
                            .primary(m.span, "no host path")
                            .help("add `source: ./path` (a host path)"),
                    );
                    return None;
                }
                (Some(MountType::Volume), None) => MountSource::Anonymous,
                (Some(MountType::Tmpfs) | None, None) => MountSource::Tmpfs,
                (Some(MountType::Bind), Some(src)) => MountSource::Bind(src.value.clone()),
                (None, Some(src)) if src.starts_with(['/', '.', '~']) => MountSource::Bind(src.value.clone()),
                (Some(MountType::Volume) | None, Some(src)) => match cx.volume_ids.get(&src.value) {
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
            let access = mount_access(long, cx);
            Some(Mount {
                options: mount_options(long, &source, m.span, cx),
                source,
                target: long.target.value.clone(),
                access,
                span: m.span,
            })
        })
        .collect();
    let (secrets, unknown) = file_mounts(&s.secrets, &cx.secret_ids);
    let (configs, unknown_configs) = file_mounts(&s.configs, &cx.config_ids);
    let build_secrets = s.build.as_ref().and_then(|b| b.value.as_ref()).and_then(|b| b.0.as_ref()).map(|b| &b.secrets);
    let (_, unknown_build) = build_secrets.map(|b| file_mounts(b, &cx.secret_ids)).unwrap_or_default();
    for n in unknown.into_iter().chain(unknown_build) {
        cx.unknown("secret", n, topo.secrets.iter().map(|x| x.name.clone()));
    }
    for n in unknown_configs {
        cx.unknown("config", n, topo.configs.iter().map(|x| x.name.clone()));
    }
    let mut depends_on = Vec::with_capacity(s.depends_on.0.len());
    for (name, dep) in &s.depends_on.0 {
        let Some(&on) = cx.service_ids.get(&name.value) else {
            let known: Vec<String> = cx.service_ids.keys().cloned().collect();
            cx.unknown("service", name, known.into_iter());
            continue;
        };
        if on != id {
            depends_on.push(Dependency {
                service: on,
                condition: dep.condition.as_ref().map_or(Condition::ServiceStarted, |c| c.value),
                restart: dep.restart.as_ref().is_some_and(|r| r.value),
                required: dep.required.as_ref().is_none_or(|r| r.value),
            });
        }
    }
    links(s, cx);
    let d = s.deploy.as_ref();
    if let Some(d) = d {
        super::compose_rules::check_resources_forms(d, cx);
    }
    let resources = |r: Option<&topoc_spec::ResourcesSpec>| Resources {
        cpus: r.and_then(|r| r.cpus.as_ref().map(|c| c.value.0.clone())),
        memory: r.and_then(|r| r.memory.as_ref().map(|m| m.value.clone())),
        carried: r.map(|r| r.carried()).unwrap_or_default(),
    };
    let deploy = Deploy {
        mode: d.and_then(|d| d.mode.as_ref().map(|m| m.value)),
        placement: d.map(|d| d.placement.constraints.iter().map(|p| p.value.clone()).collect()).unwrap_or_default(),
        placement_carried: d.map(|d| d.placement.carried()).unwrap_or_default(),
        limits: d.map(|d| resources(deploy_limits(d))).unwrap_or_default(),
        reservations: d.map(|d| resources(deploy_reservations(d))).unwrap_or_default(),
        endpoint_mode: d.and_then(|d| d.endpoint_mode.as_ref().map(|m| m.value)),
        restart_condition: d.and_then(|d| d.restart_condition.as_ref().map(|m| m.value.as_str().to_owned())),
        update_parallelism: d.and_then(|d| d.update_parallelism.as_ref().map(|m| m.value)),
        update_delay: d.and_then(|d| d.update_delay.as_ref().map(|m| m.value.0.clone())),
        labels: d.map(|d| pairs(&d.labels)).unwrap_or_default(),
        carried: d.map(|d| d.carried()).unwrap_or_default(),
    };
    if let Some(d) = d {
        deploy_conflicts(d, cx);
    }
    super::reinterpreted::check_command("command", &s.command, cx);
    super::reinterpreted::check_command("entrypoint", &s.entrypoint, cx);
    let literal_environment = s.environment.literals();
    super::reinterpreted::check_keys("environment", &literal_environment, cx);
    for v in
        s.environment.0.iter().filter(|v| v.name.value.starts_with("x-") && !matches!(v.value, EnvValue::Literal(_)))
    {
        cx.push(
            Diagnostic::new(Code::InvalidName, format!("`{}` in `environment` starts with `x-`", v.name.value))
                .primary(v.name.span, "Compose reads this as an extension and drops it"),
        );
    }
    let healthcheck = s.healthcheck.as_ref().map(|h| healthcheck(h, decl.name.span, cx));
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
        image: s.image.as_ref().map(|i| i.as_written().to_owned()).unwrap_or_default(),
        image_interpolated: s.image.as_ref().is_some_and(|i| matches!(i.value, ComposeText::Interpolated(_))),
        command: s.command.as_ref().map(|c| c.value.clone()),
        entrypoint: s.entrypoint.as_ref().map(|c| c.value.clone()),
        environment: pairs(&literal_environment),
        deploy_time_environment: s
            .environment
            .0
            .iter()
            .filter_map(|v| match &v.value {
                EnvValue::Literal(_) => None,
                EnvValue::PassThrough => Some((v.name.value.clone(), DeployTimeValue::PassThrough)),
                EnvValue::Interpolated(t) => Some((v.name.value.clone(), DeployTimeValue::Interpolated(t.clone()))),
            })
            .collect(),
        secrets,
        configs,
        mounts,
        ports,
        expose: super::expose::resolve(&s.expose, cx),
        replicas,
        scale_key: s.replicas.is_none() && s.scale.is_some(),
        deploy,
        healthcheck,
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
        carried: s.carried(),
        spans: ServiceSpans {
            image: s.image.as_ref().map(|i| i.span),
            user: s.user.as_ref().map(|x| x.span),
            read_only: s.read_only.as_ref().map(|x| x.span),
            privileged: s.privileged.as_ref().map(|x| x.span),
            cap_add: s.cap_add.iter().map(|x| x.span).collect(),
            cap_drop: s.cap_drop.iter().map(|x| x.span).collect(),
            security_opt: s.security_opt.iter().map(|x| x.span).collect(),
            environment: literal_environment.iter().map(|(k, v)| (k.span, v.span)).collect(),
            restart: s.restart.as_ref().map(|x| x.span),
            deploy_limits: d.and_then(deploy_limits).map(|l| {
                l.cpus.as_ref().map(|c| c.span).or(l.memory.as_ref().map(|m| m.span)).unwrap_or(decl.name.span)
            }),
        },
    }
}

fn pairs(map: &topoc_spec::Map<Sp<topoc_spec::Text>>) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect()
}

/// Secrets or configs mounted into a service, by id, and the names that are not declared.
fn file_mounts<'r, I: Copy>(
    refs: &'r FileRefs,
    ids: &foldhash::HashMap<String, I>,
) -> (Vec<FileMount<I>>, Vec<&'r Sp<String>>) {
    let mut out = Vec::with_capacity(refs.0.len());
    let mut unknown = Vec::new();
    for r in &refs.0 {
        let Some(&source) = ids.get(&r.source.value) else {
            unknown.push(&r.source);
            continue;
        };
        out.push(FileMount {
            source,
            target: r.target.as_ref().map(|t| t.value.clone()),
            uid: r.uid.as_ref().map(|t| t.value.0.clone()),
            gid: r.gid.as_ref().map(|t| t.value.0.clone()),
            mode: r.mode.as_ref().map(|m| Json::from(m.value.0)),
        });
    }
    (out, unknown)
}

/// Compose's nested deploy forms and topoc's flat ones must not both say the same thing.
fn deploy_conflicts(d: &topoc_spec::DeploySpec, cx: &mut Cx) {
    let flat_update = d.update_parallelism.as_ref().map(|x| x.span).or(d.update_delay.as_ref().map(|x| x.span));
    let pairs = [
        (
            d.restart_policy.as_ref().map(|c| c.span),
            d.restart_condition.as_ref().map(|x| x.span),
            "restart_policy",
            "restart_condition",
        ),
        (d.update_config.as_ref().map(|c| c.span), flat_update, "update_config", "update_parallelism/update_delay"),
    ];
    for (nested, flat, nested_key, flat_key) in pairs {
        if let (Some(nested), Some(flat)) = (nested, flat) {
            cx.push(
                Diagnostic::new(Code::ConflictingKeys, format!("`deploy` sets both `{nested_key}` and `{flat_key}`"))
                    .primary(flat, format!("`{flat_key}` here"))
                    .secondary(nested, format!("`{nested_key}` here"))
                    .help(format!("keep one: `{nested_key}` is Compose's form, `{flat_key}` topoc's shorter one")),
            );
        }
    }
}

/// `links` name services: `service` or `service:alias`.
fn links(s: &ServiceSpec, cx: &mut Cx) {
    let Some(Some(links)) = s.links.as_ref().map(|l| l.value.as_ref()) else { return };
    let span = s.links.as_ref().map_or(Span::DETACHED, |l| l.span);
    for link in links {
        let service = link.0.split_once(':').map_or(link.0.as_str(), |(s, _)| s);
        if !cx.service_ids.contains_key(service) {
            let known: Vec<String> = cx.service_ids.keys().cloned().collect();
            cx.unknown("service", &Sp::new(service.to_owned(), span), known.into_iter());
        }
    }
}

fn healthcheck(h: &HealthcheckSpec, service: Span, cx: &mut Cx) -> Healthcheck {
    let disable = h.disable.as_ref().is_some_and(|d| d.value);
    if h.test.is_none() && !disable {
        cx.push(
            Diagnostic::new(Code::MissingKey, "a healthcheck needs a `test`")
                .primary(service, "`healthcheck` without `test`")
                .help("add `test: [\"CMD\", \"...\"]`, or `disable: true` to turn off the image's check"),
        );
    }
    let text = |d: &Option<Sp<topoc_spec::carried::Duration>>| d.as_ref().map(|x| x.value.0.clone());
    Healthcheck {
        test: h.test.as_ref().map(|t| t.value.clone()),
        interval: text(&h.interval),
        timeout: text(&h.timeout),
        retries: h.retries.as_ref().map(|x| x.value),
        start_period: text(&h.start_period),
        start_interval: text(&h.start_interval),
        disable,
    }
}

/// `access` (topoc) or `read_only` (Compose); both is a conflict unless they agree.
fn mount_access(long: &MountLong, cx: &mut Cx) -> Access {
    let from_read_only = long.read_only.as_ref().map(|r| if r.value { Access::Ro } else { Access::Rw });
    match (long.access.as_ref(), from_read_only) {
        (Some(a), Some(r)) if a.value != r => {
            cx.push(
                Diagnostic::new(Code::ConflictingKeys, "`access` and `read_only` disagree")
                    .primary(a.span, "`access` here")
                    .help("keep one: `access: ro` is `read_only: true`"),
            );
            a.value
        }
        (Some(a), _) => a.value,
        (None, Some(r)) => r,
        (None, None) => Access::Rw,
    }
}

/// A mount's options, each only on the kind of mount it belongs to.
fn mount_options(long: &MountLong, source: &MountSource, span: Span, cx: &mut Cx) -> MountOptions {
    let (bind, volume, tmpfs) = match source {
        MountSource::Bind(_) => (true, false, false),
        MountSource::Volume(_) | MountSource::Anonymous => (false, true, false),
        MountSource::Tmpfs => (false, false, true),
    };
    for (present, ok, key) in [
        (long.bind.is_some(), bind, "bind"),
        (long.volume.is_some(), volume, "volume"),
        (long.tmpfs.is_some(), tmpfs, "tmpfs"),
    ] {
        if present && !ok {
            cx.push(
                Diagnostic::new(Code::ConflictingKeys, format!("`{key}` options on a mount that is not a {key} mount"))
                    .primary(span, "this mount")
                    .help(format!("remove `{key}`, or set `type: {key}`")),
            );
        }
    }
    let b = long.bind.as_ref();
    let v = long.volume.as_ref();
    let t = long.tmpfs.as_ref();
    MountOptions {
        propagation: b.and_then(|b| b.propagation.as_ref().map(|p| p.value)),
        create_host_path: b.and_then(|b| b.create_host_path.as_ref()).is_some_and(|c| c.value),
        selinux: b.and_then(|b| b.selinux.as_ref().map(|p| p.value)),
        nocopy: v.and_then(|v| v.nocopy.as_ref()).is_some_and(|n| n.value),
        subpath: v.and_then(|v| v.subpath.as_ref().map(|p| p.value.clone())),
        tmpfs_size: t.and_then(|t| t.size.as_ref().map(|p| p.value.0.clone())),
        tmpfs_mode: t.and_then(|t| t.mode.as_ref().map(|p| p.value)),
        consistency: long.consistency.as_ref().map(|c| c.value.clone()),
    }
}

fn network_mode(s: &ServiceSpec, cx: &mut Cx) -> (NetworkMode, Span) {
    let Some(mode) = &s.network_mode else {
        return (NetworkMode::Networks, Span::DETACHED);
    };
    let parsed = match mode.value.as_str() {
        "host" => Some(NetworkMode::Host),
        "none" => Some(NetworkMode::None),
        super::networks::DEFAULT_BRIDGE => Some(NetworkMode::DefaultBridge),
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
                        .primary(mode.span, "expected `host`, `none`, `bridge` or `service:<name>`")
                        .help(if other.starts_with("container:") {
                            "`container:` joins a container outside the topology, whose networks the model cannot see: \
                             declare it as a service and write `service:<name>`"
                        } else {
                            "attach the service to networks instead"
                        }),
                );
                None
            }
        },
    };
    (parsed.unwrap_or(NetworkMode::None), mode.span)
}

/// A `network_mode: bridge` service's one attachment, to Docker's default bridge: the engine
/// gives it an address from docker0's subnet, and `networks` keys (addresses, aliases, MAC)
/// cannot be written for it.
fn default_bridge_attachment(topo: &Topology, span: Span, cx: &Cx) -> Option<Attachment> {
    // A declared network of that key is reported by `networks::default_bridge`.
    let network = *cx.network_ids.get(super::networks::DEFAULT_BRIDGE)?;
    topo.network(network).predefined.then_some(())?;
    Some(Attachment {
        network,
        span,
        addresses: Vec::new(),
        address_span: span,
        ip6: None,
        aliases: Vec::new(),
        mac: None,
        mac_span: span,
        gw_priority: None,
        carried: CarriedKeys::default(),
    })
}

/// Resolve a service's attachments: the network, and static addresses for every replica.
fn attachments(topo: &Topology, spec: &Attachments, replicas: u32, cx: &mut Cx) -> Vec<Attachment> {
    // Exact for the usual one or two: push's first growth is room for four.
    let mut out: Vec<Attachment> = Vec::with_capacity(spec.0.len());
    for (name, a) in spec.0.iter() {
        let Some(&network) = cx.network_ids.get(&name.value) else {
            let known = topo.networks.iter().map(|n| n.name.clone());
            cx.unknown("network", name, known);
            continue;
        };
        if topo.network(network).predefined {
            cx.push(
                Diagnostic::new(
                    Code::PredefinedNetwork,
                    "Docker's default bridge is joined with `network_mode: bridge`",
                )
                .primary(name.span, "`bridge` here is the default bridge (docker0)")
                .help("write `network_mode: bridge` instead of `networks`, or attach to a network of your own")
                .note("Compose does not attach services to docker0 through `networks`"),
            );
            continue;
        }
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
                report_no_subnet(cx, ip.span, "ip6", &name.value);
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
            carried: a.carried(),
        });
    }
    out
}

/// `deploy.limits`, or Compose's `deploy.resources.limits` (the two forms are exclusive).
pub(crate) fn deploy_limits(d: &topoc_spec::DeploySpec) -> Option<&topoc_spec::ResourcesSpec> {
    d.limits.as_ref().or_else(|| d.resources.as_ref()?.value.limits.as_ref())
}

/// `deploy.reservations`, or Compose's `deploy.resources.reservations`.
pub(crate) fn deploy_reservations(d: &topoc_spec::DeploySpec) -> Option<&topoc_spec::ResourcesSpec> {
    d.reservations.as_ref().or_else(|| d.resources.as_ref()?.value.reservations.as_ref())
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
                report_no_subnet(cx, ip.span, "ip", &name.value);
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
                report_no_subnet(cx, range.span, "range", &name.value);
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
            // The network's reserved addresses (`aux_addresses`) are skipped, as the engine's
            // IPAM would refuse them.
            let reserved: Vec<IpAddr> = topo.network(network).aux_addresses.iter().map(|a| a.address).collect();
            let free = r.len_avoiding(&reserved);
            if free < u128::from(replicas) {
                let skipped = r.len() - free;
                let note = if skipped > 0 {
                    format!(" once {skipped} reserved by `aux_addresses` are left out")
                } else {
                    String::new()
                };
                cx.push(
                    Diagnostic::new(
                        Code::RangeTooSmall,
                        format!("range {}-{} holds {free} addresses for {replicas} replicas{note}", r.first, r.last),
                    )
                    .primary(range.span, "too small")
                    .help("widen the range or lower `replicas`"),
                );
                return (Vec::new(), range.span);
            }
            (r.take_avoiding(replicas, &reserved), range.span)
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
