#!/usr/bin/env bash
# The transit-gateway sharing scenario with the real AWS CLI v1, across the guide's four accounts:
#
#   tests/cli/transit.sh http://127.0.0.1:4566
#
#   M  111111111111  management account: the organization, RAM sharing with it
#   O  (created)     network account: owns the transit gateway and shares it through RAM
#   P  (created)     application account: attaches its VPC and routes to the hub
#   X  999999999999  outsider: not in the organization, not shared with
#
# Exits non-zero on the first mismatch.
set -euo pipefail

ENDPOINT="${1:?usage: transit.sh ENDPOINT_URL}"
case "$ENDPOINT" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "refusing to run against a non-local endpoint: $ENDPOINT" >&2; exit 2 ;;
esac

source "$(dirname "$0")/common.sh"

# ---------------------------------------------------------------- 1. the organization
as M organizations create-organization --feature-set ALL >/dev/null
member() {
  local req
  req=$(as M organizations create-account --email "$1@example.com" --account-name "$1" | jq -r .CreateAccountStatus.Id)
  as M organizations describe-create-account-status --create-account-request-id "$req" | jq -r .CreateAccountStatus.AccountId
}
O=$(member network)
P=$(member app)
# A member's own root, as its 12-digit key.
KEY[O]=$O; SECRET[O]=root-secret; TOKEN[O]=""
KEY[P]=$P; SECRET[P]=root-secret; TOKEN[P]=""
check "M enables RAM sharing" "$(as M ram enable-sharing-with-aws-organization)" '.returnValue == true'

# ---------------------------------------------------------------- 2. the hub in O
tgw=$(as O ec2 create-transit-gateway --description hub \
  --options AutoAcceptSharedAttachments=disable \
  --tag-specifications 'ResourceType=transit-gateway,Tags=[{Key=Name,Value=hub}]')
check "O creates the hub" "$tgw" \
  '.TransitGateway.State == "pending" and .TransitGateway.OwnerId == "'$O'" and .TransitGateway.Options.AmazonSideAsn == 64512'
TGW=$(jq -r .TransitGateway.TransitGatewayId <<<"$tgw")
TGW_ARN=$(jq -r .TransitGateway.TransitGatewayArn <<<"$tgw")
TABLE=$(jq -r .TransitGateway.Options.AssociationDefaultRouteTableId <<<"$tgw")
check "its default route table" "$(as O ec2 describe-transit-gateway-route-tables --transit-gateway-route-table-ids "$TABLE")" \
  '.TransitGatewayRouteTables[0].DefaultAssociationRouteTable == true and .TransitGatewayRouteTables[0].State == "available"'
O_VPC=$(as O ec2 create-vpc --cidr-block 10.0.0.0/16 | jq -r .Vpc.VpcId)
O_SUBNET=$(as O ec2 create-subnet --vpc-id "$O_VPC" --cidr-block 10.0.1.0/24 --availability-zone us-east-1a | jq -r .Subnet.SubnetId)
own=$(as O ec2 create-transit-gateway-vpc-attachment --transit-gateway-id "$TGW" --vpc-id "$O_VPC" --subnet-ids "$O_SUBNET")
O_ATT=$(jq -r .TransitGatewayVpcAttachment.TransitGatewayAttachmentId <<<"$own")
check "O's own VPC attaches without acceptance" \
  "$(as O ec2 describe-transit-gateway-vpc-attachments --transit-gateway-attachment-ids "$O_ATT")" \
  '.TransitGatewayVpcAttachments[0].State == "available"'

# ---------------------------------------------------------------- 3. shared with P
refused "P attaching before the share" InvalidTransitGatewayID.NotFound P ec2 describe-transit-gateways --transit-gateway-ids "$TGW"
share=$(as O ram create-resource-share --name hub --resource-arns "$TGW_ARN" --principals "$P" --no-allow-external-principals)
check "O shares the hub with P" "$share" '.resourceShare.status == "ACTIVE"'
check "P sees the hub, owned by O, without O's tags" "$(as P ec2 describe-transit-gateways --transit-gateway-ids "$TGW")" \
  '.TransitGateways[0].OwnerId == "'$O'" and (.TransitGateways[0].Tags // []) == []'
check "the share lists the hub as ec2:TransitGateway" \
  "$(as P ram list-resources --resource-owner OTHER-ACCOUNTS)" '[.resources[].type] == ["ec2:TransitGateway"]'

P_VPC=$(as P ec2 create-vpc --cidr-block 10.1.0.0/16 | jq -r .Vpc.VpcId)
P_A=$(as P ec2 create-subnet --vpc-id "$P_VPC" --cidr-block 10.1.1.0/24 --availability-zone us-east-1a | jq -r .Subnet.SubnetId)
P_A2=$(as P ec2 create-subnet --vpc-id "$P_VPC" --cidr-block 10.1.2.0/24 --availability-zone us-east-1a | jq -r .Subnet.SubnetId)
P_B=$(as P ec2 create-subnet --vpc-id "$P_VPC" --cidr-block 10.1.3.0/24 --availability-zone us-east-1b | jq -r .Subnet.SubnetId)
refused "two subnets in one zone" DuplicateSubnetsInSameZone P ec2 create-transit-gateway-vpc-attachment \
  --transit-gateway-id "$TGW" --vpc-id "$P_VPC" --subnet-ids "$P_A" "$P_A2"
refused "P attaching O's VPC, which it cannot see" InvalidVpcID.NotFound P ec2 create-transit-gateway-vpc-attachment \
  --transit-gateway-id "$TGW" --vpc-id "$O_VPC" --subnet-ids "$O_SUBNET"
att=$(as P ec2 create-transit-gateway-vpc-attachment --transit-gateway-id "$TGW" --vpc-id "$P_VPC" --subnet-ids "$P_A" "$P_B")
check "P's attachment waits for O" "$att" '.TransitGatewayVpcAttachment.State == "pendingAcceptance" and .TransitGatewayVpcAttachment.VpcOwnerId == "'$P'"'
P_ATT=$(jq -r .TransitGatewayVpcAttachment.TransitGatewayAttachmentId <<<"$att")
refused "P accepting its own attachment" UnauthorizedOperation P ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id "$P_ATT"
check "O sees it pending, from P" \
  "$(as O ec2 describe-transit-gateway-attachments --filters Name=state,Values=pendingAcceptance)" \
  '[.TransitGatewayAttachments[] | {ResourceOwnerId, ResourceId}] == [{"ResourceOwnerId": "'$P'", "ResourceId": "'$P_VPC'"}]'
check "O accepts" "$(as O ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id "$P_ATT")" \
  '.TransitGatewayVpcAttachment.State == "pending"'
refused "accepting twice" IncorrectState O ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id "$P_ATT"
check "the hub learns P's block" \
  "$(as O ec2 search-transit-gateway-routes --transit-gateway-route-table-id "$TABLE" --filters Name=type,Values=propagated)" \
  '[.Routes[].DestinationCidrBlock] | sort == ["10.0.0.0/16", "10.1.0.0/16"]'

# ---------------------------------------------------------------- 4. routes on both sides
P_RTB=$(as P ec2 create-route-table --vpc-id "$P_VPC" | jq -r .RouteTable.RouteTableId)
check "P routes the organization's range to the hub" \
  "$(as P ec2 create-route --route-table-id "$P_RTB" --destination-cidr-block 10.0.0.0/8 --transit-gateway-id "$TGW")" '.Return == true'
check "P's route is active" "$(as P ec2 describe-route-tables --route-table-ids "$P_RTB")" \
  '[.RouteTables[0].Routes[] | select(.TransitGatewayId == "'$TGW'") | .State] == ["active"]'
as O ec2 create-transit-gateway-route --transit-gateway-route-table-id "$TABLE" \
  --destination-cidr-block 0.0.0.0/0 --transit-gateway-attachment-id "$O_ATT" >/dev/null
check "O sinks 192.168.0.0/16" "$(as O ec2 create-transit-gateway-route --transit-gateway-route-table-id "$TABLE" \
  --destination-cidr-block 192.168.0.0/16 --blackhole)" '.Route.State == "blackhole"'
refused "P changing O's routes" InvalidRouteTableID.NotFound P ec2 create-transit-gateway-route \
  --transit-gateway-route-table-id "$TABLE" --destination-cidr-block 0.0.0.0/0 --transit-gateway-attachment-id "$P_ATT"
refused "P reading O's associations" InvalidRouteTableID.NotFound P ec2 get-transit-gateway-route-table-associations \
  --transit-gateway-route-table-id "$TABLE"
refused "P propagating into O's table" InvalidRouteTableID.NotFound P ec2 enable-transit-gateway-route-table-propagation \
  --transit-gateway-route-table-id "$TABLE" --transit-gateway-attachment-id "$P_ATT"
refused "P changing the hub" UnauthorizedOperation P ec2 modify-transit-gateway --transit-gateway-id "$TGW" \
  --options AutoAcceptSharedAttachments=enable
refused "P deleting the hub" UnauthorizedOperation P ec2 delete-transit-gateway --transit-gateway-id "$TGW"

# ---------------------------------------------------------------- 5. the outsider
X_VPC=$(as X ec2 create-vpc --cidr-block 10.9.0.0/16 | jq -r .Vpc.VpcId)
X_SUBNET=$(as X ec2 create-subnet --vpc-id "$X_VPC" --cidr-block 10.9.1.0/24 | jq -r .Subnet.SubnetId)
refused "the outsider attaching" InvalidTransitGatewayID.NotFound X ec2 create-transit-gateway-vpc-attachment \
  --transit-gateway-id "$TGW" --vpc-id "$X_VPC" --subnet-ids "$X_SUBNET"
refused "the outsider seeing P's attachment" InvalidTransitGatewayAttachmentID.NotFound X ec2 \
  describe-transit-gateway-vpc-attachments --transit-gateway-attachment-ids "$P_ATT"

# ---------------------------------------------------------------- 6. tearing down
refused "deleting the hub with attachments" IncorrectState O ec2 delete-transit-gateway --transit-gateway-id "$TGW"
check "P detaches" "$(as P ec2 delete-transit-gateway-vpc-attachment --transit-gateway-attachment-id "$P_ATT")" \
  '.TransitGatewayVpcAttachment.State == "deleting"'
check "P's route to the hub is now a blackhole" "$(as P ec2 describe-route-tables --route-table-ids "$P_RTB")" \
  '[.RouteTables[0].Routes[] | select(.TransitGatewayId == "'$TGW'") | .State] == ["blackhole"]'
check "the deleted attachment stays described" \
  "$(as O ec2 describe-transit-gateway-vpc-attachments --transit-gateway-attachment-ids "$P_ATT")" \
  '.TransitGatewayVpcAttachments[0].State == "deleted"'
as O ec2 delete-transit-gateway-vpc-attachment --transit-gateway-attachment-id "$O_ATT" >/dev/null
check "O deletes the hub" "$(as O ec2 delete-transit-gateway --transit-gateway-id "$TGW")" '.TransitGateway.State == "deleting"'
refused "the hub is gone" InvalidTransitGatewayID.NotFound O ec2 describe-transit-gateways --transit-gateway-ids "$TGW"

echo "transit scenario OK"
