"""Which CloudWatch alarms watch a service, on which metrics and thresholds, and which roll back deploys.

Memory is the one the guide asks to watch ("monitor memory usage and adjust limits"): a Node process
over its container's memory is killed, and the V8 heap ceiling sits at ``heapPercent`` of it. The
target-side alarms (5xx, unhealthy targets) are the ECS deployment alarms: a deployment that serves
errors rolls back even when its tasks pass their health checks. The load balancer's own 5xx (a rule with
no target registered answers 503) are watched beside them, without rolling back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError, collect
from ..validation import int_in_range, passable_percent
from .unhealthy_window import unhealthy_minutes

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _firing_percent(key: str, value: int) -> None:
    passable_percent(key, value, "the alarm fires", "fire")


@dataclass(frozen=True, kw_only=True)
class Alarms:
    """Thresholds and where alarms are sent."""

    cpu_percent: int = 80
    """Average service CPU above this for 3 minutes (1-99). Default 80."""
    memory_percent: int = 80
    """Average service memory above this for 3 minutes (1-99). Default 80."""
    target_5xx_percent: int = 5
    """Percent of a target group's requests answering 5xx, in 2 running minutes with requests (1-99); a
    deployment alarm.
    A ratio, not a count: a failing canary of a quiet service breaches it at its share. Default 5."""
    response_time_ms: int = 1000
    """p95 target response time above this for 5 minutes (1-60000). Default 1000."""
    spot_interruptions_per_hour: int = 3
    """Spot interruptions of the service's tasks in an hour above which to alarm (1-1000). Default 3."""
    emails: tuple[str, ...] = ()
    """Addresses an SNS topic sends alarms to (each confirms by e-mail); none creates no topic. Default none."""

    def __post_init__(self) -> None:
        collect(
            lambda: _firing_percent("Alarms.cpu_percent", self.cpu_percent),
            lambda: _firing_percent("Alarms.memory_percent", self.memory_percent),
            lambda: _firing_percent("Alarms.target_5xx_percent", self.target_5xx_percent),
            lambda: int_in_range("Alarms.response_time_ms", self.response_time_ms, 1, 60_000),
            lambda: int_in_range("Alarms.spot_interruptions_per_hour", self.spot_interruptions_per_hour, 1, 1000),
            self._check_emails,
        )

    def _check_emails(self) -> None:
        for email in self.emails:
            if not _EMAIL.fullmatch(email):
                raise ConfigError("Alarms.emails", email, "e-mail addresses such as ops@example.com")
        # Once ignoring case: each address's subscription is named by its lower case (``subscription_key``),
        # and whether SNS tells two cases of one address apart is not written down.
        if len({email.lower() for email in self.emails}) != len(self.emails):
            raise ConfigError("Alarms.emails", list(self.emails), "each address once (in any case)")


def subscription_key(email: str) -> str:
    """A stable short key of an alarm address, whatever its place in the list: its e-mail subscription's
    name. SNS answers a Subscribe of a topic's existing (protocol, endpoint) with that subscription's ARN,
    and the provider deletes a subscription by its ARN (sns/topic_subscription.go): two resources
    holding one address's subscription, as names by position made of a reordered or shortened list,
    end with the wanted one unsubscribed. Case-insensitive, as the addresses are refused twice."""
    return hashlib.sha256(email.lower().encode()).hexdigest()[:12]


@dataclass(frozen=True)
class AlarmDefinition:
    """One alarm: what it watches and when it fires."""

    role: str
    description: str
    namespace: str
    metric: str
    statistic: str
    threshold: float
    periods: int
    watches: str
    """``service`` (ClusterName, ServiceName), ``target`` (LoadBalancer, TargetGroup) or ``load_balancer``
    (LoadBalancer)."""
    comparison: str = "GreaterThanThreshold"
    rolls_back_deployments: bool = False
    missing: str = "notBreaching"
    """``treatMissingData``: a minute without a datapoint breaches or not (CloudWatch guide, "Configuring how
    CloudWatch alarms treat missing data")."""
    per_request: str | None = None
    """A metric of the same namespace whose Sum this one's Sum is a percentage of (metric math), or None
    for the metric itself."""
    filled: bool = False
    """The metric with a minute it is not published in read as 0 (metric math ``FILL(m1, 0)``): CloudWatch
    evaluates the most recent real datapoints of a wider range, so a sparse one's minutes need not be running."""
    datapoints: int | None = None
    """``datapointsToAlarm``: of the ``periods`` evaluated, how many must breach; None for all of them."""

    @property
    def metrics(self) -> int:
        """The metrics the alarm evaluates: CloudWatch bills a metric-math alarm per metric in it."""
        return 1 if self.per_request is None else 2

    def _metric_query(self, query_id: str, name: str, dimensions: Mapping[str, Any]) -> dict[str, Any]:
        """One metric of a metric-math alarm. The period lives in its MetricStat: PutMetricAlarm's
        ``Metrics`` excludes MetricName, Namespace, Statistic, Dimensions and Period."""
        stat = {"namespace": self.namespace, "metric_name": name, "dimensions": dict(dimensions),
                "period": 60, "stat": self.statistic}  # fmt: skip
        return {"id": query_id, "return_data": False, "metric": stat}

    def _ratio_queries(self, dimensions: Mapping[str, Any]) -> list[dict[str, Any]]:
        """m1 over m2 in percent, 0 below ``MIN_REQUESTS`` a minute (CloudWatch metric math: ``IF`` and the
        comparison operators, "Metric math syntax and functions")."""
        expression = f"IF(m2 >= {MIN_REQUESTS}, 100 * m1 / m2, 0)"
        ratio = {"id": "e1", "expression": expression, "label": f"{self.metric} percent", "return_data": True}
        numerator, denominator = (
            self._metric_query("m1", self.metric, dimensions),
            self._metric_query("m2", str(self.per_request), dimensions),
        )
        return [numerator, denominator, ratio]

    def _filled_queries(self, dimensions: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The metric, 0 in a minute without a datapoint (``FILL``, "Metric math syntax and functions")."""
        filled = {"id": "e1", "expression": "FILL(m1, 0)", "label": f"{self.metric}, 0 if none", "return_data": True}
        return [self._metric_query("m1", self.metric, dimensions), filled]

    def alarm_inputs(self, dimensions: Mapping[str, Any], topic_arn: Any | None) -> dict[str, Any]:
        """The ``MetricAlarm`` inputs of this alarm on ``dimensions``, telling ``topic_arn`` (if any): the
        one shape of the service's and the route's alarms (values may be a program's Inputs)."""
        percentile = self.statistic.startswith("p")
        actions = [topic_arn] if topic_arn is not None else []
        watched: dict[str, Any] = {
            "namespace": self.namespace,
            "metric_name": self.metric,
            "dimensions": dict(dimensions),
            "statistic": None if percentile else self.statistic,
            "extended_statistic": self.statistic if percentile else None,
            "period": 60,
        }
        if self.per_request is not None:
            watched = {"metric_queries": self._ratio_queries(dimensions)}
        elif self.filled:
            watched = {"metric_queries": self._filled_queries(dimensions)}
        counted = {} if self.datapoints is None else {"datapoints_to_alarm": self.datapoints}
        return {
            "alarm_description": self.description,
            **watched,
            "evaluation_periods": self.periods,
            **counted,
            "threshold": self.threshold,
            "comparison_operator": self.comparison,
            # No traffic is no error (the default): a quiet service must not alarm, nor block a deployment.
            "treat_missing_data": self.missing,
            "alarm_actions": actions,
            "ok_actions": actions,
        }


#: Requests a minute below which a target group's 5xx percentage counts as 0: none is no ratio (the
#: division would have no value), and one failing request alone is 100 %. Two running minutes still
#: stand between a single failure and a rollback.
MIN_REQUESTS = 2
#: The alarms ``ServiceMonitoring`` adds to the definitions' (they watch its own metrics): the Spot
#: interruptions in an hour, fewer tasks running than desired, and the task counter gone quiet (one
#: metric each, besides the below-desired alarm's running tasks per provider).
MONITORING_ALARMS = ("spot-alarm", "below-desired", "counter-silent")
#: Minutes, of the last ``ELB_5XX_WINDOW``, in which the load balancer itself answers 5xx before its alarm.
#: None of these is the targets' (HTTPCode_Target_5XX_Count "does not include any response codes generated
#: by the load balancer"), nor a request RequestCount counts when no target could be chosen (ELB guide,
#: "CloudWatch metrics for your Application Load Balancer"): a rule with no registered target answers 503 to
#: every request, which only HTTPCode_ELB_5XX_Count shows. It is published only when non-zero, and CloudWatch
#: evaluates the most recent datapoints of a range wider than the alarm's periods ("How alarm state is
#: evaluated when data is missing"): two lone 502s minutes apart would fire it. So a quiet minute is read as
#: 0 (``FILL``), and the alarm takes 2 of 3: the guide's way past FILL's one trap, a delayed metric whose
#: latest minute is always filled ("Metric math syntax and functions", FILL). Two minutes, past a lone 502.
ELB_5XX_MINUTES = 2
ELB_5XX_WINDOW = 3
#: Minutes in which a target group's 5xx share is above its threshold before its alarm: the 2 most recent
#: with requests. A minute without any has no RequestCount, so no datapoint (``IF`` has none where its
#: condition's series has none), and CloudWatch evaluates the most recent real ones of its wider range
#: ("How alarm state is evaluated when data is missing"); a minute with requests and no 5xx is 0 (metric
#: math takes the missing count as 0). Not made dense with FILL: a deployment alarm must not be held OK
#: by a latest minute filled before its requests are published (FILL's warning, "Metric math syntax and
#: functions"), and a quiet minute between two failing ones is no reason to keep a failing revision.
TARGET_5XX_MINUTES = 2
#: Each target-tracking policy makes Application Auto Scaling create two alarms (high and low).
ALARMS_PER_TARGET_TRACKING_POLICY = 2


def memory_threshold(memory_percent: int, *, app_memory_mib: int, task_memory_mib: int) -> float:
    """The task-level ``MemoryUtilization`` (all containers' use over the task's memory: ECS guide, "Amazon
    ECS service utilization metrics") at which the app alone may have reached ``memory_percent`` of its
    own hard limit, which its sidecars shrink: the task's use is at least the app's, so the alarm fires no
    later than the app gets there (earlier when sidecars use their share). Rounded down to 0.01."""
    return (memory_percent * app_memory_mib * 100 // task_memory_mib) / 100  # integers: floored exactly


def alarm_definitions(
    alarms: Alarms,
    *,
    app_memory_mib: int | None = None,
    task_memory_mib: int | None = None,
    grace_period_seconds: int = 0,
    spread_seconds: int = 0,
) -> tuple[AlarmDefinition, ...]:
    """The service's alarms, target-side ones first (they exist before the service, which names them). The
    memory alarm's threshold is the app container's (``memory_threshold``) when its memory is less than
    the task's (sidecars hold the rest), else the task's; the unhealthy-target alarm waits out the route's
    health-check grace period and a deployment's tasks starting up to ``spread_seconds`` apart
    (``unhealthy_window``)."""
    unhealthy = unhealthy_minutes(grace_period_seconds, spread_seconds)
    memory: float = alarms.memory_percent
    memory_text = f"Service memory above {alarms.memory_percent} % (the heap ceiling is below it)"
    if app_memory_mib is not None and task_memory_mib is not None and app_memory_mib < task_memory_mib:
        memory = memory_threshold(alarms.memory_percent, app_memory_mib=app_memory_mib, task_memory_mib=task_memory_mib)
        memory_text = (f"Task memory above {memory} %: the app may be at {alarms.memory_percent} % of its own "
                       f"{app_memory_mib} MiB (sidecars hold the rest of {task_memory_mib})")  # fmt: skip
    return (
        AlarmDefinition("target-5xx", f"More than {alarms.target_5xx_percent} % of the target group's requests "
                        "answer 5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum",
                        alarms.target_5xx_percent, TARGET_5XX_MINUTES, "target", rolls_back_deployments=True,
                        per_request="RequestCount"),
        AlarmDefinition("unhealthy", f"Unhealthy targets behind the load balancer, {unhealthy} minutes running "
                        f"(past a {grace_period_seconds} s health-check grace period, a deployment's tasks starting "
                        f"up to {spread_seconds} s apart)", "AWS/ApplicationELB",
                        "UnHealthyHostCount", "Maximum", 0, unhealthy, "target", rolls_back_deployments=True),
        AlarmDefinition("response-time", f"p95 response time above {alarms.response_time_ms} ms",
                        "AWS/ApplicationELB", "TargetResponseTime", "p95", alarms.response_time_ms / 1000, 5, "target"),
        # Not a deployment alarm: its one dimension is the load balancer, which other services share (a 503 of
        # another's rule would roll this one back), and it cannot tell the new revision's group from the old.
        AlarmDefinition("elb-5xx", "The load balancer itself answered 5xx, for any of its services (503: a "
                        "rule with no target registered; 502, 504: a target refused, reset or timed out), "
                        f"in {ELB_5XX_MINUTES} of {ELB_5XX_WINDOW} minutes running",
                        "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 0, ELB_5XX_WINDOW, "load_balancer",
                        filled=True, datapoints=ELB_5XX_MINUTES),
        AlarmDefinition("cpu", f"Service CPU above {alarms.cpu_percent} %", "AWS/ECS", "CPUUtilization",
                        "Average", alarms.cpu_percent, 3, "service"),
        AlarmDefinition("memory", memory_text, "AWS/ECS", "MemoryUtilization", "Average", memory, 3, "service"),
    )  # fmt: skip


def deployment_alarm_minutes(grace_period_seconds: int, spread_seconds: int) -> int:
    """The longest evaluation window of the deployment alarms (target 5xx and unhealthy targets, one-minute
    periods) of a deployment whose tasks start up to ``spread_seconds`` apart, of which ECS computes the bake
    of a deployment that has them (``deploy_time``)."""
    return max(TARGET_5XX_MINUTES, unhealthy_minutes(grace_period_seconds, spread_seconds))
