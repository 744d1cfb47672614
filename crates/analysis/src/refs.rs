//! Ids to `Ref`s (id and ARN) for the components a path names: the ARN needs the owner and
//! Region, found in the state by the id's kind.

use cloud::insights::Ref;
use cloud::Cloud;

/// ARN resource types by id prefix; longer prefixes first, as `tgw-attach-` starts with `tgw-`.
const KINDS: &[(&str, &str)] = &[
    ("tgw-attach-", "transit-gateway-attachment"),
    ("tgw-rtb-", "transit-gateway-route-table"),
    ("tgw-", "transit-gateway"),
    ("eni-", "network-interface"),
    ("i-", "instance"),
    ("igw-", "internet-gateway"),
    ("vpc-", "vpc"),
    ("subnet-", "subnet"),
    ("sg-", "security-group"),
    ("acl-", "network-acl"),
    ("rtb-", "route-table"),
    ("pcx-", "vpc-peering-connection"),
    ("nat-", "natgateway"),
    ("vpce-", "vpc-endpoint"),
    ("vgw-", "vpn-gateway"),
    ("pl-", "prefix-list"),
];

fn owner_of<'a>(c: &'a Cloud, id: &str) -> Option<(&'a str, &'a str)> {
    let pick = |o: &'a str, r: &'a str| Some((o, r));
    match KINDS.iter().find(|(p, _)| id.starts_with(p))?.0 {
        "tgw-attach-" => c
            .tgw_attachments
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "tgw-rtb-" => c
            .tgw_route_tables
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "tgw-" => c
            .transit_gateways
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "eni-" => c.interfaces.get(id).and_then(|x| pick(&x.owner, &x.region)),
        "i-" => c.instances.get(id).and_then(|x| pick(&x.owner, &x.region)),
        "igw-" => c
            .internet_gateways
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "vpc-" => c.vpcs.get(id).and_then(|x| pick(&x.owner, &x.region)),
        "subnet-" => c.subnets.get(id).and_then(|x| pick(&x.owner, &x.region)),
        "sg-" => c.groups.get(id).and_then(|x| pick(&x.owner, &x.region)),
        "acl-" => c
            .network_acls
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "rtb-" => c
            .route_tables
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "pcx-" => c
            .peerings
            .get(id)
            .and_then(|x| pick(&x.requester.owner, &x.requester.region)),
        "nat-" => c
            .nat_gateways
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "vpce-" => c.endpoints.get(id).and_then(|x| pick(&x.owner, &x.region)),
        "vgw-" => c
            .vpn_gateways
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        "pl-" => c
            .prefix_lists
            .get(id)
            .and_then(|x| pick(&x.owner, &x.region)),
        _ => None,
    }
}

/// The component's id and ARN (the ARN empty for something the state no longer holds).
pub fn of(c: &Cloud, id: &str) -> Ref {
    let arn = match (
        owner_of(c, id),
        KINDS.iter().find(|(p, _)| id.starts_with(p)),
    ) {
        (Some((owner, region)), Some((_, kind))) => {
            format!("arn:aws:ec2:{region}:{owner}:{kind}/{id}")
        }
        _ => String::new(),
    };
    Ref {
        id: id.to_string(),
        arn,
    }
}
