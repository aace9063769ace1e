"""Writable paths beside a read-only root: on Fargate, a bind mount a path on the task's ephemeral storage,
held to the rules botocore documents for ``Volume`` and ``MountPoint``."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.container_definition import container_definition
from components.service.service_spec import ServiceSpec
from components.service.writable_paths import check_writable_paths, mount_points, task_volumes
from tests.models.aws_api import Api, documentation
from tests.models.aws_contract import RUNC_VALID_PROC_MOUNTS, _proc_mounts

#: ECS ``Volume.name``: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens".
VOLUME_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
#: ECS ``Volume``: a name and at most one of these; none of them is a bind mount (a host volume).
VOLUME_KINDS = {
    "configuredAtLaunch", "dockerVolumeConfiguration", "efsVolumeConfiguration", "s3filesVolumeConfiguration",
    "fsxWindowsFileServerVolumeConfiguration", "host",
}  # fmt: skip

#: ``[a-z0-9_][a-z0-9_.-]{0,20}``, drawn as text (one draw per string, not one per character as from_regex's);
#: its first character is never a dot, so never ``.`` or ``..``.
folder = st.builds(
    str.__add__, st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789_"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789_.-", max_size=20),
)  # fmt: skip
#: Anywhere but /proc, where runc mounts nothing but procfs (``test_no_path_is_in_proc_where_runc_refuses_a_mount``).
outside_proc = st.lists(folder, min_size=1, max_size=4).filter(lambda parts: parts[0] != "proc")
paths = st.lists(outside_proc.map(lambda parts: "/" + "/".join(parts)), unique=True)


def test_botocore_documents_the_rules_modelled_here() -> None:
    assert "If an empty volume configuration is specified, by default Amazon ECS uses a host volume" in (
        documentation("ecs", "RegisterTaskDefinition:volumes[]")
    )
    assert "Docker daemon assigns a host path" in documentation("ecs", "RegisterTaskDefinition:volumes[].host")
    assert "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens" in (
        documentation("ecs", "RegisterTaskDefinition:volumes[].name")
    )
    assert "Must be a volume name referenced in the name parameter of task definition volume" in (
        documentation("ecs", "RegisterTaskDefinition:containerDefinitions[].mountPoints[].sourceVolume")
    )


@given(paths)
def test_each_path_is_a_writable_mount_of_a_bind_mount_volume_of_its_own(given_paths: list[str]) -> None:
    volumes, mounts = task_volumes(check_writable_paths("k", given_paths)), mount_points(given_paths)
    assert all(VOLUME_NAME.fullmatch(volume["name"]) and not VOLUME_KINDS & volume.keys() for volume in volumes)
    assert len({volume["name"] for volume in volumes}) == len(volumes)
    assert [mount["containerPath"] for mount in mounts] == given_paths
    assert {mount["sourceVolume"] for mount in mounts} == {volume["name"] for volume in volumes}
    assert all(mount["readOnly"] is False for mount in mounts)
    assert Api("ecs", "RegisterTaskDefinition:volumes").problems(volumes) == []
    assert Api("ecs", "RegisterTaskDefinition:containerDefinitions[].mountPoints").problems(mounts) == []


@pytest.mark.parametrize(
    "bad",
    [["tmp"], ["/"], ["/tmp/"], ["//tmp"], ["/app/../etc"], ["/app/./cache"], ["/tmp", "/tmp"], [""]],
)
def test_a_path_that_is_not_one_plain_absolute_folder_once_is_refused(bad: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(writable_paths=tuple(bad))
    assert (error.value.key, error.value.value) == ("ServiceSpec.writable_paths", bad)


@pytest.mark.parametrize("proc", ["/proc", "/proc/self", "/proc/sys/net", "/proc/cpuinfo"])
def test_no_path_is_in_proc_where_runc_refuses_a_mount(proc: str) -> None:
    """runc's checkProcMount (``tests.models.aws_contract._proc_mounts``) refuses the task's mount there."""
    spec = ServiceSpec(writable_paths=("/procfs", "/app/proc"))
    assert _proc_mounts([container_definition(spec, image="i", log_group="l", region="eu-west-1")]) == []
    with pytest.raises(ConfigError) as error:
        ServiceSpec(writable_paths=("/tmp", proc))
    assert (error.value.key, error.value.value) == ("ServiceSpec.writable_paths", proc)
    assert error.value.allowed.endswith("none at or under /proc, where runc mounts nothing but procfs")
    assert _proc_mounts([{"mountPoints": mount_points([proc])}]) != [] or proc in RUNC_VALID_PROC_MOUNTS


def test_the_root_stays_read_only_and_only_the_paths_are_mounted_writable() -> None:
    container = container_definition(
        ServiceSpec(writable_paths=("/tmp", "/app/cache")), image="i", log_group="l", region="eu-west-1"
    )
    assert container["readonlyRootFilesystem"] is True
    assert [(m["containerPath"], m["readOnly"]) for m in container["mountPoints"]] == [
        ("/tmp", False),
        ("/app/cache", False),
    ]


def test_without_paths_nothing_is_mounted() -> None:
    assert "mountPoints" not in container_definition(ServiceSpec(), image="i", log_group="l", region="eu-west-1")
    assert task_volumes(()) == []
