//! The probe agent that runs inside every verify container (as `topoc __probe`), in the
//! stand-in internet and on the host. Standard library only.
//!
//! Protocol, one line each way: a client sends `ping`, a listener answers `ok`. A relay
//! listener also accepts `to IP PORT` first: if that target is one it may forward to, it
//! connects and pipes bytes both ways, so the `ping` reaches the target and its `ok` comes
//! back; otherwise it closes. "Reachable" means the `ok` arrived within the timeout.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

const LINE_TIMEOUT: Duration = Duration::from_secs(2);

/// Set in Swarm probe containers: relays may resolve `tasks.NAME`.
pub const TASKS_ENV: &str = "TOPOC_PROBE_SWARM_TASKS";

/// What a listener on one port may forward to: `host:port` entries, where host is an
/// address or a DNS name resolved at each connection (Docker's embedded DNS knows the
/// services a relay shares a network with).
#[derive(Debug, Clone, Default)]
pub struct ListenSpec {
    pub port: u16,
    pub relay_to: BTreeSet<String>,
}

/// Parse `--listen` arguments: `PORT` or `PORT=IP:P,IP:P` (a relay).
pub fn parse_listen(arg: &str) -> Result<ListenSpec, String> {
    let (port, targets) = match arg.split_once('=') {
        Some((p, t)) => (p, t),
        None => (arg, ""),
    };
    let port: u16 = port.parse().map_err(|_| format!("bad port in `{arg}`"))?;
    let relay_to = targets
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| match t.rsplit_once(':') {
            Some((host, p)) if !host.is_empty() && p.parse::<u16>().is_ok() => Ok(t.to_owned()),
            _ => Err(format!("bad relay target `{t}` (expected HOST:PORT)")),
        })
        .collect::<Result<_, _>>()?;
    Ok(ListenSpec { port, relay_to })
}

/// Listen on every port until killed. Ports given twice merge their relay targets.
pub fn serve(specs: Vec<ListenSpec>) -> Result<(), String> {
    let mut merged: BTreeMap<u16, BTreeSet<String>> = BTreeMap::new();
    for s in specs {
        merged.entry(s.port).or_default().extend(s.relay_to);
    }
    let mut handles = Vec::new();
    for (port, relay_to) in merged {
        let listener = TcpListener::bind(("0.0.0.0", port)).map_err(|e| format!("cannot listen on {port}: {e}"))?;
        handles.push(thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let relay_to = relay_to.clone();
                thread::spawn(move || handle(stream, &relay_to));
            }
        }));
    }
    for h in handles {
        let _ = h.join();
    }
    // Nothing to listen on (a container sharing another's namespace): stay up until killed.
    loop {
        thread::park();
    }
}

/// Whether `target` is one of the allowed `host:port` entries, resolving names now.
fn allowed(target: SocketAddr, relay_to: &BTreeSet<String>) -> bool {
    use std::net::ToSocketAddrs;
    // In Swarm a service name resolves to its virtual IP, and `tasks.NAME` to the task
    // addresses. Only there: elsewhere Docker's DNS would forward `tasks.NAME` upstream, which
    // is slow and sends a query off the machine.
    let swarm = std::env::var_os(TASKS_ENV).is_some();
    let resolves_to =
        |entry: &str| entry.to_socket_addrs().map(|mut addrs| addrs.any(|a| a == target)).unwrap_or(false);
    relay_to.iter().any(|entry| resolves_to(entry) || (swarm && resolves_to(&format!("tasks.{entry}"))))
}

fn handle(stream: TcpStream, relay_to: &BTreeSet<String>) {
    let _ = stream.set_read_timeout(Some(LINE_TIMEOUT));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut out = stream;
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["ping"] => {
            let _ = out.write_all(b"ok\n");
        }
        ["to", ip, port] => {
            let Ok(target) = format!("{ip}:{port}").parse::<SocketAddr>() else { return };
            if !allowed(target, relay_to) {
                return;
            }
            let Ok(upstream) = TcpStream::connect_timeout(&target, LINE_TIMEOUT) else { return };
            // Bytes the client sent after the header are already in our buffer.
            let pending = reader.buffer().to_vec();
            let mut up_write = match upstream.try_clone() {
                Ok(s) => s,
                Err(_) => return,
            };
            if up_write.write_all(&pending).is_err() {
                return;
            }
            let mut client_read = reader.into_inner();
            let mut client_write = out;
            let mut up_read = upstream;
            let _ = client_read.set_read_timeout(Some(LINE_TIMEOUT));
            let _ = up_read.set_read_timeout(Some(LINE_TIMEOUT));
            let forward = thread::spawn(move || {
                let _ = pipe(&mut client_read, &mut up_write);
                let _ = up_write.shutdown(Shutdown::Write);
            });
            let _ = pipe(&mut up_read, &mut client_write);
            let _ = client_write.shutdown(Shutdown::Write);
            let _ = forward.join();
        }
        _ => {}
    }
}

fn pipe(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<()> {
    let mut buf = [0u8; 4096];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n])?;
    }
}

/// A probe target: a listener, optionally reached through a relay.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Destination {
    pub addr: SocketAddr,
    pub via: Option<SocketAddr>,
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.via {
            Some(via) => write!(f, "{via}>{}", self.addr),
            None => write!(f, "{}", self.addr),
        }
    }
}

impl std::str::FromStr for Destination {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parse = |x: &str| x.parse::<SocketAddr>().map_err(|_| format!("bad address `{x}`"));
        match s.split_once('>') {
            Some((via, addr)) => Ok(Destination { addr: parse(addr)?, via: Some(parse(via)?) }),
            None => Ok(Destination { addr: parse(s)?, via: None }),
        }
    }
}

/// Whether `ping` gets an `ok` back from the target within `timeout`.
pub fn reach(target: &Destination, timeout: Duration) -> bool {
    let first = target.via.unwrap_or(target.addr);
    let Ok(mut stream) = TcpStream::connect_timeout(&first, timeout) else { return false };
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let request = match target.via {
        Some(_) => format!("to {} {}\nping\n", target.addr.ip(), target.addr.port()),
        None => "ping\n".to_owned(),
    };
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = BufReader::new(stream).read_line(&mut reply);
    reply.trim() == "ok"
}

/// The address this namespace sends from toward `dest`: the kernel's route choice, read from
/// a connected UDP socket (connecting sends nothing). None when there is no route.
pub fn source_address(dest: SocketAddr) -> Option<std::net::IpAddr> {
    let any: SocketAddr = if dest.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().ok()?;
    let socket = std::net::UdpSocket::bind(any).ok()?;
    socket.connect(dest).ok()?;
    socket.local_addr().ok().map(|a| a.ip())
}

/// Probe every target in parallel (bounded), returning results in input order.
pub fn reach_all(targets: &[Destination], timeout: Duration) -> Vec<bool> {
    let mut results = vec![false; targets.len()];
    // Blocked probes wait out their timeout (dropped, not refused): run many at once.
    const PARALLEL: usize = 256;
    for (chunk_index, chunk) in targets.chunks(PARALLEL).enumerate() {
        let handles: Vec<_> = chunk.iter().cloned().map(|t| thread::spawn(move || reach(&t, timeout))).collect();
        for (i, h) in handles.into_iter().enumerate() {
            results[chunk_index * PARALLEL + i] = h.join().unwrap_or(false);
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_and_relay_on_loopback() {
        let direct = 47_101;
        let relay = 47_102;
        let specs = vec![
            ListenSpec { port: direct, relay_to: BTreeSet::new() },
            ListenSpec { port: relay, relay_to: [format!("localhost:{direct}")].into_iter().collect() },
        ];
        thread::spawn(move || serve(specs));
        thread::sleep(Duration::from_millis(200));
        let t = Duration::from_secs(1);
        assert!(reach(&format!("127.0.0.1:{direct}").parse().expect("t"), t));
        assert!(reach(&format!("127.0.0.1:{relay}>127.0.0.1:{direct}").parse().expect("t"), t));
        // The relay refuses targets it was not told about.
        assert!(!reach(&format!("127.0.0.1:{relay}>127.0.0.1:{relay}").parse().expect("t"), t));
        assert!(!reach(&"127.0.0.1:1".parse().expect("t"), t));
    }

    #[test]
    fn source_address_follows_the_route() {
        let loopback: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        assert_eq!(source_address(loopback), Some(loopback.ip()));
    }
}
