"""For pyright: the installed package's module is this repository's components/edge/alb_rules.py."""

from components.edge.alb_rules import *  # noqa: F403
