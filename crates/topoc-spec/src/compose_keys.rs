//! Every key of the Compose Specification's objects (its JSON Schema: top level, services,
//! networks, volumes, secrets, configs) and what topoc does with it. docs/compose-keys.md is
//! this table in prose; a test keeps the two equal, and another that each key the table says
//! topoc takes is a key of the spec type.

/// What topoc does with a Compose key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Part of the reachability model, typed and checked (possibly under another name or form).
    Modelled,
    /// Checked and carried to the output as Compose means it, outside the model.
    Carried,
    /// Refused with a located diagnostic saying why.
    Refused(&'static str),
}

/// The object a key belongs to, as the decoder names it in messages.
pub const TOP: &str = "the topology";
pub const SERVICE: &str = "a service";
pub const NETWORK: &str = "a network";
pub const VOLUME: &str = "a volume";
pub const SECRET: &str = "a secret";
pub const CONFIG: &str = "a config";

use Status::{Carried, Modelled, Refused};

const EXTENDS: &str =
    "`extends` is resolved by `topoc import`, which writes the merged service; write the service out in full";
const IMPORT: &str = "`include` is resolved by `topoc import`, which merges the included files; a spec is one file";
const MODELS: &str = "AI models (Docker Model Runner) are not carried yet";
const PROVIDER: &str =
    "services run by a provider plugin are not containers topoc can place on networks; not carried yet";

/// `(object, Compose key, status)`, in the order of the Compose Specification's schema.
pub const KEYS: &[(&str, &str, Status)] = &[
    (TOP, "configs", Modelled),
    (TOP, "include", Refused(IMPORT)),
    (TOP, "models", Refused(MODELS)),
    (TOP, "name", Refused("the project name is the topology's name: write `topology: NAME`")),
    (TOP, "networks", Modelled),
    (TOP, "secrets", Modelled),
    (TOP, "services", Modelled),
    (TOP, "version", Refused("`version` is obsolete in the Compose Specification and ignored by Compose; remove it")),
    (TOP, "volumes", Modelled),
    (SERVICE, "annotations", Carried),
    (SERVICE, "attach", Carried),
    (SERVICE, "blkio_config", Carried),
    (SERVICE, "build", Carried),
    (SERVICE, "cap_add", Modelled),
    (SERVICE, "cap_drop", Modelled),
    (SERVICE, "cgroup", Carried),
    (SERVICE, "cgroup_parent", Carried),
    (SERVICE, "command", Modelled),
    (SERVICE, "configs", Modelled),
    (SERVICE, "container_name", Carried),
    (SERVICE, "cpu_count", Carried),
    (SERVICE, "cpu_percent", Carried),
    (SERVICE, "cpu_period", Carried),
    (SERVICE, "cpu_quota", Carried),
    (SERVICE, "cpu_rt_period", Carried),
    (SERVICE, "cpu_rt_runtime", Carried),
    (SERVICE, "cpu_shares", Carried),
    (SERVICE, "cpus", Carried),
    (SERVICE, "cpuset", Carried),
    (SERVICE, "credential_spec", Carried),
    (SERVICE, "depends_on", Modelled),
    (SERVICE, "deploy", Modelled),
    (
        SERVICE,
        "develop",
        Refused("`develop` drives `docker compose watch` during development, not a deployment; not carried yet"),
    ),
    (SERVICE, "device_cgroup_rules", Carried),
    (SERVICE, "devices", Carried),
    (SERVICE, "dns", Modelled),
    (SERVICE, "dns_opt", Carried),
    (SERVICE, "dns_search", Carried),
    (SERVICE, "domainname", Carried),
    (SERVICE, "entrypoint", Modelled),
    (SERVICE, "env_file", Carried),
    (SERVICE, "environment", Modelled),
    (SERVICE, "expose", Modelled),
    (SERVICE, "extends", Refused(EXTENDS)),
    (
        SERVICE,
        "external_links",
        Refused(
            "`external_links` reaches containers outside the topology, which the reachability model cannot see; attach the service to their network instead",
        ),
    ),
    (SERVICE, "extra_hosts", Modelled),
    (SERVICE, "gpus", Modelled),
    (SERVICE, "group_add", Carried),
    (SERVICE, "healthcheck", Modelled),
    (SERVICE, "hostname", Modelled),
    (SERVICE, "image", Modelled),
    (SERVICE, "init", Carried),
    (SERVICE, "ipc", Carried),
    (SERVICE, "isolation", Carried),
    (SERVICE, "label_file", Carried),
    (SERVICE, "labels", Modelled),
    (SERVICE, "links", Carried),
    (SERVICE, "logging", Carried),
    (
        SERVICE,
        "mac_address",
        Refused(
            "a service-level MAC address applies to whichever network Compose picks first; write `mac` on the network attachment",
        ),
    ),
    (SERVICE, "mem_limit", Carried),
    (SERVICE, "mem_reservation", Carried),
    (SERVICE, "mem_swappiness", Carried),
    (SERVICE, "memswap_limit", Carried),
    (SERVICE, "models", Refused(MODELS)),
    (SERVICE, "network_mode", Modelled),
    (SERVICE, "networks", Modelled),
    (SERVICE, "oom_kill_disable", Carried),
    (SERVICE, "oom_score_adj", Carried),
    (SERVICE, "pid", Carried),
    (SERVICE, "pids_limit", Carried),
    (SERVICE, "platform", Carried),
    (SERVICE, "ports", Modelled),
    (SERVICE, "post_start", Carried),
    (SERVICE, "pre_stop", Carried),
    (SERVICE, "privileged", Modelled),
    (SERVICE, "profiles", Carried),
    (SERVICE, "provider", Refused(PROVIDER)),
    (SERVICE, "pull_policy", Carried),
    (
        SERVICE,
        "pull_refresh_after",
        Refused(
            "`pull_refresh_after` is newer than Compose 2.40.3, which topoc's output is judged by; not carried yet",
        ),
    ),
    (SERVICE, "read_only", Modelled),
    (SERVICE, "restart", Modelled),
    (SERVICE, "runtime", Carried),
    (SERVICE, "scale", Modelled),
    (SERVICE, "secrets", Modelled),
    (SERVICE, "security_opt", Modelled),
    (SERVICE, "shm_size", Carried),
    (SERVICE, "stdin_open", Carried),
    (SERVICE, "stop_grace_period", Carried),
    (SERVICE, "stop_signal", Carried),
    (SERVICE, "storage_opt", Carried),
    (SERVICE, "sysctls", Carried),
    (SERVICE, "tmpfs", Carried),
    (SERVICE, "tty", Carried),
    (SERVICE, "ulimits", Carried),
    (
        SERVICE,
        "use_api_socket",
        Refused(
            "`use_api_socket` hands the container the Docker API, which is root on the host; mount the socket as a volume so topoc's `docker-socket` check sees it",
        ),
    ),
    (SERVICE, "user", Modelled),
    (SERVICE, "userns_mode", Carried),
    (SERVICE, "uts", Carried),
    (SERVICE, "volumes", Modelled),
    (
        SERVICE,
        "volumes_from",
        Refused(
            "`volumes_from` copies another service's mounts with their access, which the volume policy would not see; list the mounts instead",
        ),
    ),
    (SERVICE, "working_dir", Modelled),
    (NETWORK, "attachable", Modelled),
    (NETWORK, "driver", Modelled),
    (NETWORK, "driver_opts", Modelled),
    (NETWORK, "enable_ipv4", Carried),
    (NETWORK, "enable_ipv6", Modelled),
    (NETWORK, "external", Modelled),
    (NETWORK, "internal", Modelled),
    (NETWORK, "ipam", Modelled),
    (NETWORK, "labels", Modelled),
    (NETWORK, "name", Modelled),
    (VOLUME, "driver", Modelled),
    (VOLUME, "driver_opts", Modelled),
    (VOLUME, "external", Modelled),
    (VOLUME, "labels", Modelled),
    (VOLUME, "name", Modelled),
    (SECRET, "driver", Carried),
    (SECRET, "driver_opts", Carried),
    (SECRET, "environment", Modelled),
    (SECRET, "external", Modelled),
    (SECRET, "file", Modelled),
    (SECRET, "labels", Carried),
    (SECRET, "name", Modelled),
    (SECRET, "template_driver", Carried),
    (CONFIG, "content", Modelled),
    (CONFIG, "environment", Modelled),
    (CONFIG, "external", Modelled),
    (CONFIG, "file", Modelled),
    (CONFIG, "labels", Carried),
    (CONFIG, "name", Modelled),
    (CONFIG, "template_driver", Carried),
];

/// Compose keys inside nested objects that topoc spells differently or does not carry yet:
/// `(object as the decoder names it, Compose key, what to write instead)`.
pub const NESTED: &[(&str, &str, &str)] = &[
    ("a network attachment", "ipv4_address", "write `ip: ADDRESS` (or a host offset such as `.20`)"),
    ("a network attachment", "ipv6_address", "write `ip6: ADDRESS`"),
    ("a network attachment", "mac_address", "write `mac: ADDRESS`"),
    (
        "ipam",
        "config",
        "write the address plan with the network's own keys: `subnet`, `gateway`, `ip_range`, `subnet6`, `gateway6` (or `pool`) and `aux_addresses`; topoc writes `ipam.config` from them",
    ),
    ("deploy", "replicas", "`replicas` is a key of the service itself: topoc plans addresses per replica"),
];

/// Why topoc refuses a Compose key in `context`, if it is one it refuses.
pub fn refusal(context: &str, key: &str) -> Option<&'static str> {
    KEYS.iter()
        .find_map(|(c, k, s)| match s {
            Refused(reason) if *c == context && *k == key => Some(*reason),
            _ => None,
        })
        .or_else(|| NESTED.iter().find(|(c, k, _)| *c == context && *k == key).map(|(_, _, r)| *r))
}
