//! The names the engine sees. The model judges networks, volumes and secrets by their spec
//! keys; the engine knows them by their engine names, which Compose derives:
//! `name:` when set, the key itself for an external object without one, `<project>_<key>`
//! otherwise (a Swarm stack uses `<stack>_<key>`, the same text). Two keys with one engine name
//! are one object to Docker but two to the model, so the verdict would be wrong (two networks
//! "apart" that are one, a volume the policy protects mounted through another key): every such
//! collision is refused. So are networks whose engine name is one Docker predefines (`host`,
//! `none`, and Swarm's `ingress` and `docker_gwbridge`), which the model cannot stand for as an
//! ordinary network. Docker's default `bridge` is one: the model takes it as the bridge network
//! it is, and a warning says that containers outside the spec share it. Service names are
//! compared ignoring case, as Docker's embedded DNS does.

use super::Cx;
use crate::ir::{Origin, SecretSource, Topology};
use foldhash::HashMap;
use topoc_diag::{Code, Diagnostic, Span};

/// One object's engine name and where the spec declares it.
struct Named<'a> {
    key: &'a str,
    engine: String,
    span: Span,
    stamped: bool,
}

/// The engine name Compose gives an object of `project`.
pub(crate) fn engine_name(project: &str, key: &str, name: Option<&str>, external: bool) -> String {
    match name {
        Some(n) => n.to_owned(),
        None if external => key.to_owned(),
        None => format!("{project}_{key}"),
    }
}

/// A network name Docker gives a meaning of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predefined {
    Host,
    Bridge,
    None,
    Ingress,
    Gwbridge,
}

impl Predefined {
    fn of(name: &str) -> Option<Predefined> {
        Some(match name {
            "host" => Predefined::Host,
            "bridge" => Predefined::Bridge,
            "none" => Predefined::None,
            "ingress" => Predefined::Ingress,
            "docker_gwbridge" => Predefined::Gwbridge,
            _ => return None,
        })
    }

    /// What attaching to it does, and what to write instead.
    fn meaning(self) -> (&'static str, &'static str) {
        match self {
            Predefined::Host => (
                "the container would share the host's network namespace, which the model cannot see as a network",
                "write `network_mode: host` on the service: topoc models it as an escape hatch",
            ),
            Predefined::Bridge => (
                "it is Docker's default bridge: every container started without a network is on it too, and reaches \
                 this network's members; the model knows only the members the spec lists",
                "declare a network of your own, unless the spec means the default bridge (then this warning says what \
                 the model cannot see)",
            ),
            Predefined::None => {
                ("the container would have no network at all", "write `network_mode: none` on the service instead")
            }
            Predefined::Ingress => (
                "it is the Swarm routing mesh's network, which every node's published ports use",
                "publish ports instead: topoc models the routing mesh",
            ),
            Predefined::Gwbridge => {
                ("it is the bridge that connects Swarm containers to their host", "declare a network of your own")
            }
        }
    }
}

pub(crate) fn check(topo: &Topology, cx: &mut Cx) {
    let project = topo.name.as_str();
    // Docker's default bridge, when `network_mode: bridge` put it in the model, is meant.
    let networks: Vec<Named<'_>> = topo
        .networks
        .iter()
        .filter(|n| !n.predefined)
        .map(|n| Named {
            key: &n.name,
            engine: engine_name(project, &n.name, n.engine_name.as_deref(), n.external),
            span: n.span,
            stamped: !matches!(n.origin, Origin::Declared),
        })
        .collect();
    for n in &networks {
        if let Some(predefined) = Predefined::of(&n.engine) {
            let (meaning, fix) = predefined.meaning();
            let d = Diagnostic::new(
                Code::PredefinedNetwork,
                format!("network `{}` is Docker's predefined `{}` network", n.key, n.engine),
            )
            .primary(n.span, format!("its engine name is `{}`", n.engine))
            .help(fix);
            cx.push(if predefined == Predefined::Bridge {
                // A bridge network the model can stand for, members it cannot list.
                d.note(meaning).with_severity(topoc_diag::Severity::Warning)
            } else {
                d.note(format!("{meaning}; the reachability verdict would be wrong"))
            });
        }
    }
    collisions(cx, "network", &networks, |s| s.to_owned());
    let volumes: Vec<Named<'_>> = topo
        .volumes
        .iter()
        .map(|v| Named {
            key: &v.name,
            engine: engine_name(project, &v.name, v.engine_name.as_deref(), v.external),
            span: v.span,
            stamped: !matches!(v.origin, Origin::Declared),
        })
        .collect();
    collisions(cx, "volume", &volumes, |s| s.to_owned());
    let secrets: Vec<Named<'_>> = topo
        .secrets
        .iter()
        .map(|s| Named {
            key: &s.name,
            engine: engine_name(project, &s.name, s.engine_name.as_deref(), matches!(s.source, SecretSource::External)),
            span: s.span,
            stamped: false,
        })
        .collect();
    collisions(cx, "secret", &secrets, |s| s.to_owned());
    let services: Vec<Named<'_>> = topo
        .services
        .iter()
        .map(|s| Named {
            key: &s.name,
            engine: s.name.clone(),
            span: s.span,
            stamped: !matches!(s.origin, Origin::Declared),
        })
        .collect();
    collisions(cx, "service", &services, str::to_ascii_lowercase);
}

/// Refuse every object whose engine name (compared as `fold` makes it) an earlier one has.
fn collisions(cx: &mut Cx, kind: &str, objects: &[Named<'_>], fold: impl Fn(&str) -> String) {
    let mut first: HashMap<String, usize> = HashMap::default();
    for (i, o) in objects.iter().enumerate() {
        let Some(&j) = first.get(&fold(&o.engine)) else {
            first.insert(fold(&o.engine), i);
            continue;
        };
        let earlier = &objects[j];
        // Two copies of one template line: one finding at that line is enough.
        if o.stamped && earlier.stamped && o.span == earlier.span && o.engine == earlier.engine {
            cx.push(
                Diagnostic::new(
                    Code::NameCollision,
                    format!("every instance's {kind} here has the engine name `{}`", o.engine),
                )
                .primary(o.span, "the instances' copies are one object to Docker")
                .help("put `{id}` in its `name:`"),
            );
            continue;
        }
        let (what, help) = if kind == "service" {
            (
                format!("service `{}` and `{}` differ only in case, which Docker's DNS ignores", o.key, earlier.key),
                "rename one of them".to_owned(),
            )
        } else {
            (
                format!("{kind} `{}` has the engine name `{}`, as `{}` has", o.key, o.engine, earlier.key),
                format!("Docker would take both for one {kind}; give each its own `name:` (or drop `name:`)"),
            )
        };
        cx.push(
            Diagnostic::new(Code::NameCollision, what)
                .primary(o.span, format!("engine name `{}`", o.engine))
                .secondary(earlier.span, format!("`{}` has it too", earlier.key))
                .help(help),
        );
    }
}
