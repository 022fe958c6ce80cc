//! What a topology is deployed as. One type for every crate: the emitters pick the artifact by
//! it, the reachability model its semantics (a stack's networks are overlays, its ports go
//! through the routing mesh), verify the deployment it makes, the CLI its `--target` value.

use std::fmt;

/// The deploy target of a topology.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// `compose.yaml` for Docker Compose v2 (one engine).
    #[default]
    Compose,
    /// A stack file for `docker stack deploy` (Swarm mode).
    Swarm,
}

impl Target {
    pub const ALL: &'static [Target] = &[Target::Compose, Target::Swarm];

    /// The command-line name (`--target compose`).
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Compose => "compose",
            Target::Swarm => "swarm",
        }
    }

    /// The name in messages.
    pub fn title(self) -> &'static str {
        match self {
            Target::Compose => "Compose",
            Target::Swarm => "Swarm",
        }
    }

    /// What the target makes, for `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Target::Compose => "`compose.yaml` for Docker Compose v2",
            Target::Swarm => "A stack file for `docker stack deploy`",
        }
    }

    /// The target of this command-line name.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in Target::ALL {
            assert_eq!(Target::from_name(t.as_str()), Some(*t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!(Target::from_name("kubernetes"), None);
    }
}
