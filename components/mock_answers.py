"""What AWS would answer, for the test mocks (``testing``): plausible outputs of a resource and answers to
an invoke, in a given region and account, and the engine's secret wrappers taken off the inputs. Plain
data in and out, no Pulumi import."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

#: What the mocks answer where the stack names no region (``aws:region``) or account
#: (``aws:allowedAccountIds``) of its own.
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
#: The key of the engine's wrapper around a special value, a secret here (``pulumi.runtime.rpc._special_sig_key``).
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def unwrap(value: Any) -> tuple[Any, bool]:
    """``value`` with Pulumi's secret wrappers removed, and whether any were found."""
    if isinstance(value, dict):
        if _SECRET_SIG in value:
            return unwrap(value["value"])[0], True
        items = {k: unwrap(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(secret for _, secret in items.values())
    if isinstance(value, list):
        items = [unwrap(v) for v in value]
        return [v for v, _ in items], any(secret for _, secret in items)
    return value, False


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def mock_arn(typ: str, name: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    """The ARN the mocks give a resource: ``arn:aws:<service of its type>:<region>:<account>:<name>``, and a
    log group's, a Lambda function's, a target group's and a listener rule's as their services form them
    (IAM policies built from them are linted and held to a boundary). A rule's load balancer is unknown
    here: its place holds the rule's own name, which starts with the stack as the balancer's does."""
    if typ == "aws:cloudwatch/logGroup:LogGroup":
        return f"arn:aws:logs:{region}:{account}:log-group:{name}"
    if typ == "aws:lb/targetGroup:TargetGroup":
        return f"arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{name}/73e2d6bc24d8a067"
    if typ == "aws:lambda/function:Function":
        return f"arn:aws:lambda:{region}:{account}:function:{name}"
    if typ == "aws:lb/listenerRule:ListenerRule":
        return (f"arn:aws:elasticloadbalancing:{region}:{account}:listener-rule/app/{name}/50dc6c495c0c9188/"
                "f2f7dc8efc522ab2/9683b2d02a6cabee")  # fmt: skip
    return f"arn:aws:{typ.split(':')[1].split('/')[0]}:{region}:{account}:{name}"


def _vpc_outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """An awsx VPC's subnets: one public and one private per AZ, as awsx lays out its default subnets."""
    azs = range(1, int(inputs.get("numberOfAvailabilityZones") or 2) + 1)
    return {
        "vpcId": "vpc-0new",
        "publicSubnetIds": [f"subnet-0pub{az}" for az in azs],
        "privateSubnetIds": [f"subnet-0prv{az}" for az in azs],
    }


def resource_outputs(typ: str, name: str, inputs: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """Plausible provider outputs of a resource in ``region`` and ``account``, so typed outputs downstream
    resolve like they would on AWS."""
    if typ == "awsx:ec2:Vpc":
        # A remote component's outputs are typed differently from its inputs: never echo them.
        return _vpc_outputs(inputs)
    out = dict(inputs)
    out.setdefault("name", name)
    out.setdefault("arn", mock_arn(typ, name, region, account))
    if typ == "aws:ecr/repository:Repository":
        out.update(repositoryUrl=f"{account}.dkr.ecr.{region}.amazonaws.com/{name}", registryId=account)
    elif typ == "docker-build:index:Image":
        digest = _digest(name + json.dumps(inputs.get("tags"), sort_keys=True))
        out.update(digest=digest, ref=f"{inputs['tags'][0]}@{digest}" if inputs.get("tags") else "")
    elif typ == "docker-build:index:Index":
        digest = _digest(name + json.dumps(inputs.get("sources"), sort_keys=True))
        out.update(ref=f"{inputs['tag']}@{digest}")
    elif typ == "aws:lb/loadBalancer:LoadBalancer":
        out.update(
            dnsName=f"{name}-1234567890.{region}.elb.amazonaws.com",
            arnSuffix=f"app/{name}/50dc6c495c0c9188",
            zoneId="Z35SXDOTRQ7X7K",
        )
    elif typ == "aws:acm/certificate:Certificate":
        domain = inputs["domainName"]
        out.update(
            arn=f"arn:aws:acm:{region}:{account}:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            domainValidationOptions=[
                {
                    "domainName": domain,
                    "resourceRecordName": f"_3f2a.{domain}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": "_9c1e.acm-validations.aws.",
                }
            ],
        )
    elif typ == "aws:route53/record:Record":
        out.update(fqdn=str(inputs["name"]).rstrip("."))
    elif typ == "aws:lb/targetGroup:TargetGroup":
        out.update(arnSuffix=f"targetgroup/{name}/73e2d6bc24d8a067")
    elif typ == "aws:ssm/parameter:Parameter":
        path = str(inputs.get("name", name))
        out.update(arn=f"arn:aws:ssm:{region}:{account}:parameter{path if path.startswith('/') else '/' + path}")
    elif typ == "aws:s3/bucket:Bucket":
        out.update(bucket=name, arn=f"arn:aws:s3:::{name}")
    elif typ == "aws:ecs/cluster:Cluster":
        out.update(arn=f"arn:aws:ecs:{region}:{account}:cluster/{name}")
    elif typ == "aws:iam/role:Role":
        out.update(arn=f"arn:aws:iam::{account}:role{inputs.get('path', '/')}{name}")
    elif typ == "aws:kms/key:Key":
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
        out.update(keyId=key_id, arn=f"arn:aws:kms:{region}:{account}:key/{key_id}")
    return out


def invoke_answer(token: str, args: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """What AWS would answer the invoke ``token`` in ``region`` and ``account``."""
    if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
            "userName": "AWS",
            "password": "mock-ecr-token",
            "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.amazonaws.com",
            "registryId": args.get("registryId", account),
        }
    if token == "aws:ec2/getVpc:getVpc":
        return {"id": "vpc-0default", "cidrBlock": "172.31.0.0/16", "default": True}
    if token == "aws:ec2/getSubnets:getSubnets":
        return {"id": region, "ids": ["subnet-0def1", "subnet-0def2", "subnet-0def3"],
                "filters": args.get("filters", [])}  # fmt: skip
    if token == "aws:index/getRegion:getRegion":
        return {"id": region, "name": region, "region": region}
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"id": account, "accountId": account, "arn": f"arn:aws:iam::{account}:user/deployer",
                "userId": "AIDAMOCK"}  # fmt: skip
    if token == "aws:index/getPartition:getPartition":
        return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com"}
    raise NotImplementedError(f"no mock for invoke {token}")
