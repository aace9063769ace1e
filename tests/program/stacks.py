"""The configurations whose registered resources are held to AWS's rules: dev, prod, a maximal stack
(every optional feature on), and the second-service and worker examples beside dev.

One place, so the AWS input contract, the deployer policy and any later whole-stack check walk the
same programs. Each is run once per test process (a run is about a second).
"""

from __future__ import annotations

import functools
from pathlib import Path

from tools.offline import ROOT, RecordingMocks, Run, run_program

EXAMPLE = ROOT / "examples" / "second-service"
WORKER = ROOT / "examples" / "worker"
PLATFORM = "acme/graviton-node/dev"
REGION = "us-east-1"
ACCOUNT = "123456789012"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

#: prod (HTTPS with a requested certificate, autoscaling with schedules, alarms with e-mail, access
#: logs, vpc: new) plus everything prod leaves off: exec with KMS, every kind of secret, every
#: scaling target, extra environment and egress, a CA bundle for the build and two platforms, and a
#: linear deployment with a test rule.
MAXIMAL: dict[str, str] = {
    "dockerfile": "Dockerfile",
    "platforms": '["linux/arm64", "linux/amd64"]',
    "npmCaBundle": str(Path(__file__).resolve().parent / "fixtures" / "test-ca.pem"),
    "taskEgressPorts": '["443", "5432"]',
    "enableExecuteCommand": "true",
    "execKmsKeyArn": KMS_KEY,
    "memoryTargetPercent": "75",
    "secrets": (
        '["DATABASE_URL=arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/prod/database-url",'
        ' "API_KEY=arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/prod/api-key-AbCdEf",'
        ' "DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/prod/db-AbCdEf:password::"]'
    ),
    "secretValues": '["SESSION_KEY=s3cr3t"]',
    "secretsKmsKeyArns": f'["{KMS_KEY}"]',
    "environment": '["LOG_LEVEL=debug"]',
    "alarmEmails": '["oncall@example.com", "team@example.com"]',
    "deploymentStrategy": "linear",
    "deploymentTestHeader": "x-deploy-test=1",
}
MAXIMAL_SECRET_KEYS = ("secretValues",)

#: name -> (stack, overrides, secret keys)
CONFIGS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "dev": ("dev", {}, ()),
    "prod": ("prod", {}, ()),
    "maximal": ("prod", MAXIMAL, MAXIMAL_SECRET_KEYS),
}
#: The programs whose URNs were recorded before the components moved (tests/program/fixtures/urns).
BASELINED = (*CONFIGS, "second-service")
#: Every program run the whole-stack checks walk: the configs above and the examples beside dev.
PROGRAMS = (*BASELINED, "worker")
#: The examples, each a project of its own joining the dev platform through a StackReference.
EXAMPLES = {"second-service": EXAMPLE, "worker": WORKER}


@functools.cache
def run_config(name: str) -> Run:
    """The program run for one of ``PROGRAMS`` (cached per process: treat it as read-only)."""
    if name in EXAMPLES:
        platform = run_config("dev")
        return run_program("dev", mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}), root=EXAMPLES[name])
    stack, overrides, secret_keys = CONFIGS[name]
    return run_program(stack, overrides, secret_keys=list(secret_keys))
