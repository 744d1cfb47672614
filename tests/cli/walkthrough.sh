#!/usr/bin/env bash
# The guide's CLI walkthrough against ramparts, with the real AWS CLI v1.
#
#   tests/cli/walkthrough.sh http://127.0.0.1:4566
#
# Account 111111111111 (root) builds a VPC, a subnet and a security group, opens tcp/443 from
# 10.0.0.0/16, runs the guide's step 4 ("aws ec2 describe-security-groups --filters
# Name=group-id,Values=sg-…") and checks that the group and its rule come back, then attaches the
# group to a new network interface and cleans everything up.  Any mismatch exits non-zero.
set -euo pipefail

ENDPOINT="${1:?usage: walkthrough.sh ENDPOINT_URL}"
case "$ENDPOINT" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "refusing to run against a non-local endpoint: $ENDPOINT" >&2; exit 2 ;;
esac

# A clean, local-only AWS CLI environment.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_DEFAULT_PROFILE AWS_CA_BUNDLE || true
export AWS_ACCESS_KEY_ID=111111111111
export AWS_SECRET_ACCESS_KEY=ramparts-walkthrough
export AWS_DEFAULT_REGION=us-east-1
export AWS_DEFAULT_OUTPUT=json
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export AWS_PAGER=""
export AWS_ENDPOINT_URL="$ENDPOINT"

# Every `aws` below goes to the emulator, so the guide's commands can be written verbatim.
aws() { command aws --endpoint-url "$ENDPOINT" "$@"; }

command aws --version 2>&1 | grep -q '^aws-cli/1\.' || { echo "expected AWS CLI v1" >&2; exit 2; }

# check DESCRIPTION JSON JQ-FILTER: the filter must evaluate to true.
check() {
  if ! jq -e "$3" >/dev/null <<<"$2"; then
    echo "FAILED: $1" >&2
    echo "filter: $3" >&2
    echo "$2" >&2
    exit 1
  fi
  echo "ok - $1"
}

who=$(aws sts get-caller-identity)
check "caller is the root of 111111111111" "$who" \
  '.Account == "111111111111" and .Arn == "arn:aws:iam::111111111111:root"'

vpc=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16)
check "create-vpc" "$vpc" '.Vpc.CidrBlock == "10.0.0.0/16" and (.Vpc.VpcId | test("^vpc-[0-9a-f]{17}$"))'
VPC_ID=$(jq -r .Vpc.VpcId <<<"$vpc")

subnet=$(aws ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block 10.0.1.0/24)
check "create-subnet" "$subnet" '.Subnet.CidrBlock == "10.0.1.0/24" and .Subnet.AvailableIpAddressCount == 251'
SUBNET_ID=$(jq -r .Subnet.SubnetId <<<"$subnet")
[[ "$(jq -r .Subnet.VpcId <<<"$subnet")" == "$VPC_ID" ]] || { echo "FAILED: subnet is not in $VPC_ID" >&2; exit 1; }

sg=$(aws ec2 create-security-group --group-name app --description "app tier" --vpc-id "$VPC_ID")
check "create-security-group" "$sg" '.GroupId | test("^sg-[0-9a-f]{17}$")'
SG_ID=$(jq -r .GroupId <<<"$sg")

rule=$(aws ec2 authorize-security-group-ingress --group-id "$SG_ID" --protocol tcp --port 443 --cidr 10.0.0.0/16)
check "authorize-security-group-ingress returns the new rule" "$rule" \
  '.Return == true and (.SecurityGroupRules | length == 1)
   and (.SecurityGroupRules[0].SecurityGroupRuleId | test("^sgr-[0-9a-f]{17}$"))
   and .SecurityGroupRules[0].IpProtocol == "tcp" and .SecurityGroupRules[0].FromPort == 443
   and .SecurityGroupRules[0].ToPort == 443 and .SecurityGroupRules[0].CidrIpv4 == "10.0.0.0/16"
   and .SecurityGroupRules[0].IsEgress == false'

# --- the guide, step 4: "Use the AWS CLI to list shared security groups"
groups=$(aws ec2 describe-security-groups --filters Name=group-id,Values=$SG_ID)
check "step 4: exactly the one group comes back" "$groups" \
  ".SecurityGroups | length == 1 and .[0].GroupId == \"$SG_ID\" and .[0].GroupName == \"app\"
   and .[0].VpcId == \"$VPC_ID\" and .[0].OwnerId == \"111111111111\" and .[0].Description == \"app tier\""
check "step 4: with its tcp/443 rule from 10.0.0.0/16" "$groups" \
  '.SecurityGroups[0].IpPermissions == [{"IpProtocol":"tcp","FromPort":443,"ToPort":443,
     "IpRanges":[{"CidrIp":"10.0.0.0/16"}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}]'
check "step 4: and the default all-traffic egress rule" "$groups" \
  '.SecurityGroups[0].IpPermissionsEgress | length == 1 and .[0].IpProtocol == "-1"
   and .[0].IpRanges == [{"CidrIp":"0.0.0.0/0"}]'

rules=$(aws ec2 describe-security-group-rules --filters Name=group-id,Values=$SG_ID)
check "describe-security-group-rules lists ingress + egress" "$rules" \
  '.SecurityGroupRules | length == 2 and (map(select(.IsEgress)) | .[0].FromPort == -1 and .[0].ToPort == -1)'

eni=$(aws ec2 create-network-interface --subnet-id "$SUBNET_ID" --groups "$SG_ID" --description "app eni")
check "create-network-interface with the group" "$eni" \
  ".NetworkInterface.Groups == [{\"GroupId\":\"$SG_ID\",\"GroupName\":\"app\"}]
   and .NetworkInterface.PrivateIpAddress == \"10.0.1.4\" and .NetworkInterface.Status == \"available\"
   and .NetworkInterface.SubnetId == \"$SUBNET_ID\" and .NetworkInterface.VpcId == \"$VPC_ID\""
ENI_ID=$(jq -r .NetworkInterface.NetworkInterfaceId <<<"$eni")

enis=$(aws ec2 describe-network-interfaces --filters Name=group-id,Values=$SG_ID)
check "describe-network-interfaces by group-id finds it" "$enis" \
  ".NetworkInterfaces | length == 1 and .[0].NetworkInterfaceId == \"$ENI_ID\""

# the group is in use: deleting it must fail with DependencyViolation
if out=$(aws ec2 delete-security-group --group-id "$SG_ID" 2>&1); then
  echo "FAILED: delete-security-group of an in-use group succeeded" >&2; exit 1
fi
grep -q DependencyViolation <<<"$out" || { echo "FAILED: expected DependencyViolation, got: $out" >&2; exit 1; }
echo "ok - in-use group cannot be deleted (DependencyViolation)"

# --- cleanup, in dependency order
aws ec2 delete-network-interface --network-interface-id "$ENI_ID" >/dev/null
aws ec2 delete-security-group --group-id "$SG_ID" >/dev/null
aws ec2 delete-subnet --subnet-id "$SUBNET_ID" >/dev/null
aws ec2 delete-vpc --vpc-id "$VPC_ID" >/dev/null
left=$(aws ec2 describe-vpcs --filters Name=vpc-id,Values=$VPC_ID)
check "cleanup removed the VPC" "$left" '.Vpcs == []'

echo "walkthrough OK"
