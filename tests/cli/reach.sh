#!/usr/bin/env bash
# Reachability Analyzer with the real AWS CLI v1, then the same question to `ramparts reach`:
#
#   tests/cli/reach.sh http://127.0.0.1:4566 [path/to/ramparts]
#
# One account's VPC: a client and a web server in two subnets; the server's group admits 443
# from the VPC. Exits non-zero on the first mismatch.
set -euo pipefail

ENDPOINT="${1:?usage: reach.sh ENDPOINT_URL [RAMPARTS_BIN]}"
RAMPARTS="${2:-$(dirname "$0")/../../target/release/ramparts}"
case "$ENDPOINT" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "refusing to run against a non-local endpoint: $ENDPOINT" >&2; exit 2 ;;
esac

source "$(dirname "$0")/common.sh"

VPC=$(as M ec2 create-vpc --cidr-block 10.20.0.0/16 | jq -r .Vpc.VpcId)
A=$(as M ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.20.1.0/24 | jq -r .Subnet.SubnetId)
B=$(as M ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.20.2.0/24 | jq -r .Subnet.SubnetId)
WEB=$(as M ec2 create-security-group --group-name web --description web --vpc-id "$VPC" | jq -r .GroupId)
as M ec2 authorize-security-group-ingress --group-id "$WEB" --protocol tcp --port 443 --cidr 10.20.0.0/16 >/dev/null
CLIENT=$(as M ec2 create-network-interface --subnet-id "$A" | jq -r .NetworkInterface.NetworkInterfaceId)
SERVER=$(as M ec2 create-network-interface --subnet-id "$B" --groups "$WEB" | jq -r .NetworkInterface.NetworkInterfaceId)

path=$(as M ec2 create-network-insights-path --source "$CLIENT" --destination "$SERVER" --protocol tcp \
  --destination-port 443 --tag-specifications 'ResourceType=network-insights-path,Tags=[{Key=Name,Value=https}]')
check "a path from the client to the server on 443" "$path" \
  '.NetworkInsightsPath.Protocol == "tcp" and .NetworkInsightsPath.DestinationPort == 443'
NIP=$(jq -r .NetworkInsightsPath.NetworkInsightsPathId <<<"$path")
started=$(as M ec2 start-network-insights-analysis --network-insights-path-id "$NIP")
check "the analysis starts" "$started" '.NetworkInsightsAnalysis.Status == "running"'
NIA=$(jq -r .NetworkInsightsAnalysis.NetworkInsightsAnalysisId <<<"$started")
check "the path is found, through the ACLs, the route and the web group" \
  "$(as M ec2 describe-network-insights-analyses --network-insights-analysis-ids "$NIA")" \
  '.NetworkInsightsAnalyses[0].Status == "succeeded" and .NetworkInsightsAnalyses[0].NetworkPathFound == true
   and ([.NetworkInsightsAnalyses[0].ForwardPathComponents[].SecurityGroupRule.SecurityGroupId // empty] | index("'$WEB'") != null)'

ssh=$(as M ec2 create-network-insights-path --source "$CLIENT" --destination "$SERVER" --protocol tcp --destination-port 22 \
  | jq -r .NetworkInsightsPath.NetworkInsightsPathId)
NIA22=$(as M ec2 start-network-insights-analysis --network-insights-path-id "$ssh" | jq -r .NetworkInsightsAnalysis.NetworkInsightsAnalysisId)
check "port 22 is not found: the web group admits only 443" \
  "$(as M ec2 describe-network-insights-analyses --network-insights-analysis-ids "$NIA22")" \
  '.NetworkInsightsAnalyses[0].NetworkPathFound == false
   and .NetworkInsightsAnalyses[0].Explanations[0].ExplanationCode == "ENI_SG_RULES_MISMATCH"
   and .NetworkInsightsAnalyses[0].Explanations[0].Direction == "ingress"'
check "paths are listed by filter" \
  "$(as M ec2 describe-network-insights-paths --filters Name=destination,Values="$SERVER")" \
  '[.NetworkInsightsPaths[].NetworkInsightsPathId] | sort == (["'$NIP'", "'$ssh'"] | sort)'
refused "deleting a path with analyses" AnalysisExistsForNetworkInsightsPath M ec2 delete-network-insights-path \
  --network-insights-path-id "$NIP"
refused "a protocol the analyzer does not take" InvalidParameterValue M ec2 create-network-insights-path \
  --source "$CLIENT" --destination "$SERVER" --protocol icmp
as M ec2 delete-network-insights-analysis --network-insights-analysis-id "$NIA" >/dev/null
check "then the path deletes" "$(as M ec2 delete-network-insights-path --network-insights-path-id "$NIP")" \
  '.NetworkInsightsPathId == "'$NIP'"'

# The same two questions in one line each.
line=$("$RAMPARTS" reach --endpoint "$ENDPOINT" "$CLIENT" "$SERVER" tcp/443)
[[ "$line" == "$CLIENT -> $SERVER tcp/443: reachable via "* ]] || fail "ramparts reach 443: $line"
echo "ok - ramparts reach: $line"
if line=$("$RAMPARTS" reach --endpoint "$ENDPOINT" "$CLIENT" "$SERVER" tcp/22); then fail "ramparts reach 22 exited 0"; fi
[[ "$line" == *"not reachable: ENI_SG_RULES_MISMATCH at $SERVER (ingress)" ]] || fail "ramparts reach 22: $line"
echo "ok - ramparts reach: $line"

echo "reach scenario OK"
