"""The one exception type for mistakes a user can fix (bad path, bad data, wrong flag).

The CLI turns a `UserError` into a single line on stderr and exit code 2, never a traceback,
so its message must say what is wrong *and* how to fix it.
"""


class UserError(Exception):
    """A problem caused by user input; `str(err)` is the one line shown to the user."""

    exit_code = 2
