"""A notebook's code cells as one module, as Jupyter runs them (in order, one namespace), with a
map from each module line back to its cell; and a fixed module split back into cells.

A cell's lines are the module's lines as they are (IPython lines masked); a cell not ending in
a line break gets one in the module, taken off again when it is split back.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from ..positions import physical_lines
from .document import Cell
from .magics import Masked, restore


class SplitError(Exception):
    """The fixed module cannot be told apart into cells (the fix is then not written)."""


@dataclass(frozen=True)
class Part:
    """One code cell in the module."""

    cell: Cell
    masked: Masked


@dataclass(frozen=True)
class Joined:
    text: str
    parts: Tuple[Part, ...]
    owners: Tuple[Tuple[int, int], ...]  # per module line: (index in parts, 1-based line in the cell)

    def position(self, line: int) -> Tuple[int, int]:
        """The cell number and the line in that cell of the module's 1-based ``line``."""
        part, in_cell = self.owners[line - 1]
        return self.parts[part].cell.number, in_cell

    def original_line(self, line: int) -> str:
        """The module's 1-based ``line`` as the cell holds it (an IPython line unmasked)."""
        part, in_cell = self.owners[line - 1]
        masked_line = physical_lines(self.parts[part].masked.text, keepends=True)[in_cell - 1]
        return restore(masked_line, self.parts[part].masked.originals).rstrip("\r\n")


def _with_break(text: str) -> str:
    return text if not text or text.endswith(("\n", "\r")) else text + "\n"


def join(parts: Sequence[Part]) -> Joined:
    chunks: List[str] = []
    owners: List[Tuple[int, int]] = []
    for index, part in enumerate(parts):
        text = _with_break(part.masked.text)
        chunks.append(text)
        owners.extend((index, line) for line in range(1, len(physical_lines(text)) + 1))
    return Joined("".join(chunks), tuple(parts), tuple(owners))


def _owners_of_fixed(joined: Joined, before: List[str], after: List[str]) -> List[int]:
    """For each line of the fixed module, the part it belongs to: unchanged lines their own cell's;
    a changed line the cell of the lines it replaces; an inserted one the cell of the line it
    follows (an init after the statement binding its layer)."""
    owners: List[int] = [0] * len(after)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            owners[j1:j2] = [joined.owners[i][0] for i in range(i1, i2)]
        elif tag in ("replace", "insert"):
            if i1 < i2:
                replaced = {joined.owners[i][0] for i in range(i1, i2)}
                if len(replaced) > 1:
                    raise SplitError("a change spans two cells")
                part = replaced.pop()
            else:
                part = joined.owners[i1 - 1][0] if i1 > 0 else 0
            owners[j1:j2] = [part] * (j2 - j1)
    if owners != sorted(owners):
        raise SplitError("the fixed lines are out of their cells' order")
    return owners


def split(joined: Joined, fixed: str) -> Dict[int, str]:
    """The new source of each cell the fix changed (by cell number), IPython lines restored."""
    before = physical_lines(joined.text, keepends=True)
    after = physical_lines(fixed, keepends=True)
    if not before:
        return {}
    owners = _owners_of_fixed(joined, before, after)
    lines: Dict[int, List[str]] = {}
    for owner, line in zip(owners, after):
        lines.setdefault(owner, []).append(line)
    changed: Dict[int, str] = {}
    for index, part in enumerate(joined.parts):
        masked = "".join(lines.get(index, []))
        if masked == _with_break(part.masked.text):
            continue
        if masked.endswith("\n") and _with_break(part.masked.text) != part.masked.text:
            masked = masked[:-1]  # the break the module added: the cell's last line has none
        restored = "".join(restore(line, part.masked.originals) for line in physical_lines(masked, keepends=True))
        changed[part.cell.number] = restored
    return changed
