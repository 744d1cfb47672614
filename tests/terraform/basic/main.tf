# Basic EC2 networking stack driven by the real hashicorp/aws provider against ramparts.
# Every service endpoint points at the single ramparts HTTP port given in var.endpoint.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type        = string
  description = "Base URL of the ramparts server, e.g. http://127.0.0.1:4566"
}

provider "aws" {
  access_key                  = "111111111111"
  secret_key                  = "x"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = false

  endpoints {
    ec2           = var.endpoint
    sts           = var.endpoint
    iam           = var.endpoint
    ram           = var.endpoint
    organizations = var.endpoint
  }
}

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true

  tags = {
    Name = "ramparts-tf-basic"
    Env  = "test"
  }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "ramparts-tf-igw" }
}

resource "aws_egress_only_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "ramparts-tf-eigw" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "ramparts-tf-public" }
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"

  tags = {
    Name = "ramparts-tf-a"
  }
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"

  tags = {
    Name = "ramparts-tf-b"
  }
}

resource "aws_security_group" "web" {
  name        = "ramparts-tf-web"
  description = "web tier"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "ssh from the vpc"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["10.20.0.0/16"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "ramparts-tf-web"
    Tier = "web"
  }
}

# No inline rules: its rules are managed by the standalone rule resources below.
resource "aws_security_group" "app" {
  name        = "ramparts-tf-app"
  description = "app tier"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "ramparts-tf-app"
    Tier = "app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  description       = "https from anywhere in 10/8"
  cidr_ipv4         = "10.0.0.0/8"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443

  tags = {
    Name = "app-https"
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_web" {
  security_group_id            = aws_security_group.app.id
  description                  = "app port from the web tier"
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
}

resource "aws_vpc_security_group_egress_rule" "app_all" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_network_interface" "eni" {
  subnet_id       = aws_subnet.a.id
  security_groups = [aws_security_group.web.id, aws_security_group.app.id]
  description     = "ramparts tf eni"

  tags = {
    Name = "ramparts-tf-eni"
  }
}

# A second interface, in the VPC's default group, with two secondary addresses picked by ramparts.
resource "aws_network_interface" "multi" {
  subnet_id         = aws_subnet.b.id
  private_ips_count = 2
}

data "aws_security_group" "app" {
  id = aws_security_group.app.id

  depends_on = [
    aws_vpc_security_group_ingress_rule.app_https,
    aws_vpc_security_group_ingress_rule.app_from_web,
    aws_vpc_security_group_egress_rule.app_all,
  ]
}

data "aws_security_groups" "tiers" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }

  filter {
    name   = "tag:Tier"
    values = ["web", "app"]
  }

  depends_on = [aws_security_group.web, aws_security_group.app]
}

output "igw_id" {
  value = aws_internet_gateway.main.id
}

output "igw_arn" {
  value = aws_internet_gateway.main.arn
}

output "public_rtb_id" {
  value = aws_route_table.public.id
}

output "public_assoc_id" {
  value = aws_route_table_association.a.id
}

output "eigw_id" {
  value = aws_egress_only_internet_gateway.main.id
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "subnet_a_id" {
  value = aws_subnet.a.id
}

output "subnet_b_id" {
  value = aws_subnet.b.id
}

output "web_sg_id" {
  value = aws_security_group.web.id
}

output "app_sg_id" {
  value = aws_security_group.app.id
}

output "app_https_rule_id" {
  value = aws_vpc_security_group_ingress_rule.app_https.security_group_rule_id
}

output "app_from_web_rule_id" {
  value = aws_vpc_security_group_ingress_rule.app_from_web.security_group_rule_id
}

output "app_egress_rule_id" {
  value = aws_vpc_security_group_egress_rule.app_all.security_group_rule_id
}

output "eni_id" {
  value = aws_network_interface.eni.id
}

output "eni_private_ip" {
  value = aws_network_interface.eni.private_ip
}

output "data_app_sg_arn" {
  value = data.aws_security_group.app.arn
}

output "data_app_sg_name" {
  value = data.aws_security_group.app.name
}

output "data_tier_sg_ids" {
  value = sort(data.aws_security_groups.tiers.ids)
}

output "multi_eni_id" {
  value = aws_network_interface.multi.id
}
