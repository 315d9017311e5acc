"""Text for a terminal line: names from the inbox are data, never terminal commands or extra lines.

A file name may hold any byte but ``/`` and NUL: escape sequences that recolour or clear the screen, a newline
that fakes a second log line, a carriage return that overwrites the line, bidirectional overrides that reorder
it. Every line the CLI prints with a name or an error in it goes through ``shown``: those characters are written
as visible escapes (``\\x1b``, ``\\n``, ``\\u202e``), everything else as it is.
"""

from __future__ import annotations

import unicodedata


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object) -> str:
    """``text`` with every control or format character (Unicode categories Cc, Cf) escaped."""
    s = str(text)
    if s.isprintable():  # the common case: nothing to escape (isprintable is False for all of Cc and Cf)
        return s
    return "".join(_escape(c) if unicodedata.category(c) in ("Cc", "Cf") else c for c in s)
