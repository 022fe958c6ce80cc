//! Pictures of the topology: networks, their members with addresses, published ports, relays
//! and the ways out, as Graphviz DOT or Mermaid.

use std::fmt::Write;
use topoc_model::{Driver, Network, Topology};

fn network_label(n: &Network) -> Vec<String> {
    let mut lines = vec![format!("network {}", n.name)];
    if let Some(s) = &n.subnet {
        lines.push(s.net.to_string());
    }
    if let Some(s) = &n.subnet6 {
        lines.push(s.net.to_string());
    }
    let mut traits = vec![n.driver.as_str().to_owned()];
    if n.external {
        traits.push("external".into());
    }
    traits.push(if n.egress { "egress".into() } else { "internal".into() });
    if !n.icc {
        traits.push("no icc".into());
    }
    if n.encrypted {
        traits.push("encrypted".into());
    }
    lines.push(traits.join(", "));
    lines
}

fn dot_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn service_addresses(topo: &Topology, s: &topoc_model::Service, a: &topoc_model::Attachment) -> String {
    let _ = topo;
    let mut parts: Vec<String> = match a.addresses.as_slice() {
        [] => Vec::new(),
        [one] => vec![one.to_string()],
        [first, .., last] => vec![format!("{first}–{last}")],
    };
    if let Some(ip6) = a.ip6 {
        parts.push(ip6.to_string());
    }
    if s.replicas > 1 && a.addresses.is_empty() {
        parts.push(format!("×{}", s.replicas));
    }
    parts.join(" ")
}

/// Graphviz DOT.
pub fn dot(topo: &Topology) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", dot_quote(&topo.name));
    out.push_str(
        "  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    out.push_str("  \"external\" [shape=doubleoctagon, label=\"external\\n(internet, LAN)\"];\n  \"host\" [shape=house, label=\"Docker host\"];\n");
    for (i, n) in topo.networks.iter().enumerate() {
        let style = if n.egress { "filled" } else { "filled,dashed" };
        let _ = writeln!(
            out,
            "  \"n{i}\" [shape=ellipse, style={style:?}, fillcolor=\"#e8f0fe\", label={}];",
            dot_quote(&network_label(n).join("\n"))
        );
        match n.driver {
            Driver::Macvlan | Driver::Ipvlan => {
                let parent = n.parent.as_deref().unwrap_or("?");
                let _ = writeln!(
                    out,
                    "  \"n{i}\" -> \"external\" [dir=both, style=bold, label={}];",
                    dot_quote(&format!("LAN via {parent}"))
                );
            }
            _ if n.egress => {
                let _ = writeln!(out, "  \"n{i}\" -> \"external\" [style=dotted, label=\"egress\"];");
            }
            _ => {}
        }
    }
    for (i, s) in topo.services.iter().enumerate() {
        let mut label = s.name.clone();
        if s.replicas != 1 {
            label.push_str(&format!("\n×{}", s.replicas));
        }
        let _ = writeln!(out, "  \"s{i}\" [shape=box, label={}];", dot_quote(&label));
        for a in &s.attachments {
            let _ = writeln!(
                out,
                "  \"s{i}\" -> \"n{}\" [dir=none, label={}];",
                a.network.0,
                dot_quote(&service_addresses(topo, s, a))
            );
        }
        match s.network_mode {
            topoc_model::NetworkMode::Host => {
                let _ = writeln!(out, "  \"s{i}\" -> \"host\" [dir=none, color=red, label=\"network_mode: host\"];");
            }
            topoc_model::NetworkMode::Service(o) => {
                let _ =
                    writeln!(out, "  \"s{i}\" -> \"s{}\" [dir=none, style=dotted, label=\"shares namespace\"];", o.0);
            }
            _ => {}
        }
        for p in &s.ports {
            let bind = p.host_ip.map(|ip| format!("{ip}:")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  \"host\" -> \"s{i}\" [color=red, label={}];",
                dot_quote(&format!("{bind}{} → {}", p.host_port(), p.target))
            );
        }
        for r in &s.relays {
            let ports = if r.ports.is_empty() {
                "all".to_string()
            } else {
                r.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(",")
            };
            let _ = writeln!(
                out,
                "  \"s{i}\" -> {} [style=dashed, color=blue, label={}];",
                relay_target(topo, &r.to),
                dot_quote(&format!("relays {ports}"))
            );
        }
    }
    out.push_str("}\n");
    out
}

fn relay_target(topo: &Topology, sel: &topoc_model::Selector) -> String {
    use topoc_model::SelectorTarget as T;
    match &sel.target {
        T::Services(ids) if ids.len() == 1 => format!("\"s{}\"", ids[0].0),
        T::Network(n) => format!("\"n{}\"", n.0),
        T::External => "\"external\"".into(),
        T::Host => "\"host\"".into(),
        _ => {
            let _ = topo;
            dot_quote(&format!("sel:{}", sel.text))
        }
    }
}

fn mm(s: &str) -> String {
    let escaped: String = s
        .chars()
        .map(|c| match c {
            '"' => "#quot;".to_string(),
            '\n' => "<br/>".to_string(),
            '<' => "#lt;".to_string(),
            '>' => "#gt;".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("\"{escaped}\"")
}

/// Mermaid flowchart.
pub fn mermaid(topo: &Topology) -> String {
    let mut out = String::from("flowchart LR\n");
    out.push_str("  external{{\"external (internet, LAN)\"}}\n  host[/\"Docker host\"\\]\n");
    for (i, n) in topo.networks.iter().enumerate() {
        let _ = writeln!(out, "  n{i}([{}])", mm(&network_label(n).join("\n")));
        match n.driver {
            Driver::Macvlan | Driver::Ipvlan => {
                let _ = writeln!(
                    out,
                    "  n{i} <==>|{}| external",
                    mm(&format!("LAN via {}", n.parent.as_deref().unwrap_or("?")))
                );
            }
            _ if n.egress => {
                let _ = writeln!(out, "  n{i} -.->|egress| external");
            }
            _ => {}
        }
    }
    for (i, s) in topo.services.iter().enumerate() {
        let label = if s.replicas != 1 { format!("{}\n×{}", s.name, s.replicas) } else { s.name.clone() };
        let _ = writeln!(out, "  s{i}[{}]", mm(&label));
        for a in &s.attachments {
            let addr = service_addresses(topo, s, a);
            if addr.is_empty() {
                let _ = writeln!(out, "  s{i} --- n{}", a.network.0);
            } else {
                let _ = writeln!(out, "  s{i} ---|{}| n{}", mm(&addr), a.network.0);
            }
        }
        if let topoc_model::NetworkMode::Host = s.network_mode {
            let _ = writeln!(out, "  s{i} ---|\"network_mode: host\"| host");
        }
        for p in &s.ports {
            let bind = p.host_ip.map(|ip| format!("{ip}:")).unwrap_or_default();
            let _ = writeln!(out, "  host -->|{}| s{i}", mm(&format!("{bind}{} → {}", p.host_port(), p.target)));
        }
        for r in &s.relays {
            if let topoc_model::SelectorTarget::Services(ids) = &r.to.target {
                for id in ids {
                    let _ = writeln!(out, "  s{i} -.->|relay| s{}", id.0);
                }
            }
        }
    }
    out
}
