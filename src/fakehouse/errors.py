"""Errors that are the user's to fix: the CLI prints them as one line and exits with 2."""


class UserError(Exception):
    """Bad input or environment (a bad multiplier, a folder that is not empty, ...)."""


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM. Not a KeyboardInterrupt, which click would answer with a blank line
    of its own; cleanup runs as for any exception, then the CLI prints "aborted"."""


def interrupt(signum, frame) -> None:
    """Signal handler that turns SIGINT / SIGTERM into `Interrupted`."""
    raise Interrupted
