//! Defaults, reserved ranges, pools and networks: names, drivers, subnets (explicit or
//! allocated from a pool, stable through the lock), gateways and dynamic ranges.

use super::Cx;
use super::templates::Expanded;
use crate::ipam::{self, CidrError, Taken};
use crate::ir::*;
use crate::lock::Lock;
use ipnet::IpNet;
use topoc_diag::{Code, Diagnostic, Span};
use topoc_spec::{NetworkSpec, Sp, TopologySpec};

pub(crate) fn defaults(spec: &TopologySpec, cx: &mut Cx) -> Defaults {
    let Some(d) = &spec.defaults else {
        return Defaults::default();
    };
    let host_ip = d.host_ip.as_ref().and_then(|ip| match ip.value.parse() {
        Ok(addr) => Some(addr),
        Err(_) => {
            cx.push(
                Diagnostic::new(Code::InvalidAddress, format!("`{}` is not an IP address", ip.value))
                    .primary(ip.span, "expected a host address such as 127.0.0.1"),
            );
            None
        }
    });
    Defaults {
        egress: d.egress.as_ref().is_some_and(|e| e.value),
        host_ip,
        restart: d.restart.as_ref().map(|r| r.value),
        listen: d.listen.as_ref().map(|l| l.value),
    }
}

/// Parse a CIDR field, reporting invalid ones and host bits with the corrected prefix.
pub(crate) fn cidr(text: &Sp<String>, what: &str, cx: &mut Cx) -> Option<IpNet> {
    match ipam::parse_cidr(&text.value) {
        Ok(net) => Some(net),
        Err(CidrError::HostBits(fixed)) => {
            cx.push(
                Diagnostic::new(Code::HostBitsSet, format!("{what} `{}` has host bits set", text.value))
                    .primary(text.span, format!("the network address of this prefix is {}", fixed.network()))
                    .help(format!("did you mean `{fixed}`?")),
            );
            None
        }
        Err(CidrError::Invalid) => {
            cx.push(
                Diagnostic::new(Code::InvalidCidr, format!("{what} `{}` is not a valid CIDR", text.value))
                    .primary(text.span, "expected ADDRESS/PREFIX, e.g. 10.0.1.0/24 or fd00:1::/64"),
            );
            None
        }
    }
}

pub(crate) fn reserved(spec: &TopologySpec, cx: &mut Cx) -> Vec<Reserved> {
    spec.reserved
        .iter()
        .filter_map(|(name, range)| {
            cidr(range, "reserved range", cx).map(|net| Reserved { name: name.value.clone(), net, span: range.span })
        })
        .collect()
}

pub(crate) fn pools(spec: &TopologySpec, reserved: &[Reserved], cx: &mut Cx) -> Vec<Pool> {
    let mut out: Vec<Pool> = Vec::new();
    for (name, pool) in spec.pools.iter() {
        let Some(range) = cidr(&pool.range, "pool range", cx) else {
            continue;
        };
        let prefix = pool.prefix.value;
        if prefix < range.prefix_len() || prefix > range.max_prefix_len() {
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("pool `{}` cannot hand out /{prefix} blocks from {range}", name.value),
                )
                .primary(
                    pool.prefix.span,
                    format!("must be between {} and {}", range.prefix_len(), range.max_prefix_len()),
                )
                .secondary(pool.range.span, "the pool's range"),
            );
            continue;
        }
        for r in reserved.iter().filter(|r| ipam::overlaps(r.net, range)) {
            cx.push(
                Diagnostic::new(
                    Code::ReservedOverlap,
                    format!("pool `{}` ({range}) overlaps reserved range `{}` ({})", name.value, r.name, r.net),
                )
                .primary(pool.range.span, "this pool")
                .secondary(r.span, "reserved here")
                .help("move the pool out of the reserved range"),
            );
        }
        if let Some(other) = out.iter().find(|p| ipam::overlaps(p.range, range)) {
            cx.push(
                Diagnostic::new(Code::SubnetOverlap, format!("pools `{}` and `{}` overlap", other.name, name.value))
                    .primary(pool.range.span, format!("{range}"))
                    .secondary(other.span, format!("{}", other.range))
                    .help("give every pool its own range, so allocations from one can never collide with another's"),
            );
            continue;
        }
        let id = PoolId(out.len() as u32);
        cx.refused_pools.remove(&name.value);
        cx.pool_ids.insert(name.value.clone(), id);
        out.push(Pool { id, name: name.value.clone(), span: pool.range.span, range, prefix });
    }
    out
}

/// Register every network with its explicit settings. Subnets from pools come next.
pub(crate) fn declare(topo: &mut Topology, expanded: &Expanded, cx: &mut Cx) {
    topo.networks.reserve(expanded.networks.len());
    for decl in &expanded.networks {
        let name = &decl.name;
        cx.check_key("network", name, name.span);
        if let Some(&existing) = cx.network_ids.get(&name.value) {
            let first = &topo.networks[existing.index()];
            let mut d =
                Diagnostic::new(Code::NameCollision, format!("network `{}` is defined more than once", name.value))
                    .primary(name.span, format!("defined again here{}", super::origin_text(topo, &decl.origin)))
                    .help("rename one; in templates, put `{id}` in the network name");
            if first.span != name.span {
                d = d.secondary(first.span, "first defined here");
            } else {
                d = d.note(format!("first stamped{}", super::origin_text(topo, &first.origin)));
            }
            cx.push(d);
            continue;
        }
        let network = network(topo, decl.name.clone(), &decl.spec, decl.origin.clone(), cx);
        cx.network_ids.insert(name.value.clone(), network.id);
        topo.networks.push(network);
    }
    default_bridge(topo, expanded, cx);
}

/// The key of Docker's default bridge in the model (selectors write `network:bridge`).
pub(crate) const DEFAULT_BRIDGE: &str = "bridge";

/// Docker's default bridge, in the model when a service joins it with `network_mode: bridge`.
fn default_bridge(topo: &mut Topology, expanded: &Expanded, cx: &mut Cx) {
    let Some(first) =
        expanded.services.iter().find_map(|s| s.spec.network_mode.as_ref().filter(|m| m.value == DEFAULT_BRIDGE))
    else {
        return;
    };
    if let Some(&taken) = cx.network_ids.get(DEFAULT_BRIDGE) {
        cx.push(
            Diagnostic::new(
                Code::NameCollision,
                "network key `bridge` is taken, but `network_mode: bridge` needs it for Docker's default bridge",
            )
            .primary(topo.networks[taken.index()].span, "declared here")
            .secondary(first.span, "`network_mode: bridge` here")
            .help("rename the declared network: `network:bridge` selects Docker's default bridge (docker0)"),
        );
        return;
    }
    cx.push(
        Diagnostic::new(Code::PredefinedNetwork, "services join Docker's default bridge (docker0)")
            .primary(first.span, "`network_mode: bridge` here")
            .note(
                "every container started without a network is on the default bridge too, and reaches its members on \
                 every port; the model knows only the members the spec lists. It has no embedded DNS: members find \
                 each other by address, or by name through `links`",
            )
            .help("attach the services to a network of your own, unless they must share docker0 with other containers")
            .with_severity(topoc_diag::Severity::Warning),
    );
    let id = NetworkId(topo.networks.len() as u32);
    cx.network_ids.insert(DEFAULT_BRIDGE.to_owned(), id);
    topo.networks.push(Network {
        id,
        name: DEFAULT_BRIDGE.to_owned(),
        span: first.span,
        engine_name: Some(DEFAULT_BRIDGE.to_owned()),
        driver: Driver::Bridge,
        external: true,
        subnet: None,
        gateway: None,
        ip_range: None,
        subnet6: None,
        gateway6: None,
        aux_addresses: Vec::new(),
        ipam_driver: None,
        ipam_options: Vec::new(),
        // docker0 is not internal, and inter-container traffic is on unless the daemon says
        // `--icc=false` (which the model cannot see).
        egress: true,
        egress_span: first.span,
        attachable: false,
        encrypted: false,
        icc: true,
        parent: None,
        mode: None,
        driver_opts: Vec::new(),
        labels: Vec::new(),
        origin: Origin::Declared,
        carried: CarriedKeys::default(),
        predefined: true,
    });
}

fn network(topo: &Topology, name: Sp<String>, spec: &NetworkSpec, origin: Origin, cx: &mut Cx) -> Network {
    super::reinterpreted::check_keys("driver_opts", &spec.driver_opts, cx);
    super::reinterpreted::check_keys("labels", &spec.labels, cx);
    let driver = spec.driver.as_ref().map_or(Driver::Bridge, |d| d.value);
    let flag = |f: &Option<Sp<bool>>| f.as_ref().map(|f| f.value);
    if let (Some(subnet), Some(pool)) = (&spec.subnet, &spec.pool) {
        cx.push(
            Diagnostic::new(Code::ConflictingKeys, format!("network `{}` sets both `subnet` and `pool`", name.value))
                .primary(pool.span, "`pool` here")
                .secondary(subnet.span, "`subnet` here")
                .help("a network takes its subnet from exactly one place: remove one of them"),
        );
    }
    if let (Some(external), Some(pool)) = (spec.external.as_ref().filter(|e| e.value), &spec.pool) {
        cx.push(
            Diagnostic::new(Code::ConflictingKeys, format!("external network `{}` cannot draw a subnet from a pool", name.value))
                .primary(pool.span, "`pool` here")
                .secondary(external.span, "the network already exists")
                .help("an external network's subnet is whatever it was created with: write it as `subnet` so topoc can check overlaps"),
        );
    }
    let subnet = spec
        .subnet
        .as_ref()
        .and_then(|s| cidr(s, "subnet", cx).map(|net| Subnet { net, span: s.span, source: SubnetSource::Explicit }));
    if spec.subnet.is_some() && subnet.is_none() {
        cx.unplaced_networks.insert(name.value.clone());
    }
    let subnet6 = spec.subnet6.as_ref().and_then(|s| {
        let net = cidr(s, "subnet6", cx)?;
        if !net.network().is_ipv6() {
            cx.push(
                Diagnostic::new(Code::InvalidCidr, format!("subnet6 `{}` is not an IPv6 subnet", s.value))
                    .primary(s.span, "expected an IPv6 CIDR such as fd00:1::/64")
                    .help("put IPv4 subnets under `subnet`"),
            );
            return None;
        }
        Some(Subnet { net, span: s.span, source: SubnetSource::Explicit })
    });
    driver_checks(&name, spec, driver, cx);
    if let (Some(egress), Some(internal)) = (&spec.egress, &spec.internal)
        && egress.value == internal.value
    {
        cx.push(
            Diagnostic::new(
                Code::ConflictingKeys,
                format!(
                    "network `{}` sets `egress: {}` and `internal: {}`, which say the opposite",
                    name.value, egress.value, internal.value
                ),
            )
            .primary(internal.span, "`internal` here")
            .secondary(egress.span, "`egress` here")
            .help("`internal: true` is `egress: false`: keep one of them"),
        );
    }
    let egress = flag(&spec.egress).or(spec.internal.as_ref().map(|i| !i.value)).unwrap_or(topo.defaults.egress);
    Network {
        id: NetworkId(topo.networks.len() as u32),
        name: name.value.clone(),
        span: name.span,
        engine_name: spec.name.as_ref().map(|n| n.value.clone()),
        driver,
        external: flag(&spec.external).unwrap_or(false),
        subnet,
        gateway: None,
        ip_range: None,
        subnet6,
        gateway6: None,
        aux_addresses: Vec::new(),
        ipam_driver: spec.ipam.as_ref().and_then(|i| i.value.driver.as_ref()).map(|d| d.value.clone()),
        ipam_options: spec
            .ipam
            .as_ref()
            .map(|i| i.value.options.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect())
            .unwrap_or_default(),
        egress,
        egress_span: spec.egress.as_ref().or(spec.internal.as_ref()).map_or(name.span, |e| e.span),
        attachable: flag(&spec.attachable).unwrap_or(false),
        encrypted: flag(&spec.encrypted).unwrap_or(false),
        icc: flag(&spec.icc).unwrap_or(true),
        parent: spec.parent.as_ref().map(|p| p.value.clone()),
        mode: spec.mode.as_ref().map(|m| m.value.clone()),
        driver_opts: spec.driver_opts.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect(),
        labels: spec.labels.iter().map(|(k, v)| (k.value.clone(), v.value.0.clone())).collect(),
        origin,
        carried: spec.carried(),
        predefined: false,
    }
}

/// Settings that only some drivers understand.
fn driver_checks(name: &Sp<String>, spec: &NetworkSpec, driver: Driver, cx: &mut Cx) {
    let mut only = |set: bool, span: Option<Span>, key: &str, drivers: &[Driver]| {
        if set && !drivers.contains(&driver) {
            let names: Vec<&str> = drivers.iter().map(|d| d.as_str()).collect();
            cx.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("`{key}` does not apply to {driver} network `{}`", name.value),
                )
                .primary(span.unwrap_or(name.span), format!("only for {} networks", names.join("/")))
                .help(format!("remove `{key}`, or set `driver: {}`", names[0])),
            );
        }
    };
    only(
        spec.encrypted.as_ref().is_some_and(|e| e.value),
        spec.encrypted.as_ref().map(|e| e.span),
        "encrypted",
        &[Driver::Overlay],
    );
    only(spec.parent.is_some(), spec.parent.as_ref().map(|e| e.span), "parent", &[Driver::Macvlan, Driver::Ipvlan]);
    only(spec.mode.is_some(), spec.mode.as_ref().map(|e| e.span), "mode", &[Driver::Macvlan, Driver::Ipvlan]);
    only(spec.icc.as_ref().is_some_and(|e| !e.value), spec.icc.as_ref().map(|e| e.span), "icc", &[Driver::Bridge]);
    if let Some(mode) = &spec.mode {
        let allowed: &[&str] = match driver {
            Driver::Macvlan => &["bridge", "private", "vepa", "passthru"],
            Driver::Ipvlan => &["l2", "l3", "l3s"],
            _ => &[],
        };
        if !allowed.is_empty() && !allowed.contains(&mode.value.as_str()) {
            cx.push(
                Diagnostic::new(Code::InvalidValue, format!("`{}` is not a {driver} mode", mode.value))
                    .primary(mode.span, format!("expected one of {}", allowed.join(", "))),
            );
        }
    }
}

/// Give every `pool:` network a subnet: first the lock's (when still valid), then the first free
/// block. Returns the new lock, holding exactly the current pool networks.
pub(crate) fn allocate_pools(topo: &mut Topology, expanded: &Expanded, lock: &Lock, cx: &mut Cx) -> Lock {
    let mut taken = Taken::default();
    for n in &topo.networks {
        for s in [&n.subnet, &n.subnet6].into_iter().flatten() {
            taken.insert(s.net);
        }
    }
    for r in &topo.reserved {
        taken.insert(r.net);
    }
    // Requests in network order; the lock's valid entries are placed first.
    let mut requests: Vec<(NetworkId, PoolId, Span)> = Vec::new();
    for decl in &expanded.networks {
        let (Some(pool_name), Some(&id)) = (&decl.spec.pool, cx.network_ids.get(&decl.name.value)) else {
            continue;
        };
        if decl.spec.subnet.is_some() || topo.networks[id.index()].span != decl.name.span {
            continue;
        }
        match cx.pool_ids.get(&pool_name.value) {
            Some(&pool) => requests.push((id, pool, pool_name.span)),
            None if cx.refused_pools.contains(&pool_name.value) => {
                cx.unplaced_networks.insert(decl.name.value.clone());
            }
            None => {
                let known = topo.pools.iter().map(|p| p.name.clone());
                cx.unknown("pool", pool_name, known);
            }
        }
    }
    let mut placed: Vec<Option<(IpNet, bool)>> = vec![None; requests.len()];
    // Pools are disjoint and hand out one block size each, so two lock entries collide only
    // when they are the same block.
    let mut locked_taken = std::collections::HashSet::new();
    taken.seal();
    for (i, (id, pool_id, _)) in requests.iter().enumerate() {
        let pool = &topo.pools[pool_id.index()];
        let name = &topo.networks[id.index()].name;
        let Some(net) = lock.get(&pool.name, name) else {
            continue;
        };
        let fits = net.prefix_len() == pool.prefix
            && pool.range.contains(&net)
            && !taken.overlaps(net)
            && !locked_taken.contains(&net);
        if fits {
            locked_taken.insert(net);
            placed[i] = Some((net, true));
        } else {
            cx.push(
                Diagnostic::new(
                    Code::LockInvalid,
                    format!(
                        "the lock's subnet {net} for network `{name}` no longer fits pool `{}`; allocating a new one",
                        pool.name
                    ),
                )
                .primary(requests[i].2, "allocated from this pool")
                .note("the pool's range or prefix changed, or another network now holds that block"),
            );
        }
    }
    let mut all_taken = taken.clone();
    for p in placed.iter().flatten() {
        all_taken.insert(p.0);
    }
    all_taken.seal();
    let mut cursors = vec![0u128; topo.pools.len()];
    for (i, (id, pool_id, span)) in requests.iter().enumerate() {
        if placed[i].is_some() {
            continue;
        }
        let pool = &topo.pools[pool_id.index()];
        match ipam::allocate(pool.range, pool.prefix, &all_taken, &mut cursors[pool_id.index()]) {
            Some(net) => placed[i] = Some((net, false)),
            None => {
                cx.unplaced_networks.insert(topo.networks[id.index()].name.clone());
                let held = requests.iter().filter(|r| r.1 == *pool_id).count();
                cx.push(
                    Diagnostic::new(
                        Code::PoolExhausted,
                        format!(
                            "pool `{}` has no free /{} block left for network `{}`",
                            pool.name,
                            pool.prefix,
                            topo.networks[id.index()].name
                        ),
                    )
                    .primary(*span, "allocated from this pool")
                    .secondary(
                        pool.span,
                        format!(
                            "{} holds {} /{} blocks; {held} networks ask for one",
                            pool.range,
                            block_count(pool),
                            pool.prefix
                        ),
                    )
                    .help("widen the pool's range, lengthen its prefix, or move some networks to another pool"),
                );
            }
        }
    }
    let mut new_lock = Lock::default();
    for (i, (id, pool_id, span)) in requests.iter().enumerate() {
        let Some((net, locked)) = placed[i] else {
            continue;
        };
        let pool = &topo.pools[pool_id.index()];
        let network = &mut topo.networks[id.index()];
        let subnet = Subnet { net, span: *span, source: SubnetSource::Pool { pool: *pool_id, locked } };
        if net.network().is_ipv6() && network.subnet.is_none() {
            network.subnet = Some(subnet);
        } else if net.network().is_ipv6() {
            network.subnet6 = Some(subnet);
        } else {
            network.subnet = Some(subnet);
        }
        new_lock.pools.entry(pool.name.clone()).or_default().insert(network.name.clone(), net);
    }
    new_lock
}

fn block_count(pool: &Pool) -> String {
    let bits = u32::from(pool.prefix - pool.range.prefix_len());
    if bits >= 64 { format!("2^{bits}") } else { (1u128 << bits).to_string() }
}

/// Gateways and dynamic ranges, which need the subnet.
pub(crate) fn finish(topo: &mut Topology, expanded: &Expanded, cx: &mut Cx) {
    for decl in &expanded.networks {
        let Some(&id) = cx.network_ids.get(&decl.name.value) else {
            continue;
        };
        if topo.networks[id.index()].span != decl.name.span {
            continue;
        }
        let spec = &decl.spec;
        let subnet = topo.networks[id.index()].subnet.as_ref().map(|s| s.net);
        let subnet6 = topo.networks[id.index()].subnet6.as_ref().map(|s| s.net);
        let has_ipv6 = subnet6.is_some() || subnet.is_some_and(|s| s.network().is_ipv6());
        let unplaced = cx.unplaced_networks.contains(&decl.name.value);
        if let Some(flag) = spec.enable_ipv6.as_ref().filter(|f| f.value != has_ipv6 && !unplaced) {
            cx.push(
                Diagnostic::new(
                    Code::ConflictingKeys,
                    format!(
                        "network `{}` sets `enable_ipv6: {}` but has {} IPv6 subnet",
                        decl.name.value,
                        flag.value,
                        if has_ipv6 { "an" } else { "no" }
                    ),
                )
                .primary(flag.span, "`enable_ipv6` here")
                .help(if flag.value {
                    "give the network `subnet6` (topoc plans IPv6 addresses only in subnets it knows)"
                } else {
                    "remove `subnet6`, or `enable_ipv6`: topoc writes `enable_ipv6: true` for a network with an IPv6 subnet"
                }),
            );
        }
        let gateway = spec.gateway.as_ref().and_then(|g| gateway_address(g, subnet, "gateway", cx));
        let gateway6 = spec.gateway6.as_ref().and_then(|g| gateway_address(g, subnet6, "gateway6", cx));
        let ip_range = spec.ip_range.as_ref().and_then(|r| {
            let net = cidr(r, "ip_range", cx)?;
            match subnet {
                Some(s) if s.contains(&net) => Some(net),
                Some(s) => {
                    cx.push(
                        Diagnostic::new(Code::AddressOutsideSubnet, format!("ip_range {net} is not inside subnet {s}"))
                            .primary(r.span, "outside the subnet")
                            .help(format!("pick a range inside {s}")),
                    );
                    None
                }
                None => {
                    report_no_subnet(cx, r.span, "ip_range", &decl.name.value);
                    None
                }
            }
        });
        let aux_addresses = aux_addresses(spec, subnet, subnet6, &decl.name.value, cx);
        let n = &mut topo.networks[id.index()];
        n.aux_addresses = aux_addresses;
        n.gateway = gateway;
        n.gateway6 = gateway6;
        n.ip_range = ip_range;
    }
}

/// `aux_addresses`: each inside the subnet of its family (a host offset counts in `subnet`),
/// none the gateway, none named twice with one address.
fn aux_addresses(
    spec: &NetworkSpec,
    subnet: Option<IpNet>,
    subnet6: Option<IpNet>,
    network: &str,
    cx: &mut Cx,
) -> Vec<AuxAddress> {
    let mut out: Vec<AuxAddress> = Vec::with_capacity(spec.aux_addresses.len());
    for (name, text) in spec.aux_addresses.iter() {
        if subnet.is_none() && subnet6.is_none() {
            report_no_subnet(cx, text.span, "aux_addresses", network);
            continue;
        }
        let Some(addr) = super::addresses::address(&text.value.0, text.span, subnet.or(subnet6), cx) else {
            continue;
        };
        let family = [subnet, subnet6].into_iter().flatten().find(|s| s.network().is_ipv6() == addr.is_ipv6());
        let Some(family) = family else {
            let kind = if addr.is_ipv6() { "IPv6" } else { "IPv4" };
            cx.push(
                Diagnostic::new(
                    Code::AddressOutsideSubnet,
                    format!(
                        "aux address `{}` {addr} is {kind}, and network `{network}` has no {kind} subnet",
                        name.value
                    ),
                )
                .primary(text.span, "no subnet of this family")
                .help("give the network a subnet of this family, or pick an address in its subnet"),
            );
            continue;
        };
        if !super::addresses::check_in_subnet(addr, family, text.span, "aux address", cx) {
            continue;
        }
        if let Some(other) = out.iter().find(|o| o.address == addr) {
            cx.push(
                Diagnostic::new(
                    Code::DuplicateAddress,
                    format!("{addr} is reserved twice on network `{network}`: `{}` and `{}`", other.name, name.value),
                )
                .primary(text.span, "reserved again here")
                .secondary(other.span, "first here")
                .help("give each reserved address one name"),
            );
            continue;
        }
        out.push(AuxAddress { name: name.value.clone(), address: addr, span: text.span });
    }
    out
}

fn gateway_address(
    text: &Sp<topoc_spec::Address>,
    subnet: Option<IpNet>,
    what: &str,
    cx: &mut Cx,
) -> Option<std::net::IpAddr> {
    let Some(subnet) = subnet else {
        cx.push(no_subnet(text.span, what, ""));
        return None;
    };
    let addr = super::addresses::address(&text.value.0, text.span, Some(subnet), cx)?;
    super::addresses::check_in_subnet(addr, subnet, text.span, what, cx).then_some(addr)
}

/// "`ip` needs a subnet on network N", unless N's subnet is missing because of an error
/// already reported (that error is the cause; this would only follow from it).
pub(crate) fn report_no_subnet(cx: &mut Cx, span: Span, what: &str, network: &str) {
    if !cx.unplaced_networks.contains(network) {
        cx.push(no_subnet(span, what, network));
    }
}

pub(crate) fn no_subnet(span: Span, what: &str, network: &str) -> Diagnostic {
    let on = if network.is_empty() { String::new() } else { format!(" on network `{network}`") };
    Diagnostic::new(Code::AddressOutsideSubnet, format!("`{what}` needs a subnet{on}"))
        .primary(span, "there is no subnet to place this in")
        .help("give the network a `subnet` or a `pool`")
}
