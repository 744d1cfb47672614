//! Security-group rule normalisation: the canonical protocol, ports and peer that make rule
//! identity (duplicates, revoke-by-permission) independent of how a client spelled them.

use crate::error::{Error, Result};
use crate::model::Peer;
use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

/// A rule as requested, already canonical, without an id yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// For a group peer an empty `user_id` means "the caller's account".
    pub peer: Peer,
    pub description: Option<String>,
}

/// Canonical protocol text: names for tcp/udp/icmp/icmpv6 (also given as 6/17/1/58), `-1` for
/// all, other protocol numbers as decimal text.
pub fn protocol(raw: &str) -> Result<String> {
    let lower = raw.trim().to_ascii_lowercase();
    let canonical = match lower.as_str() {
        "tcp" | "6" => "tcp".to_string(),
        "udp" | "17" => "udp".to_string(),
        "icmp" | "1" => "icmp".to_string(),
        "icmpv6" | "58" => "icmpv6".to_string(),
        "-1" | "all" => "-1".to_string(),
        other => match other.parse::<u16>() {
            Ok(n) if n <= 255 => n.to_string(),
            _ => {
                return Err(Error::invalid_value(format!(
                    "Invalid value '{raw}' for IP protocol. Unknown protocol."
                )))
            }
        },
    };
    Ok(canonical)
}

/// Ports as stored for a canonical protocol; `None` where the protocol has no ports.
pub fn ports(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<(Option<i32>, Option<i32>)> {
    match protocol {
        "tcp" | "udp" => {
            let (Some(f), Some(t)) = (from, to) else {
                return Err(Error::invalid_value(
                    "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.",
                ));
            };
            if !(0..=65535).contains(&f) || !(0..=65535).contains(&t) || f > t {
                return Err(Error::invalid_value(format!(
                    "Invalid value for portRange. From port {f} and to port {t} must be between 0 and 65535 with from <= to."
                )));
            }
            Ok((Some(f), Some(t)))
        }
        "icmp" | "icmpv6" => {
            let f = from.unwrap_or(-1);
            let t = to.unwrap_or(-1);
            if !(-1..=255).contains(&f) || !(-1..=255).contains(&t) {
                return Err(Error::invalid_value(format!(
                    "ICMP type {f} or code {t} is out of range (-1 to 255)."
                )));
            }
            if f == -1 && t != -1 {
                return Err(Error::invalid_value(
                    "Invalid value for portRange. ICMP code must be -1 when the type is -1.",
                ));
            }
            Ok((Some(f), Some(t)))
        }
        _ => Ok((None, None)),
    }
}

pub fn cidr4(raw: &str) -> Result<Ipv4Net> {
    raw.trim()
        .parse::<Ipv4Net>()
        .map(|n| n.trunc())
        .map_err(|_| Error::invalid_value(format!("CIDR block {raw} is malformed")))
}

pub fn cidr6(raw: &str) -> Result<Ipv6Net> {
    raw.trim()
        .parse::<Ipv6Net>()
        .map(|n| n.trunc())
        .map_err(|_| Error::invalid_value(format!("CIDR block {raw} is malformed")))
}

/// How AWS quotes a rule in `InvalidPermission.Duplicate`.
pub fn describe(spec: &RuleSpec, egress: bool) -> String {
    let peer = match &spec.peer {
        Peer::Cidr4(n) => n.to_string(),
        Peer::Cidr6(n) => n.to_string(),
        Peer::PrefixList(p) => p.to_string(),
        Peer::Group(g) => g.group_id.to_string(),
    };
    let proto = match spec.protocol.as_str() {
        "-1" => "ALL".to_string(),
        p => p.to_ascii_uppercase(),
    };
    let ports = match (spec.from_port, spec.to_port) {
        (Some(f), Some(t)) => format!(", from port: {f}, to port: {t}"),
        _ => String::new(),
    };
    let dir = if egress { "egress " } else { "" };
    format!("{dir}peer: {peer}, {proto}{ports}, ALLOW")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_are_canonical() {
        assert_eq!(protocol("TCP").unwrap(), "tcp");
        assert_eq!(protocol("6").unwrap(), "tcp");
        assert_eq!(protocol("58").unwrap(), "icmpv6");
        assert_eq!(protocol("-1").unwrap(), "-1");
        assert_eq!(protocol("50").unwrap(), "50");
        assert!(protocol("256").is_err());
        assert!(protocol("bogus").is_err());
    }

    #[test]
    fn ports_follow_the_protocol() {
        assert_eq!(ports("-1", Some(0), Some(0)).unwrap(), (None, None));
        assert_eq!(
            ports("tcp", Some(22), Some(25)).unwrap(),
            (Some(22), Some(25))
        );
        assert!(ports("tcp", Some(25), Some(22)).is_err());
        assert!(ports("tcp", None, Some(22)).is_err());
        assert!(ports("udp", Some(0), Some(70000)).is_err());
        assert_eq!(ports("icmp", None, None).unwrap(), (Some(-1), Some(-1)));
        assert!(ports("icmp", Some(-1), Some(3)).is_err());
        assert_eq!(ports("50", Some(1), Some(2)).unwrap(), (None, None));
    }

    #[test]
    fn cidrs_are_truncated_to_the_network() {
        assert_eq!(
            cidr4("100.68.0.18/18").unwrap().to_string(),
            "100.68.0.0/18"
        );
        assert_eq!(
            cidr6("2001:db8::1/32").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert!(cidr4("10.0.0/16").is_err());
        assert!(cidr4("10.0.0.0/33").is_err());
    }
}
