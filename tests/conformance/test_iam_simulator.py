"""The policy simulator through boto3: SimulatePrincipalPolicy and SimulateCustomPolicy answer with
the same evaluator that decides every request — decisions, the statements that decided (with
their positions), missing context values, boundary and organization details, and one result per
action with resource-specific results."""

import json

import pytest

from helpers import aws_error, new_members

A = "111111111111"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def stmt(effect, actions, resource="*", condition=None, sid=None):
    s = {"Effect": effect, "Action": actions, "Resource": resource}
    if condition:
        s["Condition"] = condition
    if sid:
        s["Sid"] = sid
    return s


def results(answer):
    return {r["EvalActionName"]: r for r in answer["EvaluationResults"]}


def test_principal_policy_decisions_and_matched_statements(aws):
    iam = aws("iam")
    iam.create_user(UserName="dev")
    policy = doc(stmt("Allow", "ec2:Describe*", sid="Read"), stmt("Deny", "ec2:DeleteVpc", sid="NoDelete"))
    iam.put_user_policy(UserName="dev", PolicyName="inline", PolicyDocument=policy)
    user_arn = f"arn:aws:iam::{A}:user/dev"

    out = results(iam.simulate_principal_policy(
        PolicySourceArn=user_arn, ActionNames=["ec2:DescribeVpcs", "ec2:DeleteVpc", "ec2:CreateVpc"]))
    assert out["ec2:DescribeVpcs"]["EvalDecision"] == "allowed"
    assert out["ec2:DeleteVpc"]["EvalDecision"] == "explicitDeny"
    assert out["ec2:CreateVpc"]["EvalDecision"] == "implicitDeny"
    assert out["ec2:CreateVpc"]["MatchedStatements"] == []

    [allowed] = out["ec2:DescribeVpcs"]["MatchedStatements"]
    assert (allowed["SourcePolicyId"], allowed["SourcePolicyType"]) == ("inline", "user")
    # The first statement starts on line 4 of the indented document, at its opening brace.
    lines = policy.split("\n")
    start, end = allowed["StartPosition"], allowed["EndPosition"]
    assert lines[start["Line"] - 1][start["Column"] - 1] == "{"
    assert lines[end["Line"] - 1][end["Column"] - 1] == "}"
    assert '"Read"' in "\n".join(lines[start["Line"] - 1:end["Line"]])
    [denied] = out["ec2:DeleteVpc"]["MatchedStatements"]
    assert '"NoDelete"' in "\n".join(lines[denied["StartPosition"]["Line"] - 1:denied["EndPosition"]["Line"]])


def test_group_and_managed_policies_of_a_user_count(aws):
    iam = aws("iam")
    iam.create_user(UserName="dev")
    iam.create_group(GroupName="readers")
    iam.add_user_to_group(GroupName="readers", UserName="dev")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")
    out = results(iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{A}:user/dev", ActionNames=["ec2:DescribeSubnets", "ec2:CreateSubnet"]))
    assert out["ec2:DescribeSubnets"]["EvalDecision"] == "allowed"
    [m] = out["ec2:DescribeSubnets"]["MatchedStatements"]
    assert (m["SourcePolicyId"], m["SourcePolicyType"]) == (
        "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", "aws-managed")
    assert out["ec2:CreateSubnet"]["EvalDecision"] == "implicitDeny"


def test_context_entries_and_missing_values(aws):
    iam = aws("iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=doc({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="r", PolicyName="tagged", PolicyDocument=doc(stmt(
        "Allow", "ec2:TerminateInstances", condition={"StringEquals": {"aws:ResourceTag/team": "web"}})))
    role_arn = f"arn:aws:iam::{A}:role/r"
    bare = results(iam.simulate_principal_policy(PolicySourceArn=role_arn, ActionNames=["ec2:TerminateInstances"]))
    assert bare["ec2:TerminateInstances"]["EvalDecision"] == "implicitDeny"
    assert bare["ec2:TerminateInstances"]["MissingContextValues"] == ["aws:ResourceTag/team"]

    given = results(iam.simulate_principal_policy(
        PolicySourceArn=role_arn, ActionNames=["ec2:TerminateInstances"],
        ContextEntries=[{"ContextKeyName": "aws:ResourceTag/team", "ContextKeyValues": ["web"],
                         "ContextKeyType": "string"}]))
    assert given["ec2:TerminateInstances"]["EvalDecision"] == "allowed"
    assert given["ec2:TerminateInstances"]["MissingContextValues"] == []


def test_boundaries_given_or_stored(aws):
    iam = aws("iam")
    iam.create_user(UserName="dev", PermissionsBoundary="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")
    iam.attach_user_policy(UserName="dev", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    arn = f"arn:aws:iam::{A}:user/dev"
    out = results(iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["ec2:DescribeVpcs", "ec2:CreateVpc"]))
    assert out["ec2:DescribeVpcs"]["EvalDecision"] == "allowed"
    assert out["ec2:DescribeVpcs"]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert out["ec2:CreateVpc"]["EvalDecision"] == "implicitDeny"
    assert out["ec2:CreateVpc"]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}

    # A boundary given in the request replaces the stored one.
    wider = results(iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["ec2:CreateVpc"],
        PermissionsBoundaryPolicyInputList=[doc(stmt("Allow", "ec2:*"))]))
    assert wider["ec2:CreateVpc"]["EvalDecision"] == "allowed"


def test_resource_arns_give_resource_specific_results(aws):
    iam = aws("iam")
    iam.create_user(UserName="dev")
    own = f"arn:aws:ec2:us-east-1:{A}:security-group/*"
    iam.put_user_policy(UserName="dev", PolicyName="p", PolicyDocument=doc(
        stmt("Allow", "ec2:AuthorizeSecurityGroupIngress", own)))
    g1 = f"arn:aws:ec2:us-east-1:{A}:security-group/sg-0123456789abcdef0"
    g2 = f"arn:aws:ec2:us-east-1:{A}:vpc/vpc-0123456789abcdef0"
    [r] = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{A}:user/dev", ActionNames=["ec2:AuthorizeSecurityGroupIngress"],
        ResourceArns=[g1, g2])["EvaluationResults"]
    assert r["EvalDecision"] == "implicitDeny"  # the most restrictive of the two
    per = {x["EvalResourceName"]: x["EvalResourceDecision"] for x in r["ResourceSpecificResults"]}
    assert per == {g1: "allowed", g2: "implicitDeny"}


def test_an_scp_shows_in_the_organizations_detail(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    [member] = new_members(org, "app")
    org.enable_policy_type(RootId=org.list_roots()["Roots"][0]["Id"], PolicyType="SERVICE_CONTROL_POLICY")
    scp = org.create_policy(Name="no-vpcs", Description="d", Type="SERVICE_CONTROL_POLICY", Content=doc(
        stmt("Allow", "*"), stmt("Deny", "ec2:CreateVpc")))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=member)
    iam = aws("iam", member)
    iam.create_user(UserName="dev")
    iam.attach_user_policy(UserName="dev", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    out = results(iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{member}:user/dev", ActionNames=["ec2:CreateVpc", "ec2:DescribeVpcs"]))
    assert out["ec2:CreateVpc"]["EvalDecision"] == "explicitDeny"
    assert out["ec2:CreateVpc"]["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert out["ec2:DescribeVpcs"]["EvalDecision"] == "allowed"
    assert out["ec2:DescribeVpcs"]["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}


def test_custom_policies_and_resource_policies(aws):
    iam = aws("iam")
    identity = doc(stmt("Allow", "sts:AssumeRole"))
    out = results(iam.simulate_custom_policy(PolicyInputList=[identity], ActionNames=["sts:AssumeRole", "ec2:CreateVpc"]))
    assert out["sts:AssumeRole"]["EvalDecision"] == "allowed"
    [m] = out["sts:AssumeRole"]["MatchedStatements"]
    assert (m["SourcePolicyId"], m["SourcePolicyType"]) == ("PolicyInputList.1", "none")
    assert out["ec2:CreateVpc"]["EvalDecision"] == "implicitDeny"

    # Cross-account: the resource side must allow too.
    role = "arn:aws:iam::222222222222:role/target"
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"})
    kwargs = dict(PolicyInputList=[identity], ActionNames=["sts:AssumeRole"], ResourceArns=[role],
                  CallerArn=f"arn:aws:iam::{A}:user/dev", ResourceOwner="arn:aws:iam::222222222222:root")
    with_trust = iam.simulate_custom_policy(ResourcePolicy=trust, **kwargs)["EvaluationResults"][0]
    assert with_trust["EvalDecision"] == "allowed"
    without = iam.simulate_custom_policy(**kwargs)["EvaluationResults"][0]
    assert without["EvalDecision"] == "implicitDeny"


def test_simulator_refusals(aws):
    iam = aws("iam")
    with aws_error("NoSuchEntity", 404):
        iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{A}:user/ghost", ActionNames=["ec2:DescribeVpcs"])
    with aws_error("InvalidInput", 400):
        iam.simulate_principal_policy(PolicySourceArn="arn:aws:s3:::bucket-of-mine", ActionNames=["ec2:DescribeVpcs"])
    with aws_error("InvalidInput", 400):
        iam.simulate_custom_policy(PolicyInputList=["{not json"], ActionNames=["ec2:DescribeVpcs"])
    with aws_error("InvalidInput", 400):
        iam.simulate_custom_policy(PolicyInputList=[doc(stmt("Allow", "*"))], ActionNames=["DescribeVpcs"])
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=doc({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"}))
    with aws_error("InvalidInput", 400):
        iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{A}:role/r", ActionNames=["s3:GetObject"],
                                      ResourcePolicy=doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                                          "Resource": "*"}))


@pytest.mark.parametrize("max_items", [1, 2])
def test_results_page(aws, max_items):
    iam = aws("iam")
    actions = ["ec2:DescribeVpcs", "ec2:CreateVpc", "ec2:DeleteVpc"]
    seen, marker = [], None
    while True:
        kwargs = {"MaxItems": max_items, **({"Marker": marker} if marker else {})}
        page = iam.simulate_custom_policy(PolicyInputList=[doc(stmt("Allow", "ec2:*"))], ActionNames=actions, **kwargs)
        seen += [r["EvalActionName"] for r in page["EvaluationResults"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert seen == actions
