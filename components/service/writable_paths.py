"""Where the app may write while its root filesystem stays read-only: bind mounts on the task's storage.

Fargate offers neither of the usual ways: Docker volumes are refused (botocore ecs
``Volume.dockerVolumeConfiguration``: "Docker volumes aren't supported by tasks run on Fargate"), and
``linuxParameters.tmpfs`` is for EC2 only (AWS, "LinuxParameters": "If you're using tasks that use the
Fargate launch type, the tmpfs parameter isn't supported"). What it does offer is a volume with only a
name: a bind mount (botocore ecs ``Volume``: "If an empty volume configuration is specified, by default
Amazon ECS uses a host volume"; ``Volume.host``: "If the host parameter is empty, then the Docker daemon
assigns a host path for your data volume. However, the data isn't guaranteed to persist after the
containers that are associated with it stop running"), which on Fargate lives on the task's ephemeral
storage (AWS, "Use bind mounts with Amazon ECS": "tasks that are hosted on AWS Fargate using platform
version 1.4.0 or later ... receive a minimum of 20 GiB of ephemeral storage for bind mounts"). Each path
is such a volume, mounted writable (``MountPoint.readOnly``: "The default value is false") in the app
container; ``readonlyRootFilesystem`` stays true.

Such a volume is owned by root, mode 0755, unless the image declares the path with ``VOLUME`` (the same
page: "the Amazon ECS data plane looks for a VOLUME directive. If the absolute path that's specified in
the VOLUME directive is the same as the containerPath ... the data in the VOLUME directive path is copied
to the data volume"; "By default, the volume permissions are set to 0755 and the owner as root"): the
app's user (1000) can write only where its Dockerfile made the folder its own and declared it
(``docs/app-contract.md``); ``tools/check_image.py`` checks both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from ..errors import ConfigError

ALLOWED = "absolute folders of the container, each once, written plainly (e.g. /tmp or /app/cache), not /"
#: The container's procfs, kernel state rather than files: no volume may go there (``check_writable_paths``).
PROC = PurePosixPath("/proc")


def check_writable_paths(key: str, paths: Sequence[str]) -> tuple[str, ...]:
    """``paths``, each an absolute, normalised container folder other than the root, each once."""
    for path in paths:
        # Written plainly: "..", "." or "//" would mount somewhere other than the path read; "/" would
        # hide the whole image.
        plain = PurePosixPath(path).as_posix() == path and "//" not in path and ".." not in PurePosixPath(path).parts
        if not path.startswith("/") or path == "/" or not plain:
            raise ConfigError(key, list(paths), ALLOWED)
    if len(set(paths)) != len(paths):
        raise ConfigError(key, list(paths), ALLOWED)
    for path in paths:
        # runc refuses a mount there and the task never starts: libcontainer/rootfs_linux.go checkProcMount
        # allows on /proc only a procfs ('"%q cannot be mounted because it is not of type proc"') and inside
        # it only a few of LXCFS's files ('"%q cannot be mounted because it is inside /proc"').
        if PurePosixPath(path).is_relative_to(PROC):
            raise ConfigError(key, path, f"{ALLOWED}; none at or under {PROC}, where runc mounts nothing but procfs")
    return tuple(paths)


def volume_name(index: int) -> str:
    """The task volume of the ``index``-th path (ECS: up to 255 letters, numbers, hyphens, underscores)."""
    return f"writable-{index}"


def task_volumes(paths: Sequence[str]) -> list[dict[str, str]]:
    """The task definition's ``volumes``: one bind mount (a name, nothing else) a path."""
    return [{"name": volume_name(index)} for index in range(len(paths))]


def mount_points(paths: Sequence[str]) -> list[dict[str, Any]]:
    """The app container's ``mountPoints``: each path on its own volume, writable."""
    return [
        {"sourceVolume": volume_name(index), "containerPath": path, "readOnly": False}
        for index, path in enumerate(paths)
    ]
