//! Address planning as pure functions over `ipnet`, in the manner of netavark: parse and
//! validate CIDRs and addresses, resolve host offsets, allocate subnets from pools, and find
//! overlaps by sort-and-sweep.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a CIDR was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    Invalid,
    /// Host bits are set; the truncated network is the likely intent.
    HostBits(IpNet),
}

/// Parse `a.b.c.d/n` (or IPv6), refusing host bits. IPv4-mapped IPv6 is kept as IPv6.
///
/// The address is read by the standard library's parser, which refuses what Docker's (Go's)
/// refuses too: `010.0.0.0/24` (leading zeros, octal to some readers), as `ip:` already was;
/// the prefix is decimal digits only (no `+24`, no `024`).
pub fn parse_cidr(text: &str) -> Result<IpNet, CidrError> {
    let (address, prefix) = text.trim().split_once('/').ok_or(CidrError::Invalid)?;
    let decimal = prefix.bytes().all(|b| b.is_ascii_digit()) && !(prefix.len() > 1 && prefix.starts_with('0'));
    if prefix.is_empty() || prefix.len() > 3 || !decimal {
        return Err(CidrError::Invalid);
    }
    let address: IpAddr = address.parse().map_err(|_| CidrError::Invalid)?;
    let prefix: u8 = prefix.parse().map_err(|_| CidrError::Invalid)?;
    let net = IpNet::new(address, prefix).map_err(|_| CidrError::Invalid)?;
    if net.trunc() != net {
        return Err(CidrError::HostBits(net.trunc()));
    }
    Ok(net)
}

/// Parse an address, absolute (`10.0.0.5`) or a host offset in `subnet` (`.5`, `.1.5`).
pub fn parse_address(text: &str, subnet: Option<IpNet>) -> Result<IpAddr, String> {
    let text = text.trim();
    if let Some(offset) = text.strip_prefix('.') {
        let subnet =
            subnet.ok_or_else(|| format!("`{text}` is a host offset, but the network has no subnet to offset into"))?;
        let offset =
            parse_offset(offset).ok_or_else(|| format!("`{text}` is not a host offset (write `.N` or `.A.B`)"))?;
        return offset_address(subnet, offset)
            .ok_or_else(|| format!("offset `{text}` lies outside {subnet} ({} addresses)", size_text(subnet)));
    }
    text.parse::<IpAddr>().map_err(|_| format!("`{text}` is not an IP address"))
}

/// `.N` is host N; `.A.B` is host A*256+B, like the last octets of an IPv4 address.
fn parse_offset(text: &str) -> Option<u128> {
    let mut value: u128 = 0;
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 3 {
        return None;
    }
    for (i, part) in parts.iter().enumerate() {
        let n: u128 = part.parse().ok()?;
        if i + 1 < parts.len() && n > 255 {
            return None;
        }
        value = value.checked_mul(256)?.checked_add(n)?;
        if i + 1 == parts.len() && parts.len() > 1 && n > 255 {
            return None;
        }
    }
    Some(value)
}

/// The address `offset` hosts into `subnet`, if it lies inside.
pub fn offset_address(subnet: IpNet, offset: u128) -> Option<IpAddr> {
    match subnet {
        IpNet::V4(n) => {
            let base = u128::from(u32::from(n.network()));
            let size = 1u128 << (32 - n.prefix_len());
            (offset < size).then(|| IpAddr::V4(Ipv4Addr::from((base + offset) as u32)))
        }
        IpNet::V6(n) => {
            let base = u128::from(n.network());
            let bits = 128 - u32::from(n.prefix_len());
            let inside = bits == 128 || offset < (1u128 << bits);
            inside.then(|| IpAddr::V6(Ipv6Addr::from(base + offset)))
        }
    }
}

fn size_text(subnet: IpNet) -> String {
    let bits = u32::from(subnet.max_prefix_len() - subnet.prefix_len());
    if bits >= 64 { format!("2^{bits}") } else { (1u128 << bits).to_string() }
}

/// The address Docker's IPAM takes as gateway when none is given: the first usable address of
/// the `ip_range` when there is one (IPv4 and IPv6 alike; seen on 20.10.24, 26.1.5 and 28.5.2,
/// tests/live/gateway-ip-range.yaml), else the first host of the subnet. "Usable" excludes the
/// subnet's network address (and broadcast), so a range that starts the subnet yields `.1`.
pub fn default_gateway(subnet: IpNet, ip_range: Option<IpNet>) -> Option<IpAddr> {
    if subnet.prefix_len() + 1 >= subnet.max_prefix_len() {
        return None;
    }
    match ip_range.filter(|r| subnet.contains(r)) {
        Some(range) => [0, 1]
            .into_iter()
            .filter_map(|offset| offset_address(range, offset))
            .find(|a| range.contains(a) && check_host_address(subnet, *a).is_ok()),
        None => offset_address(subnet, 1),
    }
}

/// Why an address cannot be given to a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressProblem {
    Outside,
    NetworkAddress,
    Broadcast,
}

/// Check a static address against its subnet.
pub fn check_host_address(subnet: IpNet, addr: IpAddr) -> Result<(), AddressProblem> {
    if !subnet.contains(&addr) {
        return Err(AddressProblem::Outside);
    }
    // /31, /32 (and IPv6 /127, /128) have no network or broadcast address to avoid.
    if subnet.prefix_len() + 1 >= subnet.max_prefix_len() {
        return Ok(());
    }
    if addr == subnet.network() {
        return Err(AddressProblem::NetworkAddress);
    }
    if matches!(subnet, IpNet::V4(_)) && addr == subnet.broadcast() {
        return Err(AddressProblem::Broadcast);
    }
    Ok(())
}

/// An inclusive address range `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrRange {
    pub first: IpAddr,
    pub last: IpAddr,
}

impl AddrRange {
    /// Number of addresses (saturating).
    pub fn len(&self) -> u128 {
        addr_u128(self.last).saturating_sub(addr_u128(self.first)).saturating_add(1)
    }

    pub fn is_empty(&self) -> bool {
        addr_u128(self.last) < addr_u128(self.first)
    }

    /// The first `n` addresses.
    pub fn take(&self, n: u32) -> Vec<IpAddr> {
        self.take_avoiding(n, &[])
    }

    /// The first `n` addresses that are not `reserved` (fewer if the range runs out).
    pub fn take_avoiding(&self, n: u32, reserved: &[IpAddr]) -> Vec<IpAddr> {
        let (base, last) = (addr_u128(self.first), addr_u128(self.last));
        (base..=last).map(|v| from_u128(self.first, v)).filter(|a| !reserved.contains(a)).take(n as usize).collect()
    }

    /// How many of the range's addresses are not `reserved`.
    pub fn len_avoiding(&self, reserved: &[IpAddr]) -> u128 {
        let inside = reserved.iter().filter(|a| {
            a.is_ipv6() == self.first.is_ipv6()
                && (addr_u128(self.first)..=addr_u128(self.last)).contains(&addr_u128(**a))
        });
        self.len() - inside.count() as u128
    }
}

fn addr_u128(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

fn from_u128(like: IpAddr, v: u128) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(v as u32)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(v)),
    }
}

/// Parse a replica range: `A-B` (addresses or host offsets) or a CIDR, whose hosts are used.
pub fn parse_range(text: &str, subnet: Option<IpNet>) -> Result<AddrRange, String> {
    let text = text.trim();
    if let Some((a, b)) = text.split_once('-') {
        let first = parse_address(a, subnet)?;
        let last = parse_address(b, subnet)?;
        if first.is_ipv4() != last.is_ipv4() || addr_u128(last) < addr_u128(first) {
            return Err(format!("`{text}` is not a range: the first address must not exceed the last"));
        }
        return Ok(AddrRange { first, last });
    }
    match parse_cidr(text) {
        Ok(net) => {
            // A CIDR range hands out its hosts: never the block's network address, nor its
            // broadcast address on IPv4 (blocks of one or two addresses are taken whole).
            if net.prefix_len() + 1 >= net.max_prefix_len() {
                return Ok(AddrRange { first: net.network(), last: net.broadcast() });
            }
            let first = from_u128(net.network(), addr_u128(net.network()) + 1);
            let last = match net {
                IpNet::V4(_) => from_u128(net.broadcast(), addr_u128(net.broadcast()) - 1),
                IpNet::V6(_) => net.broadcast(),
            };
            Ok(AddrRange { first, last })
        }
        Err(CidrError::HostBits(t)) => Err(format!("`{text}` has host bits set; did you mean {t}?")),
        Err(CidrError::Invalid) => Err(format!("`{text}` is not a range (write `A-B`, `.10-.19` or a CIDR)")),
    }
}

/// Allocate the first block of `prefix` bits in `pool` that overlaps nothing in `taken`.
/// `cursor` remembers where the previous search ended: blocks before it are known taken,
/// so allocating N networks costs O(N) probes instead of O(N²).
pub fn allocate(pool: IpNet, prefix: u8, taken: &Taken, cursor: &mut u128) -> Option<IpNet> {
    let step_bits = u32::from(pool.max_prefix_len() - prefix);
    let count_bits = u32::from(prefix - pool.prefix_len());
    let count: u128 = if count_bits >= 128 { u128::MAX } else { 1u128 << count_bits };
    let base = addr_u128(pool.network());
    while *cursor < count {
        let start = base + (*cursor << step_bits);
        let candidate = IpNet::new(from_u128(pool.network(), start), prefix).ok()?;
        *cursor += 1;
        if !taken.overlaps(candidate) {
            return Some(candidate);
        }
    }
    None
}

/// A set of networks for "does X overlap anything?" queries: sorted, disjoint-merged intervals.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    v4: Vec<(u128, u128)>,
    v6: Vec<(u128, u128)>,
    sorted: bool,
}

impl Taken {
    pub fn insert(&mut self, net: IpNet) {
        let (list, lo, hi) = self.bounds_mut(net);
        list.push((lo, hi));
        self.sorted = false;
    }

    fn bounds_mut(&mut self, net: IpNet) -> (&mut Vec<(u128, u128)>, u128, u128) {
        let (lo, hi) = (addr_u128(net.network()), addr_u128(net.broadcast()));
        match net {
            IpNet::V4(_) => (&mut self.v4, lo, hi),
            IpNet::V6(_) => (&mut self.v6, lo, hi),
        }
    }

    /// Sort and merge; call after inserting, before querying.
    pub fn seal(&mut self) {
        for list in [&mut self.v4, &mut self.v6] {
            list.sort_unstable();
            let mut merged: Vec<(u128, u128)> = Vec::with_capacity(list.len());
            for &(lo, hi) in list.iter() {
                match merged.last_mut() {
                    Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                    _ => merged.push((lo, hi)),
                }
            }
            *list = merged;
        }
        self.sorted = true;
    }

    /// Insert into a sealed set, keeping it sealed.
    pub fn insert_sealed(&mut self, net: IpNet) {
        self.insert(net);
        self.seal();
    }

    pub fn overlaps(&self, net: IpNet) -> bool {
        debug_assert!(self.sorted || (self.v4.is_empty() && self.v6.is_empty()));
        let (lo, hi) = (addr_u128(net.network()), addr_u128(net.broadcast()));
        let list = match net {
            IpNet::V4(_) => &self.v4,
            IpNet::V6(_) => &self.v6,
        };
        let i = list.partition_point(|&(_, end)| end < lo);
        list.get(i).is_some_and(|&(start, _)| start <= hi)
    }
}

/// Every overlapping pair among `nets` (by index), found by sort-and-sweep: CIDR blocks are
/// nested or disjoint, so sorting by start (then widest first) and keeping the open blocks on a
/// stack finds each overlap with its enclosing block.
pub fn overlapping_pairs(nets: &[IpNet]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..nets.len()).collect();
    let key = |i: &usize| {
        let n = nets[*i];
        (n.network().is_ipv6(), addr_u128(n.network()), n.prefix_len(), *i)
    };
    order.sort_by_key(key);
    let mut pairs = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for i in order {
        let n = nets[i];
        open.retain(|&j| {
            nets[j].network().is_ipv6() == n.network().is_ipv6()
                && addr_u128(nets[j].broadcast()) >= addr_u128(n.network())
        });
        for &j in &open {
            pairs.push((j.min(i), j.max(i)));
        }
        open.push(i);
    }
    pairs.sort_unstable();
    pairs
}

/// A pool range as IPv4 or IPv6, for messages.
/// Whether two networks share any address (for CIDR blocks: one contains the other's start).
pub fn overlaps(a: IpNet, b: IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

pub fn family(net: IpNet) -> &'static str {
    match net {
        IpNet::V4(_) => "IPv4",
        IpNet::V6(_) => "IPv6",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("valid")
    }

    #[test]
    fn cidr_host_bits() {
        assert_eq!(parse_cidr("10.0.0.1/24"), Err(CidrError::HostBits(net("10.0.0.0/24"))));
        assert_eq!(parse_cidr("10.0.0.0/24"), Ok(net("10.0.0.0/24")));
        assert_eq!(parse_cidr("10.0.0.0/33"), Err(CidrError::Invalid));
        assert_eq!(parse_cidr("0.0.0.0/0"), Ok(net("0.0.0.0/0")));
        assert!(parse_cidr("::ffff:10.0.0.0/104").is_ok());
    }

    /// Leading zeros are refused as in `ip:` (Docker refuses them; some readers take octal):
    /// `010.0.0.0/24` used to become `10.0.0.0/24` (issue 18 item 8).
    #[test]
    fn cidr_spelling_is_strict() {
        for bad in ["010.0.0.0/24", "10.0.0.00/24", "10.0.0.0/+24", "10.0.0.0/", "10.0.0.0", "10.0.0.0/024"] {
            assert_eq!(parse_cidr(bad), Err(CidrError::Invalid), "{bad}");
        }
        assert_eq!(parse_cidr("0.0.0.0/0"), Ok(net("0.0.0.0/0")));
    }

    #[test]
    fn offsets() {
        let s = Some(net("172.30.5.0/24"));
        assert_eq!(parse_address(".254", s), Ok("172.30.5.254".parse().expect("ip")));
        assert!(parse_address(".256", s).is_err());
        let s16 = Some(net("10.1.0.0/16"));
        assert_eq!(parse_address(".1.5", s16), Ok("10.1.1.5".parse().expect("ip")));
        assert!(parse_address(".5", None).is_err());
        assert_eq!(parse_address("::5", None), Ok("::5".parse().expect("ip")));
    }

    #[test]
    fn default_gateway_is_the_first_usable_address_of_the_ip_range() {
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        assert_eq!(default_gateway(net("10.20.0.0/24"), None), ip("10.20.0.1"));
        // Docker's IPAM hands out the gateway from the range, not from the whole subnet.
        assert_eq!(default_gateway(net("10.20.0.0/24"), Some(net("10.20.0.128/25"))), ip("10.20.0.128"));
        // A range that starts the subnet skips the network address.
        assert_eq!(default_gateway(net("10.20.0.0/24"), Some(net("10.20.0.0/25"))), ip("10.20.0.1"));
        assert_eq!(default_gateway(net("fd5a:1::/64"), Some(net("fd5a:1::8000:0/113"))), ip("fd5a:1::8000:0"));
        assert_eq!(default_gateway(net("fd5a:1::/64"), Some(net("fd5a:1::/113"))), ip("fd5a:1::1"));
        assert_eq!(default_gateway(net("fd5a:1::/64"), None), ip("fd5a:1::1"));
        // A range of another family or outside the subnet does not apply to it.
        assert_eq!(default_gateway(net("fd5a:1::/64"), Some(net("10.20.0.128/25"))), ip("fd5a:1::1"));
        assert_eq!(default_gateway(net("10.0.0.0/31"), None), None);
    }

    #[test]
    fn address_checks() {
        let s = net("10.0.0.0/24");
        assert_eq!(check_host_address(s, "10.0.0.0".parse().expect("ip")), Err(AddressProblem::NetworkAddress));
        assert_eq!(check_host_address(s, "10.0.0.255".parse().expect("ip")), Err(AddressProblem::Broadcast));
        assert_eq!(check_host_address(s, "10.0.1.1".parse().expect("ip")), Err(AddressProblem::Outside));
        assert_eq!(check_host_address(s, "10.0.0.7".parse().expect("ip")), Ok(()));
    }

    #[test]
    fn allocation_skips_taken() {
        let mut taken = Taken::default();
        taken.insert(net("172.30.1.0/24"));
        taken.seal();
        let mut cursor = 0;
        let pool = net("172.30.0.0/16");
        assert_eq!(allocate(pool, 24, &taken, &mut cursor), Some(net("172.30.0.0/24")));
        assert_eq!(allocate(pool, 24, &taken, &mut cursor), Some(net("172.30.2.0/24")));
        let mut c = 0;
        assert_eq!(allocate(net("10.0.0.0/30"), 30, &taken, &mut c), Some(net("10.0.0.0/30")));
        assert_eq!(allocate(net("10.0.0.0/30"), 30, &taken, &mut c), None);
    }

    #[test]
    fn sweep_finds_nested_and_partial() {
        let nets = [net("10.0.0.0/16"), net("10.0.5.0/24"), net("10.1.0.0/24"), net("10.0.5.128/25"), net("fd00::/64")];
        assert_eq!(overlapping_pairs(&nets), vec![(0, 1), (0, 3), (1, 3)]);
    }

    #[test]
    fn ranges_skip_reserved_addresses() {
        let r = parse_range(".10-.13", Some(net("10.0.0.0/24"))).unwrap();
        let addr = |a: &str| -> IpAddr { a.parse().expect("ip") };
        let reserved = [addr("10.0.0.11"), addr("10.0.0.200")];
        assert_eq!(r.len_avoiding(&reserved), 3);
        let taken = r.take_avoiding(3, &reserved);
        assert_eq!(taken, ["10.0.0.10", "10.0.0.12", "10.0.0.13"].map(addr));
        assert_eq!(r.take_avoiding(4, &reserved).len(), 3);
    }

    #[test]
    fn ranges() {
        let s = Some(net("10.20.0.0/24"));
        let r = parse_range(".10-.19", s).expect("range");
        assert_eq!(r.len(), 10);
        assert_eq!(r.take(2), vec!["10.20.0.10".parse::<IpAddr>().expect("ip"), "10.20.0.11".parse().expect("ip")]);
        assert!(parse_range(".19-.10", s).is_err());
        let cidr = parse_range("10.20.0.16/28", s).expect("cidr");
        assert_eq!((cidr.len(), cidr.first.to_string()), (14, "10.20.0.17".to_string()));
    }
}
