"""Nothing is stubbed: changing any config key changes what the program registers or exports, or, for a key
that states an account's limit, what config the program accepts."""

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from components.errors import ConfigError
from settings import CONFIG_KEYS
from tests.components.builders import DEPLOYER_ROLE
from tests.program.stacks import TEST_HEADER
from tools.offline import Run, run_program

EXISTING = {"vpc": "existing", "vpcId": "vpc-1", "publicSubnetIds": '["subnet-1", "subnet-2"]'}
NEW = {"vpc": "new"}
SCALING = {"autoscaling": "true"}
PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/dev/db-url"
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EXEC = {"enableExecuteCommand": "true"}
#: A multi-Region key's ARN: KMS gives such a key the ID mrk- and 32 hex digits.
MULTI_REGION_KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
DOMAIN = {"domainName": "app.example.com", "hostedZoneId": "Z0123456789ABC"}
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
ALARMS = {"alarms": "true"}
# A shifting strategy rolls back only on its deployment alarms: refused without them.
CANARY = ALARMS | {"deploymentStrategy": "canary"}
LINEAR = ALARMS | {"deploymentStrategy": "linear"}
TESTED = CANARY | {"deploymentTestHeader": TEST_HEADER}
SECRET_VALUES = {"secretValues": '["API_TOKEN=s3cr3t"]', "deployerRoleArn": DEPLOYER_ROLE}
SMOKE = TESTED | {"deploymentSmokeTest": "true"}
APP_PATHS = {"pathPatterns": '["/app/*"]'}  # a catch-all has one priority only, the last
CA_BUNDLE = str(Path(__file__).resolve().parent / "fixtures" / "test-ca.pem")
NPMRC = str(Path(__file__).resolve().parent / "fixtures" / "test.npmrc")

# key -> (base overrides, changed overrides); the base makes the key matter where it depends on another.
CHANGES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    # Another context brings its own Dockerfile (the fixture's is named tiny.Dockerfile).
    "dockerContext": ({}, {"dockerContext": "tests/fixtures/tiny-app", "dockerfile": "tiny.Dockerfile"}),
    "dockerfile": ({}, {"dockerfile": "Dockerfile"}),
    "platforms": (
        {"dockerfile": "Dockerfile"},
        {"dockerfile": "Dockerfile", "platforms": '["linux/arm64", "linux/amd64"]'},
    ),
    "keepBuilds": ({}, {"keepBuilds": "3"}),
    "forceDelete": ({}, {"forceDelete": "false"}),
    "npmCaBundle": ({}, {"npmCaBundle": CA_BUNDLE}),
    "npmrcFile": ({}, {"npmrcFile": NPMRC}),
    "taskEgressPorts": ({}, {"taskEgressPorts": '["443", "5432"]'}),
    # The dev stack's containerInsights is its created cluster's: an existing cluster keeps its own.
    "clusterArn": (
        {},
        {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/shared", "containerInsights": "enhanced"},
    ),
    "containerInsights": ({}, {"containerInsights": "enhanced"}),
    "cpu": ({}, {"cpu": "2048", "memory": "4096"}),
    "memory": ({}, {"memory": "4096"}),
    "desiredCount": ({}, {"desiredCount": "3"}),
    "autoscaling": ({}, {"autoscaling": "true"}),
    "minCount": (SCALING, SCALING | {"minCount": "0"}),
    "maxCount": (SCALING, SCALING | {"maxCount": "9"}),
    "cpuTargetPercent": (SCALING, SCALING | {"cpuTargetPercent": "70"}),
    "memoryTargetPercent": (SCALING, SCALING | {"memoryTargetPercent": "80"}),
    "requestsPerTarget": (SCALING, SCALING | {"requestsPerTarget": "500"}),
    "scaleInCooldownSeconds": (SCALING, SCALING | {"scaleInCooldownSeconds": "600"}),
    "scaleOutCooldownSeconds": (SCALING, SCALING | {"scaleOutCooldownSeconds": "30"}),
    "scalingSchedules": (SCALING, SCALING | {"scalingSchedules": '["cron(0 8 ? * MON-FRI *)=2..4"]'}),
    "alarms": ({}, {"alarms": "true"}),
    "alarmCpuPercent": (ALARMS, ALARMS | {"alarmCpuPercent": "70"}),
    "alarmMemoryPercent": (ALARMS, ALARMS | {"alarmMemoryPercent": "90"}),
    "alarm5xxPercent": (ALARMS, ALARMS | {"alarm5xxPercent": "10"}),
    "alarmResponseTimeMs": (ALARMS, ALARMS | {"alarmResponseTimeMs": "500"}),
    "alarmSpotInterruptionsPerHour": (ALARMS, ALARMS | {"alarmSpotInterruptionsPerHour": "10"}),
    "alarmEmails": (ALARMS, ALARMS | {"alarmEmails": '["ops@example.com"]'}),
    "domainName": ({}, DOMAIN),
    "hostedZoneId": (DOMAIN, DOMAIN | {"hostedZoneId": "Z0OTHERZONE"}),
    "certificateArn": (DOMAIN, DOMAIN | {"certificateArn": CERTIFICATE}),
    "execKmsKeyArn": (
        EXEC,
        EXEC | {"execKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"},
    ),
    "containerPort": ({}, {"containerPort": "8080"}),
    "platformVersion": ({}, {"platformVersion": "LATEST"}),
    "useSpot": ({}, {"useSpot": "false", "spotWeight": "0", "fargateWeight": "1"}),
    "fargateBase": ({}, {"fargateBase": "2"}),
    "fargateWeight": ({}, {"fargateWeight": "1"}),
    "spotBase": ({}, {"spotBase": "1"}),
    "spotWeight": ({}, {"spotWeight": "3", "fargateWeight": "1"}),
    "stopTimeoutSeconds": ({}, {"stopTimeoutSeconds": "60"}),
    "logRetentionDays": ({}, {"logRetentionDays": "90"}),
    "healthCheckPath": ({}, {"healthCheckPath": "/ready"}),
    "healthCheckIntervalSeconds": ({}, {"healthCheckIntervalSeconds": "10"}),
    "healthCheckTimeoutSeconds": ({}, {"healthCheckTimeoutSeconds": "3"}),
    "healthCheckRetries": ({}, {"healthCheckRetries": "5"}),
    "healthCheckStartPeriodSeconds": ({}, {"healthCheckStartPeriodSeconds": "30"}),
    "healthCheckGracePeriodSeconds": ({}, {"healthCheckGracePeriodSeconds": "120"}),
    "minHealthyPercent": ({}, {"minHealthyPercent": "50"}),
    "maxPercent": ({}, {"maxPercent": "250"}),  # the dev stack runs 1 task: 150 % of it rounds down to 1
    "deploymentStrategy": (ALARMS, CANARY),
    "canaryPercent": (CANARY, CANARY | {"canaryPercent": "2.5"}),
    "canaryBakeMinutes": (CANARY, CANARY | {"canaryBakeMinutes": "12"}),
    "linearStepPercent": (LINEAR, LINEAR | {"linearStepPercent": "25"}),
    "linearStepMinutes": (LINEAR, LINEAR | {"linearStepMinutes": "2"}),
    "deploymentBakeMinutes": (CANARY, CANARY | {"deploymentBakeMinutes": "0"}),
    "deploymentTestHeader": (CANARY, CANARY | {"deploymentTestHeader": TEST_HEADER}),
    "deploymentSmokeTest": (TESTED, TESTED | {"deploymentSmokeTest": "true"}),
    "deploymentSmokeTestPath": (SMOKE, SMOKE | {"deploymentSmokeTestPath": "/ready"}),
    "enableExecuteCommand": ({}, {"enableExecuteCommand": "true"}),
    "environment": ({}, {"environment": '["LOG_LEVEL=debug"]'}),
    "writablePaths": ({}, {"writablePaths": '["/tmp"]'}),
    "heapPercent": ({}, {"heapPercent": "60"}),
    "uvThreadpoolSize": ({}, {"uvThreadpoolSize": "16"}),
    "mallocArenaMax": ({}, {"mallocArenaMax": "4"}),
    "listenerPort": ({}, {"listenerPort": "8080"}),
    "allowedCidrs": ({}, {"allowedCidrs": '["203.0.113.0/24"]'}),
    "deregistrationDelaySeconds": ({}, {"deregistrationDelaySeconds": "10"}),
    "pathPatterns": ({}, {"pathPatterns": '["/api/*"]', "listenerRulePriority": "100"}),
    "listenerRulePriority": (
        {"pathPatterns": '["/app/*"]'},
        {"pathPatterns": '["/app/*"]', "listenerRulePriority": "7"},
    ),
    "idleTimeoutSeconds": ({}, {"idleTimeoutSeconds": "120"}),
    "accessLogs": ({}, {"accessLogs": "true"}),
    "accessLogRetentionDays": ({"accessLogs": "true"}, {"accessLogs": "true", "accessLogRetentionDays": "30"}),
    "deletionProtection": ({}, {"deletionProtection": "true"}),
    "vpc": ({}, NEW),
    "vpcCidr": (NEW, NEW | {"vpcCidr": "10.9.0.0/16"}),
    "availabilityZones": (NEW, NEW | {"availabilityZones": "3"}),
    "natStrategy": (NEW, NEW | {"natStrategy": "OnePerAz"}),
    "vpcId": (EXISTING, EXISTING | {"vpcId": "vpc-2"}),
    "publicSubnetIds": (EXISTING, EXISTING | {"publicSubnetIds": '["subnet-3", "subnet-4"]'}),
    "taskSubnetIds": (EXISTING, EXISTING | {"taskSubnetIds": '["subnet-9"]'}),
    "costRateOverrides": ({}, {"costRateOverrides": '["armSpotVcpuHour=0.02"]'}),
    "costDefaultVpcAzs": ({}, {"costDefaultVpcAzs": "6"}),
    "secrets": ({}, {"secrets": f'["DB_URL={PARAMETER}"]'}),
    # With secret values the stack names its deploying role (components.secrets_key).
    "secretValues": ({}, SECRET_VALUES),
    "deployerRoleArn": (SECRET_VALUES, SECRET_VALUES | {"deployerRoleArn": f"{DEPLOYER_ROLE}-2"}),
    "permissionsBoundaryArn": ({}, {"permissionsBoundaryArn": "arn:aws:iam::123456789012:policy/teams/boundary"}),
    "secretsKmsKeyArns": (
        {"secrets": f'["DB_URL={PARAMETER}"]'},
        {"secrets": f'["DB_URL={PARAMETER}"]', "secretsKmsKeyArns": f'["{KMS}"]'},
    ),
}


# key -> (config refused at the key's default, the key's value that admits it): a limit the account can raise.
ADMITS: dict[str, tuple[dict[str, str], str]] = {
    "securityGroupRulesQuota": (
        {"taskEgressPorts": json.dumps(["443", *(str(port) for port in range(1000, 1060))])},
        "61",
    ),
    "elasticIpQuota": (NEW | {"natStrategy": "OnePerAz", "availabilityZones": "6", "vpcCidr": "10.0.0.0/16"}, "6"),
}


@functools.cache
def fingerprint_of(overrides: frozenset[tuple[str, str]]) -> str:
    # secretValues and deploymentTestHeader are only accepted as secrets, as `pulumi config set --secret` sets them.
    return fingerprint(run_program("dev", dict(overrides), secret_keys=["secretValues", "deploymentTestHeader"]))


def fingerprint(run: Run) -> str:
    registered: list[Any] = sorted(
        ([r.type, r.name, r.inputs] for r in run.mocks.resources), key=lambda item: (item[0], item[1])
    )
    return json.dumps({"registered": registered, "outputs": run.outputs}, sort_keys=True, default=str)


def test_every_config_key_has_a_change_case() -> None:
    assert set(CHANGES) | set(ADMITS) == {key.name for key in CONFIG_KEYS}
    assert not set(CHANGES) & set(ADMITS)


@pytest.mark.parametrize("key", sorted(ADMITS))
def test_raising_a_limit_key_admits_config_refused_at_its_default(key: str) -> None:
    config, raised = ADMITS[key]
    with pytest.raises(ConfigError) as error:
        run_program("dev", config)
    assert key in error.value.allowed
    assert run_program("dev", {**config, key: raised}).mocks.resources


@pytest.mark.parametrize("key", sorted(CHANGES))
def test_changing_the_key_changes_what_is_registered_or_exported(key: str) -> None:
    base, changed = CHANGES[key]
    assert fingerprint_of(frozenset(base.items())) != fingerprint_of(frozenset(changed.items()))
