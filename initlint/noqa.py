"""``# noqa`` comments, matched the way flake8 matches them, for initlint's own front ends.

flake8 applies its own noqa handling to the plugin's output; the CLI and the fix use this so
that all three agree.
"""

from __future__ import annotations

import re

# flake8's defaults.NOQA_INLINE_REGEXP (flake8 7): matched case-insensitively, but the codes
# are then compared case-sensitively, so `# noqa: ini001` silences nothing (as in flake8).
_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_SEPARATOR = re.compile(r"[,\s]")
# flake8's defaults.NOQA_FILE: a line that starts with `# flake8: noqa` skips the whole file.
_NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)


def file_exempt(lines) -> bool:
    """Whether a line of the file is ``# flake8: noqa``: flake8 then checks none of it."""
    return any(_NOQA_FILE.match(line) for line in lines)


def suppresses(line: str, code: str) -> bool:
    """Whether ``line`` carries a ``# noqa`` that covers ``code`` (blanket or by prefix)."""
    match = _NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(code.startswith(c) for c in _SEPARATOR.split(codes) if c)
