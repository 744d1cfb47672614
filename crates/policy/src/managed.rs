//! AWS-managed policies that accounts attach, with their statements for the five services
//! ramparts answers (EC2, RAM, Organizations, IAM, STS). Statements of AWS's versions that name
//! other services are left out: they could not change any decision here.
//!
//! UNSURE: the statement lists are written from AWS's published policies as of 2026 and cut to
//! our services; where AWS lists many EC2 actions one by one (the VPC policies) we keep the
//! actions ramparts implements and the wildcards AWS itself uses.

const PREFIX: &str = "arn:aws:iam::aws:policy/";

/// (name, document)
const POLICIES: &[(&str, &str)] = &[
    (
        "AdministratorAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    ),
    (
        "PowerUserAccess",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
            {"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}"#,
    ),
    (
        "ReadOnlyAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "ec2:Describe*","ec2:Get*","ec2:List*","ec2:SearchTransitGatewayRoutes",
            "iam:Generate*","iam:Get*","iam:List*","iam:Simulate*",
            "organizations:Describe*","organizations:List*",
            "ram:Get*","ram:List*",
            "sts:GetAccessKeyInfo","sts:GetCallerIdentity","sts:GetSessionToken"],"Resource":"*"}]}"#,
    ),
    (
        "AmazonEC2FullAccess",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"ec2:*","Resource":"*"},
            {"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":["autoscaling.amazonaws.com","ec2scheduled.amazonaws.com","elasticloadbalancing.amazonaws.com","spot.amazonaws.com","spotfleet.amazonaws.com","transitgateway.amazonaws.com"]}}}]}"#,
    ),
    (
        "AmazonEC2ReadOnlyAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","ec2:GetSecurityGroupsForVpc"],"Resource":"*"}]}"#,
    ),
    (
        "AmazonVPCFullAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "ec2:AcceptVpcPeeringConnection","ec2:AssignIpv6Addresses","ec2:AssignPrivateIpAddresses",
            "ec2:AssociateSecurityGroupVpc","ec2:AssociateSubnetCidrBlock","ec2:AssociateVpcCidrBlock",
            "ec2:AuthorizeSecurityGroupEgress","ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateDefaultVpc","ec2:CreateManagedPrefixList","ec2:CreateNetworkInterface",
            "ec2:CreateSecurityGroup","ec2:CreateSubnet","ec2:CreateTags","ec2:CreateVpc",
            "ec2:CreateVpcPeeringConnection","ec2:DeleteManagedPrefixList","ec2:DeleteNetworkInterface",
            "ec2:DeleteSecurityGroup","ec2:DeleteSubnet","ec2:DeleteTags","ec2:DeleteVpc",
            "ec2:DeleteVpcPeeringConnection","ec2:Describe*","ec2:DisassociateSecurityGroupVpc",
            "ec2:DisassociateSubnetCidrBlock","ec2:DisassociateVpcCidrBlock",
            "ec2:GetManagedPrefixListEntries","ec2:GetSecurityGroupsForVpc",
            "ec2:ModifyManagedPrefixList","ec2:ModifyNetworkInterfaceAttribute",
            "ec2:ModifySecurityGroupRules","ec2:ModifySubnetAttribute","ec2:ModifyVpcAttribute",
            "ec2:RejectVpcPeeringConnection","ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress","ec2:UnassignIpv6Addresses",
            "ec2:UnassignPrivateIpAddresses","ec2:UpdateSecurityGroupRuleDescriptionsEgress",
            "ec2:UpdateSecurityGroupRuleDescriptionsIngress"],"Resource":"*"}]}"#,
    ),
    (
        "AmazonVPCReadOnlyAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
            "ec2:DescribeAccountAttributes","ec2:DescribeAvailabilityZones","ec2:DescribeManagedPrefixLists",
            "ec2:DescribeNetworkAcls","ec2:DescribeNetworkInterfaceAttribute","ec2:DescribeNetworkInterfaces",
            "ec2:DescribeRouteTables","ec2:DescribeSecurityGroupReferences","ec2:DescribeSecurityGroupRules",
            "ec2:DescribeSecurityGroupVpcAssociations","ec2:DescribeSecurityGroups",
            "ec2:DescribeStaleSecurityGroups","ec2:DescribeSubnets","ec2:DescribeTags",
            "ec2:DescribeVpcAttribute","ec2:DescribeVpcPeeringConnections","ec2:DescribeVpcs",
            "ec2:GetManagedPrefixListEntries","ec2:GetSecurityGroupsForVpc"],"Resource":"*"}]}"#,
    ),
    (
        "AWSResourceAccessManagerFullAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ram:*","Resource":"*"}]}"#,
    ),
];

/// The document of an AWS-managed policy ramparts knows, by ARN.
pub fn document(arn: &str) -> Option<&'static str> {
    let name = arn.strip_prefix(PREFIX)?;
    POLICIES.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// A stable `ANPA…` id for an AWS-managed policy: 17 upper-case letters and digits derived
/// from its name (AWS's own ids are not published for every policy).
pub fn id(name: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in name.bytes() {
        hash ^= u128::from(b);
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let mut out = String::from("ANPA");
    for _ in 0..17 {
        out.push(ALPHABET[(hash % 36) as usize] as char);
        hash /= 36;
    }
    out
}

/// The names of every AWS-managed policy ramparts carries.
pub fn names() -> impl Iterator<Item = &'static str> {
    POLICIES.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Document, Kind};

    #[test]
    fn every_managed_policy_is_a_valid_identity_policy() {
        for (name, text) in POLICIES {
            Document::parse_as(text, Kind::Identity).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(document("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
        assert!(document("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
        assert_eq!(names().count(), POLICIES.len());
    }
}
