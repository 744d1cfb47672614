//! The official Rust SDK, unmodified, against ramparts.

use aws_credential_types::Credentials;
use aws_sdk_ec2::types::{Filter, IpPermission, IpRange};

async fn config(endpoint: &str, account: &str, region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(Credentials::new(account, "secret", None, None, "test"))
        .load()
        .await
}

async fn ec2(endpoint: &str, account: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&config(endpoint, account, "us-east-1").await)
}

#[tokio::test]
async fn caller_identity_names_the_account_root() {
    let server = e2e::start().await;
    let sts =
        aws_sdk_sts::Client::new(&config(&server.endpoint(), "123456789012", "eu-west-1").await);
    let me = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some("123456789012"));
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:root"));
}

#[tokio::test]
async fn the_guides_security_group_walkthrough() {
    let server = e2e::start().await;
    let ec2 = ec2(&server.endpoint(), "111111111111").await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let group = ec2
        .create_security_group()
        .group_name("web")
        .description("web")
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap();
    let group_id = group.group_id().unwrap().to_string();
    let authorized = ec2
        .authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.7/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let rule = &authorized.security_group_rules()[0];
    assert!(rule.security_group_rule_id().unwrap().starts_with("sgr-"));
    assert_eq!(rule.cidr_ipv4(), Some("10.0.0.0/16"));

    let found = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-id").values(&group_id).build())
        .send()
        .await
        .unwrap();
    let groups = found.security_groups();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.group_name(), Some("web"));
    assert_eq!(g.owner_id(), Some("111111111111"));
    assert_eq!(g.vpc_id(), Some(vpc_id.as_str()));
    let ingress = g.ip_permissions();
    assert_eq!(ingress.len(), 1);
    assert_eq!(ingress[0].from_port(), Some(443));
    assert_eq!(ingress[0].ip_ranges()[0].cidr_ip(), Some("10.0.0.0/16"));
    let egress = g.ip_permissions_egress();
    assert_eq!(egress[0].ip_protocol(), Some("-1"));
    assert_eq!(egress[0].from_port(), None);

    let dup = ec2
        .authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("6")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        dup.into_service_error().meta().code(),
        Some("InvalidPermission.Duplicate")
    );
}

#[tokio::test]
async fn accounts_and_regions_are_separate() {
    let server = e2e::start().await;
    let a = ec2(&server.endpoint(), "111111111111").await;
    let b = ec2(&server.endpoint(), "222222222222").await;
    let vpc = a
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let err = b.describe_vpcs().vpc_ids(&vpc_id).send().await.unwrap_err();
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("InvalidVpcID.NotFound")
    );
    let err = b.delete_vpc().vpc_id(&vpc_id).send().await.unwrap_err();
    assert_eq!(
        err.into_service_error().meta().code(),
        Some("InvalidVpcID.NotFound")
    );
    let other_region =
        aws_sdk_ec2::Client::new(&config(&server.endpoint(), "111111111111", "eu-west-1").await);
    let seen = other_region.describe_vpcs().send().await.unwrap();
    assert!(seen
        .vpcs()
        .iter()
        .all(|v| v.vpc_id() != Some(vpc_id.as_str())));
    assert_eq!(seen.vpcs().len(), 1, "only the default VPC of eu-west-1");
}

#[tokio::test]
async fn interfaces_take_addresses_from_the_subnet_and_carry_groups() {
    let server = e2e::start().await;
    let ec2 = ec2(&server.endpoint(), "111111111111").await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.2.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.2.1.0/24")
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap();
    assert_eq!(subnet.available_ip_address_count(), Some(251));
    let subnet_id = subnet.subnet_id().unwrap().to_string();
    let g = ec2
        .create_security_group()
        .group_name("app")
        .description("app")
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap();
    let eni = ec2
        .create_network_interface()
        .subnet_id(&subnet_id)
        .groups(g.group_id().unwrap())
        .send()
        .await
        .unwrap();
    let eni = eni.network_interface().unwrap();
    assert_eq!(eni.private_ip_address(), Some("10.2.1.4"));
    assert_eq!(eni.groups()[0].group_name(), Some("app"));
    let after = ec2
        .describe_subnets()
        .subnet_ids(&subnet_id)
        .send()
        .await
        .unwrap();
    assert_eq!(after.subnets()[0].available_ip_address_count(), Some(250));
}

#[tokio::test]
async fn a_dual_stack_vpc_carves_subnet_blocks_from_its_own() {
    use aws_sdk_ec2::types::VpcCidrBlockStateCode;
    let server = e2e::start().await;
    let ec2 = ec2(&server.endpoint(), "111111111111").await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.3.0.0/16")
        .amazon_provided_ipv6_cidr_block(true)
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let described = ec2.describe_vpcs().vpc_ids(&vpc_id).send().await.unwrap();
    let block = &described.vpcs()[0].ipv6_cidr_block_association_set()[0];
    assert_eq!(
        block.ipv6_cidr_block_state().and_then(|s| s.state()),
        Some(&VpcCidrBlockStateCode::Associated)
    );
    assert_eq!(block.ipv6_pool(), Some("Amazon"));
    let vpc_block: ipnet::Ipv6Net = block.ipv6_cidr_block().unwrap().parse().unwrap();
    assert_eq!(vpc_block.prefix_len(), 56);
    let wanted = vpc_block.subnets(64).unwrap().nth(3).unwrap();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.3.1.0/24")
        .ipv6_cidr_block(wanted.to_string())
        .send()
        .await
        .unwrap();
    let got = subnet.subnet().unwrap().ipv6_cidr_block_association_set()[0]
        .ipv6_cidr_block()
        .unwrap()
        .to_string();
    assert_eq!(got, wanted.to_string());
    let refused = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.3.2.0/24")
        .ipv6_cidr_block(wanted.to_string())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.into_service_error().meta().code(),
        Some("InvalidSubnet.Conflict")
    );
}

async fn iam(endpoint: &str, account: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&config(endpoint, account, "us-east-1").await)
}

/// IAM through the Rust SDK: a boundary, the simulator and the account's authorization details
/// parse as the SDK reads them, and an assumed role is held to its policy.
#[tokio::test]
async fn iam_boundaries_simulator_and_enforcement() {
    let server = e2e::start().await;
    let endpoint = server.endpoint();
    let iam = iam(&endpoint, "111111111111").await;
    let boundary = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess";
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
    let role = iam
        .create_role()
        .role_name("reader")
        .assume_role_policy_document(trust)
        .permissions_boundary(boundary)
        .send()
        .await
        .unwrap();
    let role = role.role().unwrap();
    assert_eq!(
        role.permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn()),
        Some(boundary)
    );
    iam.attach_role_policy()
        .role_name("reader")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();

    let simulated = iam
        .simulate_principal_policy()
        .policy_source_arn(role.arn())
        .action_names("ec2:DescribeVpcs")
        .action_names("ec2:CreateVpc")
        .send()
        .await
        .unwrap();
    let decisions: Vec<(&str, &str)> = simulated
        .evaluation_results()
        .iter()
        .map(|r| (r.eval_action_name(), r.eval_decision().as_str()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("ec2:DescribeVpcs", "allowed"),
            ("ec2:CreateVpc", "implicitDeny")
        ]
    );
    let boundary_detail = simulated.evaluation_results()[1]
        .permissions_boundary_decision_detail()
        .map(|d| d.allowed_by_permissions_boundary());
    assert_eq!(boundary_detail, Some(false));

    let details = iam
        .get_account_authorization_details()
        .send()
        .await
        .unwrap();
    let roles: Vec<&str> = details
        .role_detail_list()
        .iter()
        .filter_map(|r| r.role_name())
        .collect();
    assert_eq!(roles, ["reader"]);

    // An IAM user assumes the role with a session tag; the boundary holds.
    iam.create_user().user_name("ops").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("ops")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("ops")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    let as_ops = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            key.access_key_id(),
            key.secret_access_key(),
            None,
            None,
            "test",
        ))
        .load()
        .await;
    let assumed = aws_sdk_sts::Client::new(&as_ops)
        .assume_role()
        .role_arn(role.arn())
        .role_session_name("sdk")
        .tags(
            aws_sdk_sts::types::Tag::builder()
                .key("team")
                .value("net")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let creds = assumed.credentials().unwrap();
    let as_role = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            creds.access_key_id(),
            creds.secret_access_key(),
            Some(creds.session_token().to_string()),
            None,
            "test",
        ))
        .load()
        .await;
    let ec2 = aws_sdk_ec2::Client::new(&as_role);
    ec2.describe_vpcs().send().await.unwrap();
    let refused = ec2
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .unwrap_err();
    let refused = refused.into_service_error();
    assert_eq!(
        aws_sdk_ec2::error::ProvideErrorMetadata::code(&refused),
        Some("UnauthorizedOperation")
    );
}

#[tokio::test]
async fn a_public_subnet_with_a_nat_gateway_and_a_transit_gateway_hub() {
    use aws_sdk_ec2::types::{NatGatewayState, RouteState, TransitGatewayAttachmentState};
    let server = e2e::start().await;
    let ec2 = ec2(&server.endpoint(), "111111111111").await;
    let vpc_id = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_string();
    let subnet_id = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.0.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap()
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap()
        .to_string();
    let igw = ec2.create_internet_gateway().send().await.unwrap();
    let igw_id = igw
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .unwrap()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw_id)
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap();
    let allocation = ec2.allocate_address().send().await.unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&subnet_id)
        .allocation_id(allocation.allocation_id().unwrap())
        .send()
        .await
        .unwrap();
    let nat = nat.nat_gateway().unwrap();
    assert_eq!(nat.state(), Some(&NatGatewayState::Pending));
    let nat_id = nat.nat_gateway_id().unwrap().to_string();
    let seen = ec2
        .describe_nat_gateways()
        .filter(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .unwrap();
    let [seen] = seen.nat_gateways() else {
        panic!("one NAT gateway: {seen:?}");
    };
    assert_eq!(seen.state(), Some(&NatGatewayState::Available));
    assert_eq!(
        seen.nat_gateway_addresses()[0].public_ip(),
        allocation.public_ip()
    );
    let table = ec2
        .create_route_table()
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap()
        .route_table()
        .and_then(|t| t.route_table_id())
        .unwrap()
        .to_string();
    ec2.create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(&nat_id)
        .send()
        .await
        .unwrap();

    // A hub: the VPC attached, its block learned by the default table, a route to the hub.
    let tgw = ec2.create_transit_gateway().send().await.unwrap();
    let tgw = tgw.transit_gateway().unwrap();
    let tgw_id = tgw.transit_gateway_id().unwrap().to_string();
    let hub_table = tgw
        .options()
        .and_then(|o| o.association_default_route_table_id())
        .unwrap()
        .to_string();
    let attachment = ec2
        .create_transit_gateway_vpc_attachment()
        .transit_gateway_id(&tgw_id)
        .vpc_id(&vpc_id)
        .subnet_ids(&subnet_id)
        .send()
        .await
        .unwrap();
    let attachment_id = attachment
        .transit_gateway_vpc_attachment()
        .and_then(|a| a.transit_gateway_attachment_id())
        .unwrap()
        .to_string();
    let attachments = ec2
        .describe_transit_gateway_vpc_attachments()
        .transit_gateway_attachment_ids(&attachment_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attachments.transit_gateway_vpc_attachments()[0].state(),
        Some(&TransitGatewayAttachmentState::Available)
    );
    let learned = ec2
        .search_transit_gateway_routes()
        .transit_gateway_route_table_id(&hub_table)
        .filters(Filter::builder().name("type").values("propagated").build())
        .send()
        .await
        .unwrap();
    let blocks: Vec<_> = learned
        .routes()
        .iter()
        .filter_map(|r| r.destination_cidr_block())
        .collect();
    assert_eq!(blocks, ["10.0.0.0/16"]);
    ec2.create_route()
        .route_table_id(&table)
        .destination_cidr_block("10.8.0.0/16")
        .transit_gateway_id(&tgw_id)
        .send()
        .await
        .unwrap();
    let tables = ec2
        .describe_route_tables()
        .route_table_ids(&table)
        .send()
        .await
        .unwrap();
    let states: Vec<_> = tables.route_tables()[0]
        .routes()
        .iter()
        .filter_map(|r| r.state())
        .collect();
    assert!(
        states.iter().all(|s| **s == RouteState::Active),
        "{states:?}"
    );
}

#[tokio::test]
async fn reachability_analyzer_paths_and_analyses() {
    use aws_sdk_ec2::types::Protocol;
    let server = e2e::start().await;
    let ec2 = ec2(&server.endpoint(), "111111111111").await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.8.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let mut subnets = Vec::new();
    for cidr in ["10.8.1.0/24", "10.8.2.0/24"] {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(cidr)
            .send()
            .await
            .unwrap();
        subnets.push(s.subnet().and_then(|s| s.subnet_id()).unwrap().to_string());
    }
    let web = ec2
        .create_security_group()
        .group_name("web")
        .description("web")
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("10.8.0.0/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut enis = Vec::new();
    for (subnet, groups) in [(&subnets[0], vec![]), (&subnets[1], vec![web.clone()])] {
        let e = ec2
            .create_network_interface()
            .subnet_id(subnet)
            .set_groups((!groups.is_empty()).then_some(groups))
            .send()
            .await
            .unwrap();
        enis.push(
            e.network_interface()
                .and_then(|e| e.network_interface_id())
                .unwrap()
                .to_string(),
        );
    }
    let mut answers = Vec::new();
    for port in [443, 22] {
        let path = ec2
            .create_network_insights_path()
            .source(&enis[0])
            .destination(&enis[1])
            .protocol(Protocol::Tcp)
            .destination_port(port)
            .send()
            .await
            .unwrap();
        let path = path.network_insights_path().unwrap();
        assert_eq!(path.protocol(), Some(&Protocol::Tcp));
        assert!(path.created_date().is_some());
        let started = ec2
            .start_network_insights_analysis()
            .network_insights_path_id(path.network_insights_path_id().unwrap())
            .send()
            .await
            .unwrap();
        let id = started
            .network_insights_analysis()
            .and_then(|a| a.network_insights_analysis_id())
            .unwrap()
            .to_string();
        let described = ec2
            .describe_network_insights_analyses()
            .network_insights_analysis_ids(&id)
            .send()
            .await
            .unwrap();
        answers.push(described.network_insights_analyses()[0].clone());
    }
    let (open, closed) = (&answers[0], &answers[1]);
    assert_eq!(open.status().map(|s| s.as_str()), Some("succeeded"));
    assert_eq!(open.network_path_found(), Some(true));
    let hops = open.forward_path_components();
    assert_eq!(hops.first().and_then(|h| h.sequence_number()), Some(1));
    let rule = hops
        .iter()
        .filter_map(|h| h.security_group_rule())
        .find(|r| r.direction() == Some("ingress"))
        .unwrap();
    assert_eq!(rule.security_group_id(), Some(web.as_str()));
    assert_eq!(rule.port_range().and_then(|p| p.from()), Some(443));
    assert!(hops
        .iter()
        .any(|h| h.acl_rule().is_some() && h.route_table_route().is_none()));
    assert_eq!(closed.network_path_found(), Some(false));
    let why = &closed.explanations()[0];
    assert_eq!(why.explanation_code(), Some("ENI_SG_RULES_MISMATCH"));
    assert_eq!(why.direction(), Some("ingress"));
    assert_eq!(
        why.network_interface().and_then(|c| c.id()),
        Some(enis[1].as_str())
    );
}
