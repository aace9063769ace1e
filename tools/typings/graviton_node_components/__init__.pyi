"""For pyright: the installed package is this repository's components/ under another name."""

from components import *  # noqa: F403
