"""What a child a test starts would have from a shell at a terminal."""

import signal


def at_a_terminal() -> None:
    """A ``preexec_fn``: Ctrl-C's default action. A suite run as a background job starts with SIGINT ignored,
    which every child inherits, so a Ctrl-C the test sends its child would never be seen."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
