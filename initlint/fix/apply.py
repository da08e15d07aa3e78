"""Applying the analysis' edits to its module: insert init lines, hoist unnamed layers.

Only the statements that get an init are touched; every other byte of the module is kept
(libcst round-trips formatting, comments, line endings and encoding).
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Union

import libcst as cst

from ..edits import Edit, Rewrite
from ..findings import Finding

Body = Union[cst.Module, cst.IndentedBlock]


def _statement(line: str) -> cst.BaseStatement:
    return cst.parse_statement(line + "\n")


def _rewrite(statement: cst.SimpleStatementLine, edits: List[Edit]) -> List[cst.BaseStatement]:
    """The statement with its hoists before it and its init lines after (or after each hoist)."""
    out: List[cst.BaseStatement] = []
    hoisted: Dict[int, List[Edit]] = {}
    for edit in edits:
        if edit.hoist is not None:
            hoisted.setdefault(id(edit.hoist.call), []).append(edit)
    lead = statement.leading_lines  # comments above the statement stay above the whole group
    # One pass replaces every hoisted call: a pass rebuilds nodes, so identities hold only once.
    statement = statement.visit(_Replace({key: group[0].hoist.name for key, group in hoisted.items()}))
    for group in hoisted.values():
        hoist = group[0].hoist
        out.append(
            cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(hoist.name))], hoist.call)], leading_lines=lead
            )
        )
        lead = ()
        out.extend(_statement(line) for edit in group for line in edit.lines)
    out.append(statement.with_changes(leading_lines=lead))
    out.extend(_statement(line) for edit in edits if edit.hoist is None for line in edit.lines)
    return out


class _Replace(cst.CSTTransformer):
    """Hoisted constructions (by identity) -> the local names they are bound to."""

    def __init__(self, names: Dict[int, str]) -> None:
        self.names = names

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self.names.get(id(original))
        return cst.Name(name) if name is not None else updated


class _Inserter(cst.CSTTransformer):
    def __init__(self, by_statement: Dict[int, List[Edit]], rewrites: Dict[int, str]) -> None:
        self.by_statement = by_statement
        self.rewrites = rewrites

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        code = self.rewrites.get(id(original))
        if code is not None:
            return cst.parse_expression(code)
        return super().on_leave(original, updated)

    def _body(self, original: Body, updated: Body) -> Body:
        if not any(id(stmt) in self.by_statement for stmt in original.body):
            return updated
        body: List[cst.BaseStatement] = []
        for before, after in zip(original.body, updated.body):
            edits = self.by_statement.get(id(before))
            body.extend(_rewrite(before, edits) if edits else [after])
        return updated.with_changes(body=body)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return self._body(original, updated)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return self._body(original, updated)


def _import_position(module: cst.Module) -> int:
    """After the last top-level import, else after the docstring and __future__ imports."""
    position = 0
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine):
            small = stmt.body[0] if stmt.body else None
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                position = i + 1
            elif i == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString):
                position = 1
    return position


def apply_edits(module: cst.Module, findings: Sequence[Finding]) -> cst.Module:
    """``module`` with the edits of ``findings`` applied (findings silenced by noqa: skip them)."""
    chosen = [f.edit for f in findings if f.edit is not None and not f.noqa]
    if not chosen:
        return module
    edits = [edit for edit in chosen if isinstance(edit, Edit)]
    rewrites = {id(edit.node): edit.code for edit in chosen if isinstance(edit, Rewrite)}
    by_statement: Dict[int, List[Edit]] = {}
    for edit in edits:
        by_statement.setdefault(id(edit.statement), []).append(edit)
    fixed = module.visit(_Inserter(by_statement, rewrites))
    if any(edit.import_torch for edit in edits):
        at = _import_position(fixed)
        fixed = fixed.with_changes(body=[*fixed.body[:at], _statement("import torch"), *fixed.body[at:]])
    return fixed
