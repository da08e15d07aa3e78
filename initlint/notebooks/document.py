"""A notebook file as text: its cells, and where each cell's ``source`` value is in that text.

The fix writes a changed ``source`` back into exactly that place, so everything else in the file
(indentation, key order, escaping, outputs, metadata) stays as it was, byte for byte.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring
from typing import List, Optional, Tuple

LIST, STRING = "list", "string"  # the two forms nbformat allows for a cell's source

_BLANKS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class NotebookError(ValueError):
    """The file is not a notebook initlint can read; the message is one line."""


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based position among all the notebook's cells (markdown ones too)
    kind: str  # "code", "markdown", "raw"
    source: str  # the lines joined
    span: Tuple[int, int]  # where the source value (list or string) is in the notebook's text
    form: str  # LIST or STRING
    items: Tuple[Tuple[int, int], ...]  # LIST: each item's string token (with its quotes)


@dataclass(frozen=True)
class Notebook:
    text: str  # the file decoded (without a BOM)
    bom: bool
    cells: Tuple[Cell, ...]
    language: str  # the kernel's language ("python" when the notebook does not say)

    @property
    def code_cells(self) -> List[Cell]:
        return [cell for cell in self.cells if cell.kind == "code"]

    def encoded(self, text: str) -> bytes:
        """``text`` (this notebook's text, edited) as the file's bytes."""
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")


def _skip(text: str, at: int) -> int:
    return _BLANKS.match(text, at).end()


def _expect(text: str, at: int, char: str) -> int:
    if text[at : at + 1] != char:
        raise NotebookError(f"not valid JSON: expected {char!r} at offset {at}")
    return at + 1


def _members(text: str, at: int):
    """``(key, value start, value end)`` for each member of the object starting at ``at``."""
    at = _expect(text, _skip(text, at), "{")
    at = _skip(text, at)
    if text[at : at + 1] == "}":
        return
    while True:
        at = _expect(text, at, '"')
        key, at = scanstring(text, at)
        at = _skip(text, _expect(text, _skip(text, at), ":"))
        start = at
        _, at = _DECODER.raw_decode(text, start)
        yield key, start, at
        at = _skip(text, at)
        if text[at : at + 1] == "}":
            return
        at = _skip(text, _expect(text, at, ","))


def _elements(text: str, at: int) -> List[Tuple[int, int]]:
    """``(start, end)`` of each element of the array starting at ``at``."""
    at = _skip(text, _expect(text, _skip(text, at), "["))
    found: List[Tuple[int, int]] = []
    if text[at : at + 1] == "]":
        return found
    while True:
        start = at
        _, at = _DECODER.raw_decode(text, start)
        found.append((start, at))
        at = _skip(text, at)
        if text[at : at + 1] == "]":
            return found
        at = _skip(text, _expect(text, at, ","))


def _source_spans(text: str) -> List[Optional[Tuple[int, int]]]:
    """Per cell, where its ``source`` value is (the last one, as ``json`` reads duplicate keys)."""
    cells: Optional[Tuple[int, int]] = None
    for key, start, end in _members(text, 0):
        if key == "cells":
            cells = (start, end)
    spans: List[Optional[Tuple[int, int]]] = []
    for start, _ in _elements(text, cells[0]) if cells else ():
        found = None
        for key, value_start, value_end in _members(text, start):
            if key == "source":
                found = (value_start, value_end)
        spans.append(found)
    return spans


def _language(document: dict) -> str:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get(field), str):
            return value[field].lower()
    return "python"


def _cell(number: int, raw: object, span: Optional[Tuple[int, int]], text: str) -> Cell:
    if not isinstance(raw, dict):
        raise NotebookError(f"cell {number} is not a JSON object")
    kind = raw.get("cell_type")
    source = raw.get("source", "")
    if span is None:  # no source at all: nothing to check, nothing to edit
        return Cell(number, str(kind), "", (0, 0), STRING, ())
    if isinstance(source, str):
        return Cell(number, str(kind), source, span, STRING, ())
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return Cell(number, str(kind), "".join(source), span, LIST, tuple(_elements(text, span[0])))
    raise NotebookError(f"cell {number}: source must be a string or a list of strings")


def load(data: bytes) -> Notebook:
    """The notebook in ``data`` (a ``.ipynb`` file's bytes); NotebookError saying why it is not one."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"not UTF-8: byte 0x{data[error.start:error.start + 1].hex()} at offset {error.start}") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise NotebookError("not valid JSON: nested too deeply") from None
    if not isinstance(document, dict):
        raise NotebookError("not a notebook: the JSON is not an object")
    if "worksheets" in document and "cells" not in document:
        raise NotebookError("nbformat 3 notebook: convert it with `jupyter nbconvert --to notebook` (nbformat 4)")
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no 'cells' list")
    spans = _source_spans(text)
    if len(spans) != len(cells):  # cannot happen for valid JSON; refuse rather than edit blind
        raise NotebookError("cannot locate the cells in the file's text")
    return Notebook(
        text, bom, tuple(_cell(i + 1, raw, span, text) for i, (raw, span) in enumerate(zip(cells, spans))), _language(document)
    )


def item_values(notebook: Notebook, cell: Cell) -> List[str]:
    """A LIST cell's items as strings (the lines as the file holds them)."""
    return [json.loads(notebook.text[start:end]) for start, end in cell.items]


def raw_offsets(token: str) -> List[int]:
    """For a JSON string token (with its quotes): the offset in the token of each character of
    the string it decodes to, and one past the last (before the closing quote)."""
    offsets: List[int] = []
    at = 1
    end = len(token) - 1
    while at < end:
        offsets.append(at)
        if token[at] != "\\":
            at += 1
        elif token[at + 1] != "u":
            at += 2
        else:
            unit = int(token[at + 2 : at + 6], 16)
            at += 6
            # A surrogate pair is one character of the decoded string.
            if 0xD800 <= unit < 0xDC00 and token.startswith("\\u", at):
                low = int(token[at + 2 : at + 6], 16)
                if 0xDC00 <= low < 0xE000:
                    at += 6
    offsets.append(at)
    return offsets


def file_offsets(notebook: Notebook, cell: Cell) -> List[int]:
    """The offset in the notebook's text of each character of ``cell.source`` (and one past it)."""
    tokens = list(cell.items) if cell.form == LIST else [cell.span]
    offsets: List[int] = []
    for start, end in tokens:
        offsets.extend(start + offset for offset in raw_offsets(notebook.text[start:end])[:-1])
    last = tokens[-1] if tokens else cell.span
    offsets.append(last[1] - 1 if tokens else last[0])
    return offsets


def line_and_column(text: str, offset: int) -> Tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def escapes_non_ascii(text: str) -> bool:
    """Whether the file writes non-ASCII characters as ``\\uXXXX`` (json's ensure_ascii) rather
    than as themselves (nbformat's default)."""
    if any(ord(char) > 127 for char in text):
        return False
    return any(int(code, 16) > 127 for code in re.findall(r"(?<!\\)(?:\\\\)*\\u([0-9a-fA-F]{4})", text))
