"""The model of what ECS stores of a task's containers and how the provider compares it with what was
sent (``tests/models/ecs_container_definitions.py``), held to the provider's ``reduce`` case by case."""

from tests.models.ecs_container_definitions import perpetual_diff, reduce, registered_form


def test_containers_and_their_environment_and_secrets_compare_in_name_order() -> None:
    sent = [
        {"name": "b", "environment": [{"name": "Y", "value": "1"}, {"name": "X", "value": "2"}]},
        {"name": "a", "secrets": [{"name": "S2", "valueFrom": "p2"}, {"name": "S1", "valueFrom": "p1"}]},
    ]
    (first, second) = reduce(sent)
    assert [first["name"], second["name"]] == ["a", "b"]
    assert [s["name"] for s in first["secrets"]] == ["S1", "S2"]
    assert [e["name"] for e in second["environment"]] == ["X", "Y"]


def test_an_unset_essential_is_true_and_empty_lists_are_none() -> None:
    assert reduce([{"name": "a", "mountPoints": [], "environment": [], "command": []}]) == [
        {"name": "a", "essential": True}
    ]


def test_a_health_check_unset_interval_timeout_and_retries_are_ecs_defaults() -> None:
    sent = [{"name": "a", "healthCheck": {"command": ["CMD", "true"]}}]
    assert reduce(sent)[0]["healthCheck"] == {"command": ["CMD", "true"], "interval": 30, "timeout": 5, "retries": 3}


def test_under_awsvpc_an_unset_host_port_is_the_container_port_and_tcp_is_the_default_protocol() -> None:
    sent = [{"name": "a", "portMappings": [{"containerPort": 3000, "protocol": "tcp"}]}]
    assert reduce(sent)[0]["portMappings"] == [{"containerPort": 3000, "hostPort": 3000}]
    assert reduce(sent, awsvpc=False)[0]["portMappings"] == [{"containerPort": 3000}]


def test_compaction_drops_an_all_zero_entry_but_keeps_one_with_an_empty_value() -> None:
    """``compactArray`` drops what Go reads as a zero struct; a ``value`` of "" is a pointer to "", not nil."""
    sent = [{"name": "a", "environment": [{}, {"name": "FLAG", "value": ""}], "dependsOn": [{"condition": ""}]}]
    assert reduce(sent)[0]["environment"] == [{"name": "FLAG", "value": ""}]
    assert "dependsOn" not in reduce(sent)[0]


def test_ecs_stores_an_environment_without_its_empty_valued_entries() -> None:
    sent = [{"name": "a", "environment": [{"name": "FLAG", "value": ""}, {"name": "MODE", "value": "on"}]}]
    assert registered_form(sent)[0]["environment"] == [{"name": "MODE", "value": "on"}]


def test_an_empty_valued_entry_is_a_perpetual_diff_and_a_non_empty_one_is_not() -> None:
    def sent(value: str) -> list[dict[str, object]]:
        return [
            {"name": "a", "environment": [{"name": "FLAG", "value": value}], "healthCheck": {"command": ["CMD", "x"]}}
        ]

    assert perpetual_diff(sent(""))
    assert not perpetual_diff(sent("0"))
