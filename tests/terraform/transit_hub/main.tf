# A transit-gateway hub with the real hashicorp/aws provider: the network account creates the
# gateway and shares it through RAM with the app account, which attaches its VPC and routes to
# the hub; the network account accepts the attachment, associates it with a route table of its
# own and propagates it, and adds a static route back. It peers the hub with a second one in
# us-west-2, and gives its shared-services VPC a gateway route table and a prefix-list route.
#
#   management  111111111111  turns on RAM sharing with the organization
#   network     222222222222  owns the gateway, its route table and a VPC of its own
#   app         333333333333  attaches its VPC to the shared gateway

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

provider "aws" {
  alias                       = "management"
  access_key                  = "111111111111"
  secret_key                  = "x"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2           = var.endpoint
    sts           = var.endpoint
    iam           = var.endpoint
    ram           = var.endpoint
    organizations = var.endpoint
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
    ec2           = var.endpoint
    sts           = var.endpoint
    iam           = var.endpoint
    ram           = var.endpoint
    organizations = var.endpoint
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
    ec2           = var.endpoint
    sts           = var.endpoint
    iam           = var.endpoint
    ram           = var.endpoint
    organizations = var.endpoint
  }
}

provider "aws" {
  alias                       = "network_west"
  access_key                  = "222222222222"
  secret_key                  = "x"
  region                      = "us-west-2"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_ram_sharing_with_organization" "this" {
  provider = aws.management
}

# --- the network account's hub

resource "aws_ec2_transit_gateway" "hub" {
  provider                        = aws.network
  description                     = "landing-zone hub"
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  auto_accept_shared_attachments  = "disable"
  tags                            = { Name = "hub" }
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  provider           = aws.network
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "spokes" }
}

resource "aws_vpc" "shared_services" {
  provider   = aws.network
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "shared-services" }
}

resource "aws_subnet" "shared_services" {
  provider          = aws.network
  vpc_id            = aws_vpc.shared_services.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "shared_services" {
  provider                                        = aws.network
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.shared_services.id
  subnet_ids                                      = [aws_subnet.shared_services.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = { Name = "shared-services" }
}

resource "aws_ram_resource_share" "hub" {
  provider                  = aws.network
  name                      = "hub"
  allow_external_principals = false
  depends_on                = [aws_ram_sharing_with_organization.this]
}

resource "aws_ram_resource_association" "hub" {
  provider           = aws.network
  resource_share_arn = aws_ram_resource_share.hub.arn
  resource_arn       = aws_ec2_transit_gateway.hub.arn
}

resource "aws_ram_principal_association" "app" {
  provider           = aws.network
  resource_share_arn = aws_ram_resource_share.hub.arn
  principal          = "333333333333"
}

# --- the app account's spoke

resource "aws_vpc" "app" {
  provider   = aws.app
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "app" }
}

resource "aws_subnet" "app" {
  count             = 2
  provider          = aws.app
  vpc_id            = aws_vpc.app.id
  cidr_block        = cidrsubnet(aws_vpc.app.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  provider           = aws.app
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = aws_subnet.app[*].id
  tags               = { Name = "app-spoke" }
  depends_on         = [aws_ram_resource_association.hub, aws_ram_principal_association.app]
}

resource "aws_route_table" "app" {
  provider = aws.app
  vpc_id   = aws_vpc.app.id
}

resource "aws_route" "app_to_hub" {
  provider               = aws.app
  route_table_id         = aws_route_table.app.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment_accepter.app]
}

# --- back in the network account: accept, associate, propagate, route

resource "aws_ec2_transit_gateway_vpc_attachment_accepter" "app" {
  provider                                        = aws.network
  transit_gateway_attachment_id                   = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = { Name = "app-spoke" }
}

resource "aws_ec2_transit_gateway_route_table_association" "app" {
  provider                       = aws.network
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment_accepter.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "app" {
  provider                       = aws.network
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment_accepter.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_association" "shared_services" {
  provider                       = aws.network
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared_services.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "to_shared_services" {
  provider                       = aws.network
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.shared_services.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "sinkhole" {
  provider                       = aws.network
  destination_cidr_block         = "192.168.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

# --- a second hub in us-west-2, peered with the first: static routes both ways

resource "aws_ec2_transit_gateway" "west" {
  provider    = aws.network_west
  description = "west hub"
  tags        = { Name = "west" }
}

resource "aws_ec2_transit_gateway_peering_attachment" "east_west" {
  provider                = aws.network
  transit_gateway_id      = aws_ec2_transit_gateway.hub.id
  peer_transit_gateway_id = aws_ec2_transit_gateway.west.id
  peer_account_id         = "222222222222"
  peer_region             = "us-west-2"
  tags                    = { Name = "east-west" }
}

resource "aws_ec2_transit_gateway_peering_attachment_accepter" "east_west" {
  provider                      = aws.network_west
  transit_gateway_attachment_id = aws_ec2_transit_gateway_peering_attachment.east_west.id
  tags                          = { Name = "east-west" }
}

resource "aws_ec2_transit_gateway_route_table_association" "peering" {
  provider                       = aws.network
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.east_west.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "to_west" {
  provider                       = aws.network
  destination_cidr_block         = "10.128.0.0/9"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.east_west.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "to_east" {
  provider                       = aws.network_west
  destination_cidr_block         = "10.0.0.0/9"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.east_west.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.west.association_default_route_table_id
}

# --- the shared-services VPC's edge: inbound traffic through an appliance, partners by list

resource "aws_internet_gateway" "shared_services" {
  provider = aws.network
  vpc_id   = aws_vpc.shared_services.id
}

resource "aws_network_interface" "appliance" {
  provider  = aws.network
  subnet_id = aws_subnet.shared_services.id
}

resource "aws_subnet" "inspected" {
  provider          = aws.network
  vpc_id            = aws_vpc.shared_services.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "edge" {
  provider = aws.network
  vpc_id   = aws_vpc.shared_services.id
  route {
    cidr_block           = aws_subnet.inspected.cidr_block
    network_interface_id = aws_network_interface.appliance.id
  }
}

resource "aws_route_table_association" "edge" {
  provider       = aws.network
  gateway_id     = aws_internet_gateway.shared_services.id
  route_table_id = aws_route_table.edge.id
}

resource "aws_ec2_managed_prefix_list" "partners" {
  provider       = aws.network
  name           = "partners"
  address_family = "IPv4"
  max_entries    = 5
  entry {
    cidr = "198.51.100.0/24"
  }
}

resource "aws_route_table" "inspected" {
  provider = aws.network
  vpc_id   = aws_vpc.shared_services.id
}

resource "aws_route" "partners" {
  provider                   = aws.network
  route_table_id             = aws_route_table.inspected.id
  destination_prefix_list_id = aws_ec2_managed_prefix_list.partners.id
  gateway_id                 = aws_internet_gateway.shared_services.id
}

output "peering_attachment" {
  value = aws_ec2_transit_gateway_peering_attachment.east_west.id
}
output "west_tgw_id" {
  value = aws_ec2_transit_gateway.west.id
}
output "edge_table" {
  value = aws_route_table.edge.id
}
output "igw_id" {
  value = aws_internet_gateway.shared_services.id
}

output "tgw_id" {
  value = aws_ec2_transit_gateway.hub.id
}
output "spokes_table" {
  value = aws_ec2_transit_gateway_route_table.spokes.id
}
output "app_attachment" {
  value = aws_ec2_transit_gateway_vpc_attachment.app.id
}
output "shared_attachment" {
  value = aws_ec2_transit_gateway_vpc_attachment.shared_services.id
}
output "app_route_table" {
  value = aws_route_table.app.id
}
output "app_vpc" {
  value = aws_vpc.app.id
}
