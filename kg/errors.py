"""The one exception type for mistakes a user can fix: printed as one line, never a traceback; and the
"did you mean" that such a line offers."""

import difflib


class UserError(Exception):
    """A problem with the user's input or set-up; the message names the input and what to do."""


def close_names(name: str, choices, n: int = 3) -> list[str]:
    """The choices that contain the name or are spelled close to it, best first: what "did you mean" offers."""
    lowered = name.lower()
    containing = [c for c in choices if lowered and lowered in c.lower()]
    return list(dict.fromkeys(containing + difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)))[:n]
