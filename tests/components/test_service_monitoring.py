"""Spot interruptions, the task counter and the dashboard, judged by what CloudWatch and EventBridge do
with them (``tests/models/cloudwatch.py``), not only by the values chosen."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from components.cost import COUNTER_RUNS_PER_HOUR
from components.naming import stack_hash
from components.observability import task_counter_handler
from components.observability.alarm_rules import MONITORING_ALARMS, Alarms
from components.observability.dashboard import COUNTER_SILENT_MINUTES, METRIC_NAMESPACE, SPOT_METRIC
from components.observability.task_counter_handler import emf_documents
from tests.components.builders import LB_SUFFIX, published_metrics, service
from tests.models.cloudwatch import (
    MetricId,
    alarm_metrics,
    alarm_states,
    dashboard_metrics,
    emf_metrics,
    event_matches,
    filter_metric,
    published_by_aws,
    spot_interruption,
    task_state_change,
)
from tools.offline import RecordingMocks

CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/svc-cluster"
GROUP = "service:svc-svc"


@pytest.fixture(scope="module")
def alarmed(mocked) -> RecordingMocks:
    alarms = Alarms(emails=("ops@example.com",))
    return mocked(lambda: service(alarms=alarms, load_balancer_arn_suffix=LB_SUFFIX))


def spot_rule(mocks: RecordingMocks) -> dict[str, Any]:
    return mocks.find("aws:cloudwatch/eventRule:EventRule", "svc-monitoring-spot-rule").inputs


def delivered(mocks: RecordingMocks, events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What the spot rule's targets receive of ``events``, by target ARN."""
    pattern = json.loads(spot_rule(mocks)["eventPattern"])
    matched = [e for e in events if event_matches(pattern, e)]
    targets = [
        t for t in mocks.inputs_of("aws:cloudwatch/eventTarget:EventTarget") if t["rule"] == "svc-monitoring-spot-rule"
    ]
    return {t["arn"]: matched for t in targets}


def test_an_interruption_counts_once_though_each_step_of_its_stop_sends_an_event(alarmed: RecordingMocks) -> None:
    events = [
        *spot_interruption(CLUSTER_ARN, GROUP, "task/a"),
        *spot_interruption(CLUSTER_ARN, GROUP, "task/b"),
        *spot_interruption(CLUSTER_ARN, "service:another", "task/c"),
        task_state_change(CLUSTER_ARN, GROUP, "task/d", "STOPPED", "STOPPED", "ServiceSchedulerInitiated"),
        task_state_change(CLUSTER_ARN, GROUP, "task/e", "RUNNING", "RUNNING"),
    ]
    assert sum(e["detail"].get("stopCode") == "SpotInterruption" for e in events) == 18  # what a naive rule sees
    by_target = delivered(alarmed, events)
    topic = next(arn for arn in by_target if ":sns:" in arn)
    logs = next(arn for arn in by_target if ":logs:" in arn)
    # Its name prefix and the provider's unique suffix (id.PrefixedUniqueId: 18 digits, 8 hex digits),
    # under /aws/events/, the only log groups EventBridge writes to.
    assert re.fullmatch(r"arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/"
                        r"svc-monitoring-spot-interruptions-\d{18}[0-9a-f]{8}", logs)  # fmt: skip
    assert [e["detail"]["taskArn"] for e in by_target[topic]] == ["task/a", "task/b"]  # one mail per task
    metric_filter = alarmed.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs
    counted = [filter_metric(metric_filter, e) for e in by_target[logs]]
    spot_metric = (METRIC_NAMESPACE, SPOT_METRIC, frozenset({("Service", GROUP)}))
    assert counted == [spot_metric, spot_metric]


def test_the_spot_alarm_and_graph_ask_for_the_metric_the_filter_publishes(alarmed: RecordingMocks) -> None:
    metric_filter = alarmed.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs
    stopped = spot_interruption(CLUSTER_ARN, GROUP, "task/a")[-1]
    published = filter_metric(metric_filter, stopped)
    alarm = alarmed.find("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-monitoring-spot-alarm").inputs
    assert alarm_metrics(alarm) == [published]
    assert (alarm["statistic"], alarm["period"], alarm["threshold"]) == ("Sum", 3600, 3)
    graphed = dict(dashboard_metrics(alarmed.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]))
    assert graphed["Spot interruptions"] == published


def test_every_metric_the_dashboard_and_the_alarms_ask_for_is_published(alarmed: RecordingMocks) -> None:
    """CloudWatch shows nothing, without an error, for a dimension set nobody publishes."""
    ours = published_metrics(alarmed)
    insights = alarmed.one("aws:ecs/cluster:Cluster").inputs["settings"][0]["value"] != "disabled"
    asked = [
        (f"alarm {a.name}", metric)
        for a in alarmed.resources
        if a.type == "aws:cloudwatch/metricAlarm:MetricAlarm"
        for metric in alarm_metrics(a.inputs)
    ]
    asked += dashboard_metrics(alarmed.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    # Seven one-metric alarms (the load balancer's 5xx and the silent counter's among them), the 5xx ratio's
    # two, the below-desired one's three, the widgets (the load balancer's 5xx among them).
    assert len(asked) == 7 + 2 + 3 + 10
    unpublished = [
        (where, m) for where, m in asked if m not in ours and not published_by_aws(m, container_insights=insights)
    ]
    assert unpublished == []


def test_the_graph_of_running_tasks_has_a_line_per_provider_of_the_strategy_and_the_desired_count(
    alarmed: RecordingMocks,
) -> None:
    body = alarmed.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]
    graphed = [m for title, m in dashboard_metrics(body) if title.startswith("Running tasks")]
    assert [(name, dict(dims).get("CapacityProvider")) for _, name, dims in graphed] == [
        ("RunningTasks", "FARGATE"), ("RunningTasks", "FARGATE_SPOT"), ("DesiredTasks", None),
    ]  # fmt: skip
    assert set(graphed) == {m for m in published_metrics(alarmed) if m[1] != SPOT_METRIC}


def test_the_counter_runs_its_handler_on_arm64_every_minute(alarmed: RecordingMocks) -> None:
    function = alarmed.one("aws:lambda/function:Function")
    assert (function.inputs["architectures"], function.inputs["runtime"]) == (["arm64"], "python3.14")
    module, _, attribute = function.inputs["handler"].partition(".")
    archive = function.inputs["code"].assets
    source = archive[f"{module}.py"].text
    assert source == Path(task_counter_handler.__file__).read_text()
    assert callable(getattr(task_counter_handler, attribute))
    schedule = alarmed.find("aws:cloudwatch/eventRule:EventRule", "svc-monitoring-task-count-schedule").inputs
    # EventBridge's rate syntax: "1 minute", or "N minutes" for N > 1 ("1 minutes" is refused).
    minutes = re.fullmatch(r"rate\((?:(1) minute|([2-9]|[1-9]\d+) minutes)\)", schedule["scheduleExpression"])
    assert minutes is not None
    assert 60 // int(minutes[1] or minutes[2]) == COUNTER_RUNS_PER_HOUR  # the estimate prices what runs
    (target,) = [t for t in alarmed.inputs_of("aws:cloudwatch/eventTarget:EventTarget") if "task-count" in t["rule"]]
    assert target["arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{function.name}"
    permission = alarmed.one("aws:lambda/permission:Permission").inputs
    assert (permission["principal"], permission["sourceArn"]) == (
        "events.amazonaws.com", "arn:aws:events:us-east-1:123456789012:rule/svc-monitoring-task-count-schedule",
    )  # fmt: skip
    logs = alarmed.find("aws:cloudwatch/logGroup:LogGroup", "svc-monitoring-task-count-logs")
    assert function.inputs["loggingConfig"] == {"logGroup": logs.name, "logFormat": "Text"}
    assert logs.inputs["retentionInDays"] == 30


def test_the_counter_may_read_only_this_service_and_this_clusters_tasks(alarmed: RecordingMocks) -> None:
    (policy,) = [p for p in alarmed.inputs_of("aws:iam/rolePolicy:RolePolicy") if "task-count" in p["role"]]
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert statements["DescribeService"]["Resource"] == "arn:aws:ecs:us-east-1:123456789012:service/svc-cluster/svc-svc"
    assert statements["ListTasks"]["Condition"] == {"ArnEquals": {"ecs:cluster": CLUSTER_ARN}}
    assert statements["DescribeTasks"]["Resource"] == "arn:aws:ecs:us-east-1:123456789012:task/svc-cluster/*"
    assert "cloudwatch:PutMetricData" not in json.dumps(statements)  # metrics come from its log lines


def test_the_dashboard_url_is_an_output_and_names_the_region(mocked) -> None:
    urls: list[str] = []

    def build() -> None:
        svc = service(alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX)
        assert svc.dashboard_url is not None
        svc.dashboard_url.apply(urls.append)

    mocked(build)
    assert urls == [
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
        f"#dashboards:name=graviton-node-{stack_hash('graviton-node', 'dev')}-svc-monitoring-us-east-1"
    ]


def minutes(desired: list[int], on_demand: list[int], spot: list[int]) -> dict[MetricId, list[float | None]]:
    """What the counter publishes minute by minute (its EMF documents) for these counts."""
    series: dict[MetricId, list[float | None]] = {}
    for d, f, sp in zip(desired, on_demand, spot, strict=True):
        for document in emf_documents(
            "GravitonNode", "svc-cluster", "svc-svc", d, {"FARGATE": f, "FARGATE_SPOT": sp}, 1
        ):
            for metric, value in emf_metrics(json.dumps(document)):
                series.setdefault(metric, []).append(value)
    return series


@pytest.mark.parametrize(
    ("story", "desired", "on_demand", "spot", "alarms_at"),
    [
        ("no Spot capacity: two of four tasks never start", [4] * 20, [1] * 20, [1] * 20, 15),
        ("a deployment runs old and new tasks side by side", [4] * 20, [2] * 20, [6] * 20, None),
        ("a scale-out's tasks start within five minutes", [6] * 20, [1] * 20, [3] * 5 + [5] * 15, None),
        ("an interruption's replacement starts within three minutes", [4] * 20, [1] * 20,
         [3] * 5 + [2] * 3 + [3] * 12, None),
        ("tasks keep failing to start after a bad deploy", [2] * 20, [1] * 20, [0] * 20, 15),
    ],
)  # fmt: skip
def test_the_below_desired_alarm_fires_on_a_lasting_shortfall_only(
    alarmed: RecordingMocks,
    story: str,
    desired: list[int],
    on_demand: list[int],
    spot: list[int],
    alarms_at: int | None,
) -> None:
    alarm = alarmed.find("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-monitoring-below-desired").inputs
    states = alarm_states(alarm, minutes(desired, on_demand, spot))
    first = states.index("ALARM") + 1 if "ALARM" in states else None
    assert first == alarms_at, story
    assert alarm["alarmActions"] == [f"arn:aws:sns:us-east-1:123456789012:{alarmed.one('aws:sns/topic:Topic').name}"]


def test_the_monitoring_alarms_are_exactly_the_ones_the_cost_estimate_counts(alarmed: RecordingMocks) -> None:
    monitoring = {r.name for r in alarmed.resources
                  if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm" and "-monitoring-" in r.name}  # fmt: skip
    assert monitoring == {f"svc-monitoring-{role}" for role in MONITORING_ALARMS}


#: A healthy minute of every metric the service's alarms read besides the counter's (ELB and Spot counts
#: are published only when non-zero: missing).
HEALTHY = {"CPUUtilization": 20.0, "MemoryUtilization": 40.0, "RequestCount": 600.0, "UnHealthyHostCount": 0.0,
           "TargetResponseTime": 0.05}  # fmt: skip


def every_alarm_through(
    mocks: RecordingMocks, counted: dict[MetricId, list[float | None]], minutes_run: int, extra_periods: int = 1
) -> dict[str, list[str]]:
    """Each alarm's states over ``minutes_run`` minutes: the counter's metrics as ``counted`` (absent: never
    published), the others healthy; CloudWatch reading ``extra_periods`` beyond each alarm's own."""
    alarms = {r.name: r.inputs for r in mocks.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"}
    series = {
        metric: counted.get(metric, [HEALTHY.get(metric[1])] * minutes_run)
        for alarm in alarms.values()
        for metric in alarm_metrics(alarm)
    }
    return {name: alarm_states(alarm, series, extra_periods=extra_periods) for name, alarm in alarms.items()}


@pytest.mark.parametrize("extra_periods", range(1, 6))
def test_a_counter_that_stops_publishing_sets_off_an_alarm_to_the_topic(
    alarmed: RecordingMocks, extra_periods: int
) -> None:
    """Its function failing (a boundary without ecs:DescribeServices, throttling, a bad deploy) publishes no
    count at all: the below-desired alarm takes the missing data as no shortfall, so another must not. It
    fires once the whole evaluation range is silent: while the last count is in it, CloudWatch evaluates that
    one with the missing minutes and stays OK, so "no count for 10 minutes" means 10 at least."""
    counting = 15
    counted = {
        metric: values[:counting] + [None] * 20 for metric, values in minutes([4] * 35, [1] * 35, [3] * 35).items()
    }
    states = every_alarm_through(alarmed, counted, counting + 20, extra_periods)
    fired = {name: s.index("ALARM") + 1 for name, s in states.items() if "ALARM" in s}
    assert fired == {"svc-monitoring-counter-silent": counting + COUNTER_SILENT_MINUTES + extra_periods}
    alarm = alarmed.find("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-monitoring-counter-silent").inputs
    topic = f"arn:aws:sns:us-east-1:123456789012:{alarmed.one('aws:sns/topic:Topic').name}"
    assert alarm["alarmActions"] == alarm["okActions"] == [topic]


def test_a_new_stacks_silent_counter_alarm_fires_once_before_the_first_count_then_clears(
    alarmed: RecordingMocks,
) -> None:
    """Expected, not a fault: created with nothing published yet, its whole range is missing, which it takes as
    breaching (CloudWatch: ALARM at the first evaluation); the first counts clear it. One mail pair when a stack
    first gets alarms; none on a later deployment, whose counter keeps publishing."""
    counted = {metric: [None, *values[1:]] for metric, values in minutes([4] * 5, [1] * 5, [3] * 5).items()}
    states = every_alarm_through(alarmed, counted, 5)
    assert states["svc-monitoring-counter-silent"] == ["ALARM", "OK", "OK", "OK", "OK"]


@pytest.mark.parametrize(
    ("story", "published"),
    [
        ("every minute", [True] * 30),
        ("a throttled run or a late log line now and then", ([True] * 4 + [False]) * 6),
        ("a deploy of the function misses a few minutes", [True] * 10 + [False] * 5 + [True] * 15),
    ],
)
def test_a_counter_that_keeps_counting_sets_off_nothing(
    alarmed: RecordingMocks, story: str, published: list[bool]
) -> None:
    counted = minutes([4] * 30, [1] * 30, [3] * 30)
    counted = {metric: [v if p else None for v, p in zip(values, published, strict=True)]
               for metric, values in counted.items()}  # fmt: skip
    states = every_alarm_through(alarmed, counted, 30)
    assert {name for name, s in states.items() if "ALARM" in s} == set(), story
