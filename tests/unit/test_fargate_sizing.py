import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.fargate_sizing import VALID_CPU, valid_memory, validate_task_size

# (cpu, memory) pairs straight from the ECS TaskDefinition documentation, edges included.
DOCUMENTED = [
    (256, 512), (256, 1024), (256, 2048),
    (512, 1024), (512, 4096),
    (1024, 2048), (1024, 8192),
    (2048, 4096), (2048, 16384),
    (4096, 8192), (4096, 30720),
    (8192, 16384), (8192, 20480), (8192, 61440),
    (16384, 32768), (16384, 40960), (16384, 122880),
]  # fmt: skip
REJECTED = [
    (256, 3072), (256, 4096),
    (512, 512), (512, 5120),
    (1024, 1024), (1024, 2560),
    (4096, 31744),
    (8192, 17408),  # 1 GiB step: 8 vCPU moves in 4 GiB steps
    (8192, 65536),
    (16384, 36864),  # 4 GiB step: 16 vCPU moves in 8 GiB steps
    (16384, 131072),
]  # fmt: skip


@pytest.mark.parametrize(("cpu", "memory"), DOCUMENTED)
def test_documented_sizes_are_accepted(cpu: int, memory: int) -> None:
    validate_task_size(cpu, memory, "1.4.0")


@pytest.mark.parametrize(("cpu", "memory"), REJECTED)
def test_sizes_off_the_table_are_rejected_naming_memory(cpu: int, memory: int) -> None:
    with pytest.raises(ConfigError) as error:
        validate_task_size(cpu, memory, "1.4.0")
    assert error.value.key == "ServiceSpec.memory"
    assert error.value.value == memory
    assert f"for cpu {cpu}" in str(error.value)


@pytest.mark.parametrize("cpu", [0, 128, 1000, 3072, 32768])
def test_unknown_cpu_sizes_are_rejected_listing_the_valid_ones(cpu: int) -> None:
    with pytest.raises(ConfigError, match="256, 512, 1024, 2048, 4096, 8192, 16384") as error:
        validate_task_size(cpu, 2048, "1.4.0")
    assert error.value.key == "ServiceSpec.cpu"


def test_eight_and_sixteen_vcpu_step_in_four_and_eight_gib() -> None:
    assert valid_memory(8192) == tuple(range(16384, 61441, 4096))
    assert valid_memory(16384) == tuple(range(32768, 122881, 8192))


@pytest.mark.parametrize("cpu", [8192, 16384])
def test_eight_and_sixteen_vcpu_need_platform_one_four(cpu: int) -> None:
    with pytest.raises(ConfigError) as error:
        validate_task_size(cpu, valid_memory(cpu)[0], "1.3.0")
    assert error.value.key == "ServiceSpec.platform_version"
    validate_task_size(cpu, valid_memory(cpu)[0], "LATEST")


@given(st.sampled_from(VALID_CPU).flatmap(lambda cpu: st.tuples(st.just(cpu), st.sampled_from(valid_memory(cpu)))))
def test_every_size_in_the_table_is_accepted(size: tuple[int, int]) -> None:
    validate_task_size(*size, "LATEST")


@given(st.sampled_from(VALID_CPU), st.integers(min_value=0, max_value=200_000))
def test_a_memory_is_accepted_exactly_when_the_table_lists_it(cpu: int, memory: int) -> None:
    listed = memory in valid_memory(cpu)
    try:
        validate_task_size(cpu, memory, "LATEST")
        accepted = True
    except ConfigError:
        accepted = False
    assert accepted == listed
