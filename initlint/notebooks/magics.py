"""IPython syntax in a cell, masked so a Python parser reads the cell, and restored byte for byte.

IPython rewrites a line before Python sees it when, at the start of a logical line, it begins
with ``%`` (line magic), ``!`` (shell), ``?`` (help) or an autocall escape (``/ , ;``), ends
with ``?`` (``nn.Linear?``), or assigns one (``files = !ls``, ``t = %timeit -o f()``); a cell
whose first line is ``%%name`` is a cell magic. Each such line becomes ``pass`` at its own
indentation, with a numbered comment that says which line it stands for, so line numbers and
blocks are kept; a cell magic whose body is not Python (``%%bash``, ``%%writefile``) has all its
lines masked, one whose body is Python (``%%time``, ``%%capture``) only its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from ..positions import physical_lines

# Cell magics that run their body as Python (as ruff counts them).
PYTHON_CELL_MAGICS = frozenset(("capture", "debug", "prun", "pypy", "python", "python3", "time", "timeit"))

_ESCAPES = ("%", "!", "?", "/", ",", ";")
_ASSIGNED = re.compile(r"[ \t]*[A-Za-z_][\w.,\[\] \t]*?[ \t]*=[ \t]*[%!]")
_PLACEHOLDER = re.compile(r"([ \t]*)pass  # initlint: IPython line (\d+)")


@dataclass(frozen=True)
class Masked:
    text: str  # the cell with its IPython lines replaced
    originals: Dict[int, str]  # placeholder number -> the line it stands for (without its break)


def _split_break(line: str) -> Tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


class _Scanner:
    """Where a line leaves strings and brackets: enough to tell a logical line's start."""

    def __init__(self) -> None:
        self.quote: Optional[str] = None
        self.depth = 0
        self.continued = False

    @property
    def at_start(self) -> bool:
        return self.quote is None and self.depth == 0 and not self.continued

    def code_end(self, line: str) -> int:
        """Scan ``line`` (without its break); where its code ends (a comment's start, or its end)."""
        at, end, code_end = 0, len(line), len(line)
        while at < end:
            char = line[at]
            if self.quote is not None:
                if line.startswith(self.quote, at):
                    at += len(self.quote)
                    self.quote = None
                else:
                    at += 2 if char == "\\" else 1
                continue
            if char == "#":
                code_end = at
                break
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif line.startswith(('"""', "'''"), at):
                self.quote = line[at : at + 3]
                at += 3
                continue
            elif char in "\"'":
                self.quote = char
            at += 1
        self.continued = code_end == end and line.endswith("\\")
        if self.quote in ('"', "'") and not self.continued:
            self.quote = None  # a one-quote string ends with its line (an error Python reports)
        return code_end


def _is_ipython(line: str) -> bool:
    """Whether ``line``, at the start of a logical line, is one IPython rewrites."""
    stripped = line.lstrip(" \t")
    if not stripped or stripped.startswith("#"):
        return False
    if stripped.startswith(_ESCAPES):
        return True
    scanner = _Scanner()
    code_end = scanner.code_end(line)
    # `x?` asks for help; a `?` inside a string that goes on (`doc = """why?`) does not.
    help_asked = scanner.quote is None and line[:code_end].rstrip().endswith("?")
    return help_asked or _ASSIGNED.match(line) is not None


def mask(source: str, numbers: List[int]) -> Masked:
    """``source`` (one cell) with its IPython lines masked. ``numbers`` is a one-item list, the
    next placeholder number: shared by the cells of a notebook, so placeholders are unique."""
    lines = physical_lines(source, keepends=True)
    originals: Dict[int, str] = {}
    out: List[str] = []

    def placeholder(body: str, brk: str, indent: str) -> None:
        originals[numbers[0]] = body
        out.append(f"{indent}pass  # initlint: IPython line {numbers[0]}{brk}")
        numbers[0] += 1

    first = lines[0] if lines else ""
    if first.startswith("%%"):
        name = re.match(r"%%([\w.-]*)", first).group(1)
        for line in lines if name not in PYTHON_CELL_MAGICS else lines[:1]:
            body, brk = _split_break(line)
            placeholder(body, brk, "")
        lines = lines[len(out) :]
    scanner = _Scanner()
    masking = False  # inside a masked line's backslash continuation
    for line in lines:
        body, brk = _split_break(line)
        if masking or (scanner.at_start and _is_ipython(body)):
            # A continued IPython line's next lines are masked at column 0: never an indent error.
            indent = "" if masking else body[: len(body) - len(body.lstrip(" \t"))]
            masking = body.endswith("\\")
            placeholder(body, brk, indent)
            continue
        scanner.code_end(body)
        out.append(line)
    return Masked("".join(out), originals)


def restore(line: str, originals: Dict[int, str]) -> str:
    """``line`` (with its break) as the user wrote it: a placeholder becomes its IPython line."""
    body, brk = _split_break(line)
    match = _PLACEHOLDER.fullmatch(body)
    if match is None or int(match.group(2)) not in originals:
        return line
    return originals[int(match.group(2))] + brk

