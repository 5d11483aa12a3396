"""Errors that are the user's to fix: the CLI prints them as one line and exits with 2."""


class UserError(Exception):
    """Bad input or environment (a bad multiplier, a folder that is not empty, ...)."""
