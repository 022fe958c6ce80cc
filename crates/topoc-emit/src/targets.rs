//! Build targets, what each can carry, and the findings for what it cannot.
//!
//! Every spec feature that some target does not carry as written is a [`Feature`].
//! [`occurrences`] finds where a topology uses each one; that part knows nothing of targets.
//! Each target then declares, in its [`capabilities`] table, what it does with a feature:
//!
//! - carries it (a feature the table does not name is carried);
//! - translates it into its own terms with the same effect (no finding);
//! - ignores it: the target accepts the setting but does not apply it (a `target-ignored`
//!   warning);
//! - refuses it: the target would reject it, or drop it without a word (a `target-unsupported`
//!   error). Some refusals may be accepted with `--allow-drop FEATURE`: the finding stays, as a
//!   warning, and the emitter leaves the feature out of the artifact.
//!
//! [`check`] joins the two into findings, one per place, plus the `swarm-name` checks. docs/targets.md is the same table for people; a test keeps
//! the two in step.

use std::collections::HashMap;
use topoc_diag::{Code, Diagnostic, Diagnostics, Severity, Span};
use topoc_model::{DeployMode, Driver, EndpointMode, NetworkMode, PortMode, SecretSource, Topology};

/// What `topoc build` emits: one type for every crate, defined in the model.
pub use topoc_model::Target;

macro_rules! features {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal; )+) => {
        /// A spec feature some target does not carry as written. The name is what
        /// `--allow-drop` takes and what docs/targets.md lists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Feature { $( $(#[doc = $doc])+ $variant, )+ }

        impl Feature {
            pub const ALL: &'static [Feature] = &[$(Feature::$variant),+];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Feature::$variant => $name,)+ }
            }

            /// What the feature is, in one sentence.
            pub fn description(self) -> &'static str {
                match self { $(Feature::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }

            pub fn from_name(name: &str) -> Option<Feature> {
                Feature::ALL.iter().copied().find(|f| f.as_str() == name)
            }
        }
    };
}

features! {
    /// A network created by the deployment with the default driver, `bridge`.
    BridgeNetwork = "bridge-network";
    /// An overlay network created by the deployment that is not `attachable`.
    OverlayNetwork = "overlay-network";
    /// A macvlan or ipvlan network created by the deployment (not `external`).
    LocalNetwork = "local-network";
    /// `icc: false` on a network.
    Icc = "icc";
    /// A network `gateway` or `gateway6`.
    Gateway = "gateway";
    /// A network `ip_range`.
    IpRange = "ip-range";
    /// A network's `aux_addresses`, IPAM `driver` or IPAM `options`.
    Ipam = "ipam";
    /// An IPv6 subnet on a network (`subnet6`, or an IPv6 `subnet`).
    Ipv6 = "ipv6";
    /// A static address on an attachment: `ip`, `range` or `ip6`.
    StaticAddress = "static-address";
    /// A MAC address on an attachment.
    Mac = "mac";
    /// `gw_priority` on an attachment.
    GwPriority = "gw-priority";
    /// A published port bound to one host address (`host_ip`, or `defaults.host_ip`).
    HostIp = "host-ip";
    /// A host port range the engine picks from (`8000-8010:80`).
    HostPortRange = "host-port-range";
    /// A secret read from an environment variable at deploy time.
    SecretEnvironment = "secret-environment";
    /// A secret that already exists in the engine (`external: true`).
    ExternalSecret = "external-secret";
    /// `network_mode: host`.
    HostNetwork = "host-network";
    /// `network_mode: none`, or a service without networks (which topoc gives none).
    NoNetwork = "no-network";
    /// `network_mode: service:NAME`: another service's network namespace.
    SharedNamespace = "shared-namespace";
    /// `network_mode: bridge`: Docker's default bridge (docker0).
    DefaultBridge = "default-bridge";
    /// `privileged: true`.
    Privileged = "privileged";
    /// `security_opt`.
    SecurityOpt = "security-opt";
    /// `gpus`.
    Gpus = "gpus";
    /// `depends_on`.
    DependsOn = "depends-on";
    /// A service `restart` policy (or `defaults.restart`).
    Restart = "restart";
    /// `deploy.endpoint_mode`.
    EndpointMode = "endpoint-mode";
    /// `deploy.placement` constraints.
    Placement = "placement";
    /// `deploy.update_parallelism` or `deploy.update_delay`.
    UpdateConfig = "update-config";
    /// `deploy.labels`.
    DeployLabels = "deploy-labels";
    /// `deploy.reservations.cpus`.
    CpuReservation = "cpu-reservation";
    /// `endpoint_mode: dnsrr` on a service that publishes a port through the routing mesh.
    DnsrrIngress = "dnsrr-ingress";
    /// `replicas` on a `global` service.
    GlobalReplicas = "global-replicas";
    /// A routing-mesh (`mode: ingress`) port on a service whose networks are all internal.
    IngressEgress = "ingress-egress";
    /// A Compose key topoc carries outside the model (`build`, `logging`, `profiles`, ...).
    CarriedKey = "carried-key";
    /// A config from an environment variable or with inline `content`.
    ConfigSource = "config-source";
}

/// What a target does with a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Emitted as written.
    Carried,
    /// Emitted in the target's own terms, with the same effect.
    Translated,
    /// The target accepts the setting but does not apply it: a warning.
    Ignored,
    /// The target would reject it or drop it silently: an error. A `droppable` refusal may be
    /// accepted with `--allow-drop`; the emitter then leaves the feature out.
    Refused { droppable: bool },
}

/// One row of a target's table.
#[derive(Debug, Clone, Copy)]
pub struct Capability {
    pub feature: Feature,
    pub support: Support,
    /// The finding's message, or for carried and translated rows what the emitter does.
    pub message: &'static str,
    /// What to do instead.
    pub help: &'static str,
}

const fn row(feature: Feature, support: Support, message: &'static str, help: &'static str) -> Capability {
    Capability { feature, support, message, help }
}

const DROP: Support = Support::Refused { droppable: true };
const REFUSE: Support = Support::Refused { droppable: false };

const COMPOSE: &[Capability] = &[
    row(
        Feature::OverlayNetwork,
        Support::Ignored,
        "Compose containers cannot join an overlay network that is not `attachable` (and Compose can create an overlay only on a Swarm manager)",
        "set `attachable: true` and run Compose against a Swarm manager, or build this spec with `--target swarm`",
    ),
    row(
        Feature::ExternalSecret,
        REFUSE,
        "Compose has no secret store: `docker compose up` fails on an external secret",
        "give the secret a `file` or an `environment` source, or build with `--target swarm`",
    ),
    row(
        Feature::EndpointMode,
        Support::Ignored,
        "Compose has no service virtual IP: it ignores `deploy.endpoint_mode`",
        "remove `endpoint_mode`, or build with `--target swarm`",
    ),
    row(
        Feature::Placement,
        Support::Ignored,
        "Compose runs every container on one engine: it ignores placement constraints",
        "remove `placement`, or build with `--target swarm`",
    ),
    row(
        Feature::UpdateConfig,
        Support::Ignored,
        "Compose does no rolling updates: it ignores `update_parallelism` and `update_delay`",
        "remove them, or build with `--target swarm`",
    ),
    row(
        Feature::DeployLabels,
        Support::Ignored,
        "Compose creates containers, not Swarm services: it ignores `deploy.labels`",
        "use the service's `labels` for container labels",
    ),
    row(
        Feature::CpuReservation,
        Support::Ignored,
        "a CPU reservation is a Swarm scheduling setting: Compose applies only the memory reservation",
        "use `limits.cpus` to cap CPU, or build with `--target swarm`",
    ),
];

const SWARM: &[Capability] = &[
    row(
        Feature::BridgeNetwork,
        Support::Translated,
        "created as an overlay network (`driver: overlay`), Swarm's own network",
        "",
    ),
    row(
        Feature::LocalNetwork,
        DROP,
        "a macvlan or ipvlan network is local to one node: `docker stack deploy` cannot create it for Swarm services",
        "create it outside the stack and declare it `external: true` with its `name`: on every node `docker network create --config-only --subnet SUBNET --gateway GATEWAY --ip-range NODE-RANGE -o parent=IFACE NAME-config` (a disjoint --ip-range per node: each node allocates addresses on its own), then once on a manager `docker network create -d macvlan --scope swarm --config-from NAME-config NAME` (`-d ipvlan` likewise)",
    ),
    row(
        Feature::Icc,
        DROP,
        "`icc: false` is a bridge-driver switch: an overlay network has none, and its members would reach each other",
        "put the services that must not talk to each other on separate networks",
    ),
    row(
        Feature::Gateway,
        DROP,
        "a stack file cannot set a network's gateway (its `ipam.config` takes only `subnet`)",
        "remove `gateway`: Swarm gives the network the first address of its subnet",
    ),
    row(
        Feature::IpRange,
        DROP,
        "a stack file cannot set a network's `ip_range` (its `ipam.config` takes only `subnet`)",
        "remove `ip_range`: Swarm allocates from the whole subnet",
    ),
    row(
        Feature::Ipam,
        DROP,
        "a stack file's `ipam.config` takes only `subnet` (no `aux_addresses`), and topoc's stack writer writes no IPAM driver or options",
        "remove `aux_addresses` and `ipam`, or create the network outside the stack and declare it `external`",
    ),
    row(
        Feature::Ipv6,
        DROP,
        "a stack file cannot make a network dual-stack: it has no `enable_ipv6`",
        "remove `subnet6`, or create the network outside the stack (`docker network create -d overlay --ipv6 ...`) and declare it `external`",
    ),
    row(
        Feature::StaticAddress,
        DROP,
        "Swarm cannot give a service task a fixed address: `docker stack deploy` accepts `ipv4_address` and `ipv6_address` and silently drops them",
        "remove `ip`, `range` and `ip6`: Swarm assigns addresses, and services find each other by name (or alias); `replicas` still runs one task per replica",
    ),
    row(Feature::Mac, DROP, "a stack file cannot set a MAC address on a network attachment", "remove `mac`"),
    row(
        Feature::GwPriority,
        DROP,
        "a stack file cannot set `gw_priority` on a network attachment",
        "remove `gw_priority`",
    ),
    row(
        Feature::HostIp,
        DROP,
        "Swarm publishes a port on every address of the node: a stack file has no `host_ip`",
        "publish on every address (`host_ip: 0.0.0.0`, also in `defaults.host_ip`) and filter with a firewall, or do not publish the port and reach it over an overlay network",
    ),
    row(
        Feature::HostPortRange,
        DROP,
        "topoc writes no host port range to a stack file: how Swarm's routing mesh takes `published: \"8000-8010\"` is not verified",
        "publish on one host port, or leave `published` out and let Swarm pick one",
    ),
    row(
        Feature::SecretEnvironment,
        DROP,
        "a stack file reads a secret only from a `file` or from an existing (`external`) secret",
        "write the value to a file and use `file:`, or create it with `docker secret create` and declare it `external: true`",
    ),
    row(
        Feature::ConfigSource,
        DROP,
        "a stack file reads a config only from a `file` or from an existing (`external`) config",
        "write the content to a file and use `file:`, or create it with `docker config create` and declare it `external: true`",
    ),
    row(
        Feature::HostNetwork,
        Support::Translated,
        "attached to Swarm's predefined `host` network, declared `external`",
        "",
    ),
    row(
        Feature::NoNetwork,
        DROP,
        "a Swarm service cannot go without a network: Swarm has no `none` network for services, and a stack service without networks joins the stack's `default` network, which has a way out",
        "attach the service to an internal network of its own (`egress: false`); that isolates it as `none` does, except from its own replicas",
    ),
    row(
        Feature::SharedNamespace,
        DROP,
        "a Swarm service cannot join another service's network namespace",
        "attach the service to the networks it needs instead",
    ),
    row(
        Feature::DefaultBridge,
        DROP,
        "a Swarm service does not join a node's default bridge: `docker stack deploy` ignores `network_mode`, with a warning",
        "attach the service to a network of the stack instead",
    ),
    row(
        Feature::Privileged,
        DROP,
        "`docker stack deploy` ignores `privileged`, with only a warning",
        "remove `privileged`; grant the capabilities the service needs with `cap_add`",
    ),
    row(
        Feature::SecurityOpt,
        DROP,
        "`docker stack deploy` ignores `security_opt`, with only a warning",
        "remove `security_opt`, or set the option in the daemon's configuration on every node",
    ),
    row(
        Feature::Gpus,
        DROP,
        "a stack file has no `gpus`",
        "advertise the GPUs as generic resources in each node's daemon configuration and reserve them there (outside topoc)",
    ),
    row(
        Feature::CarriedKey,
        DROP,
        "the stack file carries the network model only: keys topoc carries outside the model (`build`, `logging`, `ulimits`, ...) are not written to it",
        "remove the key, or deploy with Compose",
    ),
    row(
        Feature::DependsOn,
        DROP,
        "Swarm starts every service at once: `docker stack deploy` ignores `depends_on`",
        "make the service wait for (retry) what it needs, then remove `depends_on`",
    ),
    row(
        Feature::Restart,
        Support::Translated,
        "becomes `deploy.restart_policy.condition` (`no`: `none`, `on-failure`: `on-failure`, `always` and `unless-stopped`: `any`) unless `deploy.restart_condition` is set",
        "",
    ),
    row(
        Feature::DnsrrIngress,
        REFUSE,
        "Swarm cannot publish a port through the routing mesh (`mode: ingress`) for a `dnsrr` service",
        "publish the port with `mode: host`, or use `endpoint_mode: vip`",
    ),
    row(
        Feature::GlobalReplicas,
        REFUSE,
        "a `global` service runs one task per node: `docker stack deploy` refuses `replicas` with it",
        "remove `replicas`, or use `mode: replicated`",
    ),
    row(
        Feature::IngressEgress,
        REFUSE,
        "a Swarm task with a routing-mesh port joins the `ingress` network and `docker_gwbridge`, which gives it a way out although every network of the service is internal",
        "attach the service to a network with `egress: true` (and let the policy allow it), or remove the port and reach the service over an overlay network",
    ),
];

/// What the artifact does without a dropped feature (droppable refusals only; only the Swarm
/// target drops anything).
fn drop_effect(feature: Feature) -> &'static str {
    match feature {
        Feature::LocalNetwork => {
            "the network and the attachments to it are left out; a service left without networks joins the stack's `default` network"
        }
        Feature::Icc => "the members of the network reach each other",
        Feature::Gateway => "Swarm picks the gateway",
        Feature::IpRange => "Swarm allocates from the whole subnet",
        Feature::Ipam => "Swarm's default IPAM may hand out the reserved addresses",
        Feature::Ipv6 => "the network is IPv4 only",
        Feature::StaticAddress => "Swarm assigns the addresses",
        Feature::Mac => "the engine picks the MAC address",
        Feature::GwPriority => "the engine picks the default route",
        Feature::HostIp => "the port is published on every address of every node",
        Feature::HostPortRange => "the port is published on a port Swarm picks",
        Feature::SecretEnvironment => "the secret and its uses are left out",
        Feature::ConfigSource => "the config and its uses are left out",
        Feature::NoNetwork | Feature::SharedNamespace | Feature::DefaultBridge => {
            "the service is written without networks, and joins the stack's `default` network, which has a way out"
        }
        Feature::Privileged => "the service runs unprivileged",
        Feature::SecurityOpt => "the service runs with the engine's default security options",
        Feature::Gpus => "the service gets no GPU",
        Feature::DependsOn => "every service starts at once",
        Feature::CarriedKey => "the key is left out of the stack file",
        _ => "the output leaves it out",
    }
}

/// A target's table: the features it does not carry as written (any other is carried).
pub fn capabilities(target: Target) -> &'static [Capability] {
    match target {
        Target::Compose => COMPOSE,
        Target::Swarm => SWARM,
    }
}

/// What `target` does with `feature`.
pub fn support(target: Target, feature: Feature) -> Support {
    capability(target, feature).map_or(Support::Carried, |c| c.support)
}

fn capability(target: Target, feature: Feature) -> Option<&'static Capability> {
    capabilities(target).iter().find(|c| c.feature == feature)
}

/// One place a topology uses a feature.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub feature: Feature,
    pub span: Span,
    /// The label: which object, and what it says.
    pub label: String,
    /// A feature whose refusal already covers this place (the settings of a macvlan network
    /// that must be created outside a Swarm stack anyway).
    pub covered_by: Option<Feature>,
    /// A feature whose dropping takes this place with it (an attachment to a macvlan network).
    pub dropped_with: Option<Feature>,
}

/// Every place the topology uses a feature some target does not carry as written, in topology
/// order; only features `wanted` says a caller needs (labels are formatted only for those: a
/// large topology has a static address per attachment, and most targets carry them).
pub fn occurrences(topo: &Topology, wanted: &dyn Fn(Feature) -> bool) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> = Vec::new();
    macro_rules! add {
        ($feature:expr, $span:expr, $label:expr $(,)?) => {
            if wanted($feature) {
                out.push(Occurrence {
                    feature: $feature,
                    span: $span,
                    label: $label,
                    covered_by: None,
                    dropped_with: None,
                })
            }
        };
    }
    for n in topo.networks.iter().filter(|n| !n.external) {
        let name = &n.name;
        let first = out.len();
        match n.driver {
            Driver::Bridge => add!(Feature::BridgeNetwork, n.span, format!("`{name}` uses the bridge driver")),
            Driver::Overlay if !n.attachable => {
                add!(Feature::OverlayNetwork, n.span, format!("overlay `{name}` is not attachable"))
            }
            Driver::Overlay => {}
            Driver::Macvlan | Driver::Ipvlan => {
                add!(Feature::LocalNetwork, n.span, format!("`{name}` uses the {} driver", n.driver.as_str()))
            }
        }
        if !n.icc {
            add!(Feature::Icc, n.span, format!("`{name}` sets `icc: false`"));
        }
        let gateways: Vec<String> = [n.gateway, n.gateway6].into_iter().flatten().map(|g| g.to_string()).collect();
        if !gateways.is_empty() {
            add!(Feature::Gateway, n.span, format!("`{name}` sets gateway {}", gateways.join(" and ")));
        }
        if let Some(r) = n.ip_range {
            add!(Feature::IpRange, n.span, format!("`{name}` sets ip_range {r}"));
        }
        if !n.aux_addresses.is_empty() || n.ipam_driver.is_some() || !n.ipam_options.is_empty() {
            add!(Feature::Ipam, n.span, format!("`{name}` sets `aux_addresses` or an IPAM driver or options"));
        }
        for v6 in [&n.subnet, &n.subnet6].into_iter().flatten().filter(|s| s.net.network().is_ipv6()) {
            add!(Feature::Ipv6, v6.span, format!("`{name}` has the IPv6 subnet {}", v6.net));
        }
        if n.is_lan() {
            for o in out[first..].iter_mut().filter(|o| o.feature != Feature::LocalNetwork) {
                o.covered_by = Some(Feature::LocalNetwork);
            }
        }
    }
    for s in &topo.services {
        let name = &s.name;
        for a in &s.attachments {
            let first = out.len();
            let network = topo.network(a.network);
            let net = &network.name;
            if wanted(Feature::StaticAddress) {
                let mut addresses: Vec<String> = a.addresses.iter().map(|x| x.to_string()).collect();
                addresses.extend(a.ip6.map(|x| x.to_string()));
                if !addresses.is_empty() {
                    let shown = match addresses.len() {
                        1 | 2 => addresses.join(" and "),
                        n => format!("{} .. {} ({n} addresses)", addresses[0], addresses[n - 1]),
                    };
                    let span = if a.address_span.is_detached() { a.span } else { a.address_span };
                    add!(Feature::StaticAddress, span, format!("`{name}` on `{net}`: {shown}"));
                }
            }
            if let Some(mac) = &a.mac {
                let span = if a.mac_span.is_detached() { a.span } else { a.mac_span };
                add!(Feature::Mac, span, format!("`{name}` on `{net}`: {mac}"));
            }
            if let Some(p) = a.gw_priority {
                add!(Feature::GwPriority, a.span, format!("`{name}` on `{net}`: gw_priority {p}"));
            }
            if !network.external && network.is_lan() {
                for o in &mut out[first..] {
                    o.dropped_with = Some(Feature::LocalNetwork);
                }
            }
        }
        for p in &s.ports {
            if let Some((first, last)) = p.published_range {
                add!(
                    Feature::HostPortRange,
                    p.span,
                    format!("`{name}` publishes {} on a port of {first}-{last}", p.target)
                );
            }
            if let Some(ip) = p.host_ip.filter(|ip| !ip.is_unspecified()) {
                add!(Feature::HostIp, p.span, format!("`{name}` publishes {} on {ip} only", p.host_port()));
            }
        }
        match &s.network_mode {
            NetworkMode::Host => add!(Feature::HostNetwork, s.network_mode_span, format!("`{name}`: host")),
            NetworkMode::None => add!(Feature::NoNetwork, s.network_mode_span, format!("`{name}`: none")),
            NetworkMode::Networks if s.attachments.is_empty() => {
                add!(Feature::NoNetwork, s.span, format!("`{name}` has no networks"))
            }
            NetworkMode::Networks => {}
            NetworkMode::DefaultBridge => {
                add!(Feature::DefaultBridge, s.network_mode_span, format!("`{name}` joins the default bridge"))
            }
            NetworkMode::Service(id) => add!(
                Feature::SharedNamespace,
                s.network_mode_span,
                format!("`{name}` joins `{}`'s namespace", topo.service(*id).name),
            ),
        }
        if s.privileged {
            add!(Feature::Privileged, s.span, format!("`{name}` is privileged"));
        }
        if !s.security_opt.is_empty() {
            add!(Feature::SecurityOpt, s.span, format!("`{name}` sets {}", s.security_opt.join(", ")));
        }
        if let Some(g) = &s.gpus {
            add!(Feature::Gpus, s.span, format!("`{name}` asks for gpus `{g}`"));
        }
        if !s.depends_on.is_empty() {
            let on: Vec<&str> = s.depends_on.iter().map(|d| topo.service(d.service).name.as_str()).collect();
            add!(Feature::DependsOn, s.span, format!("`{name}` depends on {}", on.join(", ")));
        }
        if let Some(r) = s.restart {
            add!(Feature::Restart, s.span, format!("`{name}` restarts `{}`", r.as_str()));
        }
        let d = &s.deploy;
        if let Some(m) = d.endpoint_mode {
            add!(Feature::EndpointMode, s.span, format!("`{name}` sets endpoint_mode {}", m.as_str()));
            let mesh = s.ports.iter().find(|p| p.mode == PortMode::Ingress);
            if let (EndpointMode::Dnsrr, Some(p)) = (m, mesh) {
                add!(
                    Feature::DnsrrIngress,
                    p.span,
                    format!("`{name}` is dnsrr and publishes {} via the mesh", p.host_port())
                );
            }
        }
        if !d.placement.is_empty() || !d.placement_carried.is_empty() {
            let keys = d.placement_carried.iter().map(|(k, _)| format!("`{k}`"));
            let what: Vec<String> = d.placement.iter().cloned().chain(keys).collect();
            add!(Feature::Placement, s.span, format!("`{name}`: {}", what.join(", ")));
        }
        let nested_update = d.carried.iter().any(|(k, _)| k == "update_config" || k == "rollback_config");
        if d.update_parallelism.is_some() || d.update_delay.is_some() || nested_update {
            add!(Feature::UpdateConfig, s.span, format!("`{name}` sets a rolling update"));
        }
        if !d.labels.is_empty() {
            add!(Feature::DeployLabels, s.span, format!("`{name}` sets deploy labels"));
        }
        if let Some(c) = &d.reservations.cpus {
            add!(Feature::CpuReservation, s.span, format!("`{name}` reserves {c} CPUs"));
        }
        if d.mode == Some(DeployMode::Global) && s.replicas != 1 {
            add!(Feature::GlobalReplicas, s.span, format!("`{name}` is global with {} replicas", s.replicas));
        }
        let internal_only = matches!(s.network_mode, NetworkMode::Networks)
            && !s.attachments.is_empty()
            && s.attachments.iter().all(|a| {
                let n = topo.network(a.network);
                !n.external && !n.egress
            });
        if internal_only && let Some(p) = s.ports.iter().find(|p| p.mode == PortMode::Ingress) {
            add!(
                Feature::IngressEgress,
                p.span,
                format!("`{name}` publishes {} via the mesh, on internal networks only", p.host_port()),
            );
        }
    }
    for secret in &topo.secrets {
        match &secret.source {
            SecretSource::Environment(var) => {
                add!(Feature::SecretEnvironment, secret.span, format!("`{}` comes from ${var}", secret.name),)
            }
            SecretSource::External => {
                add!(Feature::ExternalSecret, secret.span, format!("`{}` is external", secret.name))
            }
            SecretSource::File(_) | SecretSource::Content(_) => {}
        }
    }
    for config in &topo.configs {
        match &config.source {
            SecretSource::Environment(var) => {
                add!(Feature::ConfigSource, config.span, format!("`{}` comes from ${var}", config.name))
            }
            SecretSource::Content(_) => {
                add!(Feature::ConfigSource, config.span, format!("`{}` has inline content", config.name))
            }
            SecretSource::File(_) | SecretSource::External => {}
        }
    }
    for s in &topo.services {
        for (key, _) in s.carried.iter().filter(|(k, _)| !k.starts_with("x-")) {
            add!(Feature::CarriedKey, s.span, format!("`{}` sets `{key}`", s.name));
        }
        for (key, _) in &s.deploy.placement_carried {
            add!(Feature::CarriedKey, s.span, format!("`{}` sets `deploy.placement.{key}`", s.name));
        }
        for (group, r) in [("limits", &s.deploy.limits), ("reservations", &s.deploy.reservations)] {
            for (key, _) in &r.carried {
                add!(Feature::CarriedKey, s.span, format!("`{}` sets `deploy.{group}.{key}`", s.name));
            }
        }
        for a in &s.attachments {
            for (key, _) in &a.carried {
                let network = &topo.network(a.network).name;
                add!(Feature::CarriedKey, a.span, format!("`{}` sets `{key}` on `{network}`", s.name));
            }
        }
    }
    out
}

/// The findings for building `topo` for `target`: one per place that uses a feature the
/// target ignores or refuses (places sharing a span, as template instances do, share one), and
/// for Swarm the names it would reject. A refusal named in `allow_drop`, when droppable, is a
/// warning instead of an error.
pub fn check(topo: &Topology, target: Target, allow_drop: &[Feature]) -> Diagnostics {
    // Each place with how many more share its span.
    let mut places: Vec<(Occurrence, usize)> = Vec::new();
    let mut seen: HashMap<(Feature, Span), usize> = HashMap::new();
    let wanted = |f: Feature| !matches!(support(target, f), Support::Carried | Support::Translated);
    for o in occurrences(topo, &wanted) {
        let covered = o.covered_by.is_some_and(|f| matches!(support(target, f), Support::Refused { .. }))
            || o.dropped_with.is_some_and(|f| {
                support(target, f) == (Support::Refused { droppable: true }) && allow_drop.contains(&f)
            });
        if covered || matches!(support(target, o.feature), Support::Carried | Support::Translated) {
            continue;
        }
        match seen.get(&(o.feature, o.span)) {
            Some(&i) if !o.span.is_detached() => places[i].1 += 1,
            _ => {
                seen.insert((o.feature, o.span), places.len());
                places.push((o, 0));
            }
        }
    }
    let mut out = Diagnostics::new();
    for (o, more) in places {
        let Some(cap) = capability(target, o.feature) else {
            continue;
        };
        let name = o.feature.as_str();
        let dropped = matches!(cap.support, Support::Refused { droppable: true }) && allow_drop.contains(&o.feature);
        let (code, severity) = match cap.support {
            Support::Carried | Support::Translated => continue,
            Support::Ignored => (Code::TargetIgnored, Severity::Warning),
            Support::Refused { .. } if dropped => (Code::TargetUnsupported, Severity::Warning),
            Support::Refused { .. } => (Code::TargetUnsupported, Severity::Error),
        };
        let label = match more {
            0 => o.label,
            n => format!("{} (and {n} more from this template)", o.label),
        };
        let mut d = Diagnostic::new(code, cap.message).with_severity(severity).primary(o.span, label).help(cap.help);
        d = match cap.support {
            Support::Refused { droppable: true } if dropped => {
                d.note(format!("`--allow-drop {name}` accepted the loss: {}", drop_effect(o.feature)))
            }
            Support::Refused { droppable: true } => {
                d.note(format!("to build without it, knowingly: `--allow-drop {name}` ({})", drop_effect(o.feature)))
            }
            Support::Refused { droppable: false } if allow_drop.contains(&o.feature) => {
                d.note(format!("`--allow-drop {name}` cannot apply: there is nothing the output could leave out"))
            }
            _ => d,
        };
        out.push(d);
    }
    if target == Target::Swarm {
        swarm_names(topo, &mut out);
    }
    out.sort();
    out
}

/// Swarm's rule for service and network names (swarmkit's `validateAnnotations`): letters,
/// digits, `-` and `_`, starting and ending with a letter or digit, at most 63 characters.
pub fn swarm_object_name_problem(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some(format!("`{name}` is {} characters long; Swarm allows 63", name.len()));
    }
    name_shape_problem(name, &['-', '_'])
}

/// Swarm's rule for secret and config names: letters, digits, `-`, `_` and `.`, starting and
/// ending with a letter or digit, at most 64 characters.
pub fn swarm_secret_name_problem(name: &str) -> Option<String> {
    if name.len() > 64 {
        return Some(format!("`{name}` is {} characters long; Swarm allows 64", name.len()));
    }
    name_shape_problem(name, &['-', '_', '.'])
}

fn name_shape_problem(name: &str, inner: &[char]) -> Option<String> {
    let allowed: Vec<String> = inner.iter().map(|c| format!("`{c}`")).collect();
    let mut bad: Vec<char> = name.chars().filter(|c| !c.is_ascii_alphanumeric() && !inner.contains(c)).collect();
    bad.sort_unstable();
    bad.dedup();
    if !bad.is_empty() {
        let bad: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
        return Some(format!(
            "`{name}` holds {}; Swarm allows letters, digits and {}",
            bad.join(", "),
            allowed.join(", ")
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Some(format!("`{name}` must start and end with a letter or digit"));
    }
    None
}

fn swarm_names(topo: &Topology, out: &mut Diagnostics) {
    let stack = &topo.name;
    let stack_label = "the stack name, prefixed to every name";
    for s in &topo.services {
        let full = format!("{stack}_{}", s.name);
        if let Some(problem) = swarm_object_name_problem(&full) {
            out.push(
                Diagnostic::new(Code::SwarmName, format!("Swarm rejects the service name `{full}`"))
                    .primary(s.span, problem)
                    .secondary(topo.name_span, stack_label)
                    .help("rename the service (or shorten the topology name): no `.`, a letter or digit at each end, at most 63 characters with the stack prefix"),
            );
        }
    }
    for n in topo.networks.iter().filter(|n| !n.external) {
        let (full, prefixed) = match &n.engine_name {
            Some(name) => (name.clone(), false),
            None => (format!("{stack}_{}", n.name), true),
        };
        if let Some(problem) = swarm_object_name_problem(&full) {
            let mut d = Diagnostic::new(Code::SwarmName, format!("Swarm rejects the network name `{full}`"))
                .primary(n.span, problem)
                .help(
                    "rename the network (or its `name:`): no `.`, a letter or digit at each end, at most 63 characters",
                );
            if prefixed {
                d = d.secondary(topo.name_span, stack_label);
            }
            out.push(d);
        }
    }
    for secret in &topo.secrets {
        if matches!(secret.source, SecretSource::External) {
            continue;
        }
        let (full, prefixed) = match &secret.engine_name {
            Some(name) => (name.clone(), false),
            None => (format!("{stack}_{}", secret.name), true),
        };
        if let Some(problem) = swarm_secret_name_problem(&full) {
            let mut d = Diagnostic::new(Code::SwarmName, format!("Swarm rejects the secret name `{full}`"))
                .primary(secret.span, problem)
                .help("rename the secret (or its `name:`): a letter or digit at each end, at most 64 characters");
            if prefixed {
                d = d.secondary(topo.name_span, stack_label);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_is_named_once_and_documented() {
        let docs = include_str!("../../../docs/targets.md");
        for f in Feature::ALL {
            assert_eq!(Feature::from_name(f.as_str()), Some(*f));
            assert!(!f.description().is_empty());
            assert!(docs.contains(&format!("`{}`", f.as_str())), "docs/targets.md does not list `{}`", f.as_str());
        }
        for t in Target::ALL {
            let mut seen: Vec<Feature> = capabilities(*t).iter().map(|c| c.feature).collect();
            let before = seen.len();
            seen.sort();
            seen.dedup();
            assert_eq!(before, seen.len(), "{} lists a feature twice", t.title());
        }
    }

    #[test]
    fn swarm_name_rules() {
        assert!(swarm_object_name_problem("stack_web-1").is_none());
        assert!(swarm_object_name_problem("stack_a--b__c").is_none());
        assert!(swarm_object_name_problem("stack_api.v2").is_some());
        assert!(swarm_object_name_problem("stack_web-").is_some());
        assert!(swarm_object_name_problem(&"a".repeat(63)).is_none());
        assert!(swarm_object_name_problem(&"a".repeat(64)).is_some());
        assert!(swarm_secret_name_problem("stack_db.password").is_none());
        assert!(swarm_secret_name_problem("stack_db.").is_some());
    }
}
