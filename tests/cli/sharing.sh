#!/usr/bin/env bash
# The end-to-end sharing scenario (spec §7) with the real AWS CLI v1, across four accounts:
#
#   tests/cli/sharing.sh http://127.0.0.1:4566
#
#   M  111111111111  management account: creates the organization and two member accounts,
#                    turns on RAM sharing, and reaches the members through
#                    OrganizationAccountAccessRole (as an IAM user: roots may not assume roles)
#   O  (created)     network account: owns the VPC, the subnet and the security group "app"
#   P  (created)     application account: uses the shared subnet and group
#   X  999999999999  outsider: not in the organization
#
# Every step checks its answer, and every refusal checks AWS's error code. Exits non-zero on the
# first mismatch.
set -euo pipefail

ENDPOINT="${1:?usage: sharing.sh ENDPOINT_URL}"
case "$ENDPOINT" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "refusing to run against a non-local endpoint: $ENDPOINT" >&2; exit 2 ;;
esac

source "$(dirname "$0")/common.sh"

# ---------------------------------------------------------------- 1. the organization
org=$(as M organizations create-organization --feature-set ALL)
check "M creates an organization with all features" "$org" \
  '.Organization.FeatureSet == "ALL" and .Organization.MasterAccountId == "'$M'" and (.Organization.Id | test("^o-[a-z0-9]{10,32}$"))'
ORG_ID=$(jq -r .Organization.Id <<<"$org")
ORG_ARN=$(jq -r .Organization.Arn <<<"$org")
refused "a second organization for M" AlreadyInOrganizationException M organizations create-organization

new_account() {
  local name=$1 req id status
  req=$(as M organizations create-account --email "$name@example.com" --account-name "$name")
  id=$(jq -r .CreateAccountStatus.Id <<<"$req")
  [[ "$id" =~ ^car-[a-z0-9]{8,32}$ ]] || fail "create-account request id: $id"
  status=$(as M organizations describe-create-account-status --create-account-request-id "$id")
  check "account $name created" "$status" '.CreateAccountStatus.State == "SUCCEEDED" and (.CreateAccountStatus.AccountId | test("^[0-9]{12}$"))' >&2
  jq -r .CreateAccountStatus.AccountId <<<"$status"
}
O=$(new_account network)
P=$(new_account app)
[[ "$O" != "$P" ]] || fail "two accounts got one id"

roots=$(as M organizations list-roots)
ROOT_ID=$(jq -r '.Roots[0].Id' <<<"$roots")
ou=$(as M organizations create-organizational-unit --parent-id "$ROOT_ID" --name workloads)
OU_ID=$(jq -r .OrganizationalUnit.Id <<<"$ou")
check "OU workloads under the root" "$ou" '.OrganizationalUnit.Id | test("^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$")'
as M organizations move-account --account-id "$P" --source-parent-id "$ROOT_ID" --destination-parent-id "$OU_ID"
parents=$(as M organizations list-parents --child-id "$P")
check "P now sits in the OU" "$parents" '.Parents == [{"Id": "'$OU_ID'", "Type": "ORGANIZATIONAL_UNIT"}]'
accounts=$(as M organizations list-accounts)
check "three accounts in the organization" "$accounts" '[.Accounts[].Id] | sort == (["'$M'", "'$O'", "'$P'"] | sort)'
refused "the outsider describing the organization" AWSOrganizationsNotInUseException X organizations describe-organization

# ---------------------------------------------------------------- 2. RAM sharing with the organization
refused "an outsider enabling RAM sharing" OperationNotPermittedException X ram enable-sharing-with-aws-organization
check "M enables RAM sharing" "$(as M ram enable-sharing-with-aws-organization)" '.returnValue == true'
check "ram.amazonaws.com has trusted access" "$(as M organizations list-aws-service-access-for-organization)" \
  '[.EnabledServicePrincipals[].ServicePrincipal] | index("ram.amazonaws.com") != null'
check "the RAM service-linked role exists" "$(as M iam get-role --role-name AWSServiceRoleForResourceAccessManager)" \
  '.Role.Path == "/aws-service-role/ram.amazonaws.com/"'

# ---------------------------------------------------------------- 3. into the member accounts
refused "root assuming a role" AccessDenied M sts assume-role \
  --role-arn "arn:aws:iam::$O:role/OrganizationAccountAccessRole" --role-session-name bootstrap
as M iam create-user --user-name ops >/dev/null
as M iam attach-user-policy --user-name ops --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
keys=$(as M iam create-access-key --user-name ops)
KEY[OPS]=$(jq -r .AccessKey.AccessKeyId <<<"$keys"); SECRET[OPS]=$(jq -r .AccessKey.SecretAccessKey <<<"$keys"); TOKEN[OPS]=""
check "ops is an IAM user of M" "$(as OPS sts get-caller-identity)" '.Arn == "arn:aws:iam::'$M':user/ops"'

assume() {
  local who=$1 account=$2 creds
  creds=$(as OPS sts assume-role --role-arn "arn:aws:iam::$account:role/OrganizationAccountAccessRole" --role-session-name "bootstrap-$who")
  KEY[$who]=$(jq -r .Credentials.AccessKeyId <<<"$creds")
  SECRET[$who]=$(jq -r .Credentials.SecretAccessKey <<<"$creds")
  TOKEN[$who]=$(jq -r .Credentials.SessionToken <<<"$creds")
  [[ "${KEY[$who]}" == ASIA* ]] || fail "temporary key for $who: ${KEY[$who]}"
  check "ops acts in $who through OrganizationAccountAccessRole" "$(as "$who" sts get-caller-identity)" \
    '.Account == "'$account'" and .Arn == "arn:aws:sts::'$account':assumed-role/OrganizationAccountAccessRole/bootstrap-'$who'"'
}
assume O "$O"
assume P "$P"
refused "the outsider assuming O's role" AccessDenied X sts assume-role \
  --role-arn "arn:aws:iam::$O:role/OrganizationAccountAccessRole" --role-session-name nope
check "a member describes its organization" "$(as P organizations describe-organization)" '.Organization.Id == "'$ORG_ID'"'
refused "a member listing the accounts" AccessDeniedException P organizations list-accounts
KEY[FORGED]=${KEY[O]}; SECRET[FORGED]=${SECRET[O]}; TOKEN[FORGED]="forged-token"
refused "a temporary key with the wrong session token" InvalidClientTokenId FORGED sts get-caller-identity

# ---------------------------------------------------------------- 4. the network account builds
vpc=$(as O ec2 create-vpc --cidr-block 10.0.0.0/16 --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=shared}]')
VPC_ID=$(jq -r .Vpc.VpcId <<<"$vpc")
DEFAULT_SG=$(as O ec2 describe-security-groups --filters Name=vpc-id,Values="$VPC_ID" Name=group-name,Values=default | jq -r '.SecurityGroups[0].GroupId')
subnet=$(as O ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block 10.0.1.0/24)
SUBNET_ID=$(jq -r .Subnet.SubnetId <<<"$subnet")
PRIVATE_SUBNET=$(as O ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block 10.0.2.0/24 | jq -r .Subnet.SubnetId)
SG_ID=$(as O ec2 create-security-group --group-name app --description "app tier" --vpc-id "$VPC_ID" | jq -r .GroupId)
rule=$(as O ec2 authorize-security-group-ingress --group-id "$SG_ID" --protocol tcp --port 443 --cidr 10.0.0.0/16)
check "O opens tcp/443 on app" "$rule" '.Return == true and (.SecurityGroupRules[0].SecurityGroupRuleId | test("^sgr-"))'

# ---------------------------------------------------------------- 5. the share
SUBNET_ARN="arn:aws:ec2:us-east-1:$O:subnet/$SUBNET_ID"
SG_ARN="arn:aws:ec2:us-east-1:$O:security-group/$SG_ID"
DEFAULT_SG_ARN="arn:aws:ec2:us-east-1:$O:security-group/$DEFAULT_SG"
refused "sharing a subnet outside the organization" OperationNotPermittedException O ram create-resource-share \
  --name leak --resource-arns "$SUBNET_ARN" --principals "$X"
refused "sharing another Region's resource" InvalidParameterException O ram create-resource-share \
  --name elsewhere --resource-arns "arn:aws:ec2:us-west-2:$O:subnet/$SUBNET_ID" --principals "$P"
share=$(as O ram create-resource-share --name app-network --resource-arns "$SUBNET_ARN" "$SG_ARN" \
  --principals "$P" --no-allow-external-principals --client-token scenario-1)
check "O shares the subnet and the group with P" "$share" \
  '.resourceShare.status == "ACTIVE" and .resourceShare.owningAccountId == "'$O'" and .resourceShare.allowExternalPrincipals == false'
SHARE_ARN=$(jq -r .resourceShare.resourceShareArn <<<"$share")
again=$(as O ram create-resource-share --name app-network --resource-arns "$SUBNET_ARN" "$SG_ARN" \
  --principals "$P" --no-allow-external-principals --client-token scenario-1)
check "the same client token gives the same share" "$again" '.resourceShare.resourceShareArn == "'$SHARE_ARN'"'
refused "the client token with other parameters" IdempotentParameterMismatchException O ram create-resource-share \
  --name other --client-token scenario-1
check "both resources ASSOCIATED" "$(as O ram get-resource-share-associations --association-type RESOURCE --resource-share-arns "$SHARE_ARN")" \
  '[.resourceShareAssociations[].status] == ["ASSOCIATED", "ASSOCIATED"]'
check "P ASSOCIATED, no invitation in the organization" "$(as O ram get-resource-share-associations --association-type PRINCIPAL --resource-share-arns "$SHARE_ARN")" \
  '.resourceShareAssociations == [.resourceShareAssociations[0]] and .resourceShareAssociations[0].associatedEntity == "'$P'" and .resourceShareAssociations[0].status == "ASSOCIATED" and .resourceShareAssociations[0].external == false'
check "P has no invitation" "$(as P ram get-resource-share-invitations)" '.resourceShareInvitations == []'

bad=$(as O ram create-resource-share --name defaults --resource-arns "$DEFAULT_SG_ARN" --principals "$P")
BAD_ARN=$(jq -r .resourceShare.resourceShareArn <<<"$bad")
check "sharing the default group leaves the association FAILED with a reason" \
  "$(as O ram get-resource-share-associations --association-type RESOURCE --resource-share-arns "$BAD_ARN")" \
  '.resourceShareAssociations[0].status == "FAILED" and (.resourceShareAssociations[0].statusMessage | test("default security group"))'
as O ram delete-resource-share --resource-share-arn "$BAD_ARN" >/dev/null

# ---------------------------------------------------------------- 6. what P sees
check "P sees the share from another account" "$(as P ram get-resource-shares --resource-owner OTHER-ACCOUNTS)" \
  '[.resourceShares[] | select(.resourceShareArn == "'$SHARE_ARN'" and .owningAccountId == "'$O'")] | length == 1'
check "P lists the shared subnet and group" "$(as P ram list-resources --resource-owner OTHER-ACCOUNTS)" \
  '[.resources[].type] | sort == ["ec2:SecurityGroup", "ec2:Subnet"]'
check "P sees the shared subnet, owned by O" "$(as P ec2 describe-subnets)" \
  '[.Subnets[] | select(.SubnetId == "'$SUBNET_ID'" and .OwnerId == "'$O'")] | length == 1'
refused "P looking up O's unshared subnet" InvalidSubnetID.NotFound P ec2 describe-subnets --subnet-ids "$PRIVATE_SUBNET"
check "P sees the VPC, owned by O, without O's tags" "$(as P ec2 describe-vpcs --vpc-ids "$VPC_ID")" \
  '.Vpcs[0].OwnerId == "'$O'" and ((.Vpcs[0].Tags // []) == [])'
# The guide's verification step, verbatim, in the consuming account:
step4=$(as P ec2 describe-security-groups --filters Name=group-id,Values="$SG_ID")
check "guide step 4 in P: the shared group, owned by O, with its rule" "$step4" \
  '(.SecurityGroups | length) == 1 and .SecurityGroups[0].OwnerId == "'$O'" and .SecurityGroups[0].IpPermissions[0].FromPort == 443'
refused "the outsider looking up the group" InvalidGroup.NotFound X ec2 describe-security-groups --group-ids "$SG_ID"
check "the outsider sees no share" "$(as X ram get-resource-shares --resource-owner OTHER-ACCOUNTS)" '.resourceShares == []'
refused "P in another Region (shares are regional)" InvalidSubnetID.NotFound P ec2 describe-subnets --subnet-ids "$SUBNET_ID" --region us-west-2

# ---------------------------------------------------------------- 7. P builds in the shared VPC
OWN_SG=$(as P ec2 create-security-group --group-name p-own --description "P own group" --vpc-id "$VPC_ID" | jq -r .GroupId)
eni=$(as P ec2 create-network-interface --subnet-id "$SUBNET_ID" --groups "$OWN_SG")
ENI_ID=$(jq -r .NetworkInterface.NetworkInterfaceId <<<"$eni")
check "P's interface in the shared subnet is P's" "$eni" '.NetworkInterface.OwnerId == "'$P'" and .NetworkInterface.VpcId == "'$VPC_ID'"'
as P ec2 modify-network-interface-attribute --network-interface-id "$ENI_ID" --groups "$SG_ID" "$OWN_SG"
check "P's interface carries the shared group and its own" "$(as P ec2 describe-network-interfaces --network-interface-ids "$ENI_ID")" \
  '[.NetworkInterfaces[0].Groups[].GroupId] | sort == (["'$SG_ID'", "'$OWN_SG'"] | sort)'
check "O sees P's interface in its VPC" "$(as O ec2 describe-network-interfaces --filters Name=vpc-id,Values="$VPC_ID")" \
  '[.NetworkInterfaces[] | select(.NetworkInterfaceId == "'$ENI_ID'" and .OwnerId == "'$P'")] | length == 1'
check "O sees P's group in its VPC" "$(as O ec2 describe-security-groups --group-ids "$OWN_SG")" '.SecurityGroups[0].OwnerId == "'$P'"'
refused "O changing P's interface" UnauthorizedOperation O ec2 modify-network-interface-attribute --network-interface-id "$ENI_ID" --groups "$SG_ID"
refused "O deleting P's group" UnauthorizedOperation O ec2 delete-security-group --group-id "$OWN_SG"

# ---------------------------------------------------------------- 8. what P may not do
refused "P adding a rule to the shared group" UnauthorizedOperation P ec2 authorize-security-group-ingress --group-id "$SG_ID" --protocol tcp --port 22 --cidr 0.0.0.0/0
refused "P deleting the shared group" UnauthorizedOperation P ec2 delete-security-group --group-id "$SG_ID"
refused "P tagging the shared group" UnauthorizedOperation P ec2 create-tags --resources "$SG_ID" --tags Key=owner,Value=p
refused "P using the VPC's default group" InvalidGroup.NotFound P ec2 create-network-interface --subnet-id "$SUBNET_ID" --groups "$DEFAULT_SG"
refused "P re-sharing the shared group" UnknownResourceException P ram create-resource-share --name reshare --resource-arns "$SG_ARN"

# ---------------------------------------------------------------- 8b. the guide's step 2: permissions that mean something
# In P, a role holding exactly the guide's policy, assumed by a developer user of P.
cat >"$WORK/trust.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::$P:root"},"Action":"sts:AssumeRole"}]}
JSON
cat >"$WORK/guide.json" <<'JSON'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeSecurityGroups","ec2:ModifyNetworkInterfaceAttribute"],"Resource":"*"}]}
JSON
ROLE_ARN=$(as P iam create-role --role-name sg-attacher --assume-role-policy-document "file://$WORK/trust.json" | jq -r .Role.Arn)
as P iam put-role-policy --role-name sg-attacher --policy-name guide --policy-document "file://$WORK/guide.json"
cat >"$WORK/assume.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"$ROLE_ARN"}]}
JSON
as P iam create-user --user-name dev >/dev/null
as P iam put-user-policy --user-name dev --policy-name assume --policy-document "file://$WORK/assume.json"
keys=$(as P iam create-access-key --user-name dev)
KEY[DEV]=$(jq -r .AccessKey.AccessKeyId <<<"$keys"); SECRET[DEV]=$(jq -r .AccessKey.SecretAccessKey <<<"$keys"); TOKEN[DEV]=""
refused "the developer itself describing groups (no such permission)" UnauthorizedOperation DEV ec2 describe-security-groups
creds=$(as DEV sts assume-role --role-arn "$ROLE_ARN" --role-session-name attach)
KEY[ATT]=$(jq -r .Credentials.AccessKeyId <<<"$creds"); SECRET[ATT]=$(jq -r .Credentials.SecretAccessKey <<<"$creds"); TOKEN[ATT]=$(jq -r .Credentials.SessionToken <<<"$creds")
check "guide step 2: the role describes the shared group" "$(as ATT ec2 describe-security-groups --group-ids "$SG_ID")" \
  '.SecurityGroups[0].OwnerId == "'$O'"'
as ATT ec2 modify-network-interface-attribute --network-interface-id "$ENI_ID" --groups "$SG_ID" "$OWN_SG"
check "guide step 2: the role attached the shared group" "$(as P ec2 describe-network-interfaces --network-interface-ids "$ENI_ID")" \
  '[.NetworkInterfaces[0].Groups[].GroupId] | sort == (["'$SG_ID'", "'$OWN_SG'"] | sort)'
refused "the role creating a group" UnauthorizedOperation ATT ec2 create-security-group --group-name nope --description nope --vpc-id "$VPC_ID"
refused "the role changing the shared group's rules" UnauthorizedOperation ATT ec2 authorize-security-group-ingress --group-id "$SG_ID" --protocol tcp --port 22 --cidr 10.0.0.0/8
refused "the role sharing through RAM" AccessDeniedException ATT ram create-resource-share --name nope
out=$(as ATT ec2 create-security-group --group-name nope --description nope --vpc-id "$VPC_ID" 2>&1 || true)
encoded=$(sed -n 's/.*Encoded authorization failure message: //p' <<<"$out")
[[ -n "$encoded" ]] || fail "no encoded authorization failure message in: $out"
check "P decodes the refusal: the action and the resource" "$(as P sts decode-authorization-message --encoded-message "$encoded" | jq -r .DecodedMessage)" \
  '.allowed == false and .context.action == "ec2:CreateSecurityGroup" and (.context.resource | endswith(":'$P':security-group/*"))'
refused "an untrusted account assuming the role" AccessDenied OPS sts assume-role --role-arn "$ROLE_ARN" --role-session-name nope
as P ec2 modify-network-interface-attribute --network-interface-id "$ENI_ID" --groups "$SG_ID" "$OWN_SG"

# ---------------------------------------------------------------- 9. the owner's changes reach P at once
as O ec2 authorize-security-group-ingress --group-id "$SG_ID" --protocol tcp --port 8443 --cidr 10.0.0.0/16 >/dev/null
check "P sees O's new rule" "$(as P ec2 describe-security-groups --group-ids "$SG_ID")" \
  '[.SecurityGroups[0].IpPermissions[].FromPort] | sort == [443, 8443]'

# ---------------------------------------------------------------- 10. unsharing the group
dis=$(as O ram disassociate-resource-share --resource-share-arn "$SHARE_ARN" --resource-arns "$SG_ARN")
check "disassociating reports DISASSOCIATING" "$dis" '.resourceShareAssociations[0].status == "DISASSOCIATING"'
check "the group's association is DISASSOCIATED" "$(as O ram get-resource-share-associations --association-type RESOURCE --resource-arn "$SG_ARN")" \
  '.resourceShareAssociations[0].status == "DISASSOCIATED"'
check "P's interface keeps the group" "$(as P ec2 describe-network-interfaces --network-interface-ids "$ENI_ID")" \
  '[.NetworkInterfaces[0].Groups[].GroupId] | index("'$SG_ID'") != null'
refused "P attaching the unshared group anew" InvalidGroup.NotFound P ec2 create-network-interface --subnet-id "$SUBNET_ID" --groups "$SG_ID"
refused "O deleting the group a participant still uses" DependencyViolation O ec2 delete-security-group --group-id "$SG_ID"
refused "O deleting the subnet a participant still uses" DependencyViolation O ec2 delete-subnet --subnet-id "$SUBNET_ID"
as P ec2 modify-network-interface-attribute --network-interface-id "$ENI_ID" --groups "$OWN_SG"
as O ec2 delete-security-group --group-id "$SG_ID" >/dev/null
echo "ok - O deletes the group once no interface uses it"

# ---------------------------------------------------------------- invitations, outside the organization
ext=$(as O ram create-resource-share --name partners --principals "$X" --allow-external-principals)
EXT_ARN=$(jq -r .resourceShare.resourceShareArn <<<"$ext")
check "an outsider's association waits for the invitation" \
  "$(as O ram get-resource-share-associations --association-type PRINCIPAL --resource-share-arns "$EXT_ARN")" \
  '.resourceShareAssociations[0].status == "ASSOCIATING" and .resourceShareAssociations[0].external == true'
inv=$(as X ram get-resource-share-invitations --resource-share-arns "$EXT_ARN")
check "X has a PENDING invitation from O" "$inv" '.resourceShareInvitations[0].status == "PENDING" and .resourceShareInvitations[0].senderAccountId == "'$O'"'
INV_ARN=$(jq -r '.resourceShareInvitations[0].resourceShareInvitationArn' <<<"$inv")
refused "P accepting X's invitation" ResourceShareInvitationArnNotFoundException P ram accept-resource-share-invitation --resource-share-invitation-arn "$INV_ARN"
check "X accepts" "$(as X ram accept-resource-share-invitation --resource-share-invitation-arn "$INV_ARN")" \
  '.resourceShareInvitation.status == "ACCEPTED"'
refused "accepting twice" ResourceShareInvitationAlreadyAcceptedException X ram accept-resource-share-invitation --resource-share-invitation-arn "$INV_ARN"
check "X's association is ASSOCIATED" "$(as O ram get-resource-share-associations --association-type PRINCIPAL --resource-share-arns "$EXT_ARN")" \
  '.resourceShareAssociations[0].status == "ASSOCIATED"'
refused "adding a subnet to a share that reaches outsiders" OperationNotPermittedException O ram associate-resource-share --resource-share-arn "$EXT_ARN" --resource-arns "$SUBNET_ARN"
as X ram disassociate-resource-share --resource-share-arn "$EXT_ARN" --principals "$X" >/dev/null
echo "ok - the outsider leaves the share"
refused "P leaving a share from inside its organization" OperationNotPermittedException P ram disassociate-resource-share --resource-share-arn "$SHARE_ARN" --principals "$P"

# ---------------------------------------------------------------- 11. clean-up, in an order that must work
as P ec2 delete-network-interface --network-interface-id "$ENI_ID"
as P ec2 delete-security-group --group-id "$OWN_SG" >/dev/null
check "O deletes the share" "$(as O ram delete-resource-share --resource-share-arn "$SHARE_ARN")" '.returnValue == true'
check "a deleted share stays listable as DELETED" "$(as O ram get-resource-shares --resource-owner SELF --resource-share-status DELETED)" \
  '[.resourceShares[].resourceShareArn] | index("'$SHARE_ARN'") != null'
refused "P looking up the subnet after the share is gone" InvalidSubnetID.NotFound P ec2 describe-subnets --subnet-ids "$SUBNET_ID"
as O ec2 delete-subnet --subnet-id "$SUBNET_ID"
as O ec2 delete-subnet --subnet-id "$PRIVATE_SUBNET"
as O ec2 delete-vpc --vpc-id "$VPC_ID"
refused "the default group went with its VPC" InvalidGroup.NotFound O ec2 describe-security-groups --group-ids "$DEFAULT_SG"

echo "sharing scenario OK"
