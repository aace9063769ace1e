"""For pyright: the installed package's test harness is this repository's components/testing.py."""

from components.testing import *  # noqa: F403
