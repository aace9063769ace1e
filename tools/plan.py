"""Offline plan: run the program under Pulumi mocks with a stack's config and print what it registers.

    python tools/plan.py                     # the dev stack
    python tools/plan.py --stack dev --json  # every input, machine-readable
    python tools/plan.py --set cpu=2048 --set memory=4096

No AWS credentials, no Pulumi CLI: review a change's effect on resources and cost before a preview.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.errors import ConfigError
from tools.offline import Registered, run_program

# The inputs a reviewer cares about, per resource type; --json prints all of them.
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:ecr/repository:Repository": ("imageTagMutability", "forceDelete"),
    "docker-build:index:Image": ("platforms", "tags", "dockerfile"),
    "docker-build:index:Index": ("tag",),
    "aws:ecs/cluster:Cluster": ("settings",),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ("capacityProviders",),
    "aws:ecs/taskDefinition:TaskDefinition": ("cpu", "memory", "runtimePlatform"),
    "aws:ecs/service:Service": ("desiredCount", "capacityProviderStrategies", "platformVersion", "launchType"),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays",),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "fromPort",
        "cidrIpv4",
        "cidrIpv6",
        "referencedSecurityGroupId",
    ),
    "aws:lb/targetGroup:TargetGroup": ("port", "deregistrationDelay"),
    "aws:lb/listener:Listener": ("port", "protocol"),
    "aws:lb/listenerRule:ListenerRule": ("priority", "conditions"),
    "awsx:ec2:Vpc": ("cidrBlock", "natGateways"),
}


def _tidy(value: Any) -> Any:
    # The engine's wire format carries every number as a float: show 3000, not 3000.0.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _summary(resource: Registered) -> dict[str, Any]:
    keys = KEY_INPUTS.get(resource.type, ())
    return {k: _tidy(resource.inputs[k]) for k in keys if k in resource.inputs}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml to use (default: dev)")
    parser.add_argument("--json", action="store_true", help="print resources with all inputs and the outputs as JSON")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    options = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in options.set)
    try:
        run = run_program(options.stack, overrides)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # The SDKs' type graph makes interpreter shutdown spend ~0.4 s collecting garbage a one-shot
    # command never needs collected.
    gc.freeze()
    resources = run.mocks.resources
    if options.json:
        document = {
            "stack": options.stack,
            "resources": [{"type": r.type, "name": r.name, "inputs": _tidy(r.inputs)} for r in resources],
            "outputs": run.outputs,
        }
        print(json.dumps(document, indent=2, sort_keys=True, default=str))
        return 0
    print(f"stack {options.stack}: {len(resources)} resources")
    for resource in resources:
        summary = _summary(resource)
        details = "  " + json.dumps(summary, separators=(",", ":"), sort_keys=True) if summary else ""
        print(f"  {resource.type}  {resource.name}{details}")
    cost = run.outputs["cost_estimate"]
    print(
        f"cost: ${cost['monthly_usd']:.2f}/month on Graviton "
        f"({cost['tasks_on_demand']:g} on-demand + {cost['tasks_spot']:g} Spot tasks) vs "
        f"${cost['x86_on_demand_monthly_usd']:.2f} x86 on-demand: {cost['saving_percent']:.1f}% saved "
        f"(us-east-1 rates as of {cost['rates_as_of']}, {cost['hours_per_month']} h)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
