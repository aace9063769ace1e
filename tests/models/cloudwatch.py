"""Which metrics CloudWatch holds, and which metric a dashboard widget or an alarm asks for.

CloudWatch names a metric by its namespace, its name and its exact set of dimensions: an alarm or a
widget that asks for a dimension set nobody publishes finds nothing, and shows nothing, without an
error. So every request is checked against what is really published:

- AWS's own metrics, with the dimension sets the services document (ELB guide "CloudWatch metrics for
  your Application Load Balancer"; ECS guide "Amazon ECS CloudWatch metrics" and "Container Insights
  metrics", the latter only when Container Insights is on);
- a log metric filter's metric, from an event it matches: ``$.path`` dimension values come from the
  event (CloudWatch Logs guide "Using dimensions with metric filters");
- embedded metric format documents, read by the EMF specification's rules.

A dashboard's ``metrics`` rows are ``[namespace, name, dim, value, ..., {options}]`` where ``"."``
repeats the value at that position in the row above (CloudWatch "Dashboard body structure").
"""

from __future__ import annotations

import json
import re
from typing import Any

MetricId = tuple[str, str, frozenset[tuple[str, str]]]

_ALB_TARGET = (frozenset({"LoadBalancer"}), frozenset({"LoadBalancer", "TargetGroup"}),
               frozenset({"LoadBalancer", "TargetGroup", "AvailabilityZone"}))  # fmt: skip
_ECS = (frozenset({"ClusterName"}), frozenset({"ClusterName", "ServiceName"}))
AWS_PUBLISHED: dict[tuple[str, str], tuple[frozenset[str], ...]] = {
    ("AWS/ApplicationELB", "RequestCount"): _ALB_TARGET,
    ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"): _ALB_TARGET,
    # A load balancer metric: no TargetGroup dimension (the same table: "LoadBalancer"; "AvailabilityZone,
    # LoadBalancer").
    ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"): (
        frozenset({"LoadBalancer"}),
        frozenset({"LoadBalancer", "AvailabilityZone"}),
    ),
    ("AWS/ApplicationELB", "TargetResponseTime"): _ALB_TARGET,
    ("AWS/ApplicationELB", "UnHealthyHostCount"): _ALB_TARGET[1:],
    ("AWS/ApplicationELB", "HealthyHostCount"): _ALB_TARGET[1:],
    # "You must specify the target group using the TargetGroup dimension" (the same table): "TargetGroup";
    # "TargetGroup, LoadBalancer".
    ("AWS/ApplicationELB", "RequestCountPerTarget"): (frozenset({"TargetGroup"}), _ALB_TARGET[1]),
    ("AWS/ECS", "CPUUtilization"): _ECS,
    ("AWS/ECS", "MemoryUtilization"): _ECS,
    # SQS guide "Available CloudWatch metrics for Amazon SQS": the only dimension is QueueName.
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): (frozenset({"QueueName"}),),
}
CONTAINER_INSIGHTS: dict[tuple[str, str], tuple[frozenset[str], ...]] = {
    ("ECS/ContainerInsights", name): (frozenset({"ClusterName", "ServiceName"}),)
    for name in ("RunningTaskCount", "DesiredTaskCount", "PendingTaskCount")
}


class EmfError(Exception):
    """A document CloudWatch would not turn into metrics (it is kept as a plain log line)."""


def published_by_aws(metric: MetricId, *, container_insights: bool) -> bool:
    namespace, name, dimensions = metric
    table = AWS_PUBLISHED | (CONTAINER_INSIGHTS if container_insights else {})
    return frozenset(key for key, _ in dimensions) in table.get((namespace, name), ())


def emf_metrics(line: str) -> list[tuple[MetricId, float]]:
    """The metrics (and values) CloudWatch extracts from one EMF log line, or EmfError."""
    document = json.loads(line)
    meta = document.get("_aws")
    if not isinstance(meta, dict) or not isinstance(meta.get("Timestamp"), int):
        raise EmfError("_aws.Timestamp (milliseconds since the epoch) is required")
    found: list[tuple[MetricId, float]] = []
    for directive in meta.get("CloudWatchMetrics") or []:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not 1 <= len(namespace) <= 255:
            raise EmfError(f"Namespace {namespace!r}")
        metrics = directive.get("Metrics", [])
        if not 1 <= len(metrics) <= 100:
            raise EmfError("1-100 metrics per directive")
        for dimension_set in directive.get("Dimensions", []):
            if len(dimension_set) > 30:
                raise EmfError("at most 30 dimensions in a set")
            for key in dimension_set:
                if not isinstance(document.get(key), str) or not document[key]:
                    raise EmfError(f"dimension {key!r} must name a non-empty string member")
            for metric in metrics:
                value = document.get(metric["Name"])
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise EmfError(f"metric {metric['Name']!r} must name a number member")
                if metric.get("StorageResolution", 60) not in (1, 60):
                    raise EmfError("StorageResolution is 1 or 60")
                dims = frozenset((key, document[key]) for key in dimension_set)
                found.append(((namespace, metric["Name"], dims), value))
    return found


def _path(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.removeprefix("$.").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


_TERM = re.compile(r'\$\.([\w.]+)\s*=\s*"([^"]*)"')


def filter_metric(metric_filter: dict[str, Any], event: dict[str, Any]) -> MetricId | None:
    """The metric a log metric filter (JSON equality terms joined by ``&&``) publishes for ``event``."""
    pattern = metric_filter["pattern"].strip()
    if not (pattern.startswith("{") and pattern.endswith("}")):
        raise NotImplementedError(pattern)
    terms = [t.strip() for t in pattern[1:-1].split("&&")]
    for term in terms:
        match = _TERM.fullmatch(term)
        if match is None:
            raise NotImplementedError(term)
        if _path(event, match[1]) != match[2]:
            return None
    transformation = metric_filter["metricTransformation"]
    dimensions = frozenset(
        (key, str(_path(event, value)) if value.startswith("$.") else value)
        for key, value in (transformation.get("dimensions") or {}).items()
    )
    return transformation["namespace"], transformation["name"], dimensions


def dashboard_metrics(body: str) -> list[tuple[str, MetricId]]:
    """Each widget's title and the metrics its rows ask for, ``"."`` expanded."""
    found: list[tuple[str, MetricId]] = []
    for widget in json.loads(body)["widgets"]:
        properties = widget["properties"]
        previous: list[Any] = []
        for row in properties.get("metrics", []):
            values = [v for v in row if not isinstance(v, dict)]
            if not values:
                continue  # an expression row: it asks for no stored metric
            expanded = [previous[i] if v == "." else v for i, v in enumerate(values)]
            previous = expanded
            namespace, name, *pairs = expanded
            dims = frozenset(zip(pairs[::2], pairs[1::2], strict=True))
            found.append((properties["title"], (namespace, name, dims)))
    return found


def alarm_metrics(alarm: dict[str, Any]) -> list[MetricId]:
    """The metrics an alarm watches: its one metric, or each metric of its metric-math queries."""
    if not alarm.get("metricQueries"):
        return [(alarm["namespace"], alarm["metricName"], frozenset((alarm.get("dimensions") or {}).items()))]
    return [
        (q["metric"]["namespace"], q["metric"]["metricName"], frozenset((q["metric"].get("dimensions") or {}).items()))
        for q in alarm["metricQueries"] if "metric" in q
    ]  # fmt: skip


_DIFFERENCE_OF_SUM = re.compile(r"(\w+) - SUM\(\[([\w, ]+)\]\)")
#: CloudWatch metric math's ``IF(condition, a, b)`` with a ``>=`` condition ("Metric math syntax and
#: functions"): a ratio in percent, guarded by a least denominator.
_GUARDED_PERCENT = re.compile(r"IF\((\w+) >= (\d+), 100 \* (\w+) / (\w+), 0\)")
#: ``FILL(m, v)``: ``v`` in every period where ``m`` has no datapoint (the same page).
_FILLED = re.compile(r"FILL\((\w+), (\d+)\)")
#: Periods CloudWatch reads beyond ``evaluationPeriods`` where a test does not say: the evaluation range's
#: size is not documented, only that it is larger ("How alarm state is evaluated when data is missing"; its
#: example reads 5 for 3), so the tests that depend on it try several.
EXTRA_PERIODS = 1


def as_sent(inputs: dict[str, Any]) -> dict[str, Any]:
    """A ``MetricAlarm``'s Python inputs under the names the provider receives (camelCase, as Pulumi's
    mocks record them); dimension names are AWS's own and stay."""

    def camel(key: str) -> str:
        head, *rest = key.split("_")
        return head + "".join(part.title() for part in rest)

    def convert(value: Any, key: str = "") -> Any:
        if isinstance(value, dict) and key != "dimensions":
            return {camel(k): convert(v, k) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return convert(inputs)


def returned_values(alarm: dict[str, Any], series: dict[MetricId, list[float | None]]) -> list[float | None]:
    """The value each minute (None: no datapoint) of the alarm's one metric, or of the query its metric math
    returns: the ``a - SUM([b, c])``, ``IF(b >= N, 100 * a / b, 0)`` and ``FILL(a, 0)`` this project uses.
    Metric math ("Using metric math"): arithmetic takes a missing value as 0 ("Missing values in a time
    series are treated as 0"); ``IF(TS >= S, x, y)`` has a point only where its condition's series has one;
    ``FILL`` makes the series dense. Any other expression raises NotImplementedError."""
    if not alarm.get("metricQueries"):
        (metric,) = alarm_metrics(alarm)
        if alarm.get("statistic") == "SampleCount":
            # The datapoints in the minute (a series holds one a minute): a minute without one has no
            # statistic at all, not a count of 0 (GetMetricStatistics returns no datapoint for it).
            return [None if v is None else 1.0 for v in series[metric]]
        return series[metric]
    queries = {q["id"]: q for q in alarm["metricQueries"]}
    (returned,) = [q for q in alarm["metricQueries"] if q.get("returnData")]

    def of(query_id: str) -> list[float | None]:
        (metric,) = alarm_metrics({"metricQueries": [queries[query_id]]})
        return series[metric]

    expression = returned["expression"]
    if match := _DIFFERENCE_OF_SUM.fullmatch(expression):
        left, summed = of(match[1]), [of(i.strip()) for i in match[2].split(",")]
        parts = [[v for v in (s[minute] for s in summed) if v is not None] for minute in range(len(left))]
        return [
            None if value is None or not part else value - sum(part) for value, part in zip(left, parts, strict=True)
        ]
    if match := _GUARDED_PERCENT.fullmatch(expression):
        guarded, least, part = of(match[1]), float(match[2]), of(match[3])
        if match[1] != match[4]:
            raise NotImplementedError(expression)
        # No point where the guard has none; a minute without a 5xx datapoint is 0 of them.
        return [
            None if g is None else 0.0 if g < least else 100 * (p or 0.0) / g
            for g, p in zip(guarded, part, strict=True)
        ]
    if match := _FILLED.fullmatch(expression):
        return [float(match[2]) if v is None else v for v in of(match[1])]
    raise NotImplementedError(expression)


def alarm_states(
    alarm: dict[str, Any], series: dict[MetricId, list[float | None]], *, extra_periods: int = EXTRA_PERIODS
) -> list[str]:
    """The alarm's state after each minute of ``series`` (a value or None a minute, per metric).

    Each minute CloudWatch reads an evaluation range of ``evaluationPeriods`` (N) plus ``extra_periods``
    minutes of the returned values (``returned_values``), a value breaching when it passes the threshold.
    If the range holds N datapoints or more, the most recent N are evaluated and ``treatMissingData`` is not
    used; with fewer, every one of them is, with as many missing minutes as make N, each counted as
    ``treatMissingData`` says ("How alarm state is evaluated when data is missing"; ``missing``, the default,
    counts as not breaching here: the model does not track INSUFFICIENT_DATA). The alarm fires when
    ``datapointsToAlarm`` (M, default N) of the N evaluated breach. The minutes before the series are
    missing (a new stack: nothing published yet), so an alarm that takes missing data as breaching fires at
    its first evaluation (the guide's ``- - - - -`` with BREACHING is ALARM).
    """
    if extra_periods < 1:
        raise ValueError("CloudWatch reads more periods than evaluationPeriods")
    values = returned_values(alarm, series)
    above = {"GreaterThanThreshold": lambda v: v > alarm["threshold"],
             "LessThanThreshold": lambda v: v < alarm["threshold"]}[alarm["comparisonOperator"]]  # fmt: skip
    missing_breaches = alarm.get("treatMissingData", "missing") == "breaching"
    window, needed = int(alarm["evaluationPeriods"]), int(alarm.get("datapointsToAlarm", alarm["evaluationPeriods"]))
    reach = window + extra_periods
    padded: list[float | None] = [None] * (reach - 1) + list(values)
    states = []
    for minute in range(len(values)):
        real = [v for v in padded[minute : minute + reach] if v is not None]
        evaluated = [above(v) for v in real[-window:]] + [missing_breaches] * max(0, window - len(real))
        states.append("ALARM" if sum(evaluated) >= needed else "OK")
    return states


def event_matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge's matching of exact-value patterns: every field of the pattern is in the event, with
    one of the listed values (a nested object recurses); fields the pattern leaves out match anything. An
    event field holding an array matches when it shares a value with the pattern's list (EventBridge User
    Guide, "Arrays in Amazon EventBridge event patterns": "If the value in the event is an array, then the
    event pattern matches if the intersection of the event pattern array and the event array is
    non-empty"). That page says nothing of an object pattern over an array of objects: the model raises."""
    for key, wanted in pattern.items():
        value = event.get(key)
        if isinstance(wanted, dict):
            if isinstance(value, list):
                raise NotImplementedError(f"{key}: an object pattern over an array is not modelled")
            if not isinstance(value, dict) or not event_matches(wanted, value):
                return False
        elif not any(v in wanted for v in (value if isinstance(value, list) else [value])):
            return False
    return True


def task_state_change(cluster_arn: str, group: str, task: str, last: str, desired: str, stop_code: str = "",
                      provider: str = "FARGATE_SPOT") -> dict[str, Any]:  # fmt: skip
    """An "ECS Task State Change" event as ECS sends it (the ECS guide's example, trimmed)."""
    detail: dict[str, Any] = {
        "clusterArn": cluster_arn,
        "group": group,
        "taskArn": task,
        "lastStatus": last,
        "desiredStatus": desired,
        "capacityProviderName": provider,
        "launchType": "FARGATE",
        "platformFamily": "Linux",
    }
    if stop_code:
        detail |= {"stopCode": stop_code, "stoppedReason": "Your Spot Task was interrupted."}
    return {"version": "0", "source": "aws.ecs", "detail-type": "ECS Task State Change", "detail": detail}


def spot_interruption(cluster_arn: str, group: str, task: str) -> list[dict[str, Any]]:
    """Every event one interrupted task sends: the notice while it runs (its container's exit repeats
    it), then each step of its stop, all with the stop code."""
    steps = ["RUNNING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]
    return [task_state_change(cluster_arn, group, task, last, "STOPPED", "SpotInterruption") for last in steps]
