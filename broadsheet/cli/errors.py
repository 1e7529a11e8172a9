"""The CLI's one error type: a failure the user can fix, shown as one line without a traceback."""


class CliError(Exception):
    """A command cannot go on; the message says why and, where it can, what to do."""
