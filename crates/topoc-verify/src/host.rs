//! What verify sets up on the host around the deployment, and takes down afterwards: the
//! stand-in internet (a network namespace at 198.18.0.2 behind a veth), fake LAN segments for
//! macvlan/ipvlan parents, blackhole routes for topology subnets the host does not route
//! locally (so no probe can leave the machine), and listeners for the host and the stand-ins.
//! Every step is recorded so teardown undoes exactly what was done, also after a failure.

use crate::error::VerifyError;
use crate::exec;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

/// The stand-in internet's addresses: the host side and the namespace side of its veth.
pub(crate) const INET_HOST: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
pub(crate) const INET_NS: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 2);

#[derive(Debug, Default)]
pub(crate) struct HostSetup {
    pub(crate) namespaces: Vec<String>,
    pub(crate) links: Vec<String>,
    pub(crate) blackholes: Vec<String>,
    pub(crate) networks: Vec<String>,
    pub(crate) listeners: Vec<Child>,
}

fn ip(args: &[&str]) -> Result<String, VerifyError> {
    exec::check("ip", args, T)
}

impl HostSetup {
    /// The stand-in internet: namespace `ns`, veth `host_if` (198.18.0.1/30) ⇄ 198.18.0.2/30
    /// with a default route back through the host, and a listener on `port` inside it. It is
    /// also the host's L2 neighbour that sends to 127.0.0.1 (`loopback_through_host`).
    pub(crate) fn internet(&mut self, ns: &str, host_if: &str, port: u16) -> Result<(), VerifyError> {
        self.namespace_behind_veth(ns, host_if, Some(&format!("{INET_HOST}/30")), &[format!("{INET_NS}/30")])?;
        ip(&["netns", "exec", ns, "ip", "route", "add", "default", "via", &INET_HOST.to_string()])?;
        loopback_through_host(ns, &format!("{host_if}p"))?;
        self.listen(Some(ns), port)
    }

    /// A fake LAN for a macvlan parent: veth `host_if` (the parent, no address) ⇄ a "LAN
    /// host" in namespace `ns` holding `addresses` (prefix included), with a listener.
    pub(crate) fn lan(&mut self, ns: &str, host_if: &str, addresses: &[String], port: u16) -> Result<(), VerifyError> {
        self.namespace_behind_veth(ns, host_if, None, addresses)?;
        self.listen(Some(ns), port)
    }

    /// Namespace `ns` joined to the host by veth `host_if` ⇄ `<host_if>p`, both up, with the
    /// given addresses on each side (prefix included). Both are recorded for teardown.
    fn namespace_behind_veth(
        &mut self,
        ns: &str,
        host_if: &str,
        host_addr: Option<&str>,
        ns_addrs: &[String],
    ) -> Result<(), VerifyError> {
        ip(&["netns", "add", ns])?;
        self.namespaces.push(ns.to_owned());
        let peer = format!("{host_if}p");
        ip(&["link", "add", host_if, "type", "veth", "peer", "name", &peer])?;
        self.links.push(host_if.to_owned());
        ip(&["link", "set", &peer, "netns", ns])?;
        if let Some(addr) = host_addr {
            ip(&["addr", "add", addr, "dev", host_if])?;
        }
        ip(&["link", "set", host_if, "up"])?;
        for a in ns_addrs {
            ip(&["netns", "exec", ns, "ip", "addr", "add", a, "dev", &peer])?;
        }
        ip(&["netns", "exec", ns, "ip", "link", "set", &peer, "up"])?;
        ip(&["netns", "exec", ns, "ip", "link", "set", "lo", "up"]).map(drop)
    }

    /// Drop traffic to `subnet` on the host instead of sending it out the default route.
    /// A route the host already has for exactly this prefix (a local bridge, another run's
    /// blackhole) already keeps the traffic here: then nothing is added, nor removed later.
    pub(crate) fn blackhole(&mut self, subnet: &str) -> Result<(), VerifyError> {
        let out = exec::run("ip", &["route", "add", "blackhole", subnet], None, T)?;
        if out.success {
            self.blackholes.push(subnet.to_owned());
            Ok(())
        } else if out.stderr.contains("File exists") {
            Ok(())
        } else {
            Err(VerifyError::Failed {
                command: format!("ip route add blackhole {subnet}"),
                stderr: out.stderr.trim().to_owned(),
            })
        }
    }

    /// A probe listener on the host (`ns` None) or inside a namespace.
    pub(crate) fn listen(&mut self, ns: Option<&str>, port: u16) -> Result<(), VerifyError> {
        let exe = crate::own_exe();
        let mut cmd = match ns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.args(["__probe", "serve", "--listen", &port.to_string()]).stdout(Stdio::null()).stderr(Stdio::null());
        let child = cmd.spawn().map_err(|error| VerifyError::Spawn { program: exe.display().to_string(), error })?;
        self.listeners.push(child);
        std::thread::sleep(Duration::from_millis(150));
        Ok(())
    }

    /// Undo everything, in reverse order; errors are collected, not fatal.
    pub(crate) fn teardown(&mut self, engine: &dyn crate::engine::Engine) -> Vec<String> {
        let mut problems = Vec::new();
        for mut child in self.listeners.drain(..) {
            let _ = child.kill();
            let _ = child.wait();
        }
        for subnet in self.blackholes.drain(..).rev() {
            if let Err(e) = ip(&["route", "del", "blackhole", &subnet]) {
                problems.push(e.to_string());
            }
        }
        for link in self.links.drain(..).rev() {
            // Deleting one end of a veth deletes both; it may already be gone with its namespace.
            let _ = exec::run("ip", &["link", "del", &link], None, T);
        }
        for ns in self.namespaces.drain(..).rev() {
            if let Err(e) = ip(&["netns", "del", &ns]) {
                problems.push(e.to_string());
            }
        }
        for net in self.networks.drain(..).rev() {
            if let Err(e) = engine.remove_network(&net) {
                problems.push(e.to_string());
            }
        }
        problems
    }
}

/// Make namespace `ns` an L2 neighbour that sends to 127.0.0.1 through the host, as the
/// pre-28 leak of loopback-bound ports needs (§3.4, moby#45610): its own loopback address goes,
/// 127.0.0.1 is routed to the host's end of the veth, and replies from 127.0.0.1 on the veth
/// are accepted (`route_localnet`). Nothing in the namespace uses its own loopback.
fn loopback_through_host(ns: &str, veth: &str) -> Result<(), VerifyError> {
    // Its loopback address goes (and with it the local routes): a reply from a source the
    // namespace holds itself would be a martian.
    ip(&["netns", "exec", ns, "ip", "addr", "del", "127.0.0.1/8", "dev", "lo"])?;
    ip(&["netns", "exec", ns, "ip", "route", "add", "127.0.0.1/32", "via", &INET_HOST.to_string(), "dev", veth])?;
    for key in ["all", veth] {
        let setting = format!("net.ipv4.conf.{key}.route_localnet=1");
        exec::check("ip", &["netns", "exec", ns, "sysctl", "-q", "-w", &setting], T)?;
    }
    Ok(())
}

/// Whether the host routes `addr` locally (a Docker bridge, docker_gwbridge, or one of our
/// veths) rather than out of the machine. Every probe the host sends is checked first.
pub(crate) fn routed_locally(addr: IpAddr, own_links: &[String]) -> bool {
    let Ok(out) = exec::check("ip", &["route", "get", &addr.to_string()], T) else { return false };
    let dev = out.split_whitespace().skip_while(|w| *w != "dev").nth(1).unwrap_or_default().to_owned();
    let blackholed = out.starts_with("blackhole") || out.contains("unreachable");
    !blackholed && (dev.starts_with("br-") || dev == "docker0" || dev == "docker_gwbridge" || own_links.contains(&dev))
}

/// Whether the kernel can make ipvlan interfaces (the module may be missing).
pub(crate) fn ipvlan_supported(probe_if: &str) -> bool {
    let peer = format!("{probe_if}p");
    if ip(&["link", "add", probe_if, "type", "veth", "peer", "name", &peer]).is_err() {
        return false;
    }
    let child = format!("{probe_if}c");
    let ok = ip(&["link", "add", &child, "link", probe_if, "type", "ipvlan", "mode", "l2"]).is_ok();
    let _ = exec::run("ip", &["link", "del", &child], None, T);
    let _ = exec::run("ip", &["link", "del", probe_if], None, T);
    ok
}
