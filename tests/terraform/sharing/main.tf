# The guide end to end with the real hashicorp/aws provider: one provider alias per account.
#
#   management  111111111111  turns on RAM sharing with the organization
#   network     222222222222  owns the VPC, subnet, security group and a prefix list; shares them
#   app         333333333333  uses the shared subnet and group next to its own group
#   outsider    444444444444  outside the organization: accepts the prefix-list share, uses it
#
# The organization and its accounts are declared in the ramparts config (organization.toml),
# so the ids are known before anything runs.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type = string
}

locals {
  endpoints = {
    ec2           = var.endpoint
    sts           = var.endpoint
    iam           = var.endpoint
    ram           = var.endpoint
    organizations = var.endpoint
  }
}

provider "aws" {
  alias                       = "management"
  access_key                  = "111111111111"
  secret_key                  = "x"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2           = local.endpoints.ec2
    sts           = local.endpoints.sts
    iam           = local.endpoints.iam
    ram           = local.endpoints.ram
    organizations = local.endpoints.organizations
  }
}

provider "aws" {
  alias                       = "network"
  access_key                  = "222222222222"
  secret_key                  = "x"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2           = local.endpoints.ec2
    sts           = local.endpoints.sts
    iam           = local.endpoints.iam
    ram           = local.endpoints.ram
    organizations = local.endpoints.organizations
  }
}

provider "aws" {
  alias                       = "app"
  access_key                  = "333333333333"
  secret_key                  = "x"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2           = local.endpoints.ec2
    sts           = local.endpoints.sts
    iam           = local.endpoints.iam
    ram           = local.endpoints.ram
    organizations = local.endpoints.organizations
  }
}

provider "aws" {
  alias                       = "outsider"
  access_key                  = "444444444444"
  secret_key                  = "x"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2           = local.endpoints.ec2
    sts           = local.endpoints.sts
    iam           = local.endpoints.iam
    ram           = local.endpoints.ram
    organizations = local.endpoints.organizations
  }
}

# ------------------------------------------------------------------ management: sharing on
resource "aws_ram_sharing_with_organization" "on" {
  provider = aws.management
}

# ------------------------------------------------------------------ network: what it owns
resource "aws_vpc" "shared" {
  provider   = aws.network
  cidr_block = "10.30.0.0/16"
  tags       = { Name = "shared" }
}

resource "aws_subnet" "shared" {
  provider          = aws.network
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "shared-a" }
}

resource "aws_security_group" "app" {
  provider    = aws.network
  name        = "app"
  description = "app tier, shared"
  vpc_id      = aws_vpc.shared.id
}

resource "aws_vpc_security_group_ingress_rule" "app_https" {
  provider          = aws.network
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.30.0.0/16"
}

resource "aws_vpc_security_group_egress_rule" "app_all" {
  provider          = aws.network
  security_group_id = aws_security_group.app.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# A second VPC of the network account where the same group is usable too.
resource "aws_vpc" "second" {
  provider   = aws.network
  cidr_block = "10.31.0.0/16"
}

resource "aws_vpc_security_group_vpc_association" "app_second" {
  provider          = aws.network
  security_group_id = aws_security_group.app.id
  vpc_id            = aws_vpc.second.id
}

resource "aws_ec2_managed_prefix_list" "office" {
  provider       = aws.network
  name           = "office"
  address_family = "IPv4"
  max_entries    = 5
  entry {
    cidr        = "192.0.2.0/24"
    description = "office"
  }
}

# ------------------------------------------------------------------ network: the shares
resource "aws_ram_resource_share" "net" {
  provider                  = aws.network
  name                      = "app-network"
  allow_external_principals = false
  tags                      = { Purpose = "guide" }
  depends_on                = [aws_ram_sharing_with_organization.on]
}

resource "aws_ram_resource_association" "subnet" {
  provider           = aws.network
  resource_arn       = aws_subnet.shared.arn
  resource_share_arn = aws_ram_resource_share.net.arn
}

resource "aws_ram_resource_association" "group" {
  provider           = aws.network
  resource_arn       = aws_security_group.app.arn
  resource_share_arn = aws_ram_resource_share.net.arn
}

resource "aws_ram_principal_association" "app" {
  provider           = aws.network
  principal          = "333333333333"
  resource_share_arn = aws_ram_resource_share.net.arn
}

resource "aws_ram_resource_share" "office" {
  provider                  = aws.network
  name                      = "office-prefixes"
  allow_external_principals = true
}

resource "aws_ram_resource_association" "office" {
  provider           = aws.network
  resource_arn       = aws_ec2_managed_prefix_list.office.arn
  resource_share_arn = aws_ram_resource_share.office.arn
}

resource "aws_ram_principal_association" "outsider" {
  provider           = aws.network
  principal          = "444444444444"
  resource_share_arn = aws_ram_resource_share.office.arn
}

# ------------------------------------------------------------------ app: the guide's consumer
data "aws_security_group" "shared" {
  provider   = aws.app
  id         = aws_security_group.app.id
  depends_on = [aws_ram_resource_association.group, aws_ram_principal_association.app]
}

resource "aws_security_group" "own" {
  provider    = aws.app
  name        = "app-own"
  description = "own group of the app account in the shared VPC"
  vpc_id      = data.aws_security_group.shared.vpc_id
  depends_on  = [aws_ram_resource_association.subnet, aws_ram_principal_association.app]
}

resource "aws_network_interface" "app" {
  provider        = aws.app
  subnet_id       = aws_subnet.shared.id
  security_groups = [aws_security_group.own.id, data.aws_security_group.shared.id]
  description     = "app eni with a shared and an own group"
  depends_on      = [aws_ram_resource_association.subnet]
}

# A second app interface behind the shared group, and the question the guide's last step
# asks: can the first reach it on 443? Reachability Analyzer answers.
resource "aws_network_interface" "app_peer" {
  provider        = aws.app
  subnet_id       = aws_subnet.shared.id
  security_groups = [data.aws_security_group.shared.id]
  depends_on      = [aws_ram_resource_association.subnet]
}

resource "aws_ec2_network_insights_path" "app_https" {
  provider         = aws.app
  source           = aws_network_interface.app.id
  destination      = aws_network_interface.app_peer.id
  protocol         = "tcp"
  destination_port = 443
  tags             = { Name = "app-https" }
}

resource "aws_ec2_network_insights_analysis" "app_https" {
  provider                 = aws.app
  network_insights_path_id = aws_ec2_network_insights_path.app_https.id
  tags                     = { Name = "app-https" }
}

# ------------------------------------------------------------------ outsider: accepts, uses
resource "aws_ram_resource_share_accepter" "office" {
  provider   = aws.outsider
  share_arn  = aws_ram_principal_association.outsider.resource_share_arn
  depends_on = [aws_ram_resource_association.office]
}

resource "aws_vpc" "outsider" {
  provider   = aws.outsider
  cidr_block = "10.40.0.0/16"
}

resource "aws_security_group" "outsider" {
  provider    = aws.outsider
  name        = "from-office"
  description = "admits the shared office prefixes"
  vpc_id      = aws_vpc.outsider.id
}

resource "aws_vpc_security_group_ingress_rule" "outsider_office" {
  provider          = aws.outsider
  security_group_id = aws_security_group.outsider.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  prefix_list_id    = aws_ec2_managed_prefix_list.office.id
  depends_on        = [aws_ram_resource_share_accepter.office]
}

# ------------------------------------------------------------------ peering: network <-> outsider
resource "aws_security_group" "second" {
  provider    = aws.network
  name        = "second-db"
  description = "database tier of the second VPC"
  vpc_id      = aws_vpc.second.id
}

resource "aws_vpc_peering_connection" "to_outsider" {
  provider      = aws.network
  vpc_id        = aws_vpc.second.id
  peer_vpc_id   = aws_vpc.outsider.id
  peer_owner_id = "444444444444"
  tags          = { Name = "second-to-outsider" }
}

resource "aws_vpc_peering_connection_accepter" "outsider" {
  provider                  = aws.outsider
  vpc_peering_connection_id = aws_vpc_peering_connection.to_outsider.id
  auto_accept               = true
  tags                      = { Side = "accepter" }
}

# Routes through the peering both ways, so that the groups each side references are reachable;
# each side lets its VPC resolve the other's private DNS names.
resource "aws_route_table" "second" {
  provider = aws.network
  vpc_id   = aws_vpc.second.id
}

resource "aws_route" "second_to_outsider" {
  provider                  = aws.network
  route_table_id            = aws_route_table.second.id
  destination_cidr_block    = aws_vpc.outsider.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.outsider.id
}

resource "aws_route_table" "outsider" {
  provider = aws.outsider
  vpc_id   = aws_vpc.outsider.id
}

resource "aws_route" "outsider_to_second" {
  provider                  = aws.outsider
  route_table_id            = aws_route_table.outsider.id
  destination_cidr_block    = aws_vpc.second.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.outsider.id
}

resource "aws_vpc_peering_connection_options" "requester" {
  provider                  = aws.network
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.outsider.id
  requester {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_vpc_peering_connection_options" "accepter" {
  provider                  = aws.outsider
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.outsider.id
  accepter {
    allow_remote_vpc_dns_resolution = true
  }
}

# Cross-account references across the peering, both ways Terraform writes them: acct/sg-...
resource "aws_vpc_security_group_ingress_rule" "outsider_from_second" {
  provider                     = aws.outsider
  security_group_id            = aws_security_group.outsider.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = "222222222222/${aws_security_group.second.id}"
  depends_on                   = [aws_vpc_peering_connection_accepter.outsider]
}

resource "aws_security_group" "outsider_inline" {
  provider    = aws.outsider
  name        = "inline-peer-ref"
  description = "inline rule naming a group of the peered account"
  vpc_id      = aws_vpc.outsider.id
  ingress {
    protocol        = "tcp"
    from_port       = 8443
    to_port         = 8443
    security_groups = ["222222222222/${aws_security_group.second.id}"]
  }
  depends_on = [aws_vpc_peering_connection_accepter.outsider]
}

output "peering_id" { value = aws_vpc_peering_connection.to_outsider.id }
output "second_rtb_id" { value = aws_route_table.second.id }
output "outsider_rtb_id" { value = aws_route_table.outsider.id }
output "peering_status" { value = aws_vpc_peering_connection_accepter.outsider.accept_status }
output "second_sg_id" { value = aws_security_group.second.id }
output "outsider_sg_id" { value = aws_security_group.outsider.id }
output "outsider_inline_sg_id" { value = aws_security_group.outsider_inline.id }

output "vpc_id" { value = aws_vpc.shared.id }
output "subnet_id" { value = aws_subnet.shared.id }
output "app_sg_id" { value = aws_security_group.app.id }
output "own_sg_id" { value = aws_security_group.own.id }
output "eni_id" { value = aws_network_interface.app.id }
output "https_path_found" { value = aws_ec2_network_insights_analysis.app_https.path_found }
output "https_analysis_status" { value = aws_ec2_network_insights_analysis.app_https.status }
output "eni_owner" { value = aws_network_interface.app.owner_id }
output "shared_sg_arn" { value = data.aws_security_group.shared.arn }
output "shared_sg_vpc" { value = data.aws_security_group.shared.vpc_id }
output "share_arn" { value = aws_ram_resource_share.net.arn }
output "office_share_arn" { value = aws_ram_resource_share.office.arn }
output "prefix_list_id" { value = aws_ec2_managed_prefix_list.office.id }
output "accepter_status" { value = aws_ram_resource_share_accepter.office.status }
output "second_vpc_id" { value = aws_vpc.second.id }
