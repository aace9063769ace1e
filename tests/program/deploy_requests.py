"""The authorizations a deploy of a program asks IAM for: each IAM action of ``provider_calls`` on the
concrete ARN the resource would have on AWS, with the request context IAM sees.

Names: what pulumi-aws gives a resource the program leaves unnamed (``tests/models/aws_contract.py``,
``AUTONAMED``: ``<name>-<7 hex>``, ``namePrefix`` plus 26 characters), else the name the program set.
ARN formats: the Service Authorization Reference's resource types (parliament's copy of it,
``parliament/iam_definition.json``); an action that lists no resource type is authorized on ``*``.
References between resources (a policy's role, a filter's log group) reach the mocks as the IDs, names
and ARNs the mocks issued; they are followed back to the resource they name.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.models.aws_contract import AUTONAMED, PREFIXED_UNIQUE_ID
from tests.models.iam import Request, service_authorization
from tests.program.network_requests import vpc_requests
from tests.program.provider_calls import (
    COMPONENT_CHILDREN,
    INVOKES,
    PROVIDER,
    RESOURCES,
    iam_actions,
)
from tools.offline import ACCOUNT, REGION, Registered, Run

STACK_TAG = "aws:ResourceTag/graviton-node:stack"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
#: Security groups and their rules, and the action that creates each (its ec2:CreateAction when tagged).
SECURITY_GROUPS = {
    "aws:ec2/securityGroup:SecurityGroup": "CreateSecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "AuthorizeSecurityGroupIngress",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "AuthorizeSecurityGroupEgress",
}
#: Service-linked roles the first cluster, load balancer and scalable target create (IAM User Guide,
#: "AWS services that work with IAM": the role names of ECS, ELB and Application Auto Scaling).
#: Calls that tag a resource as it is created (the tags in the create request), asked for again on the
#: tagged resource by later tag changes. KMS authorizes a CreateKey's tags as TagResource on no key yet
#: (AWS KMS Developer Guide, "Controlling access to tags"); RegisterScalableTarget creates a target and,
#: called again, updates it (Application Auto Scaling API Reference).
NEW_TAGGED = {
    ("aws:kms/key:Key", "kms:TagResource"),
    ("aws:appautoscaling/target:Target", "application-autoscaling:RegisterScalableTarget"),
    ("aws:appautoscaling/target:Target", "application-autoscaling:TagResource"),
    # ECS authorizes the tags of a CreateService as ecs:TagResource (Amazon ECS Developer Guide, "Grant
    # permission to tag resources on creation"), the explicit Deny of another stack's tag on both.
    ("aws:ecs/service:Service", "ecs:CreateService"),
    ("aws:ecs/service:Service", "ecs:TagResource"),
}
SERVICE_LINKED = {
    "aws:ecs/cluster:Cluster": ("ecs.amazonaws.com", "AWSServiceRoleForECS"),
    "aws:ecs/service:Service": ("ecs.amazonaws.com", "AWSServiceRoleForECS"),
    "aws:lb/loadBalancer:LoadBalancer": ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing"),
    "aws:appautoscaling/target:Target": (
        "ecs.application-autoscaling.amazonaws.com",
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
    ),
}


@cache
def _resource_types() -> dict[str, bool]:
    """IAM action (lower case) -> whether the Service Authorization Reference gives it a resource type."""
    return {
        f"{service['prefix']}:{p['privilege']}".lower(): any(r["resource_type"] for r in p["resource_types"])
        for service in service_authorization()
        for p in service["privileges"]
    }


def has_resource_type(action: str) -> bool:
    return _resource_types()[action.lower()]


def aws_name(r: Registered) -> str:
    """The name AWS would know ``r`` by."""
    for key in ("name", "family", "dashboardName", "bucket"):
        if isinstance(r.inputs.get(key), str):
            return r.inputs[key]
    if "namePrefix" in r.inputs:
        return r.inputs["namePrefix"] + PREFIXED_UNIQUE_ID
    named = AUTONAMED.get(r.type, lambda n: {"name": n})(r.name)
    return str(next(iter(named.values())))


@dataclass
class Program:
    """One program run (with the platform stack it joins, if any) and where its ARNs live."""

    runs: tuple[Run, ...]

    @property
    def resources(self) -> list[Registered]:
        return self.runs[0].mocks.resources

    def find(self, reference: Any) -> Registered:
        """The resource a value in another resource's inputs refers to (an ID, name or ARN the mocks issued)."""
        for run in self.runs:
            for r in run.mocks.resources:
                issued = {r.id, r.name, *(str(r.outputs.get(k)) for k in ("name", "arn", "keyId", "bucket"))}
                if reference in issued:
                    return r
        raise LookupError(f"nothing issued {reference!r}")

    def cluster_name(self, reference: str) -> str:
        """The name of the cluster a service's ``cluster`` names: one the mocks issued, or an existing one by
        its literal ARN (``clusterArn``; ECS: ``arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName}``)."""
        try:
            return aws_name(self.find(reference))
        except LookupError:
            if not re.fullmatch(r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/[A-Za-z0-9_-]+", reference):
                raise
            return reference.rsplit("/", 1)[1]

    def service(self, resource_id: str) -> str:
        """The ARN of the ECS service an Application Auto Scaling ``resourceId``, ``service/<cluster>/<service>``."""
        return self.arn(self.find(resource_id.split("/")[2]))

    def arn(self, r: Registered) -> str:
        name, region = aws_name(r), f"{REGION}:{ACCOUNT}"
        match r.type:
            case "aws:ecr/repository:Repository":
                return f"arn:aws:ecr:{region}:repository/{name}"
            case "aws:ecs/cluster:Cluster":
                return f"arn:aws:ecs:{region}:cluster/{name}"
            case "aws:ecs/service:Service":
                return f"arn:aws:ecs:{region}:service/{self.cluster_name(r.inputs['cluster'])}/{name}"
            case "aws:ecs/taskDefinition:TaskDefinition":
                return f"arn:aws:ecs:{region}:task-definition/{name}:1"
            case "aws:cloudwatch/logGroup:LogGroup":
                return f"arn:aws:logs:{region}:log-group:{name}"
            case "aws:iam/role:Role":
                return f"arn:aws:iam::{ACCOUNT}:role{r.inputs.get('path', '/')}{name}"
            case "aws:s3/bucket:Bucket":
                return f"arn:aws:s3:::{name}"
            case "aws:sns/topic:Topic":
                return f"arn:aws:sns:{region}:{name}"
            case "aws:sqs/queue:Queue":  # queue: arn:${Partition}:sqs:${Region}:${Account}:${QueueName}
                return f"arn:aws:sqs:{region}:{name}"
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return f"arn:aws:cloudwatch:{region}:alarm:{name}"
            case "aws:cloudwatch/dashboard:Dashboard":
                return f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{name}"
            case "aws:cloudwatch/eventRule:EventRule":
                return f"arn:aws:events:{region}:rule/{name}"
            case "aws:lambda/function:Function":
                return f"arn:aws:lambda:{region}:function:{name}"
            case "aws:ssm/parameter:Parameter":
                return f"arn:aws:ssm:{region}:parameter{name}"
            case "aws:kms/key:Key":
                return f"arn:aws:kms:{region}:key/{r.outputs['keyId']}"
            case "aws:kms/alias:Alias":
                return f"arn:aws:kms:{region}:{name}"
            case "aws:acm/certificate:Certificate":
                return r.outputs["arn"]
            case "aws:appautoscaling/target:Target":
                # scalable-target/${ResourceId}: an ID Application Auto Scaling issues, not the ECS resource ID.
                return f"arn:aws:application-autoscaling:{region}:scalable-target/0a1b{zlib.crc32(name.encode()):08x}"
            # EC2: security-group/${SecurityGroupId}, security-group-rule/${SecurityGroupRuleId}.
            case "aws:ec2/securityGroup:SecurityGroup":
                return f"arn:aws:ec2:{region}:security-group/{r.id}"
            case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" | (
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
            ):
                return f"arn:aws:ec2:{region}:security-group-rule/{r.id}"
            # Elastic Load Balancing V2: loadbalancer/app/${LoadBalancerName}/${LoadBalancerId},
            # listener/app/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}, listener-rule/app/... and
            # targetgroup/${TargetGroupName}/${TargetGroupId} (Service Authorization Reference).
            case "aws:lb/loadBalancer:LoadBalancer":
                return f"arn:aws:elasticloadbalancing:{region}:loadbalancer/app/{name}/0a1b2c3d4e5f6a7b"
            case "aws:lb/targetGroup:TargetGroup":
                return f"arn:aws:elasticloadbalancing:{region}:targetgroup/{name}/0a1b2c3d4e5f6a7b"
            case "aws:lb/listener:Listener":
                balancer = self.arn(self.find(r.inputs["loadBalancerArn"]))
                return f"{balancer.replace(':loadbalancer/', ':listener/')}/{r.name}"
            case "aws:lb/listenerRule:ListenerRule":
                listener = self.arn(self.find(r.inputs["listenerArn"]))
                return f"{listener.replace(':listener/', ':listener-rule/')}/{r.name}"
        # Services the deployer policy does not scope by name: any ARN of the service stands for it.
        return f"arn:aws:{r.type.split(':')[1].split('/')[0]}:{region}:{r.type.rsplit(':', 1)[1].lower()}/{name}"

    def requests(self, r: Registered) -> Iterator[Request]:
        """Every authorization ``r``'s Create, Read, Update and Delete ask for."""
        if r.type in COMPONENT_CHILDREN:
            _, tokens = COMPONENT_CHILDREN[r.type]
            for action in sorted({a for token in tokens for a in iam_actions(INVOKES[token])}):
                yield Request(action, "*")
            yield from vpc_requests(r)
            return
        for action in sorted(iam_actions(RESOURCES[r.type])):
            yield from self.action_requests(r, action)

    def action_requests(self, r: Registered, action: str) -> Iterator[Request]:
        """The authorizations ``action`` asks for on ``r``, with the request context IAM sees."""
        if action == "iam:CreateServiceLinkedRole":
            service, role = SERVICE_LINKED[r.type]
            arn = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/{role}"
            yield Request(action, arn, {"iam:AWSServiceName": service})
        elif not has_resource_type(action):
            yield Request(action, "*", self._context(r, action))
        elif r.type in SECURITY_GROUPS:
            yield from self._security_group_requests(r, action)
        elif r.type == LISTENER_RULE:
            yield from self._listener_rule_requests(r, action)
        elif (r.type, action) in NEW_TAGGED:
            # Tag on create, then later calls on the tagged resource: both are asked for.
            tags = r.inputs.get("tags", {})
            requested = {"aws:TagKeys": sorted(tags), **{f"aws:RequestTag/{k}": v for k, v in tags.items()}}
            requested |= self._scaling_keys(r, action)
            yield Request(action, "*" if r.type == "aws:kms/key:Key" else self.arn(r), requested)
            updated = self._context(r, action)  # an update names no tags unless it changes them
            yield Request(
                action, self.arn(r), updated if action.endswith("RegisterScalableTarget") else requested | updated
            )
        else:
            for arn in self._targets(r, action):
                yield Request(action, arn, self._context(r, action))

    def _security_group_requests(self, r: Registered, action: str) -> Iterator[Request]:
        """A security group or rule is created with the stack's tag (``aws:RequestTag``; the tags of the
        create request are authorized as ``ec2:CreateTags`` with ``ec2:CreateAction``, EC2 User Guide,
        "Grant permission to tag resources during creation"), then changed as tagged (``aws:ResourceTag``).
        A rule's actions authorize on its group too (Service Authorization Reference, Amazon EC2)."""
        tags = r.inputs.get("tags", {})
        requested = {"aws:TagKeys": sorted(tags), **{f"aws:RequestTag/{k}": v for k, v in tags.items()}}
        own, tagged = self.arn(r), {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
        group = r if r.type == "aws:ec2/securityGroup:SecurityGroup" else self.find(r.inputs["securityGroupId"])
        on_group = (self.arn(group), {f"aws:ResourceTag/{k}": v for k, v in group.inputs.get("tags", {}).items()})
        match action.removeprefix("ec2:"):
            case "CreateSecurityGroup":
                yield Request(action, own, requested)
                yield Request(action, f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{r.inputs['vpcId']}")
            case "AuthorizeSecurityGroupIngress" | "AuthorizeSecurityGroupEgress":
                yield Request(action, *on_group)
                yield Request(action, own, requested)
            case "CreateTags":
                yield Request(action, own, {**requested, "ec2:CreateAction": SECURITY_GROUPS[r.type]})
                yield Request(action, own, {**tagged, **requested})
            case "DeleteTags":
                yield Request(action, own, {**tagged, "aws:TagKeys": sorted(tags)})
            case "ModifySecurityGroupRules":
                yield Request(action, *on_group)
                yield Request(action, own, tagged)
            case _:
                yield Request(action, *on_group)

    def _listener_rule_requests(self, r: Registered, action: str) -> Iterator[Request]:
        """A listener rule is created on its listener with the stack's tag (``aws:RequestTag``), which ELB
        authorizes again as ``AddTags`` on the new rule with ``elasticloadbalancing:CreateAction`` (Elastic
        Load Balancing User Guide, "API permissions to tag resources during creation"); every later call
        works on the rule as tagged (``aws:ResourceTag``). CreateRule authorizes on the listener, the rest on
        the rule (Service Authorization Reference, Elastic Load Balancing V2)."""
        tags = r.inputs.get("tags", {})
        requested = {"aws:TagKeys": sorted(tags), **{f"aws:RequestTag/{k}": v for k, v in tags.items()}}
        own, tagged = self.arn(r), {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
        match action.removeprefix("elasticloadbalancing:"):
            case "CreateRule":
                yield Request(action, self.arn(self.find(r.inputs["listenerArn"])), requested)
            case "AddTags":
                yield Request(action, own, {**requested, "elasticloadbalancing:CreateAction": "CreateRule"})
                yield Request(action, own, {**tagged, **requested})
            case "RemoveTags":
                yield Request(action, own, {**tagged, "aws:TagKeys": sorted(tags)})
            case _:
                yield Request(action, own, tagged)

    def _targets(self, r: Registered, action: str) -> list[str]:
        """The ARNs ``action`` is authorized on for ``r`` (its own, or the one it works on)."""
        inputs = r.inputs
        match r.type, action.split(":")[0]:
            case ("aws:acm/certificateValidation:CertificateValidation", _):
                return [self.arn(self.find(inputs["certificateArn"]))]
            case ("aws:ecr/lifecyclePolicy:LifecyclePolicy", _):
                return [self.arn(self.find(inputs["repository"]))]
            case ("docker-build:index:Image", _):
                refs = [*inputs.get("tags", []), *(c["registry"]["ref"] for c in inputs.get("cacheTo") or [])]
                refs += [c["registry"]["ref"] for c in inputs.get("cacheFrom") or []]
                return sorted({self.arn(self.find(ref.split("/", 1)[1].split(":")[0])) for ref in refs})
            case ("docker-build:index:Index", _):
                return [self.arn(self.find(inputs["tag"].split("/", 1)[1].split(":")[0]))]
            case ("aws:lb/listener:Listener", "elasticloadbalancing"):
                # CreateListener authorizes on the load balancer, the rest on the listener.
                return [self.arn(r), self.arn(self.find(inputs["loadBalancerArn"]))]
            case ("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", _):
                return [self.arn(self.find(inputs["clusterName"]))]
            case ("aws:ecs/service:Service", "iam"):
                # The role ECS moves a traffic-shifting deployment's traffic with (none for rolling).
                advanced = [b.get("advancedConfiguration") for b in inputs.get("loadBalancers") or []]
                return [self.arn(self.find(a["roleArn"])) for a in advanced if a]
            case ("aws:ecs/taskDefinition:TaskDefinition", "iam"):
                return [self.arn(self.find(inputs[k])) for k in ("executionRoleArn", "taskRoleArn")]
            case ("aws:ecs/service:Service", _) if action == "ecs:DescribeServiceDeployments":
                service = self.arn(r)
                return [service, service.replace(":service/", ":service-deployment/") + "/d-0a1b2c3d"]
            case ("aws:iam/rolePolicy:RolePolicy", _):
                return [self.arn(self.find(inputs["role"]))]
            case ("aws:lambda/function:Function", "iam"):
                return [self.arn(self.find(inputs["role"]))]
            case ("aws:lambda/permission:Permission", _):
                return [self.arn(self.find(inputs["function"]))]
            case ("aws:cloudwatch/eventTarget:EventTarget", _):
                return [self.arn(self.find(inputs["rule"]))]
            case ("aws:cloudwatch/logMetricFilter:LogMetricFilter", _):
                return [self.arn(self.find(inputs["logGroupName"]))]
            case ("aws:sns/topicPolicy:TopicPolicy", _):
                return [self.arn(self.find(inputs["arn"]))]
            case ("aws:sns/topicSubscription:TopicSubscription", _):
                return [self.arn(self.find(inputs["topic"]))]
            case ("aws:ssm/parameter:Parameter", "kms"):
                return [self.arn(self.find(inputs["keyId"]))]
            case ("aws:kms/alias:Alias", _):
                return [self.arn(r), self.arn(self.find(inputs["targetKeyId"]))]
            case ("aws:route53/record:Record", _):
                if action == "route53:GetChange":
                    return ["arn:aws:route53:::change/C0123456789ABCDEF"]
                return [f"arn:aws:route53:::hostedzone/{inputs['zoneId']}"]
            case (typ, "application-autoscaling") if typ != "aws:appautoscaling/target:Target":
                return [self.arn(self.scalable_target(r))]
            case (typ, "ecs") if typ.startswith("aws:appautoscaling/"):
                return [self.service(inputs["resourceId"])]
            case ("aws:appautoscaling/policy:Policy", "cloudwatch"):
                # Target tracking creates its alarms as the caller: TargetTracking-<resource ID>-AlarmHigh-<uuid>.
                label = "service/" + self.service(inputs["resourceId"]).split(":service/")[1]
                return [f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:TargetTracking-{label}-AlarmHigh-0a1b2c3d"]
            case (typ, "s3") if typ.startswith("aws:s3/") and typ != "aws:s3/bucket:Bucket":
                return [self.arn(self.find(inputs["bucket"]))]
            case ("aws:s3/bucket:Bucket", _) if action in ("s3:DeleteObject", "s3:DeleteObjectVersion"):
                return [f"{self.arn(r)}/alb/AWSLogs/{ACCOUNT}/elasticloadbalancing/{REGION}/log.gz"]
        return [self.arn(r)]

    def scalable_target(self, r: Registered) -> Registered:
        """The scalable target a scaling policy or scheduled action works on: the one of its resource ID."""
        return next(
            t for t in self.resources
            if t.type == "aws:appautoscaling/target:Target" and t.inputs["resourceId"] == r.inputs["resourceId"]
        )  # fmt: skip

    def _scaling_keys(self, r: Registered, action: str) -> dict[str, Any]:
        """The namespace and dimension Application Auto Scaling puts in the context of the calls that
        name them (Service Authorization Reference: not the tag calls)."""
        if not action.startswith("application-autoscaling:") or "Tag" in action:
            return {}
        target = r if r.type == "aws:appautoscaling/target:Target" else self.scalable_target(r)
        return {"application-autoscaling:service-namespace": target.inputs["serviceNamespace"],
                "application-autoscaling:scalable-dimension": target.inputs["scalableDimension"]}  # fmt: skip

    def _context(self, r: Registered, action: str) -> dict[str, Any]:
        """The condition keys IAM sees in ``r``'s request for ``action``."""
        if r.type == "aws:iam/role:Role":
            return {"iam:PermissionsBoundary": r.inputs["permissionsBoundary"]}
        if r.type == "aws:iam/rolePolicy:RolePolicy":
            return {"iam:PermissionsBoundary": self.find(r.inputs["role"]).inputs["permissionsBoundary"]}
        if action == "iam:PassRole":
            service = {"aws:lambda/function:Function": "lambda", "aws:ecs/service:Service": "ecs"}.get(
                r.type, "ecs-tasks"
            )
            return {"iam:PassedToService": f"{service}.amazonaws.com"}
        if r.type == "aws:kms/key:Key":
            # The Go SDK leaves a false BypassPolicyLockoutSafetyCheck out of CreateKey and PutKeyPolicy (a
            # plain bool, serialized only when true), so IAM sees no such key there.
            tags = r.inputs.get("tags", {})
            if action == "kms:CreateKey":
                return {"aws:TagKeys": sorted(tags), **{f"aws:RequestTag/{k}": v for k, v in tags.items()}}
            return {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
        if action == "acm:RequestCertificate":
            return {"acm:DomainNames": [r.inputs["domainName"], *r.inputs.get("subjectAlternativeNames", [])]}
        if r.type.startswith("aws:appautoscaling/") and action.startswith("application-autoscaling:"):
            target = r if r.type == "aws:appautoscaling/target:Target" else self.scalable_target(r)
            tags = {f"aws:ResourceTag/{k}": v for k, v in target.inputs.get("tags", {}).items()}
            return tags | self._scaling_keys(target, action)
        if r.type == "aws:kms/alias:Alias":
            key = self.find(r.inputs["targetKeyId"])
            return {f"aws:ResourceTag/{k}": v for k, v in key.inputs.get("tags", {}).items()}
        if r.type == "aws:ssm/parameter:Parameter" and action.startswith("kms:"):
            key = self.find(r.inputs["keyId"])
            tags = {f"aws:ResourceTag/{k}": v for k, v in key.inputs.get("tags", {}).items()}
            return {**tags, "kms:ViaService": f"ssm.{REGION}.amazonaws.com"}
        if r.type == "aws:ecs/service:Service" and action in ("ecs:CreateService", "ecs:UpdateService"):
            # Both take ecs:task-definition, the ARN of the task definition the request names (Service
            # Authorization Reference); the provider names it on create and on an update that changes it.
            return {"ecs:task-definition": self.arn(self.find(r.inputs["taskDefinition"]))}
        if action == "route53:ChangeResourceRecordSets":
            return {"route53:ChangeResourceRecordSetsNormalizedRecordNames": [r.inputs["name"].rstrip(".").lower()],
                    "route53:ChangeResourceRecordSetsRecordTypes": [r.inputs["type"]]}  # fmt: skip
        if action == "lambda:AddPermission":
            return {"lambda:Principal": r.inputs["principal"]}
        if action == "events:PutTargets":
            # events:TargetArn: every target of the request (Service Authorization Reference, EventBridge).
            return {"events:TargetArn": [self.arn(self.find(r.inputs["arn"]))]}
        return {}

    def all_requests(self) -> Iterator[tuple[str, Request]]:
        """Every authorization of a deploy: the provider's, the invokes' and each resource's, with what asks."""
        for action in iam_actions(PROVIDER):
            yield "provider", Request(action, "*")
        for token, args in self.runs[0].mocks.calls:
            # The zone data source reads the one zone it names; the other invokes read the account's.
            zone = f"arn:aws:route53:::hostedzone/{args['zoneId']}" if token == "aws:route53/getZone:getZone" else "*"
            for action in iam_actions(INVOKES[token]):
                yield token, Request(action, zone)
        for r in self.resources:
            if r.type.startswith(("graviton-node:", "pulumi:")):
                continue
            for request in self.requests(r):
                yield f"{r.type} {r.name}", request
