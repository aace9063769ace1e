"""For pyright: the installed package's observability is this repository's components/observability/."""

from components.observability import *  # noqa: F403
