"""The acceptance run on real AWS: skipped unless opted in (``GRAVITON_NODE_ACCEPTANCE=1``), and then
it runs or fails, never skips. README, "Acceptance run on real AWS"; ``driver.py`` says what it does."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.aws_cli import AwsCli
from tests.acceptance.driver import (
    SECRETS_PROVIDER,
    Driver,
    dev_config,
    gate,
    pulumi_backend,
    pulumi_stacks,
    run_config,
)

pytestmark = pytest.mark.acceptance
ROOT = Path(__file__).resolve().parents[2]


def test_a_fresh_dev_stack_serves_every_request_through_redeploys_a_stopped_task_and_a_revert_and_leaves_nothing(
) -> None:  # fmt: skip
    region = os.environ.get("AWS_REGION") or str(dev_config(ROOT)["aws:region"])
    aws = AwsCli(region)
    decision = gate(os.environ, which=shutil.which, caller_identity=aws.caller_identity)
    if decision.action == "skip":
        pytest.skip(decision.reason)
    if decision.action == "fail":
        pytest.fail(decision.reason)
    print(f"acceptance run in {region} {decision.reason}", flush=True)
    # The program builds with the buildx builder this script creates (BuildKit pinned by digest).
    subprocess.run([str(ROOT / "tools" / "builder.sh")], check=True, stdout=subprocess.DEVNULL)
    driver = Driver(
        create_stack=pulumi_stacks(ROOT, os.environ.get(SECRETS_PROVIDER)),
        backend=pulumi_backend(ROOT, os.environ.get(SECRETS_PROVIDER)),
        aws=aws,
        dev=run_config(ROOT, region, decision.identity),
        log=lambda line: print(line, end="" if line.endswith("\n") else "\n", flush=True),
    )
    report = driver.run()
    print("\n".join(report.lines()), flush=True)
