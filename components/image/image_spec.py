"""What image a service runs, apart from how it is built and where it is pushed: its build context, its
Dockerfile, its platforms and how many builds its repository keeps. Validated on construction (every
mistake at once); importing it loads no cloud SDK, so a program's config layer builds it itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import validation as check


@dataclass(frozen=True, kw_only=True)
class ImageSpec:
    """What to build and how long to keep it."""

    context: Path
    """Build context: a directory holding the app and its Dockerfile (this project's is ``docker/``); handed
    to docker-build relative to the working directory (the project, under ``pulumi up``), so that
    checkouts at different paths build the same inputs. Every file below it is part of the image tag.
    Required."""
    dockerfile: str = "Dockerfile"
    """Path of the Dockerfile, relative to ``context`` and inside it (``Dockerfile``, ``deploy/app.Dockerfile``).
    A Dockerfile with ``LABEL graviton-node.platforms="linux/arm64"`` in its final stage (``Dockerfile.graviton``)
    declares the only platforms it builds, and ``platforms`` must stay within them. Default ``Dockerfile``."""
    platforms: tuple[str, ...] = ("linux/arm64",)
    """Platforms to build; must include linux/arm64. Default ``("linux/arm64",)``."""
    keep_builds: int = 10
    """Builds the lifecycle policy keeps (1-1000). Default 10."""
    force_delete: bool = False
    """Allow deleting the image repository while it holds images. Default False."""
    build_args: Mapping[str, str] = field(default_factory=dict)
    """Dockerfile ``ARG`` values (part of the tag). Never a secret: build arguments stay in the image's history
    and in the state; use ``AppImageArgs.build_secrets``. Default empty."""

    def __post_init__(self) -> None:
        check.image_args(
            context=self.context, dockerfile=self.dockerfile, platforms=self.platforms, keep_builds=self.keep_builds
        )
