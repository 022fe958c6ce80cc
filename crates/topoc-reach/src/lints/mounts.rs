//! Mounts: which host paths a container sees, and which volumes services share.

use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Access, MountSource, Topology};

pub(super) fn check(topo: &Topology, on: &dyn Fn(Code) -> bool, out: &mut Diagnostics) {
    // One pass over the binds finds both kinds; the caller drops a kind that is off.
    if on(Code::SensitiveMount) || on(Code::RootEquivalentMount) {
        host_paths(topo, out);
    }
    if on(Code::SharedVolume) {
        shared_volume(topo, out);
    }
}

/// A bind source as Docker cleans it: `.` and `..` resolved, repeated and trailing `/`
/// dropped. `None` for paths that are not absolute (relative to the spec, or `~`).
fn clean(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether `path` is `base` or lies under it.
fn under(path: &str, base: &str) -> bool {
    path == base || (base != "/" && path.starts_with(base) && path[base.len()..].starts_with('/'))
}

/// Files under `/etc` that only tell the time zone: harmless in either mode.
const TIMEZONE: &[&str] = &["/etc/localtime", "/etc/timezone"];

/// Paths where a writable mount hands over the host: its configuration, root's home, its
/// binaries and libraries, its boot files, kernel interfaces, the container runtimes' state.
/// Matched as the path or anything under it.
const ROOT_EQUIVALENT: &[&str] = &[
    "/etc",
    "/root",
    "/boot",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/proc",
    "/sys",
    "/dev",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/var/spool/cron",
];

/// Directories that contain root-equivalent paths: matched exactly (`/var/lib/mysql` is not
/// the host's).
const ROOT_EQUIVALENT_PARENTS: &[&str] = &["/", "/var", "/var/lib", "/var/spool"];

/// Paths that expose the host's secrets, processes or devices even read-only. Matched as the
/// path or anything under it.
const SENSITIVE: &[&str] = &[
    "/etc",
    "/root",
    "/home",
    "/boot",
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var/run",
    "/var/log",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
];

/// The Docker socket: `docker-socket` reports it. (Other runtimes' sockets, under `/run`, are
/// `sensitive-mount`s.)
fn runtime_socket(path: &str) -> bool {
    path.ends_with("docker.sock")
}

/// The rules of [`Code::SensitiveMount`] and (for writable mounts, instead)
/// [`Code::RootEquivalentMount`], documented at the codes.
fn host_paths(topo: &Topology, out: &mut Diagnostics) {
    for s in &topo.services {
        for m in &s.mounts {
            let MountSource::Bind(source) = &m.source else { continue };
            let Some(path) = clean(source) else { continue };
            if runtime_socket(&path) || TIMEZONE.contains(&path.as_str()) {
                continue;
            }
            let root_equivalent =
                ROOT_EQUIVALENT.iter().any(|b| under(&path, b)) || ROOT_EQUIVALENT_PARENTS.contains(&path.as_str());
            if root_equivalent && m.access == Access::Rw {
                out.push(
                    Diagnostic::new(Code::RootEquivalentMount, format!("`{}` can write the host's `{path}`", s.name))
                        .primary(m.span, "mounted read-write")
                        .note("writing host configuration, binaries or runtime state is root on the host")
                        .help(
                            "mount it read-only (`:ro`), mount only the file the service needs, or use a named volume",
                        ),
                );
            } else if root_equivalent || path == "/" || SENSITIVE.iter().any(|b| under(&path, b)) {
                out.push(
                    Diagnostic::new(Code::SensitiveMount, format!("`{}` mounts the host's `{path}`", s.name))
                        .primary(m.span, if m.access == Access::Ro { "read-only, still readable" } else { "mounted read-write" })
                        .note("the host's secrets, processes or devices become visible to whoever controls the container")
                        .help("mount only the file or directory the service needs, read-only, or copy it into a volume or secret"),
                );
            }
        }
    }
}

/// The rule of [`Code::SharedVolume`], documented at the code.
fn shared_volume(topo: &Topology, out: &mut Diagnostics) {
    for v in &topo.volumes {
        if topo.policy.volumes.iter().any(|p| p.volume == v.id) {
            continue;
        }
        let users: Vec<_> = topo
            .services
            .iter()
            .flat_map(|s| s.mounts.iter().map(move |m| (s, m)))
            .filter(|(_, m)| matches!(m.source, MountSource::Volume(id) if id == v.id))
            .collect();
        let mut names: Vec<&str> = users.iter().map(|(s, _)| s.name.as_str()).collect();
        names.dedup();
        if names.len() < 2 {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::SharedVolume,
            format!(
                "volume `{}` is shared by {} without a volume policy",
                v.name,
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .primary(v.span, "shared volume");
        for (s, m) in &users {
            d = d.secondary(
                m.span,
                format!("`{}` mounts it {}", s.name, if m.access == Access::Ro { "read-only" } else { "read-write" }),
            );
        }
        out.push(d.help(format!(
            "say who may write it: `policy: {{ volumes: {{ {}: {{ writers: [...], readers: [...] }} }} }}`",
            v.name
        )));
    }
}
