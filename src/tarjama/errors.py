"""Error type for everything a user can get wrong.

A ``TarjamaError`` is rendered by the CLI as exactly one line on stderr followed by a
non-zero exit; its message must say what went wrong, where (file, line, byte) and how to
fix it. Anything else escaping the CLI is a bug and shows a traceback.
"""

from __future__ import annotations


class TarjamaError(Exception):
    """A problem with the user's input, files or environment (not a bug in tarjama)."""

    exit_code = 2


class ModelUnavailableError(TarjamaError):
    """No usable translation model could be found or loaded."""

    exit_code = 3
