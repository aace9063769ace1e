"""Every validation error names the key, the value and what is allowed, before anything is registered."""

import functools
import itertools
import json
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest

from components.errors import HIDDEN, CombinedConfigError, ConfigError
from settings import ARN_KEYS, CONFIG_KEYS, load_settings, provider_keys
from tests.models.aws_contract import CONTRACT
from tests.program.stacks import TEST_HEADER
from tools.offline import (
    ROOT,
    RecordingMocks,
    StackFileError,
    main_program,
    run_mocked,
    run_program,
    stack_config,
)

#: A key, a certificate and a secret the dev stack (aws:region us-east-1) cannot use.
EU_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EU_CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
PARTIAL_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db"
#: A superscript, an Arabic-Indic and a full-width digit.
UNICODE_DIGITS = ("\u00b2", "\u0663", "\uff13")

#: The keys CASES set with --secret: the test header, which the program refuses in plain text.
SECRET = ["deploymentTestHeader"]
CASES = [
    ({"cpu": "1000"}, "cpu"),
    ({"cpu": "abc"}, "cpu"),
    ({"memory": "3000"}, "memory"),
    ({"cpu": "8192", "memory": "17408"}, "memory"),
    ({"platformVersion": "1.3.0"}, "platformVersion"),
    ({"desiredCount": "-1"}, "desiredCount"),
    ({"desiredCount": "5001"}, "desiredCount"),
    ({"containerPort": "0"}, "containerPort"),
    ({"containerPort": "80"}, "containerPort"),  # the app runs as uid 1000: no port below 1024 on Fargate
    ({"listenerPort": "65536"}, "listenerPort"),
    ({"fargateBase": "1", "spotBase": "1"}, "spotBase"),
    ({"spotWeight": "0"}, "spotWeight"),
    ({"spotWeight": "1001"}, "spotWeight"),
    ({"fargateBase": "-2"}, "fargateBase"),
    ({"fargateWeight": "2000"}, "fargateWeight"),
    ({"useSpot": "false"}, "useSpot"),
    ({"useSpot": "maybe"}, "useSpot"),
    ({"platforms": '["linux/amd64"]'}, "platforms"),
    ({"platforms": '["linux/arm64", "windows/amd64"]'}, "platforms"),
    ({"platforms": "linux/arm64"}, "platforms"),
    ({"dockerfile": "Dockerfile.graviton", "platforms": '["linux/arm64", "linux/amd64"]'}, "platforms"),
    ({"dockerfile": "Dockerfile.alpine"}, "dockerfile"),
    ({"dockerfile": "../Pulumi.yaml"}, "dockerfile"),
    ({"dockerfile": "/etc/hostname"}, "dockerfile"),
    ({"dockerfile": "app"}, "dockerfile"),
    ({"dockerfile": ""}, "dockerfile"),
    ({"dockerContext": "tests/fixtures/tiny-app"}, "dockerfile"),
    ({"dockerContext": "../docker"}, "dockerContext"),
    ({"dockerContext": "/tmp"}, "dockerContext"),
    ({"dockerContext": "."}, "dockerContext"),
    ({"dockerContext": ""}, "dockerContext"),
    ({"dockerContext": "no-such-folder"}, "dockerContext"),
    ({"dockerContext": "docker/Dockerfile"}, "dockerContext"),
    ({"logRetentionDays": "10"}, "logRetentionDays"),
    ({"logRetentionDays": "0"}, "logRetentionDays"),
    ({"allowedCidrs": '["10.0.0.0/33"]'}, "allowedCidrs"),
    ({"allowedCidrs": '["10.0.0.5/8"]'}, "allowedCidrs"),
    ({"allowedCidrs": "[]"}, "allowedCidrs"),
    ({"healthCheckIntervalSeconds": "4"}, "healthCheckIntervalSeconds"),
    ({"healthCheckTimeoutSeconds": "61"}, "healthCheckTimeoutSeconds"),
    ({"healthCheckRetries": "11"}, "healthCheckRetries"),
    ({"healthCheckStartPeriodSeconds": "301"}, "healthCheckStartPeriodSeconds"),
    ({"healthCheckGracePeriodSeconds": "-1"}, "healthCheckGracePeriodSeconds"),
    # Longer than the unhealthy-target alarm can wait out (a day of one-minute periods).
    ({"alarms": "true", "healthCheckGracePeriodSeconds": "90000"}, "healthCheckGracePeriodSeconds"),
    # A rolling deployment of one task a wave at 199 tasks: more waves than that alarm can wait out.
    ({"alarms": "true", "desiredCount": "199", "maxPercent": "101"}, "maxPercent"),
    ({"healthCheckPath": "health"}, "healthCheckPath"),
    ({"stopTimeoutSeconds": "121"}, "stopTimeoutSeconds"),
    ({"deregistrationDelaySeconds": "120"}, "deregistrationDelaySeconds"),
    ({"minHealthyPercent": "101"}, "minHealthyPercent"),
    ({"maxPercent": "100"}, "maxPercent"),
    ({"maxPercent": "2147483648"}, "maxPercent"),  # ECS's BoxedInteger is 32 bits: the provider would wrap it
    ({"desiredCount": "4", "maxPercent": "120"}, "maxPercent"),  # a rolling deployment stuck at 4 tasks
    ({"autoscaling": "true", "minCount": "1", "desiredCount": "4", "maxPercent": "150"}, "maxPercent"),  # ...at 1
    ({"heapPercent": "95"}, "heapPercent"),
    ({"uvThreadpoolSize": "0"}, "uvThreadpoolSize"),
    ({"mallocArenaMax": "100"}, "mallocArenaMax"),
    ({"environment": '["NODE_OPTIONS=--max-old-space-size=100"]'}, "environment"),
    ({"environment": '["NOT AN ENTRY"]'}, "environment"),
    ({"containerInsights": "on"}, "containerInsights"),
    ({"clusterArn": "my-cluster"}, "clusterArn"),
    ({"keepBuilds": "0"}, "keepBuilds"),
    ({"npmCaBundle": "/no/such/bundle.pem"}, "npmCaBundle"),
    ({"npmrcFile": "/no/such/.npmrc"}, "npmrcFile"),
    ({"pathPatterns": '["api/*"]'}, "pathPatterns"),
    ({"listenerRulePriority": "0"}, "listenerRulePriority"),
    ({"vpc": "shared"}, "vpc"),
    ({"vpc": "new", "vpcCidr": "10.0.0.0/8"}, "vpcCidr"),
    ({"vpc": "new", "availabilityZones": "1"}, "availabilityZones"),
    ({"vpc": "new", "natStrategy": "Many"}, "natStrategy"),
    ({"vpc": "existing"}, "vpcId"),
    ({"vpc": "existing", "vpcId": "vpc-1", "publicSubnetIds": '["subnet-1"]'}, "publicSubnetIds"),
    (
        {"vpc": "existing", "vpcId": "vpc-1", "publicSubnetIds": '["subnet-1", "subnet-2"]', "taskSubnetIds": '["x"]'},
        "taskSubnetIds",
    ),
    ({"costRateOverrides": '["armSpotVcpuHour=free"]'}, "costRateOverrides"),
    ({"costDefaultVpcAzs": "1"}, "costDefaultVpcAzs"),
    ({"vpc": "new", "costDefaultVpcAzs": "3"}, "costDefaultVpcAzs"),
    ({"allowedCidrs": '["2001:db8::/32"]'}, "allowedCidrs"),
    ({"pathPatterns": '["/a", "/b", "/c", "/d"]'}, "pathPatterns"),
    ({"listenerRulePriority": "100"}, "listenerRulePriority"),
    ({"idleTimeoutSeconds": "0"}, "idleTimeoutSeconds"),
    ({"stopTimeoutSeconds": "30"}, "stopTimeoutSeconds"),
    ({"healthCheckPath": "/back\\slash"}, "healthCheckPath"),
    ({"environment": '["PORT=8080"]'}, "environment"),
    ({"desiredcount": "3"}, "desiredcount"),
    ({"taskEgressPorts": '["https"]'}, "taskEgressPorts"),
    ({"execKmsKeyArn": "alias/mine"}, "execKmsKeyArn"),
    ({"secretsKmsKeyArns": '[""]'}, "secretsKmsKeyArns"),
    ({"taskEgressPorts": '["443", "443"]'}, "taskEgressPorts"),
    ({"taskEgressPorts": '["70000"]'}, "taskEgressPorts"),
    ({"taskEgressPorts": '["5432"]'}, "taskEgressPorts"),
    ({"taskEgressPorts": "[]"}, "taskEgressPorts"),
    ({"writablePaths": '["/tmp", "/proc/app"]'}, "writablePaths"),  # runc refuses any mount inside /proc
    # Unicode digits: Python's isdigit() takes each, int() reads two of them and raises on the third.
    *(({"taskEgressPorts": f'["{digit}"]'}, "taskEgressPorts") for digit in UNICODE_DIGITS),
    *(({"desiredCount": digit}, "desiredCount") for digit in UNICODE_DIGITS),
    *(({"environment": f'["NODE_OPTIONS=--max-semi-space-size={digit}"]'}, "environment") for digit in UNICODE_DIGITS),
    ({"enableExecuteCommand": "true", "execKmsKeyArn": EU_KEY}, "execKmsKeyArn"),
    ({"domainName": "app.example.com", "certificateArn": EU_CERTIFICATE}, "certificateArn"),
    ({"secrets": f'["DB_PASSWORD={PARTIAL_SECRET}:password::"]'}, "secrets"),
    ({"deploymentStrategy": "bluegreen"}, "deploymentStrategy"),
    # Without deployment alarms nothing rolls a shifting deployment back (the circuit breaker is rolling's).
    ({"deploymentStrategy": "canary"}, "deploymentStrategy"),
    ({"deploymentStrategy": "linear"}, "deploymentStrategy"),
    ({"deploymentStrategy": "blueGreen"}, "deploymentStrategy"),
    ({"deploymentStrategy": "canary", "alarms": "true", "canaryPercent": "0.05"}, "canaryPercent"),
    ({"deploymentStrategy": "canary", "alarms": "true", "canaryPercent": "ten"}, "canaryPercent"),
    ({"deploymentStrategy": "linear", "alarms": "true", "linearStepPercent": "2"}, "linearStepPercent"),
    ({"deploymentStrategy": "canary", "alarms": "true", "canaryBakeMinutes": "1441"}, "canaryBakeMinutes"),
    ({"deploymentStrategy": "blueGreen", "alarms": "true", "deploymentBakeMinutes": "-1"}, "deploymentBakeMinutes"),
    ({"deploymentStrategy": "canary", "alarms": "true", "maxPercent": "150"}, "maxPercent"),
    ({"deploymentStrategy": "linear", "alarms": "true", "minHealthyPercent": "50"}, "minHealthyPercent"),
    ({"deploymentTestHeader": TEST_HEADER}, "deploymentTestHeader"),
    # Long, but only by changing the case of a few characters, which ELB does not tell apart.
    (
        {"deploymentStrategy": "canary", "alarms": "true", "deploymentTestHeader": "x-t=" + "aB1" * 11},
        "deploymentTestHeader",
    ),
    ({"deploymentSmokeTest": "true"}, "deploymentSmokeTest"),  # rolling: no test rule
    (  # no test header
        {"deploymentStrategy": "canary", "alarms": "true", "deploymentSmokeTest": "true"},
        "deploymentSmokeTest",
    ),
    (
        {
            "deploymentStrategy": "canary",
            "alarms": "true",
            "deploymentTestHeader": TEST_HEADER,
            "deploymentSmokeTest": "true",
            "allowedCidrs": '["203.0.113.0/24"]',
        },
        "deploymentSmokeTest",
    ),
    ({"deploymentSmokeTestPath": "health"}, "deploymentSmokeTestPath"),
    (  # the review's reproduction: the health check path misses the test rule's /api/* pattern
        {
            "deploymentStrategy": "canary",
            "alarms": "true",
            "deploymentTestHeader": TEST_HEADER,
            "deploymentSmokeTest": "true",
            "allowedCidrs": '["0.0.0.0/0"]',
            "pathPatterns": '["/api/*"]',
            "listenerRulePriority": "100",
        },
        "deploymentSmokeTestPath",
    ),
    (
        {"deploymentStrategy": "canary", "alarms": "true", "deploymentTestHeader": "x-deploy-test"},
        "deploymentTestHeader",
    ),
    (
        {
            "deploymentStrategy": "canary",
            "alarms": "true",
            "deploymentTestHeader": TEST_HEADER.replace("x-deploy-test=", "x="),
            "pathPatterns": '["/a/*"]',
            "listenerRulePriority": "1",
        },
        "listenerRulePriority",
    ),
    # A deploy that cannot end within the CI session: the alarm bake grows with the grace period.
    ({"alarms": "true", "healthCheckGracePeriodSeconds": "900"}, "healthCheckGracePeriodSeconds"),
    ({"desiredCount": "40", "maxPercent": "110"}, "maxPercent"),
]


@pytest.mark.parametrize(("overrides", "key"), CASES, ids=[f"{key}-{i}" for i, (_, key) in enumerate(CASES)])
def test_bad_config_fails_naming_key_value_and_allowed_with_nothing_registered(overrides: dict, key: str) -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides, mocks=mocks, secret_keys=SECRET)
    assert error.value.key == key
    message = str(error.value)
    assert f"config '{key}'" in message and "got " in message and "allowed: " in message
    assert error.value.allowed
    assert mocks.resources == []


def test_a_grace_period_past_cloudwatchs_day_is_told_the_tighter_bound_of_the_deploys_45_minutes() -> None:
    """Both rules hold the grace period with alarms; the one told is the one a fix must meet."""
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"alarms": "true", "healthCheckGracePeriodSeconds": "90000"}, mocks=RecordingMocks())
    assert error.value.key == "healthCheckGracePeriodSeconds" and "at most 420 " in error.value.allowed


def project_with(tmp_path: Path, lines: str) -> Path:
    """A copy of this project whose dev stack file has ``lines`` added to its config."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "docker", root / "docker", ignore=shutil.ignore_patterns("node_modules"))
    (root / "Pulumi.dev.yaml").write_text((ROOT / "Pulumi.dev.yaml").read_text() + lines)
    return root


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("desiredcount", "desiredCount"), ("keepBuild", "keepBuilds"), ("helthCheckPath", "healthCheckPath")],
)
def test_a_typo_in_the_stack_file_fails_naming_it_and_the_nearest_key(tmp_path: Path, typo: str, meant: str) -> None:
    """Through the path ``pulumi up`` takes: the stack file's keys, as the CLI hands them to the program."""
    root = project_with(tmp_path, f"  graviton-node:{typo}: 3\n")
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", mocks=mocks, root=root)
    assert (error.value.key, error.value.value) == (typo, "3")
    assert f"did you mean '{meant}'?" in error.value.allowed
    assert mocks.resources == []


def test_a_stack_still_setting_the_retired_5xx_count_is_told_to_set_the_percent_instead(tmp_path: Path) -> None:
    root = project_with(tmp_path, "  graviton-node:alarm5xxPerMinute: 5\n")
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", mocks=mocks, root=root)
    assert error.value.key == "alarm5xxPerMinute"
    assert error.value.allowed.endswith("set alarm5xxPercent (default 5) instead")
    assert mocks.resources == []


def test_a_typo_in_another_namespace_of_the_stack_file_fails_naming_the_nearest_key(tmp_path: Path) -> None:
    """Provider keys as pulumi-aws's config schema declares them, the project's under a misspelt namespace."""
    root = project_with(tmp_path, "  aws:regoin: eu-west-1\n  graviton-nod:desiredCount: 3\n  pulumi:tag: x\n")
    mocks = RecordingMocks()
    with pytest.raises(CombinedConfigError) as error:
        run_program("dev", mocks=mocks, root=root)
    by_key = {e.key: e for e in error.value.errors}
    assert set(by_key) == {"aws:regoin", "graviton-nod:desiredCount", "pulumi:tag"}
    assert by_key["aws:regoin"].value == "eu-west-1"
    assert by_key["aws:regoin"].allowed.startswith("did you mean 'aws:region'? a key of the aws provider's config")
    assert by_key["graviton-nod:desiredCount"].allowed.startswith("did you mean 'graviton-node:desiredCount'?")
    assert by_key["pulumi:tag"].allowed.startswith("did you mean 'pulumi:tags'?")
    assert mocks.resources == []


def test_a_key_for_a_provider_that_reads_no_config_says_so_and_cites_no_file_that_does_not_exist() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"awsx:foo": "1"})
    assert error.value.allowed == "none: the awsx provider reads no config (pulumi_awsx has no config module)"


def test_an_unknown_key_in_another_namespace_the_way_the_cli_passes_it_is_an_error_that_hides_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:regoin": "eu-west-1", "aws:secretkey": "wJalrXUtnFEMI"}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["aws:secretkey"]))
    with pytest.raises(CombinedConfigError) as error:
        run_mocked(main_program(), config={"aws:region": "us-east-1"}, mocks=RecordingMocks())
    by_key = {e.key: e for e in error.value.errors}
    assert (by_key["aws:regoin"].value, by_key["aws:secretkey"].value) == ("eu-west-1", HIDDEN)
    assert by_key["aws:secretkey"].allowed.startswith("did you mean 'aws:secretKey'?")
    assert "wJalrXUtnFEMI" not in str(error.value)


def test_every_key_of_the_aws_provider_config_is_known_as_the_sdk_declares_it() -> None:
    from pulumi_aws.config import vars as aws_vars

    declared = [name for name, value in vars(aws_vars._ExportableConfig).items() if isinstance(value, property)]
    known = provider_keys("pulumi_aws")
    assert len(known) == len(declared) and {"region", "profile", "defaultTags", "assumeRoles"} <= known
    run_program("dev", {f"aws:{key}": "x" for key in ("profile", "maxRetries")} | {"pulumi:tags": "{}"})


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "y"])
def test_a_yaml_1_1_boolean_word_in_the_stack_file_is_refused_as_the_string_the_cli_passes(
    tmp_path: Path, word: str
) -> None:
    """The CLI reads stack files as YAML 1.2: ``yes`` is the string 'yes', which the CLI itself refuses for a
    key Pulumi.yaml types boolean (``project_config``), named with the program's own error."""
    mocks = RecordingMocks()
    with pytest.raises(StackFileError) as error:
        run_program("dev", mocks=mocks, root=project_with(tmp_path, f"  graviton-node:alarms: {word}\n"))
    assert error.value.lines == (
        "Stack 'dev' with configuration key 'alarms' must be of type 'boolean'",
        f"config 'alarms': got '{word}'; allowed: true or false",
    )
    assert mocks.resources == []


@pytest.mark.parametrize("value", ["True", "TRUE", "1"])
def test_a_boolean_key_takes_exactly_true_or_false_as_the_cli_hands_them_over(value: str) -> None:
    """A YAML ``True`` reaches the program as "true"; the string 'True' only from a quoted or --set value."""
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"alarms": value})
    assert (error.value.key, error.value.value) == ("alarms", value)


def test_a_yaml_1_2_true_in_any_case_form_is_a_boolean(tmp_path: Path) -> None:
    run = run_program("dev", root=project_with(tmp_path, "  graviton-node:deletionProtection: True\n"))
    assert run.mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is True


def test_every_key_set_twice_in_the_stack_file_is_refused_with_both_lines(tmp_path: Path) -> None:
    """PyYAML keeps the last silently; the CLI's YAML parser refuses a mapping key already defined."""
    root = project_with(tmp_path, "  graviton-node:desiredCount: 2\n  graviton-node:keepBuilds: 3\n")
    with pytest.raises(StackFileError) as error:
        run_program("dev", mocks=RecordingMocks(), root=root)
    assert error.value.lines == (
        "Pulumi.dev.yaml line 11: 'graviton-node:desiredCount' is set twice (first on line 5)",
        "Pulumi.dev.yaml line 12: 'graviton-node:keepBuilds' is set twice (first on line 9)",
    )


def test_a_typo_in_pulumi_config_the_way_the_cli_passes_it_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pulumi up`` hands config to the program as the PULUMI_CONFIG environment variable."""
    config = {f"graviton-node:{key}": value for key, value in {"desiredcount": "3", "cpu": "1024"}.items()}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))

    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_mocked(main_program(), config={}, mocks=mocks)
    assert error.value.key == "desiredcount"
    assert mocks.resources == []


@pytest.mark.parametrize(
    ("stack", "allowed"),
    [("production-eu-west", "at most 16"), ("prod_eu", "letters, digits and hyphens"), ("prod.eu", "letters"),
     ("internal-tools", "not starting with 'internal-'")],
)  # fmt: skip
def test_a_stack_name_elb_would_refuse_fails_before_anything_is_registered(stack: str, allowed: str) -> None:
    """Pulumi allows ``_`` and ``.`` in stack names; load balancer and target group names do not."""
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_mocked(main_program(), stack=stack, mocks=mocks)
    assert (error.value.key, error.value.value) == ("stack", stack)
    assert error.value.allowed.startswith(allowed) or allowed in error.value.allowed
    assert mocks.resources == []


#: Names the program gives resources after the stack, beside the load balancer's and target groups'.
NAMED_AFTER_THE_STACK = (
    ("aws:ec2/securityGroup:SecurityGroup", "{}-web-sg"),
    ("aws:ec2/securityGroup:SecurityGroup", "{}-app-sg"),
    ("aws:s3/bucket:Bucket", "{}-web-logs"),
)


@pytest.mark.parametrize("stack", ["sg-prod", "xn--p", "sthree-p", "amzn-s3-demo-p", "sgprod", "xn-p", "s3-prod"])
def test_a_stack_name_is_refused_exactly_when_aws_would_refuse_a_name_made_from_it(stack: str) -> None:
    """The security groups and the access-log bucket are named after the stack too: EC2 refuses a group
    name starting with ``sg-``, S3 a bucket name with a reserved prefix (the AWS input contract's rules,
    which hold the names Pulumi makes from a resource's name). With access logs on, as a stack may turn
    them on later: the name is refused without them too."""
    aws_refuses = any(CONTRACT.problems(typ, name.format(stack), {})[0] for typ, name in NAMED_AFTER_THE_STACK)
    mocks = RecordingMocks()
    try:
        run_mocked(
            main_program(), {**stack_config("dev"), "graviton-node:accessLogs": "true"}, stack=stack, mocks=mocks
        )
    except ConfigError as error:
        assert aws_refuses and (error.key, error.value) == ("stack", stack) and mocks.resources == []
    else:
        assert not aws_refuses
        assert [
            p
            for r in mocks.resources
            if not r.type.startswith("graviton-node:")  # the components: no AWS API sees them
            for p in CONTRACT.problems(r.type, r.name, r.inputs)[0]
        ] == []


def test_a_stack_name_elb_would_refuse_is_named_in_the_same_run_as_a_config_mistake() -> None:
    mocks = RecordingMocks()
    with pytest.raises(CombinedConfigError) as error:
        run_mocked(main_program(), config={"graviton-node:cpu": "1000"}, stack="prod_eu", mocks=mocks)
    assert [(e.key, e.value) for e in error.value.errors] == [("cpu", 1000), ("stack", "prod_eu")]
    assert mocks.resources == []


def test_a_task_size_mistake_without_sidecars_names_no_sidecars() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"memory": "3"})
    assert [e.key for e in error.value.errors] == ["memory"]


def test_every_mistake_is_reported_at_once_with_nothing_registered() -> None:
    mocks = RecordingMocks()
    with pytest.raises(CombinedConfigError) as error:
        run_program("dev", {"cpu": "abc", "desiredCount": "-1", "listenerPort": "0", "keepBuild": "3"}, mocks=mocks)
    assert [e.key for e in error.value.errors] == ["keepBuild", "cpu", "desiredCount", "listenerPort"]
    assert len(str(error.value).splitlines()) == 4
    assert mocks.resources == []


def test_image_mistakes_are_reported_with_the_others_and_a_bad_context_alone_says_nothing_of_the_dockerfile() -> None:
    mocks = RecordingMocks()
    overrides = {"dockerContext": "../app", "platforms": '["linux/amd64"]', "heapPercent": "95", "keepBuilds": "0"}
    with pytest.raises(CombinedConfigError) as error:
        run_program("dev", overrides, mocks=mocks)
    assert [(e.key, e.value) for e in error.value.errors] == [
        ("dockerContext", "../app"), ("heapPercent", 95), ("platforms", ["linux/amd64"]), ("keepBuilds", 0),
    ]  # fmt: skip
    assert mocks.resources == []


def test_a_dockerfile_missing_from_the_context_names_both() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"dockerContext": "tests/fixtures/tiny-app"})
    assert (error.value.key, error.value.value) == ("dockerfile", "Dockerfile.graviton")
    assert f"there is no such file in dockerContext {ROOT / 'tests/fixtures/tiny-app'}" in error.value.allowed


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        ({"useSpot": "false"}, "config 'useSpot': got false; allowed: true; or false together with spotWeight=0, "
         "fargateWeight=1"),
        ({"useSpot": "false", "spotWeight": "0"}, "config 'fargateWeight': got 0; allowed: 1-1000"),
        ({"allowedCidrs": '["10.0.0.1/24"]'}, "did you mean 10.0.0.0/24?"),
        ({"allowedCidrs": "203.0.113.0/24"}, "set one item with: pulumi config set --path 'allowedCidrs[0]' "
         "203.0.113.0/24"),
        ({"platforms": "linux/arm64"}, "pulumi config set --path 'platforms[0]' linux/arm64"),
    ],
)  # fmt: skip
def test_a_hint_says_the_fix_where_one_is_knowable(overrides: dict[str, str], line: str) -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides)
    assert line in str(error.value)


def test_following_the_use_spot_hint_gives_a_valid_on_demand_stack() -> None:
    """One run tells every key to change, and making those changes is enough."""
    run = run_program("dev", {"useSpot": "false", "spotWeight": "0", "fargateWeight": "1"})
    strategy = run.mocks.one("aws:ecs/service:Service").inputs["capacityProviderStrategies"]
    assert [item["capacityProvider"] for item in strategy] == ["FARGATE"]


IN_THE_WRONG_REGION = {
    "enableExecuteCommand": "true",
    "execKmsKeyArn": EU_KEY,
    "domainName": "app.example.com",
    "certificateArn": EU_CERTIFICATE,
}


def test_a_key_or_certificate_of_another_region_is_refused_with_the_rest_naming_the_stacks_region() -> None:
    mocks = RecordingMocks()
    with pytest.raises(CombinedConfigError) as error:
        run_program("dev", {**IN_THE_WRONG_REGION, "cpu": "abc"}, mocks=mocks)
    by_key = {e.key: e for e in error.value.errors}
    assert set(by_key) == {"cpu", "execKmsKeyArn", "certificateArn"}
    assert (by_key["execKmsKeyArn"].value, by_key["certificateArn"].value) == (EU_KEY, EU_CERTIFICATE)
    assert by_key["execKmsKeyArn"].allowed.startswith("a KMS key in the stack's region us-east-1")
    assert by_key["certificateArn"].allowed.startswith("an ACM certificate in the stack's region us-east-1")
    assert mocks.resources == []


def test_a_partial_secrets_manager_arn_is_refused_asking_for_the_full_one() -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"secrets": f'["DB_PASSWORD={PARTIAL_SECRET}"]'}, mocks=mocks)
    assert (error.value.key, error.value.value) == ("secrets", f"DB_PASSWORD={PARTIAL_SECRET}")
    assert "a full ARN with the 6-character suffix, as the console shows it" in error.value.allowed
    assert mocks.resources == []


def without_region(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The dev stack's config with no ``aws:region``, and neither region variable in the environment."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    return {key: value for key, value in stack_config("dev").items() if key != "aws:region"}


def overridden(config: dict[str, str], overrides: dict[str, str]) -> dict[str, str]:
    return {**config, **{f"graviton-node:{key}": value for key, value in overrides.items()}}


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_without_aws_region_the_region_comes_from_the_environment_as_the_provider_takes_it(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    config = without_region(monkeypatch)
    monkeypatch.setenv(variable, "eu-west-1")
    us_key = EU_KEY.replace("eu-west-1", "us-east-1")
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_mocked(main_program(), overridden(config, {"enableExecuteCommand": "true", "execKmsKeyArn": us_key}),
                   mocks=mocks)  # fmt: skip
    assert (error.value.key, error.value.value) == ("execKmsKeyArn", us_key)
    assert "the stack's region eu-west-1" in error.value.allowed
    assert mocks.resources == []


def test_aws_region_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"aws:region": "ap-southeast-5", "domainName": "app.example.com",
                            "certificateArn": EU_CERTIFICATE.replace("eu-west-1", "us-east-1")})  # fmt: skip
    assert error.value.key == "certificateArn" and "the stack's region ap-southeast-5" in error.value.allowed


def test_with_no_region_known_a_key_and_certificate_are_taken_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an AWS profile names the region then: the provider reads it, the program cannot."""
    config = overridden(without_region(monkeypatch), IN_THE_WRONG_REGION | {"hostedZoneId": "Z0123456789ABC"})
    run = run_mocked(main_program(), config)
    listener = run.mocks.find("aws:lb/listener:Listener", "dev-web-https")
    assert listener.inputs["certificateArn"] == EU_CERTIFICATE


def test_access_logs_in_a_partition_elb_documents_no_delivery_for_fail_before_anything_is_registered() -> None:
    mocks = RecordingMocks()
    with pytest.raises(CombinedConfigError) as error:
        run_program("dev", {"aws:region": "us-iso-east-1", "accessLogs": "true", "cpu": "abc"}, mocks=mocks)
    by_key = {e.key: e for e in error.value.errors}
    assert set(by_key) == {"cpu", "accessLogs"}
    assert "us-iso-east-1 (partition aws-iso)" in by_key["accessLogs"].allowed
    assert mocks.resources == []


@pytest.mark.parametrize(
    ("overrides", "keys"),
    [
        # minCount above the default maxCount and desiredCount: both consequences in the one run.
        ({"autoscaling": "true", "minCount": "5"}, {"maxCount", "desiredCount"}),
        ({"idleTimeoutSeconds": "5000", "heapPercent": "95"}, {"idleTimeoutSeconds", "heapPercent"}),
        ({"heapPercent": "95", "uvThreadpoolSize": "0", "mallocArenaMax": "100"},
         {"heapPercent", "uvThreadpoolSize", "mallocArenaMax"}),
        # A spec that fails its own checks is checked against the deployment strategy all the same.
        ({"cpu": "1000", "deploymentStrategy": "canary", "alarms": "true", "maxPercent": "150"},
         {"cpu", "maxPercent"}),
        ({"heapPercent": "95", "environment": '["PORT=8080"]'}, {"heapPercent", "environment"}),
        # The smoke test is held to the canary strategy though the strategy's own maxPercent is wrong...
        ({"deploymentStrategy": "canary", "alarms": "true", "maxPercent": "150", "deploymentSmokeTest": "true"},
         {"maxPercent", "deploymentSmokeTest"}),
        # ...and with the test header it needs, nothing but maxPercent is wrong.
        ({"deploymentStrategy": "canary", "alarms": "true", "maxPercent": "150", "deploymentSmokeTest": "true",
          "deploymentTestHeader": TEST_HEADER}, {"maxPercent"}),
        # A shifting strategy without alarms is reported with an unrelated mistake...
        ({"deploymentStrategy": "linear", "cpu": "1000"}, {"deploymentStrategy", "cpu"}),
        # ...and a smoke test is no stand-in for the alarms: it sees neither 5xx after the shift nor crashing tasks.
        ({"deploymentStrategy": "canary", "deploymentTestHeader": TEST_HEADER, "deploymentSmokeTest": "true"},
         {"deploymentStrategy"}),
    ],
)  # fmt: skip
def test_cross_key_checks_are_reported_in_the_same_run_as_per_key_errors(
    overrides: dict[str, str], keys: set[str]
) -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides, mocks=mocks, secret_keys=SECRET)
    assert {e.key for e in error.value.errors} == keys
    assert mocks.resources == []


@pytest.mark.parametrize(
    ("overrides", "reported"),
    [
        # memory is checked against cpu: with cpu unreadable that check would compare a stand-in.
        ({"cpu": "abc", "memory": "3000"}, "cpu"),
        # desiredCount's check against minCount needs a minCount that passed its own range check.
        ({"autoscaling": "true", "minCount": "-1", "desiredCount": "0"}, "minCount"),
        # A canary needs alarms: with the alarms key refused (off, as its default reads) that would judge a stand-in.
        ({"deploymentStrategy": "canary", "alarms": "yes"}, "alarms"),
    ],
)
def test_a_cross_check_needing_a_value_that_failed_its_own_check_is_skipped(
    overrides: dict[str, str], reported: str
) -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides)
    assert [e.key for e in error.value.errors] == [reported]


@pytest.mark.parametrize(
    ("overrides", "reported"),
    [
        ({"minCount": "-3"}, {"minCount"}),
        ({"minCount": "9", "maxCount": "4"}, {"maxCount"}),
        ({"cpuTargetPercent": "150"}, {"cpuTargetPercent"}),
        ({"scaleOutCooldownSeconds": "-1"}, {"scaleOutCooldownSeconds"}),
        ({"scalingSchedules": '["cron(0 8 * * * *)=1..3"]'}, {"scalingSchedules"}),
    ],
)
def test_an_autoscaling_key_is_judged_with_autoscaling_off(overrides: dict[str, str], reported: set[str]) -> None:
    """A bad range waiting in the stack file is reported now, not the day autoscaling is turned on."""
    assert mistakes({"autoscaling": "false", **overrides}) == reported


def test_with_autoscaling_off_min_count_bounds_nothing_and_nothing_need_scale() -> None:
    """Off, minCount holds desiredCount (dev's 1) to nothing, and every target at 0 ("no policy") with no
    schedule is no mistake: on, both are."""
    assert mistakes({"autoscaling": "false", "minCount": "9", "maxCount": "12"}) == set()
    assert mistakes({"autoscaling": "true", "minCount": "9", "maxCount": "12"}) == {"desiredCount"}
    no_policy = {
        "cpuTargetPercent": "0",
        "memoryTargetPercent": "0",
        "requestsPerTarget": "0",
        "scalingSchedules": "[]",
    }
    assert mistakes({"autoscaling": "false", **no_policy}) == set()
    assert mistakes({"autoscaling": "true", **no_policy}) == {"autoscaling"}


#: Pairs of CASES whose mistakes are not independent: one's check needs the other's value, or together they
#: are a valid config.
DEPENDENT = {
    frozenset({"cpu", "memory"}),  # memory is checked against cpu
    # stopTimeoutSeconds is checked against the route's drain, which a refused deregistrationDelaySeconds
    # leaves to a stand-in (as memory against cpu).
    frozenset({"deregistrationDelaySeconds", "stopTimeoutSeconds"}),
    frozenset({"spotWeight", "useSpot"}),  # useSpot=false with spotWeight=0 is what the useSpot hint asks for
    frozenset({"dockerfile", "platforms"}),  # platforms are checked against the Dockerfile
    # The Dockerfile is looked for in the context, and read for its platforms: a refused context leaves
    # only its form to check, not the sample's folder in its place.
    frozenset({"dockerContext", "dockerfile"}),
    frozenset({"dockerContext", "platforms"}),
    frozenset({"heapPercent", "environment"}),  # a heap flag in NODE_OPTIONS is refused naming heapPercent
    # canary, linear and blueGreen take a test header: with one, deploymentTestHeader is no mistake.
    *(frozenset({key, "deploymentTestHeader"}) for key in ("canaryPercent", "linearStepPercent",
      "canaryBakeMinutes", "deploymentBakeMinutes", "maxPercent", "minHealthyPercent")),
    # The smoke test is held to the strategy and the test header: with them in error it waits, and with
    # canary and a test header (set by the other case) it is no mistake.
    frozenset({"deploymentStrategy", "deploymentSmokeTest"}),
    # The test header is held to the strategy: with the strategy refused (bluegreen for blueGreen) the
    # header may be right, and is not reported against a stand-in.
    frozenset({"deploymentStrategy", "deploymentTestHeader"}),
    frozenset({"deploymentTestHeader", "deploymentSmokeTest"}),
    frozenset({"listenerRulePriority", "deploymentSmokeTest"}),
    # An empty deploymentSmokeTestPath requests healthCheckPath: with it in error there is no path to match.
    frozenset({"healthCheckPath", "deploymentSmokeTestPath"}),
    # The grace period is held to the alarms it sets on, which a shifting strategy without them lacks.
    frozenset({"healthCheckGracePeriodSeconds", "deploymentStrategy"}),
    # A rolling deploy's batches come from both percentages: with one refused, the other's stand-in is judged.
    frozenset({"minHealthyPercent", "maxPercent"}),
    # So are a rolling deployment's waves: the alarms that case sets on make a shifting strategy valid.
    frozenset({"maxPercent", "deploymentStrategy"}),
}  # fmt: skip


@functools.cache
def dev_config() -> MappingProxyType[str, str]:
    """The dev stack's own keys as its file and Pulumi.yaml set them, read once: the pairs below check
    thousands of configs against it."""
    config = stack_config("dev")
    return MappingProxyType(
        {key.split(":", 1)[1]: value for key, value in config.items() if key.startswith("graviton-")}
    )


def mistakes(overrides: dict[str, str]) -> set[str]:
    """The keys ``load_settings`` reports for the dev stack's config with ``overrides``."""
    try:
        load_settings(dev_config() | overrides, frozenset(SECRET), region="us-east-1", stack=("graviton-node", "dev"))
    except ConfigError as error:
        return {one.key for one in error.errors}
    return set()


def test_any_two_independent_mistakes_are_reported_in_one_run() -> None:
    """Every pair of CASES that set different keys: each case's key is reported, whatever the other did."""
    missed = [
        (a, b)
        for (a, key_a), (b, key_b) in itertools.combinations(CASES, 2)
        if not a.keys() & b.keys()
        and frozenset({key_a, key_b}) not in DEPENDENT
        and (frozenset({key_a, key_b}) - mistakes(a | b))
        and {key_a, key_b} <= {*mistakes(a), *mistakes(b)}
    ]
    assert missed == []


#: Each key naming a resource by ARN, a value of it in the commercial partition's cn-north-1, and what the
#: error quotes (a secret's whole entry).
COMMERCIAL_IN_CHINA = {
    "certificateArn": "arn:aws:acm:cn-north-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    "clusterArn": "arn:aws:ecs:cn-north-1:123456789012:cluster/shared",
    "deployerRoleArn": "arn:aws:iam::123456789012:role/graviton-node-deploy-dev",
    "execKmsKeyArn": "arn:aws:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "permissionsBoundaryArn": "arn:aws:iam::123456789012:policy/team-boundary",
    "secrets": "DB=arn:aws:ssm:cn-north-1:123456789012:parameter/graviton-node/dev/db",
    "secretsKmsKeyArns": "arn:aws:kms:cn-north-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab",
}


@pytest.mark.parametrize("key", sorted(COMMERCIAL_IN_CHINA))
def test_an_arn_of_another_partition_is_refused_naming_the_key_the_value_and_the_stacks_partition(key: str) -> None:
    value = COMMERCIAL_IN_CHINA[key]
    overrides = {"aws:region": "cn-north-1", "enableExecuteCommand": "true",
                 key: json.dumps([value]) if key in ("secrets", "secretsKmsKeyArns") else value}  # fmt: skip
    if key == "certificateArn":
        overrides["domainName"] = "app.example.com"
    if key == "clusterArn":
        overrides["containerInsights"] = "enhanced"  # dev's disabled is refused beside an existing cluster
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides, mocks=mocks)
    assert (error.value.key, error.value.value) == (key, value)
    assert "the stack's partition aws-cn (arn:aws-cn:...)" in error.value.allowed
    assert mocks.resources == []


def test_every_key_naming_an_arn_is_held_to_the_partition() -> None:
    assert set(COMMERCIAL_IN_CHINA) == set(ARN_KEYS)
    assert {key.name for key in CONFIG_KEYS if key.name.endswith(("Arn", "Arns"))} | {"secrets"} == set(ARN_KEYS)


@pytest.mark.parametrize("insights", ["bogus", "disabled"])
def test_container_insights_beside_an_existing_cluster_is_refused_not_ignored(insights: str) -> None:
    """The setting is the existing cluster's own: a value here would change nothing, silently."""
    with pytest.raises(ConfigError) as error:
        load_settings(
            {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/shared", "containerInsights": insights}
        )
    assert (error.value.key, error.value.value) == ("containerInsights", insights)
    assert "clusterArn" in error.value.allowed


def test_alarm_emails_with_alarms_off_are_refused_not_ignored_before_anything_is_registered() -> None:
    """Only the alarms send to the topic: without them the addresses would get nothing, unsaid."""
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"alarms": "false", "alarmEmails": '["oncall@mycorp.io"]'}, mocks=mocks)
    assert (error.value.key, error.value.value) == ("alarmEmails", ["oncall@mycorp.io"])
    assert "needs alarms: true" in error.value.allowed
    assert mocks.resources == []


def test_alarm_emails_with_alarms_on_or_none_with_alarms_off_are_taken() -> None:
    assert load_settings({"alarms": "true", "alarmEmails": '["oncall@mycorp.io"]'}).alarms is not None
    assert load_settings({"alarms": "false", "alarmEmails": "[]"}).alarms is None


def test_alarm_emails_beside_an_alarms_value_that_failed_its_own_check_are_not_judged_against_a_stand_in() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"alarms": "yes", "alarmEmails": '["oncall@mycorp.io"]'})
    assert [e.key for e in error.value.errors] == ["alarms"]


def test_a_vpc_whose_public_subnets_are_below_elbs_recommendation_deploys_and_says_so() -> None:
    """A /24 with 3 AZs gives /28 public subnets: EC2 creates them and 0.4.0 stacks have them, but ELB
    recommends /27 for the load balancer to scale; a /22 gives /25 ones and no word."""
    small = run_program("dev", {"vpc": "new", "vpcCidr": "10.0.0.0/24", "availabilityZones": "3"})
    assert [w for w in small.mocks.warnings if w.startswith("vpcCidr: ")] == [
        "vpcCidr: 10.0.0.0/24 with 3 AZs gives the load balancer /28 public subnets; ELB recommends /27 or larger "
        "for it to scale (a VPC of /23 or larger), and without NAT the tasks share their addresses: changing "
        "vpcCidr replaces the VPC, the load balancer and the service"
    ]
    assert not run_program("dev", {"vpc": "new", "vpcCidr": "10.0.0.0/22", "availabilityZones": "3"}).mocks.warnings
