//! Addresses written in the spec: absolute or host offsets, checked against their subnet.

use super::Cx;
use crate::ipam::{self, AddressProblem};
use ipnet::IpNet;
use std::net::IpAddr;
use topoc_diag::{Code, Diagnostic, Span};

pub(crate) fn address(text: &str, span: Span, subnet: Option<IpNet>, cx: &mut Cx) -> Option<IpAddr> {
    match ipam::parse_address(text, subnet) {
        Ok(addr) => Some(addr),
        Err(problem) => {
            cx.push(Diagnostic::new(Code::InvalidAddress, problem).primary(span, "not a usable address"));
            None
        }
    }
}

/// Report an address that is outside `subnet` or is its network/broadcast address.
pub(crate) fn check_in_subnet(addr: IpAddr, subnet: IpNet, span: Span, what: &str, cx: &mut Cx) -> bool {
    match ipam::check_host_address(subnet, addr) {
        Ok(()) => true,
        Err(AddressProblem::Outside) => {
            cx.push(
                Diagnostic::new(Code::AddressOutsideSubnet, format!("{what} {addr} is outside the subnet {subnet}"))
                    .primary(span, format!("not in {subnet}"))
                    .help(format!("use an address inside {subnet}, or a host offset such as `.10`")),
            );
            false
        }
        Err(problem) => {
            let which = if problem == AddressProblem::Broadcast { "broadcast" } else { "network" };
            cx.push(
                Diagnostic::new(Code::AddressReserved, format!("{what} {addr} is the {which} address of {subnet}"))
                    .primary(span, format!("the {which} address cannot be assigned"))
                    .help("use a host address between the network and broadcast addresses"),
            );
            false
        }
    }
}
