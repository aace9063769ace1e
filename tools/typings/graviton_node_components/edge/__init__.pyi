"""For pyright: the installed package's edge is this repository's components/edge/."""

from components.edge import *  # noqa: F403
