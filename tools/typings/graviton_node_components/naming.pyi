"""For pyright: the installed package's module is this repository's components/naming.py."""

from components.naming import *  # noqa: F403
