"""The one error the command's own checks raise."""


class CliError(Exception):
    """A mistake the person at the terminal can fix: printed as one line, exit status 1."""
