# The landing-zone pattern with IAM enforced: no provider holds a root key.
#
#   management  111111111111  an IAM user, "ops" (keys made by the test), reaches the members
#                             through OrganizationAccountAccessRole
#   network     222222222222  owns the VPC, subnet and security group; shares them through RAM
#   app         333333333333  its admin role makes an interface in the shared subnet and a
#                             least-privilege role for the app team: the guide's step 2 policy
#   app_team    333333333333  assumes that role (made by this configuration) and attaches the
#                             network account's shared group to the interface, nothing more
#
# `-var exceed=true` adds a read the app team's role does not allow, so the plan must fail.

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

variable "ops_access_key" {
  type = string
}

variable "ops_secret_key" {
  type      = string
  sensitive = true
}

variable "exceed" {
  type    = bool
  default = false
}

locals {
  network = "222222222222"
  app     = "333333333333"
}

provider "aws" {
  alias                       = "network"
  access_key                  = var.ops_access_key
  secret_key                  = var.ops_secret_key
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  assume_role {
    role_arn     = "arn:aws:iam::${local.network}:role/OrganizationAccountAccessRole"
    session_name = "terraform-network"
  }
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
    ram = var.endpoint
  }
}

provider "aws" {
  alias                       = "app"
  access_key                  = var.ops_access_key
  secret_key                  = var.ops_secret_key
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  assume_role {
    role_arn     = "arn:aws:iam::${local.app}:role/OrganizationAccountAccessRole"
    session_name = "terraform-app"
  }
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
    ram = var.endpoint
  }
}

# The app team's provider names the role below, so Terraform configures it (AssumeRole) only once
# the role exists.
provider "aws" {
  alias                       = "app_team"
  access_key                  = var.ops_access_key
  secret_key                  = var.ops_secret_key
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  assume_role {
    role_arn     = aws_iam_role.app_team.arn
    session_name = "app-team"
  }
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
    ram = var.endpoint
  }
}

# ------------------------------------------------------------------ network: owns and shares
resource "aws_vpc" "shared" {
  provider   = aws.network
  cidr_block = "10.50.0.0/16"
  tags       = { Name = "landing-zone" }
}

resource "aws_subnet" "shared" {
  provider          = aws.network
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.50.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "app" {
  provider    = aws.network
  name        = "app"
  description = "shared with the app account"
  vpc_id      = aws_vpc.shared.id
}

resource "aws_ram_resource_share" "net" {
  provider                  = aws.network
  name                      = "app-network"
  allow_external_principals = false
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
  principal          = local.app
  resource_share_arn = aws_ram_resource_share.net.arn
}

# ------------------------------------------------------------------ app: its admin builds
# An interface in a VPC the account does not own needs one of the account's own groups.
resource "aws_security_group" "own" {
  provider    = aws.app
  name        = "app-own"
  description = "own group of the app account in the shared VPC"
  vpc_id      = aws_vpc.shared.id
  depends_on  = [aws_ram_resource_association.subnet, aws_ram_principal_association.app]
}

resource "aws_network_interface" "app" {
  provider        = aws.app
  subnet_id       = aws_subnet.shared.id
  security_groups = [aws_security_group.own.id]
  description     = "app team interface in the shared subnet"
  # The app team adds the shared group with aws_network_interface_sg_attachment (the provider's
  # documented pairing).
  lifecycle {
    ignore_changes = [security_groups]
  }
  depends_on  = [aws_ram_resource_association.subnet, aws_ram_principal_association.app]
}

resource "aws_iam_role" "app_team" {
  provider = aws.app
  name     = "app-team"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# The guide's step 2, scoped: describe groups and interfaces anywhere; change only this
# account's interfaces, and only to groups of this account or of the network account (every
# group in the interface's new set is authorized, the shared one under its owner's ARN).
resource "aws_iam_role_policy" "app_team" {
  provider = aws.app
  name     = "use-shared-groups"
  role     = aws_iam_role.app_team.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Describe"
        Effect   = "Allow"
        Action   = ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"]
        Resource = "*"
      },
      {
        Sid    = "AttachSharedGroups"
        Effect = "Allow"
        Action = "ec2:ModifyNetworkInterfaceAttribute"
        Resource = [
          "arn:aws:ec2:us-east-1:${local.app}:network-interface/*",
          "arn:aws:ec2:us-east-1:${local.app}:security-group/*",
          "arn:aws:ec2:us-east-1:${local.network}:security-group/*",
        ]
      },
    ]
  })
}

# ------------------------------------------------------------------ app team: least privilege
resource "aws_network_interface_sg_attachment" "shared" {
  provider             = aws.app_team
  security_group_id    = aws_security_group.app.id
  network_interface_id = aws_network_interface.app.id
  depends_on           = [aws_ram_resource_association.group, aws_iam_role_policy.app_team]
}

data "aws_vpcs" "beyond_the_role" {
  count    = var.exceed ? 1 : 0
  provider = aws.app_team
}

output "vpc_id" { value = aws_vpc.shared.id }
output "subnet_id" { value = aws_subnet.shared.id }
output "group_id" { value = aws_security_group.app.id }
output "own_group_id" { value = aws_security_group.own.id }
output "eni_id" { value = aws_network_interface.app.id }
output "role_arn" { value = aws_iam_role.app_team.arn }
