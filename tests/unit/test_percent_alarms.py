"""Every percent alarm can fire at the highest value it accepts: fed the worst its metric can read
(``tests/models/metric_ceilings``), it goes to ALARM. A threshold the metric can never pass is an alarm that
never fires, and a deployment alarm that never fires never rolls a deployment back."""

from dataclasses import fields, replace

import pytest

from components.errors import ConfigError
from components.observability.alarm_rules import Alarms, alarm_definitions
from tests.models.cloudwatch import alarm_states, as_sent
from tests.models.metric_ceilings import worst_series

#: Each percent setting and the role of the alarm whose threshold it sets.
PERCENT_ALARMS = {"cpu_percent": "cpu", "memory_percent": "memory", "target_5xx_percent": "target-5xx"}
WATCHED = {"target": {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg/2"},
           "service": {"ClusterName": "c", "ServiceName": "s"}}  # fmt: skip
#: The task's memory without sidecars (the app holds all of it) and with them (the app holds half).
MEMORY_SPLITS = {"no sidecars": (2048, 2048), "sidecars": (1024, 2048)}


def alarms_with(setting: str, value: int) -> Alarms:
    return replace(Alarms(), **{setting: value})


def highest_accepted(setting: str) -> int:
    accepted = []
    for value in range(1, 1001):
        try:
            alarms_with(setting, value)
        except ConfigError:
            continue
        accepted.append(value)
    return max(accepted)


def test_every_percent_setting_is_held_to_its_alarm_here() -> None:
    assert set(PERCENT_ALARMS) == {f.name for f in fields(Alarms) if f.name.endswith("_percent")}


@pytest.mark.parametrize("split", MEMORY_SPLITS)
@pytest.mark.parametrize("setting", PERCENT_ALARMS)
def test_a_percent_alarm_at_the_highest_value_it_accepts_fires_on_the_worst_its_metric_can_read(
    setting: str, split: str
) -> None:
    app, task = MEMORY_SPLITS[split]
    alarms = alarms_with(setting, highest_accepted(setting))
    definitions = alarm_definitions(alarms, app_memory_mib=app, task_memory_mib=task)
    (definition,) = [d for d in definitions if d.role == PERCENT_ALARMS[setting]]
    alarm = as_sent(definition.alarm_inputs(WATCHED[definition.watches], None))
    assert alarm_states(alarm, worst_series(alarm, minutes=10))[-1] == "ALARM"


@pytest.mark.parametrize("setting", PERCENT_ALARMS)
def test_a_percent_past_the_highest_accepted_is_refused_saying_the_alarm_could_never_fire(setting: str) -> None:
    with pytest.raises(ConfigError) as error:
        alarms_with(setting, highest_accepted(setting) + 1)
    assert error.value.key == f"Alarms.{setting}"
    assert "could never fire" in error.value.allowed
