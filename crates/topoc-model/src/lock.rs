//! `topoc.lock`: the pool allocations of the last resolve, committed beside the spec.
//!
//! Stability comes from here. A network that the lock already places keeps its subnet; only
//! networks the lock does not know are allocated, into blocks nobody holds. So adding a network
//! or a template instance never moves another network, and removing one frees its block
//! without moving anyone. Entries whose network is gone are dropped when the lock is rewritten.

use ipnet::IpNet;
use std::collections::BTreeMap;

/// Pool name → network name → allocated subnet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    pub pools: BTreeMap<String, BTreeMap<String, IpNet>>,
}

pub(crate) const LOCK_HEADER: &str = "# topoc lock file: subnets topoc allocated from pools. Generated; commit it beside the spec.\n\
# It keeps allocations stable: networks listed here keep their subnet when others are added or removed.\n";

impl Lock {
    /// Parse a lock file. Errors are a message; callers report it and ignore the lock.
    pub fn parse(text: &str) -> Result<Lock, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            version: u32,
            #[serde(default)]
            pools: BTreeMap<String, BTreeMap<String, String>>,
        }
        let raw: Raw = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        if raw.version != 1 {
            return Err(format!("unsupported lock version {}", raw.version));
        }
        let mut lock = Lock::default();
        for (pool, entries) in raw.pools {
            let mut out = BTreeMap::new();
            for (network, subnet) in entries {
                // Read like a spec's `subnet:`: a lock entry is emitted as the subnet as it is.
                let net: IpNet = crate::ipam::parse_cidr(&subnet).map_err(|e| match e {
                    crate::ipam::CidrError::Invalid => format!("`{subnet}` for network `{network}` is not a CIDR"),
                    crate::ipam::CidrError::HostBits(fixed) => {
                        format!("`{subnet}` for network `{network}` has host bits set (the network is {fixed})")
                    }
                })?;
                out.insert(network, net);
            }
            lock.pools.insert(pool, out);
        }
        Ok(lock)
    }

    /// The lock file's text: sorted, so it diffs cleanly and is byte-stable.
    pub fn render(&self) -> String {
        let mut out = String::from(LOCK_HEADER);
        out.push_str("version = 1\n");
        for (pool, entries) in &self.pools {
            if entries.is_empty() {
                continue;
            }
            out.push_str(&format!("\n[pools.{}]\n", toml_key(pool)));
            for (network, subnet) in entries {
                out.push_str(&format!("{} = \"{subnet}\"\n", toml_key(network)));
            }
        }
        out
    }

    pub fn get(&self, pool: &str, network: &str) -> Option<IpNet> {
        self.pools.get(pool)?.get(network).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.pools.values().all(BTreeMap::is_empty)
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        key.to_owned()
    } else {
        let escaped: String = key
            .chars()
            .flat_map(|c| match c {
                '"' => vec!['\\', '"'],
                '\\' => vec!['\\', '\\'],
                c if c.is_control() => format!("\\u{:04X}", c as u32).chars().collect(),
                c => vec![c],
            })
            .collect();
        format!("\"{escaped}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut lock = Lock::default();
        lock.pools
            .entry("projects".into())
            .or_default()
            .insert("project-a".into(), "172.30.0.0/24".parse().expect("net"));
        lock.pools
            .entry("projects".into())
            .or_default()
            .insert("we\"ird.name".into(), "172.30.1.0/24".parse().expect("net"));
        let text = lock.render();
        assert_eq!(Lock::parse(&text), Ok(lock));
    }

    #[test]
    fn rejects_garbage() {
        assert!(Lock::parse("version = 2\n").is_err());
        assert!(Lock::parse("version = 1\n[pools.p]\nn = \"nope\"\n").is_err());
        // Validated like the spec's subnets (issue 18 item 10).
        let host_bits = Lock::parse("version = 1\n[pools.p]\na = \"10.30.0.128/24\"\n");
        assert!(host_bits.as_ref().is_err_and(|e| e.contains("host bits")), "{host_bits:?}");
        assert!(Lock::parse("version = 1\n[pools.p]\na = \"010.30.0.0/24\"\n").is_err());
    }
}
