"""Changed cell sources written into the notebook's own text: only those ``source`` values are
replaced, so every other byte of the file stays as it was.

A source keeps its form: a list of lines stays a list laid out as before (the same breaks and
indentation between items), its unchanged lines keep their tokens exactly as the file spelled
them; a single string stays a single string. New text is escaped as the file escapes: non-ASCII
characters as themselves (nbformat's default) unless the file writes them as ``\\uXXXX``.
"""

from __future__ import annotations

import difflib
import json
from typing import Dict, List, Tuple

from .document import LIST, Cell, Notebook, escapes_non_ascii, item_values


def _layout(text: str, cell: Cell) -> tuple:
    """What a list source puts after its ``[``, between items, and before its ``]``."""
    start, end = cell.span
    first, last = cell.items[0], cell.items[-1]
    opening, closing = text[start + 1 : first[0]], text[last[1] : end - 1]
    if len(cell.items) > 1:
        separator = text[first[1] : cell.items[1][0]]
    else:  # one item: lay out a second one as the first is laid out
        separator = "," + opening if "\n" in opening else ", "
    return opening, separator, closing


def _list_value(notebook: Notebook, cell: Cell, source: str, ascii_only: bool) -> str:
    lines = source.splitlines(keepends=True)  # as nbformat splits a source into its items
    if not cell.items:
        return json.dumps(lines, ensure_ascii=ascii_only)
    old = item_values(notebook, cell)
    tokens: List[str] = []
    matcher = difflib.SequenceMatcher(None, old, lines, autojunk=False)
    for tag, i1, _, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            tokens.extend(notebook.text[start:end] for start, end in cell.items[i1 : i1 + (j2 - j1)])
        else:
            tokens.extend(json.dumps(line, ensure_ascii=ascii_only) for line in lines[j1:j2])
    opening, separator, closing = _layout(notebook.text, cell)
    return "[" + opening + separator.join(tokens) + closing + "]" if tokens else "[]"


def values(notebook: Notebook, sources: Dict[int, str]) -> List[Tuple[Cell, str]]:
    """Each cell numbered in ``sources``, in order, with the JSON text of its new source value."""
    ascii_only = escapes_non_ascii(notebook.text)
    out = []
    for cell in notebook.cells:
        if cell.number in sources:
            source = sources[cell.number]
            if cell.form == LIST:
                out.append((cell, _list_value(notebook, cell, source, ascii_only)))
            else:
                out.append((cell, json.dumps(source, ensure_ascii=ascii_only)))
    return out


def spliced(notebook: Notebook, sources: Dict[int, str]) -> bytes:
    """The notebook's bytes with the cells numbered in ``sources`` holding those sources."""
    text = notebook.text
    pieces: List[str] = []
    at = 0
    for cell, value in values(notebook, sources):
        start, end = cell.span
        pieces.append(text[at:start])
        pieces.append(value)
        at = end
    pieces.append(text[at:])
    return notebook.encoded("".join(pieces))


def changed_lines(notebook: Notebook, sources: Dict[int, str]) -> List[Tuple[int, str, str]]:
    """The same change as whole lines of the file, for each changed source: ``(first line,
    those lines before, the same lines after)``, the lines holding the source value (1-based)."""
    text = notebook.text
    out = []
    for cell, value in values(notebook, sources):
        start, end = cell.span
        first = text.rfind("\n", 0, start) + 1
        after = text.find("\n", end)
        after = len(text) if after < 0 else after + 1
        out.append((text.count("\n", 0, first) + 1, text[first:after], text[first:start] + value + text[end:after]))
    return out
