"""The one exception type that means "the user asked for something we cannot do".

The CLI turns it into a one-line message and exit code 2; anything else is a bug and keeps its
traceback.
"""


class UserError(Exception):
    """Bad input: unknown model or task, missing or malformed file, empty data, ..."""
