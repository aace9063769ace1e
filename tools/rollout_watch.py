"""Reads ECS after ``pulumi up`` until ``tools/rollout_verdict.py`` says the deploy is done or failed, for
``tools/rollout_check.sh``:

    python tools/rollout_watch.py [--cwd DIR] STACK TASK_DEFINITION_ARN CLUSTER_ARN SERVICE_NAME

``--cwd DIR``: the stack is of the project in ``DIR`` (an example's), whose own ``pulumi up`` its advice names.

ECS is eventually consistent: read right after the provider's wait, a service may still list the deployment
it replaced, or its newest deployment as IN_PROGRESS. So a read that is not yet settled is read again every
``ROLLOUT_POLL_SECONDS`` (15) up to ``ROLLOUT_WAIT_SECONDS`` (300) before it fails the deploy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.rollout_verdict import WAIT, judge, retry

#: The AWS CLI commands this makes as the deployer (docs/iam-deployer-ecs.json allows both actions).
DESCRIBE = "aws ecs describe-services"
LIST = "aws ecs list-service-deployments"
#: botocore ecs ``ListServiceDeploymentsRequest.maxResults``: "between 1 and 100", 20 if unset; botocore has
#: no paginator for the operation, so the CLI returns one page and ``pages`` follows ``nextToken``.
PAGE = "100"
#: Why a read fails, most likely first: CI's session outlives a long deploy only so far.
CAUSES = (
    "an expired or missing AWS session, or a deployer without ecs:DescribeServices and ecs:ListServiceDeployments: "
    "docs/iam.md"
)

Run = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


class AwsError(Exception):
    """An AWS CLI call that failed: its command and what it printed to stderr."""


def run_cli(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def aws(run: Run, command: str, region: str, *args: str) -> dict[str, Any]:
    """``command``'s JSON answer, or ``AwsError``."""
    result = run([*command.split(), *args, "--region", region, "--output", "json"])
    if result.returncode != 0:
        raise AwsError(f"`{command}` failed (exit {result.returncode}): {result.stderr.strip() or 'no message'}")
    return json.loads(result.stdout or "{}")


def pages(run: Run, cluster: str, service: str, region: str) -> list[dict[str, Any]]:
    """Every ``ServiceDeploymentBrief`` of the service, across ``ListServiceDeployments``' pages."""
    briefs: list[dict[str, Any]] = []
    token: list[str] = []
    while True:
        page = aws(run, LIST, region, "--cluster", cluster, "--service", service, "--max-results", PAGE, *token)
        briefs += page.get("serviceDeployments") or []
        if not page.get("nextToken"):
            return briefs
        token = ["--next-token", page["nextToken"]]


def read(run: Run, cluster: str, service: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``DescribeServices``' answer and the service's deployments, in the cluster's region (its ARN's 4th field)."""
    region = cluster.split(":")[3]
    described = aws(run, DESCRIBE, region, "--cluster", cluster, "--services", service)
    return described, pages(run, cluster, service, region)


def watch(argv: Sequence[str], environ: Mapping[str, str], run: Run, sleep: Callable[[float], None]) -> str | None:
    """Why the deploy is not done, read until it is settled or the wait ends; None once done."""
    project = argv[1] if argv[:1] == ["--cwd"] else None
    stack, recorded, cluster, service = argv[2:] if project else argv
    poll = float(environ.get("ROLLOUT_POLL_SECONDS") or 15)
    limit = float(environ.get("ROLLOUT_WAIT_SECONDS") or 300)
    deadline = time.monotonic() + limit
    while True:
        try:
            verdict = judge(stack, recorded, *read(run, cluster, service), project)
        except AwsError as failed:
            return f"stack {stack}: could not read service {service} from ECS: {failed} ({CAUSES})"
        if verdict.state != WAIT:
            return verdict.problem
        if time.monotonic() >= deadline:
            again = f"tools/rollout_check.sh --cwd {project} {stack}" if project else f"tools/rollout_check.sh {stack}"
            return (f"stack {stack}: ECS runs {recorded} but after {limit:g} s {verdict.problem}: run {again} "
                    f"again later; if the deployment failed, {retry(stack, project)}")  # fmt: skip
        print(f"deploy: ECS has not settled ({verdict.problem}); reading again in {poll:g} s", file=sys.stderr)
        sleep(poll)


def main(argv: Sequence[str], environ: Mapping[str, str] = os.environ, run: Run = run_cli,
         sleep: Callable[[float], None] = time.sleep) -> int:  # fmt: skip
    problem = watch(argv, environ, run, sleep)
    if problem is None:
        return 0
    prefix = "::error::" if environ.get("GITHUB_ACTIONS") == "true" else ""
    print(f"{prefix}deploy: {problem}", file=sys.stdout if prefix else sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
