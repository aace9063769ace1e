"""Whether ECS runs the revision the stack records, for ``tools/rollout_check.sh`` to say after ``pulumi up``.

    ECS_SERVICES="$(aws ecs describe-services --cluster ARN --services NAME --output json)" \
        python tools/rollout_verdict.py STACK TASK_DEFINITION_ARN

A failed deploy (the circuit breaker's or an alarm's rollback, or the provider's wait timing out) leaves the
stack recording the new task definition while ECS runs the old one: the provider returns the wait's error
without reading the service back (terraform-provider-aws ``ecs/service.go``, ``resourceServiceUpdate``), so
the bridge saves the planned state with init errors, and the next ``pulumi up`` of the same commit finds no
diff, makes no call and succeeds (``tests/models/failed_deploy.py`` plays it). Only ECS knows: its
``DescribeServices`` answer (botocore ecs ``Service``: ``taskDefinition``, ``deployments`` each with
``status`` PRIMARY|ACTIVE|INACTIVE and ``rolloutState`` COMPLETED|FAILED|IN_PROGRESS; ``failures`` for a
service it does not find) must show the recorded revision as its one deployment, finished.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

#: What to do, said with every mismatch: a plain re-run keeps the stale state (README, Troubleshooting).
RETRY = (
    "the stack's state is stale: run `tools/deploy.sh {stack} --refresh` (pulumi up --refresh reads the service "
    "back and deploys the recorded revision again), or in CI run the deploy workflow with refresh; a plain "
    "re-run changes nothing (README, Troubleshooting, 'A deploy failed or was rolled back')"
)


def mismatch(stack: str, recorded: str, described: Mapping[str, Any]) -> str | None:
    """Why ECS's answer (``DescribeServices``) does not show ``recorded`` deployed and done, or None."""
    services = described.get("services") or []
    if not services:
        reasons = ", ".join(f.get("reason", "?") for f in described.get("failures") or []) or "no service"
        return f"stack {stack}: ECS does not describe the service ({reasons}); it records {recorded}"
    service = services[0]
    running = service.get("taskDefinition", "")
    deployments = service.get("deployments") or []
    if running != recorded:
        return f"stack {stack} records task definition {recorded} but ECS runs {running}: {RETRY.format(stack=stack)}"
    states = [(d.get("status"), d.get("rolloutState")) for d in deployments]
    if states != [("PRIMARY", "COMPLETED")]:
        shown = ", ".join(f"{status} {state}" for status, state in states) or "none"
        return (f"stack {stack}: ECS runs {recorded} but its deployments are not one PRIMARY COMPLETED ({shown}): "
                f"wait and run tools/rollout_check.sh {stack}; if one failed, {RETRY.format(stack=stack)}")  # fmt: skip
    return None


def main(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> int:
    stack, recorded = argv
    problem = mismatch(stack, recorded, json.loads(environ.get("ECS_SERVICES") or "{}"))
    if problem is None:
        return 0
    prefix = "::error::" if environ.get("GITHUB_ACTIONS") == "true" else ""
    print(f"{prefix}deploy: {problem}", file=sys.stdout if prefix else sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
