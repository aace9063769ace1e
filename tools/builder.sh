#!/usr/bin/env bash
# The buildx builder the program builds with (__main__.py, BUILDER): a docker-container builder whose
# BuildKit image is pinned by digest. Without a named builder pulumi-docker-build would pick any
# non-default builder or create one from the mutable moby/buildkit:buildx-stable-1 tag. Creates the
# builder when it is missing or runs another image (then it is replaced); prints its name.
set -euo pipefail

NAME=graviton-node
# BuildKit v0.33.1. The digest is the one several unrelated public projects pin for this tag; it was
# not checked against Docker Hub from the machine this was written on, which reaches no registry
# but PyPI, npm and Debian. `docker buildx imagetools inspect moby/buildkit:v0.33.1` shows it.
IMAGE=moby/buildkit:v0.33.1@sha256:cec9f139f45e93c5c69c60f8b07cfad9f43f4ef6b6a6cd917527fea5ff2e3dea

if current=$(docker buildx inspect "$NAME" 2>/dev/null); then
  # Not `inspect | grep -q`: grep leaves at its first match, docker then dies of SIGPIPE, and pipefail
  # would take the pinned builder for another one and replace it.
  if grep -qF "$IMAGE" <<<"$current"; then
    echo "$NAME"
    exit 0
  fi
  echo "builder: replacing buildx builder '$NAME', which runs another BuildKit image" >&2
  docker buildx rm "$NAME" >&2
fi
echo "builder: creating buildx builder '$NAME' (docker-container, $IMAGE)" >&2
docker buildx create --name "$NAME" --driver docker-container --driver-opt "image=$IMAGE" >&2
echo "$NAME"
