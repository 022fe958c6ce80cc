//! Sets of destination ports: every port, every port but some, or a finite set.

use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSet {
    All,
    /// Every port except these.
    Except(BTreeSet<u16>),
    Some(BTreeSet<u16>),
}

impl PortSet {
    pub fn none() -> Self {
        PortSet::Some(BTreeSet::new())
    }

    pub fn of(ports: impl IntoIterator<Item = u16>) -> Self {
        PortSet::Some(ports.into_iter().collect())
    }

    /// A rule's or relay's port list: empty means every port.
    pub fn from_list(ports: &[u16]) -> Self {
        if ports.is_empty() { PortSet::All } else { PortSet::of(ports.iter().copied()) }
    }

    fn normal(self) -> Self {
        match self {
            PortSet::Except(s) if s.is_empty() => PortSet::All,
            other => other,
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, PortSet::Some(s) if s.is_empty())
    }

    pub fn contains(&self, port: u16) -> bool {
        match self {
            PortSet::All => true,
            PortSet::Except(s) => !s.contains(&port),
            PortSet::Some(s) => s.contains(&port),
        }
    }

    pub fn union(&self, other: &PortSet) -> PortSet {
        use PortSet::*;
        match (self, other) {
            (All, _) | (_, All) => All,
            (Except(a), Except(b)) => Except(a.intersection(b).copied().collect()).normal(),
            (Except(a), Some(b)) | (Some(b), Except(a)) => Except(a.difference(b).copied().collect()).normal(),
            (Some(a), Some(b)) => Some(a.union(b).copied().collect()),
        }
    }

    pub fn intersect(&self, other: &PortSet) -> PortSet {
        use PortSet::*;
        match (self, other) {
            (All, x) | (x, All) => x.clone(),
            (Except(a), Except(b)) => Except(a.union(b).copied().collect()),
            (Except(a), Some(b)) | (Some(b), Except(a)) => Some(b.difference(a).copied().collect()),
            (Some(a), Some(b)) => Some(a.intersection(b).copied().collect()),
        }
    }

    /// The ports of `self` that are not in `other`.
    pub fn minus(&self, other: &PortSet) -> PortSet {
        use PortSet::*;
        match (self, other) {
            (_, All) => PortSet::none(),
            (All, Some(b)) => Except(b.clone()).normal(),
            (All, Except(b)) => Some(b.clone()),
            (Except(a), Some(b)) => Except(a.union(b).copied().collect()),
            (Except(a), Except(b)) => Some(b.difference(a).copied().collect()),
            (Some(a), Some(b)) => Some(a.difference(b).copied().collect()),
            (Some(a), Except(b)) => Some(a.intersection(b).copied().collect()),
        }
    }
}

fn list(s: &BTreeSet<u16>) -> String {
    s.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSet::All => f.write_str("all ports"),
            PortSet::Except(s) => write!(f, "all ports except {}", list(s)),
            PortSet::Some(s) if s.is_empty() => f.write_str("no port"),
            PortSet::Some(s) => write!(f, "port{} {}", if s.len() == 1 { "" } else { "s" }, list(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algebra() {
        let p80 = PortSet::of([80]);
        let but80 = PortSet::All.minus(&p80);
        assert_eq!(but80.to_string(), "all ports except 80");
        assert!(!but80.contains(80) && but80.contains(81));
        assert_eq!(but80.union(&p80), PortSet::All);
        assert!(but80.intersect(&p80).is_empty());
        assert_eq!(PortSet::of([80, 443]).minus(&p80), PortSet::of([443]));
        assert_eq!(but80.intersect(&PortSet::of([80, 443])), PortSet::of([443]));
    }
}
