"""The app image: built for linux/arm64 (optionally amd64 too), pushed to ECR, pinned by digest.

Three rules of the real services shape it (``docs/decisions.md``, "Image tags"):
- pulumi-docker-build rebuilds and re-pushes on more than the content (paths, file modes, a secret
  appearing, lost state, a revert to an earlier build), and ECR refuses any push to an existing
  immutable tag. The deploy's own ``build-*`` tags are therefore the one mutable namespace of the
  repository; every other tag stays immutable, and the task definition pins the digest.
- docker-build deletes an image by digest when its resource is deleted or replaced, and an unchanged
  rebuild has the same digest: the pushed images are retained, and the lifecycle policy expires them.
- docker-build builds during previews and, although it never pushes then, it does export caches.
  The pushed image only *reads* the cache; a separate cache-only build with ``buildOnPreview: false``
  writes it, so a preview writes nothing and its inputs are the same in preview and update.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

from ..autonames import check_autonames
from ..naming import type_token, unprefixed
from .build_tag import TAG_PREFIX, build_tag, platform_suffix
from .ecr_lifecycle import cache_lifecycle_policy, lifecycle_policy
from .image_spec import ImageSpec

CACHE_TAG_PREFIX = "cache-"
REPOSITORY = "aws:ecr/repository:Repository"


@dataclass(frozen=True, kw_only=True)
class AppImageArgs:
    """The image (its validated spec) and what building it needs beside: secrets and a builder."""

    spec: ImageSpec
    """Context, Dockerfile, platforms, builds kept, build args (validated). Required."""
    build_secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """BuildKit secrets by id, e.g. ``{"npm_ca": <CA bundle>}``; never in a layer or the tag. Default empty."""
    builder: str | None = None
    """Name of an existing buildx builder (docker-container driver) to build with, e.g. one whose BuildKit
    image is pinned by digest. Default None: docker-build uses the current builder, another non-default
    one, or creates one from BuildKit's mutable ``buildx-stable-1`` tag."""


class AppImage(pulumi.ComponentResource):
    """ECR repository (immutable tags), a BuildKit cache repository, and the pushed image."""

    repository_url: pulumi.Output[str]
    """URL of the image repository."""
    image_ref: pulumi.Output[str]
    """``<repository>:<tag>@sha256:<digest>``: a new image means a new task definition revision."""
    platforms: tuple[str, ...]
    """Platforms in the image."""
    tag: str
    """The content-derived tag (``build-<hash>``)."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when ECR would refuse the name
        of a repository an ``AppImage`` called ``name`` creates: Pulumi auto-names them from it as it is,
        and ECR takes lower case only."""
        check_autonames(key, value or name, [(REPOSITORY, f"{name}-repo"), (REPOSITORY, f"{name}-cache-repo")])

    def __init__(self, name: str, args: AppImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("app_image", "AppImage"), name, None, opts)
        if warning := unprefixed("AppImage", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        child = pulumi.ResourceOptions(parent=self)
        self.platforms = args.spec.platforms
        self.tag = build_tag(
            args.spec.context,
            dockerfile=args.spec.dockerfile,
            platforms=args.spec.platforms,
            build_args=args.spec.build_args,
        )
        repo, cache_repo = self._repositories(name, args, child)
        token = aws.ecr.get_authorization_token_output(
            registry_id=repo.registry_id, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        registry: docker_build.RegistryArgsDict = {
            "address": repo.repository_url.apply(lambda url: url.split("/", 1)[0]),
            "username": token.user_name,
            "password": pulumi.Output.secret(token.password),
        }
        multi = len(args.spec.platforms) > 1
        images = [
            self._build(name, args, platform, repo, cache_repo, registry, child, multi)
            for platform in args.spec.platforms
        ]
        if multi:
            index = docker_build.Index(
                f"{name}-index",
                tag=pulumi.Output.format("{0}:{1}", repo.repository_url, self.tag),
                sources=[image.ref for image in images],
                push=True,
                registry=registry,
                # A new tag replaces the index, and docker-build's delete of the old one deletes its digest
                # with every tag on it: the previous build, or this one when the content is the same.
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            self.image_ref = index.ref
        else:
            self.image_ref = images[0].ref
        self.repository_url = repo.repository_url
        self.register_outputs(
            {
                "repository_url": self.repository_url,
                "image_ref": self.image_ref,
                "platforms": list(self.platforms),
                "tag": self.tag,
            }
        )

    @staticmethod
    def _repositories(
        name: str, args: AppImageArgs, child: pulumi.ResourceOptions
    ) -> tuple[aws.ecr.Repository, aws.ecr.Repository]:
        """The image repository and the BuildKit cache's, each with its lifecycle policy."""
        # ECR refuses a push to an existing immutable tag, even of the same digest: only the deploy's
        # own build-* tags may move (docs/decisions.md, "Image tags").
        repo = aws.ecr.Repository(
            f"{name}-repo",
            image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
            image_tag_mutability_exclusion_filters=[{"filter": f"{TAG_PREFIX}*", "filter_type": "WILDCARD"}],
            image_scanning_configuration={"scan_on_push": True},
            force_delete=args.spec.force_delete,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=repo.name,
            policy=lifecycle_policy(
                tag_prefix=TAG_PREFIX, keep_builds=args.spec.keep_builds, platform_count=len(args.spec.platforms)
            ),
            opts=child,
        )
        # The cache tag is overwritten on every build: its own repository, immutable except for
        # the cache-* tags, so nothing else pushed there can be overwritten.
        cache_repo = aws.ecr.Repository(
            f"{name}-cache-repo",
            image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
            image_tag_mutability_exclusion_filters=[{"filter": f"{CACHE_TAG_PREFIX}*", "filter_type": "WILDCARD"}],
            image_scanning_configuration={"scan_on_push": True},
            force_delete=True,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-cache-lifecycle", repository=cache_repo.name, policy=cache_lifecycle_policy(), opts=child
        )
        return repo, cache_repo

    def _build(
        self,
        name: str,
        args: AppImageArgs,
        platform: str,
        repo: aws.ecr.Repository,
        cache_repo: aws.ecr.Repository,
        registry: docker_build.RegistryArgsDict,
        child: pulumi.ResourceOptions,
        multi: bool,
    ) -> docker_build.Image:
        """One pushed single-platform image (multi-platform builds cache unreliably) and its cache writer."""
        suffix = platform_suffix(platform)
        tag = f"{self.tag}-{suffix}" if multi else self.tag
        cache_ref = pulumi.Output.format("{0}:{1}{2}", cache_repo.repository_url, CACHE_TAG_PREFIX, suffix)
        build: dict[str, Any] = {
            "context": {"location": project_relative(args.spec.context)},
            "dockerfile": {"location": project_relative(args.spec.context / args.spec.dockerfile)},
            "platforms": [docker_build.Platform(platform)],
            "build_args": dict(args.spec.build_args),
            "secrets": dict(args.build_secrets),
            "ignore_secrets_in_diff_calculation": sorted(args.build_secrets),
            "registries": [registry],
            "cache_from": [{"registry": {"ref": cache_ref}}],
        }
        if args.builder:
            build["builder"] = {"name": args.builder}
        image = docker_build.Image(
            f"{name}-image-{suffix}" if multi else f"{name}-image",
            tags=[pulumi.Output.format("{0}:{1}", repo.repository_url, tag)],
            push=True,
            # Deleted (platforms changed) it would delete its digest, which the new build may share; the
            # lifecycle policy expires old builds instead (docs/images.md, "What a deploy never deletes").
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            **build,
        )
        # The same build again, after the push: a full hit on the local build cache that only exports
        # it. Never built in a preview, so a pull request cannot write what deploys read back.
        docker_build.Image(
            f"{name}-cache-{suffix}" if multi else f"{name}-cache",
            push=False,
            exports=[{"cacheonly": {}}],
            build_on_preview=False,
            cache_to=[
                {
                    "registry": {
                        "ref": cache_ref,
                        "image_manifest": True,
                        "oci_media_types": True,
                        "mode": docker_build.CacheMode.MAX,
                    }
                }
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[image]),
            **build,
        )
        return image


def project_relative(path: Path) -> str:
    """``path`` relative to the working directory: ``pulumi up`` runs in the project, so the same
    checkout at another path (CI, a laptop) hands docker-build the same location and builds nothing."""
    return os.path.relpath(path.resolve(), Path.cwd())
