#!/usr/bin/env bash
# Collect what `ramparts import-aws` reads (the import itself is still to come), as the AWS CLI
# prints it, for the account whose credentials are in the environment:
#
#   scripts/collect-aws.sh OUTDIR [REGION ...]
#
# Writes OUTDIR/<account>/<region>/<service>-<command>.json for each Region (default: the
# CLI's Region), OUTDIR/<account>/iam-get-account-authorization-details.json, and, in an
# organization's management account, OUTDIR/<account>/organizations-*.json. Run it once per
# account (with that account's credentials) into the same OUTDIR. Only reads; changes nothing.
# AWS_ENDPOINT_URL, when set, points every call at that endpoint (a ramparts, for instance).
set -euo pipefail

OUT="${1:?usage: collect-aws.sh OUTDIR [REGION ...]}"
shift
REGIONS=("$@")
[ ${#REGIONS[@]} -gt 0 ] || REGIONS=("${AWS_DEFAULT_REGION:-us-east-1}")
export AWS_PAGER=""

cli() {
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    aws --endpoint-url "$AWS_ENDPOINT_URL" --output json "$@"
  else
    aws --output json "$@"
  fi
}

ACCOUNT=$(cli sts get-caller-identity --query Account --output text)
mkdir -p "$OUT/$ACCOUNT"

for region in "${REGIONS[@]}"; do
  dir="$OUT/$ACCOUNT/$region"
  mkdir -p "$dir"
  for command in describe-vpcs describe-subnets describe-security-groups describe-security-group-rules \
      describe-network-interfaces describe-route-tables describe-network-acls describe-internet-gateways \
      describe-nat-gateways describe-vpc-peering-connections describe-managed-prefix-lists \
      describe-transit-gateways describe-transit-gateway-attachments describe-transit-gateway-vpc-attachments \
      describe-transit-gateway-peering-attachments describe-transit-gateway-route-tables; do
    cli --region "$region" ec2 "$command" > "$dir/ec2-$command.json"
  done
  cli --region "$region" ram get-resource-shares --resource-owner SELF > "$dir/ram-get-resource-shares-self.json"
  cli --region "$region" ram get-resource-shares --resource-owner OTHER-ACCOUNTS \
    > "$dir/ram-get-resource-shares-other-accounts.json"
  cli --region "$region" ram list-resources --resource-owner SELF > "$dir/ram-list-resources.json"
  cli --region "$region" ram list-principals --resource-owner SELF > "$dir/ram-list-principals.json"
done

cli iam get-account-authorization-details > "$OUT/$ACCOUNT/iam-get-account-authorization-details.json"

# The organization, from its management account only (members are refused, and say so).
if roots=$(cli organizations list-roots 2>/dev/null); then
  echo "$roots" > "$OUT/$ACCOUNT/organizations-list-roots.json"
  cli organizations list-accounts > "$OUT/$ACCOUNT/organizations-list-accounts.json"
  # Every OU, walking down from the root; one file per parent.
  parents=($(jq -r '.Roots[].Id' <<<"$roots"))
  while [ ${#parents[@]} -gt 0 ]; do
    parent=${parents[0]}
    parents=("${parents[@]:1}")
    units=$(cli organizations list-organizational-units-for-parent --parent-id "$parent")
    echo "$units" > "$OUT/$ACCOUNT/organizations-list-organizational-units-for-parent-$parent.json"
    parents+=($(jq -r '.OrganizationalUnits[].Id' <<<"$units"))
  done
fi
echo "collected $ACCOUNT into $OUT/$ACCOUNT"
