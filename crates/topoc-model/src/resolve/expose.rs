//! Compose's `expose`: the ports a service listens on without publishing them. Written as
//! Compose takes them (`8080`, `"8000-8010"`, `"5353/udp"`), kept as written for the emitters,
//! and read into ranges for the reachability model's listeners.

use super::Cx;
use crate::ir::{ExposedPorts, Protocol};
use topoc_diag::{Code, Diagnostic};
use topoc_spec::{Sp, Text};

pub(crate) fn resolve(entries: &[Sp<Text>], cx: &mut Cx) -> Vec<ExposedPorts> {
    entries
        .iter()
        .filter_map(|e| match parse(&e.value.0) {
            Ok((first, last, protocol)) => {
                Some(ExposedPorts { first, last, protocol, text: e.value.0.clone(), span: e.span })
            }
            Err(why) => {
                cx.push(
                    Diagnostic::new(Code::InvalidValue, format!("`{}` is not an exposed port: {why}", e.value.0))
                        .primary(e.span, "expected PORT, FIRST-LAST, optionally /tcp or /udp")
                        .help("write the container port the service listens on, e.g. `8080` or `\"8000-8010/udp\"`"),
                );
                None
            }
        })
        .collect()
}

/// `PORT`, `FIRST-LAST`, each optionally followed by `/tcp` or `/udp` (Compose's syntax).
fn parse(text: &str) -> Result<(u16, u16, Protocol), &'static str> {
    let (ports, protocol) = match text.split_once('/') {
        None => (text, Protocol::Tcp),
        Some((p, "tcp")) => (p, Protocol::Tcp),
        Some((p, "udp")) => (p, Protocol::Udp),
        Some(_) => return Err("the protocol is `tcp` or `udp`"),
    };
    let port = |p: &str| match p.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err("a port is a number from 1 to 65535"),
        Ok(n) => Ok(n),
    };
    let (first, last) = match ports.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => {
            let p = port(ports)?;
            (p, p)
        }
    };
    if first > last {
        return Err("a range runs from the lower port to the higher");
    }
    Ok((first, last, protocol))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_forms() {
        assert_eq!(parse("8080"), Ok((8080, 8080, Protocol::Tcp)));
        assert_eq!(parse("8000-8010"), Ok((8000, 8010, Protocol::Tcp)));
        assert_eq!(parse("5353/udp"), Ok((5353, 5353, Protocol::Udp)));
        assert!(parse("0").is_err());
        assert!(parse("70000").is_err());
        assert!(parse("90-80").is_err());
        assert!(parse("80/sctp").is_err());
        assert!(parse("http").is_err());
    }
}
