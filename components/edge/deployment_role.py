"""The role ECS assumes to move a route's traffic during a canary, linear or blue/green deployment.

AWS's managed policy for it, ``AmazonECSInfrastructureRolePolicyForLoadBalancers`` (AWS Managed Policy
Reference, v6, edited 2026-02-12), allows on every resource of the account:

- ``DescribeListeners``, ``DescribeRules``, ``DescribeTargetGroups``, ``DescribeTargetHealth`` on ``*``;
- ``RegisterTargets``, ``DeregisterTargets`` on ``targetgroup/*/*``;
- ``ModifyListener`` on ``listener/app/*/*/*`` and ``listener/net/*/*/*``;
- ``ModifyRule`` on ``listener-rule/app/*/*/*/*``.

This role allows the same calls on this route's two target groups and its production and test rules
only. ``ModifyListener`` is left out: an Application Load Balancer's traffic moves through the rules
ECS is given (``AdvancedConfiguration.productionListenerRule``: "the production listener rule (in the
case of an Application Load Balancer) or listener (in the case for an Network Load Balancer)"), and
ModifyListener on the shared listener could rewrite its default action for every service behind it.
The Describe calls have no resource-level permissions (Service Authorization Reference, Elastic Load
Balancing V2), so they stay on ``*``.

Trust: ``ecs.amazonaws.com`` (the ECS guide's trust policy for this role). AWS documents no
``aws:SourceAccount``/``aws:SourceArn`` that ECS sends when it assumes this role, and its published
trust policy has no condition, so the confused-deputy guard uses the ``IfExists`` forms: whenever ECS
sends the keys, only this account's ECS resources in this region may use the role; when it does not,
the role still works (a plain ``StringEquals`` would fail every deployment closed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

#: The actions of ``AmazonECSInfrastructureRolePolicyForLoadBalancers`` v6, by statement.
DESCRIBE = (
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
)
TARGETS = ("elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets")
MODIFY_RULE = "elasticloadbalancing:ModifyRule"
MODIFY_LISTENER = "elasticloadbalancing:ModifyListener"
ECS_SERVICE = "ecs.amazonaws.com"


def infrastructure_trust(*, partition: str, region: str, account_id: str) -> str:
    """ECS may assume the role, for this account's resources in ``region`` where it says whose they are."""
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": ECS_SERVICE},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEqualsIfExists": {"aws:SourceAccount": account_id},
            "ArnLikeIfExists": {"aws:SourceArn": f"arn:{partition}:ecs:{region}:{account_id}:*"},
        },
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def infrastructure_policy(*, target_group_arns: Sequence[str], rule_arns: Sequence[str]) -> str:
    """Read the load balancer's configuration; register tasks in and move weights between exactly these
    target groups and rules."""
    statements = [
        {"Sid": "ReadLoadBalancing", "Effect": "Allow", "Action": list(DESCRIBE), "Resource": "*"},
        {"Sid": "TheRoutesTargetGroups", "Effect": "Allow", "Action": list(TARGETS),
         "Resource": sorted(target_group_arns)},
        {"Sid": "TheRoutesRules", "Effect": "Allow", "Action": [MODIFY_RULE], "Resource": sorted(rule_arns)},
    ]  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
