"""Re-indenting an expression lifted out of its statement into ``name = expression``.

Inside brackets, libcst keeps each continuation line's indentation in a ``ParenthesizedWhitespace``
(relative to the block). A hoisted call moves: its first line now starts after ``name = `` at the
statement's own depth, so its continuation lines are shifted by the same amount, and only those:
the text of a string spanning lines is not whitespace to libcst and is never touched.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

_MARK = "__initlint_hoisted__"


class _Mark(cst.CSTTransformer):
    def __init__(self, call: cst.Call) -> None:
        self.call = call

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return cst.Name(_MARK) if original is self.call else updated


def _shift(statement: cst.SimpleStatementLine, call: cst.Call, name: str) -> Optional[int]:
    """How many columns the call's continuation lines move (None: the call is not found)."""
    code = cst.Module([]).code_for_node(statement.with_changes(leading_lines=()).visit(_Mark(call)))
    at = code.find(_MARK)
    if at < 0:
        return None
    line = code[:at].rsplit("\n", 1)[-1]  # the call's line, up to the call, relative to the block
    new_column = len(name) + len(" = ")
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        # Hanging indent (the bracket ends its line): the lines follow the depth of the call's line.
        return -(len(line) - len(line.lstrip(" ")))
    return new_column - len(line)  # visual indent: the lines are aligned with the bracket


class _Shift(cst.CSTTransformer):
    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.possible = True

    def _moved(self, whitespace: cst.SimpleWhitespace) -> cst.SimpleWhitespace:
        value = whitespace.value
        if value.strip(" ") or len(value) + self.columns < 0:
            self.possible = False  # a tab, or a line that would move left of the block: keep all as is
            return whitespace
        return cst.SimpleWhitespace(value[: len(value) + self.columns] if self.columns < 0 else value + " " * self.columns)

    def leave_EmptyLine(self, original: cst.EmptyLine, updated: cst.EmptyLine) -> cst.EmptyLine:
        return updated.with_changes(whitespace=self._moved(updated.whitespace)) if updated.comment else updated

    def leave_ParenthesizedWhitespace(
        self, original: cst.ParenthesizedWhitespace, updated: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        if not original.indent:
            self.possible = False  # indentation not relative to the block: the shift is unknown
            return updated
        return updated.with_changes(last_line=self._moved(updated.last_line))


def reindented(call: cst.Call, statement: cst.SimpleStatementLine, name: str) -> cst.Call:
    """``call`` as ``name = call`` in a statement of its own at ``statement``'s depth shows it."""
    columns = _shift(statement, call, name)
    if not columns:
        return call
    shift = _Shift(columns)
    moved = call.visit(shift)
    return moved if shift.possible else call
