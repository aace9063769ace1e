"""Every deployment the stacks register can roll back, by ECS's own rules: the circuit breaker "can only be
used for services using the rolling update (ECS) deployment type" (botocore ``ecs`` ``DeploymentCircuitBreaker``),
so a canary, linear or blue/green service rolls back on its deployment alarms alone (``DeploymentAlarms``:
any strategy of the ``ECS`` deployment controller). Walked over every program of ``tests/program/stacks.py``
and the dev stack with each shifting strategy, as a user would set it."""

import itertools
from collections.abc import Mapping
from typing import Any

import pytest

from components.observability.unhealthy_window import WAVE_SECONDS
from components.service.app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
)
from components.service.deployment_strategy import API_STRATEGY, ROLLING
from tests.models.cloudwatch import alarm_metrics, alarm_states
from tests.models.ecs_rolling import rolling_deploy
from tests.models.target_health import deployment_targets, unhealthy_host_count
from tests.program.stacks import PROGRAMS, recorded_run, run_config
from tools.offline import Run

SERVICE = "aws:ecs/service:Service"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
#: The dev stack with each shifting strategy and, as it must have, its alarms.
SHIFTING = {f"dev-{kind}": {"deploymentStrategy": kind, "alarms": "true"} for kind in API_STRATEGY if kind != ROLLING}


#: Every run walked: the stacks' programs and the shifting variants.
NAMES = (*PROGRAMS, *SHIFTING)


def run_of(name: str) -> Run:
    return recorded_run("dev", SHIFTING[name]) if name in SHIFTING else run_config(name)


def rollback_methods(service: Mapping[str, Any], alarm_names: set[str]) -> set[str]:
    """What rolls a deployment of this service back, as ECS applies its settings: the circuit breaker for a
    rolling deployment only, the deployment alarms (enabled, with rollback, naming alarms the stack has) for
    any."""
    methods: set[str] = set()
    breaker, alarms = service.get("deploymentCircuitBreaker") or {}, service.get("alarms") or {}
    rolling = service["deploymentConfiguration"]["strategy"] == API_STRATEGY[ROLLING]
    if rolling and breaker.get("enable") and breaker.get("rollback"):
        methods.add("circuit breaker")
    named = set(alarms.get("alarmNames") or ())
    if alarms.get("enable") and alarms.get("rollback") and named and named <= alarm_names:
        methods.add("deployment alarms")
    return methods


def services(run: Run) -> list[tuple[dict[str, Any], set[str]]]:
    """Each ECS service of the run, with the names of the run's alarms."""
    names = {alarm.outputs.get("name") for alarm in run.mocks.resources if alarm.type == ALARM}
    return [(r.inputs, {n for n in names if n}) for r in run.mocks.resources if r.type == SERVICE]


@pytest.mark.parametrize("name", NAMES)
def test_every_deployment_the_stack_registers_can_roll_back(name: str) -> None:
    for service, alarm_names in services(run_of(name)):
        assert rollback_methods(service, alarm_names), f"{name}: {service['name']} has no way to roll back"


def test_every_shifting_service_rolls_back_on_its_deployment_alarms() -> None:
    shifting = {
        name: service["alarms"]
        for name in NAMES
        for service, _ in services(run_of(name))
        if service["deploymentConfiguration"]["strategy"] != API_STRATEGY[ROLLING]
    }
    # Not vacuous: prod's canary, the maximal stack's linear deployment and each strategy on dev.
    assert set(shifting) == {"prod", "maximal", *SHIFTING}
    assert all(alarms["enable"] is True and alarms["rollback"] is True for alarms in shifting.values())


def test_a_service_without_alarms_or_a_rolling_strategy_would_be_found() -> None:
    """Not vacuous: the model finds nothing that rolls back a canary without alarms, nor one whose alarms
    are off, nor a circuit breaker sent with one."""
    canary = {"deploymentConfiguration": {"strategy": "CANARY"}, "deploymentCircuitBreaker": {"enable": True,
              "rollback": True}}  # fmt: skip
    assert rollback_methods(canary, set()) == set()
    off = canary | {"alarms": {"alarmNames": ["a"], "enable": True, "rollback": False}}
    assert rollback_methods(off, {"a"}) == set()
    assert rollback_methods(off | {"alarms": {"alarmNames": ["a"], "enable": True, "rollback": True}}, {"a"}) == {
        "deployment alarms"
    }


def deployment_spread(run: Run, service: Mapping[str, Any]) -> int:
    """How far apart a deployment of ``service`` may start its tasks, by ECS's rules as sent: one wave a
    shifting strategy (the full count at ``SCALE_UP``), a rolling one's waves by ``tests/models/ecs_rolling.py``
    at its desired count, each wave given the scale-up allowance and a drain of the old tasks between them."""
    waves = 1
    if service["deploymentConfiguration"]["strategy"] == API_STRATEGY[ROLLING]:
        # The mocks hold the numbers sent as floats.
        rollout = rolling_deploy(int(service["desiredCount"]),
                                 min_healthy_percent=int(service["deploymentMinimumHealthyPercent"]),
                                 max_percent=int(service["deploymentMaximumPercent"]))  # fmt: skip
        waves = rollout.waves
    (group,) = {r.inputs.get("deregistrationDelay", 300) for r in run.mocks.resources if r.type == TARGET_GROUP}
    return waves * WAVE_SECONDS + (waves - 1) * int(group)


def deployment(grace: int, spread: int, phase: int, *, answers: bool) -> list[float | None]:
    """``UnHealthyHostCount`` of a deployment of six tasks started evenly across ``spread`` from second
    ``phase``, each registering 20 s after its start; the app answers at the last second of its grace period
    (``answers``) or never."""
    starts = [phase + spread * i // 5 for i in range(6)]
    tasks = [(start + 20, start + max(grace - 1, 0) if answers else 10**9) for start in starts]
    targets = deployment_targets(tasks, interval=TARGET_HEALTH_INTERVAL_SECONDS,
                                 healthy_threshold=TARGET_HEALTHY_THRESHOLD,
                                 unhealthy_threshold=TARGET_UNHEALTHY_THRESHOLD,
                                 until=(spread + grace) // 60 * 60 + 30 * 60)  # fmt: skip
    return unhealthy_host_count(*targets)


@pytest.mark.parametrize("name", NAMES)
def test_the_deployment_alarms_roll_back_an_app_that_never_answers_and_no_app_that_answers_in_its_grace(
    name: str,
) -> None:
    """Each registered deployment alarm, as sent, over a whole deployment of the service's
    (``tests/models/target_health.py``), at several phases of its tasks against CloudWatch's minutes: none
    fires for an app that answers at the last second of its ``healthCheckGracePeriodSeconds`` (the 5xx alarm
    sees no request from a target that is not yet healthy, so it sees nothing), and the unhealthy-target
    alarm fires for one that never answers."""
    run, checked = run_of(name), 0
    alarms = {r.outputs.get("name"): r.inputs for r in run.mocks.resources if r.type == ALARM}
    for service, _ in services(run):
        if not (names := (service.get("alarms") or {}).get("alarmNames")):
            continue
        grace, spread = int(service.get("healthCheckGracePeriodSeconds") or 0), deployment_spread(run, service)
        for alarm_name in names:
            alarm, fired = alarms[alarm_name], []
            metrics = alarm_metrics(alarm)
            for phase, answers in itertools.product(range(0, 60, 7), (True, False)):
                unhealthy = deployment(grace, spread, phase, answers=answers)
                silent: list[float | None] = [None] * len(unhealthy)
                series = {m: unhealthy if m[1] == "UnHealthyHostCount" else silent for m in metrics}
                states = alarm_states(alarm, series)
                assert not answers or "ALARM" not in states, (name, alarm_name, phase)
                fired += [] if answers else ["ALARM" in states]
            watches_targets = any(m[1] == "UnHealthyHostCount" for m in metrics)
            assert all(fired) if watches_targets else not any(fired), (name, alarm_name)
            checked += watches_targets
    # Not vacuous: every stack with deployment alarms has an unhealthy-target one per target group.
    assert checked or name not in {"prod", "maximal", *SHIFTING}
