"""The one exception type for mistakes a user can fix: printed as one line, never a traceback."""


class UserError(Exception):
    """A problem with the user's input or set-up; the message names the input and what to do."""
