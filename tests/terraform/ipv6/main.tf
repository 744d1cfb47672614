# A dual-stack VPC driven by the real hashicorp/aws provider against ramparts.
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

variable "subnet_block" {
  type        = number
  default     = 1
  description = "Which /64 of the VPC's block the subnet gets (changing it re-associates)"
}

resource "aws_vpc" "main" {
  cidr_block                       = "10.30.0.0/16"
  assign_generated_ipv6_cidr_block = true

  tags = {
    Name = "ramparts-tf-ipv6"
  }
}

resource "aws_subnet" "dual" {
  vpc_id                          = aws_vpc.main.id
  cidr_block                      = "10.30.1.0/24"
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, var.subnet_block)
  assign_ipv6_address_on_creation = false

  tags = {
    Name = "ramparts-tf-dual"
  }
}

resource "aws_subnet" "hosts" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.30.2.0/24"
  ipv6_cidr_block = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 10)
}

# An IPv6-only subnet, set the way AWS requires one.
resource "aws_subnet" "native" {
  vpc_id                                         = aws_vpc.main.id
  ipv6_native                                    = true
  ipv6_cidr_block                                = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 20)
  assign_ipv6_address_on_creation                = true
  enable_dns64                                   = true
  enable_resource_name_dns_aaaa_record_on_launch = true
  private_dns_hostname_type_on_launch            = "resource-name"
  tags = {
    Name = "ramparts-tf-ipv6-only"
  }
}

resource "aws_network_interface" "dual" {
  subnet_id          = aws_subnet.hosts.id
  security_groups    = [aws_security_group.web.id]
  ipv6_address_count = 2
}

resource "aws_security_group" "web" {
  name        = "ramparts-tf-web6"
  description = "web over both families"
  vpc_id      = aws_vpc.main.id

  egress {
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "https6" {
  security_group_id = aws_security_group.web.id
  cidr_ipv6         = aws_vpc.main.ipv6_cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

output "native_subnet_id" {
  value = aws_subnet.native.id
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "vpc_ipv6_cidr_block" {
  value = aws_vpc.main.ipv6_cidr_block
}

output "vpc_ipv6_association_id" {
  value = aws_vpc.main.ipv6_association_id
}

output "subnet_id" {
  value = aws_subnet.dual.id
}

output "subnet_ipv6_cidr_block" {
  value = aws_subnet.dual.ipv6_cidr_block
}

output "web_sg_id" {
  value = aws_security_group.web.id
}

output "eni_id" {
  value = aws_network_interface.dual.id
}

output "eni_ipv6_addresses" {
  value = sort(tolist(aws_network_interface.dual.ipv6_addresses))
}
