"""For pyright: the installed package's module is this repository's components/observability/dashboard.py."""

from components.observability.dashboard import *  # noqa: F403
