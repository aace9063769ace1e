import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.env_tuning import (
    Tuning,
    heap_ceiling_mib,
    parse_environment,
    tuned_environment,
)
from components.service.service_spec import ServiceSpec


def test_the_tuning_sets_arenas_heap_and_thread_pool_from_memory() -> None:
    assert tuned_environment({}, container_memory_mib=2048, tuning=Tuning()) == {
        "MALLOC_ARENA_MAX": "2",
        "NODE_OPTIONS": "--max-old-space-size=1433",
        "UV_THREADPOOL_SIZE": "8",
    }


@pytest.mark.parametrize(
    ("memory", "percent", "heap"), [(512, 70, 358), (1024, 70, 716), (4096, 50, 2048), (30720, 90, 27648)]
)
def test_the_heap_ceiling_is_the_floor_of_memory_times_percent(memory: int, percent: int, heap: int) -> None:
    assert heap_ceiling_mib(memory, percent) == heap


def test_user_node_options_flags_are_kept_before_the_heap_ceiling() -> None:
    env = tuned_environment(
        {"NODE_OPTIONS": "--enable-source-maps --trace-warnings", "LOG_LEVEL": "debug"},
        container_memory_mib=1024,
        tuning=Tuning(),
    )
    assert env["NODE_OPTIONS"] == "--enable-source-maps --trace-warnings --max-old-space-size=716"
    assert env["LOG_LEVEL"] == "debug"


@pytest.mark.parametrize("flag", ["--max-old-space-size=512", "--max_old_space_size=512"])
def test_a_second_heap_flag_is_an_error_naming_environment(flag: str) -> None:
    with pytest.raises(ConfigError, match="without --max-old-space-size") as error:
        ServiceSpec(environment={"NODE_OPTIONS": flag})
    assert error.value.key == "ServiceSpec.environment"


@pytest.mark.parametrize("name", ["MALLOC_ARENA_MAX", "UV_THREADPOOL_SIZE"])
def test_tuned_variables_cannot_be_set_through_environment(name: str) -> None:
    with pytest.raises(ConfigError, match="tuning config key"):
        ServiceSpec(environment={name: "4"})


def test_tuning_values_are_overridable() -> None:
    env = tuned_environment(
        {}, container_memory_mib=4096, tuning=Tuning(heap_percent=50, uv_threadpool_size=16, malloc_arena_max=4)
    )
    assert env == {"MALLOC_ARENA_MAX": "4", "NODE_OPTIONS": "--max-old-space-size=2048", "UV_THREADPOOL_SIZE": "16"}


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"heap_percent": 9}, "Tuning.heap_percent"),
        ({"heap_percent": 91}, "Tuning.heap_percent"),
        ({"uv_threadpool_size": 0}, "Tuning.uv_threadpool_size"),
        ({"uv_threadpool_size": 1025}, "Tuning.uv_threadpool_size"),
        ({"malloc_arena_max": 0}, "Tuning.malloc_arena_max"),
        ({"malloc_arena_max": 65}, "Tuning.malloc_arena_max"),
    ],
)
def test_tuning_out_of_range_is_refused_when_it_is_built_naming_its_field(values: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        Tuning(**values)
    assert error.value.key == key


@pytest.mark.parametrize("entry", ["NOVALUE", "1BAD=x", "BAD-NAME=x", "=x"])
def test_malformed_environment_entries_are_rejected(entry: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_environment((entry,))
    assert error.value.key == "ServiceSpec.environment"


def test_environment_values_may_contain_equals_signs() -> None:
    assert parse_environment(("QUERY=a=b",)) == {"QUERY": "a=b"}


def test_a_name_set_twice_is_rejected() -> None:
    with pytest.raises(ConfigError, match="set twice"):
        parse_environment(("A=1", "A=2"))


@given(st.integers(512, 122880), st.integers(10, 90))
def test_the_heap_leaves_headroom_below_container_memory(memory: int, percent: int) -> None:
    heap = int(
        tuned_environment({}, container_memory_mib=memory, tuning=Tuning(heap_percent=percent))["NODE_OPTIONS"].split(
            "="
        )[1]
    )
    assert memory * percent / 100 - 1 < heap <= memory * 0.9


def test_every_tuning_value_out_of_range_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as error:
        Tuning(heap_percent=95, uv_threadpool_size=0, malloc_arena_max=100)
    assert [e.key for e in error.value.errors] == [
        "Tuning.heap_percent",
        "Tuning.uv_threadpool_size",
        "Tuning.malloc_arena_max",
    ]


def test_every_clash_of_the_environment_with_what_the_task_sets_is_reported_at_once() -> None:
    """The app contract's names, the tuning's and a heap flag: each named, in one error."""
    environment = {
        "PORT": "1",
        "DRAIN_DELAY_MS": "2",
        "MALLOC_ARENA_MAX": "4",
        "NODE_OPTIONS": "--max-old-space-size=9",
    }
    with pytest.raises(ConfigError) as error:
        ServiceSpec(environment=environment)
    assert sorted(e.value.split("=")[0] for e in error.value.errors) == sorted(environment)
    assert {e.key for e in error.value.errors} == {"ServiceSpec.environment"}
