"""Where reported nodes start: line and column, as libcst's PositionProvider gives them, at a tenth
of its cost.

PositionProvider runs a metadata visitor over the whole tree and records a range for every node
while it regenerates the code (measured on a generated 10k-line model file: ~1.5x the parse). The
findings need the start of a handful of calls. So the module's code is generated once with a
codegen state that notes the position only when it reaches one of those nodes, counting lines in
the text generated since the last one, and stops as soon as it has them all.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState  # the state Module._codegen fills; stable since 0.3

_NEWLINE = re.compile(r"\r\n?|\n")

Position = Tuple[int, int]  # (1-based line, 0-based column in characters)


class _AllFound(Exception):
    pass


class _TargetPositions(CodegenState):
    def __init__(self, module: cst.Module, targets: Iterable[cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = {id(node) for node in targets}
        self.found: Dict[int, Position] = {}
        self._counted = 0  # tokens already counted into _line/_column
        self._line = 1
        self._column = 0

    def _here(self) -> Position:
        chunk = "".join(self.tokens[self._counted:])
        self._counted = len(self.tokens)
        last_break_end = -1
        for match in _NEWLINE.finditer(chunk):
            self._line += 1
            last_break_end = match.end()
        if last_break_end < 0:
            self._column += len(chunk)
        else:
            self._column = len(chunk) - last_break_end
        return self._line, self._column

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> Iterator[None]:
        # start_node is only given for a block of simple statements (its first statement's start),
        # never for an expression, so the current position is the node's start.
        if id(node) in self.wanted and id(node) not in self.found:
            self.found[id(node)] = self._here()
            if len(self.found) == len(self.wanted):
                raise _AllFound
        yield


def start_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Dict[int, Position]:
    """``id(node) -> (line, column)`` for each of ``nodes`` (expressions of ``module``), where
    PositionProvider's ``start`` would put them. Nodes not in the module are left out."""
    state = _TargetPositions(module, nodes)
    if not state.wanted:
        return {}
    try:
        module._codegen(state)
    except _AllFound:
        pass
    return state.found


def physical_lines(code: str, keepends: bool = False) -> List[str]:
    """The lines as the tokenizer, libcst and flake8 number them: only ``\\r\\n``, ``\\r`` and
    ``\\n`` end a line (``str.splitlines`` also splits at form feeds and other separators)."""
    lines = io.StringIO(code, newline="").readlines()
    return lines if keepends else [line.rstrip("\r\n") for line in lines]
