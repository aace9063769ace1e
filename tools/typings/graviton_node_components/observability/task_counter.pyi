"""For pyright: the installed package's module is this repository's components/observability/task_counter.py."""

from components.observability.task_counter import *  # noqa: F403
