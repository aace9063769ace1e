"""For pyright: the installed package's module is this repository's components/observability/task_counter_handler.py."""

from components.observability.task_counter_handler import *  # noqa: F403
