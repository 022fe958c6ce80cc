//! Privileges: what the container may do to the host's kernel, devices and processes.

use super::at;
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Service, Topology};

pub(super) fn check(topo: &Topology, on: &dyn Fn(Code) -> bool, out: &mut Diagnostics) {
    let rules: [(Code, super::ServiceRule); 7] = [
        (Code::Privileged, privileged),
        (Code::DangerousCapability, dangerous_capability),
        (Code::SecurityProfileDisabled, security_profile_disabled),
        (Code::RootUser, root_user),
        (Code::NoNewPrivileges, no_new_privileges),
        (Code::CapabilitiesUnrestricted, capabilities_unrestricted),
        (Code::WritableRootFs, writable_root_fs),
    ];
    let active: Vec<_> = rules.into_iter().filter(|(code, _)| on(*code)).map(|(_, rule)| rule).collect();
    for s in &topo.services {
        for rule in &active {
            rule(s, out);
        }
    }
}

/// The rule of [`Code::Privileged`], documented at the code.
fn privileged(s: &Service, out: &mut Diagnostics) {
    if s.privileged {
        out.push(
            Diagnostic::new(Code::Privileged, format!("`{}` runs privileged", s.name))
                .primary(at(s.spans.privileged, s), "every capability and every host device")
                .note("a privileged container can mount the host's disks and load kernel modules: root in it is root on the host")
                .help("remove `privileged` and add only the capabilities the service needs with `cap_add`"),
        );
    }
}

/// A capability as Docker reads it: upper case, `CAP_` optional (except for `ALL`).
fn capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").filter(|_| upper != "CAP_ALL").unwrap_or(&upper).to_owned()
}

/// Capabilities Docker does not grant by default that reach beyond the container, with what
/// they reach. Tiers after compose-lint's CL-0024 (host code execution), CL-0011/CL-0028
/// (host-reaching), CL-0029 (host availability) and CL-0030 (host disclosure).
fn reach_of(cap: &str) -> Option<&'static str> {
    Some(match cap {
        "ALL" => "every capability: equivalent to root on the host",
        "SYS_ADMIN" => "mount, namespaces, BPF and more: a known container escape",
        "SYS_MODULE" => "loads kernel modules: code execution in the host kernel",
        "SYS_RAWIO" => "raw I/O on host devices and memory",
        "SYS_PTRACE" => "traces and injects code into processes it can see",
        "DAC_READ_SEARCH" => "opens host files by handle, bypassing the mount (the `shocker` escape)",
        "SYS_BOOT" => "reboots the host",
        "BPF" => "loads BPF programs into the host kernel",
        "MAC_ADMIN" | "MAC_OVERRIDE" => "changes or bypasses the host's AppArmor/SELinux policy",
        "NET_ADMIN" => "reconfigures interfaces, routes and firewall rules of its networks",
        "SYS_TIME" => "sets the host's clock",
        "SYS_RESOURCE" => "overrides the host's resource limits",
        "SYS_NICE" => "raises its priority over every process of the host",
        "IPC_LOCK" => "locks host memory",
        "WAKE_ALARM" | "BLOCK_SUSPEND" => "keeps the host from suspending",
        "SYSLOG" => "reads the host kernel's log, with its addresses",
        "PERFMON" => "reads host-wide performance events",
        "LINUX_IMMUTABLE" => "changes immutable flags of files it can reach",
        _ => return None,
    })
}

/// The rule of [`Code::DangerousCapability`], documented at the code.
fn dangerous_capability(s: &Service, out: &mut Diagnostics) {
    for (i, name) in s.cap_add.iter().enumerate() {
        let cap = capability(name);
        if let Some(reach) = reach_of(&cap) {
            let span = s.spans.cap_add.get(i).copied();
            out.push(
                Diagnostic::new(Code::DangerousCapability, format!("`{}` adds capability {cap}", s.name))
                    .primary(at(span, s), reach)
                    .help("add only the capabilities the service needs; if it needs this one, isolate it (no secrets, no shared volumes, its own network)"),
            );
        }
    }
}

/// The rule of [`Code::SecurityProfileDisabled`], documented at the code.
fn security_profile_disabled(s: &Service, out: &mut Diagnostics) {
    for (i, opt) in s.security_opt.iter().enumerate() {
        let norm = opt.trim().to_ascii_lowercase().replace('=', ":");
        let (what, label) = match norm.as_str() {
            "seccomp:unconfined" => ("a seccomp profile", "every system call is allowed"),
            "apparmor:unconfined" => ("an AppArmor profile", "no AppArmor confinement"),
            "label:disable" => ("SELinux labels", "no SELinux confinement"),
            _ => continue,
        };
        out.push(
            Diagnostic::new(Code::SecurityProfileDisabled, format!("`{}` runs without {what}", s.name))
                .primary(at(s.spans.security_opt.get(i).copied(), s), label)
                .help("remove the option; if a system call is missing, use a custom profile that allows just it (`seccomp:<file>`)"),
        );
    }
}

/// The rule of [`Code::RootUser`], documented at the code.
fn root_user(s: &Service, out: &mut Diagnostics) {
    let Some(user) = &s.user else { return };
    let name = user.split(':').next().unwrap_or("").trim();
    if name == "root" || name == "0" {
        out.push(
            Diagnostic::new(Code::RootUser, format!("`{}` runs as root", s.name))
                .primary(at(s.spans.user, s), "root inside the container")
                .note("a process that escapes the container, or writes to a bind mount, does it as root")
                .help("run as an unprivileged user (`user: \"1000:1000\"`) and grant the rights it needs"),
        );
    }
}

/// The rule of [`Code::NoNewPrivileges`], documented at the code.
fn no_new_privileges(s: &Service, out: &mut Diagnostics) {
    let set = s.security_opt.iter().any(|o| {
        let o = o.trim().to_ascii_lowercase().replace('=', ":");
        o == "no-new-privileges" || o == "no-new-privileges:true"
    });
    if !set {
        let span = s.spans.security_opt.first().copied();
        out.push(
            Diagnostic::new(Code::NoNewPrivileges, format!("`{}` may gain privileges through setuid binaries", s.name))
                .primary(
                    at(span, s),
                    if span.is_some() { "no `no-new-privileges:true` here" } else { "no `security_opt`" },
                )
                .help("add `security_opt: [\"no-new-privileges:true\"]`"),
        );
    }
}

/// The rule of [`Code::CapabilitiesUnrestricted`], documented at the code.
fn capabilities_unrestricted(s: &Service, out: &mut Diagnostics) {
    if !s.cap_drop.iter().any(|c| capability(c) == "ALL") && !s.privileged {
        let span = s.spans.cap_drop.first().copied();
        out.push(
            Diagnostic::new(
                Code::CapabilitiesUnrestricted,
                format!("`{}` keeps Docker's default capabilities", s.name),
            )
            .primary(at(span, s), if span.is_some() { "drops some, not `ALL`" } else { "no `cap_drop`" })
            .help("drop them all (`cap_drop: [ALL]`) and add back only what the service needs with `cap_add`"),
        );
    }
}

/// The rule of [`Code::WritableRootFs`], documented at the code.
fn writable_root_fs(s: &Service, out: &mut Diagnostics) {
    if s.read_only != Some(true) {
        out.push(
            Diagnostic::new(Code::WritableRootFs, format!("the root filesystem of `{}` is writable", s.name))
                .primary(
                    at(s.spans.read_only, s),
                    if s.read_only.is_some() { "read_only: false" } else { "no `read_only`" },
                )
                .help("set `read_only: true` and mount a volume or tmpfs where the service writes"),
        );
    }
}
