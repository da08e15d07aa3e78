"""Applying the analysis' edits to its module: insert init lines, hoist unnamed layers.

Only the statements that get an init are touched; every other byte of the module is kept
(libcst round-trips formatting, comments, line endings and encoding).
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Set, Union

import libcst as cst

from ..edits import Edit, Rewrite
from ..facts.walk import child_nodes
from ..findings import Finding
from .reindent import reindented

Body = Union[cst.Module, cst.IndentedBlock]


def _statement(line: str) -> cst.BaseStatement:
    """The statement ``line`` says, after a blank line for each newline it begins with."""
    text = line.lstrip("\n")
    statement = cst.parse_statement(text + "\n")
    blanks = len(line) - len(text)
    if blanks:  # without the block's indent (no trailing whitespace)
        return statement.with_changes(leading_lines=[cst.EmptyLine(indent=False)] * blanks)
    return statement


def _rewrite(statement: cst.SimpleStatementLine, edits: List[Edit]) -> List[cst.BaseStatement]:
    """The statement with its hoists before it and its init lines after (or after each hoist)."""
    out: List[cst.BaseStatement] = []
    hoisted: Dict[int, List[Edit]] = {}
    for edit in edits:
        if edit.hoist is not None:
            hoisted.setdefault(id(edit.hoist.call), []).append(edit)
    lead = statement.leading_lines  # comments above the statement stay above the whole group
    original = statement
    # One pass replaces every hoisted call: a pass rebuilds nodes, so identities hold only once.
    statement = statement.visit(_Replace({key: group[0].hoist.name for key, group in hoisted.items()}))
    for group in hoisted.values():
        hoist = group[0].hoist
        out.append(
            cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(cst.Name(hoist.name))], reindented(hoist.call, original, hoist.name))],
                leading_lines=lead,
            )
        )
        lead = ()
        out.extend(_statement(line) for edit in group for line in edit.lines)
    out.append(statement.with_changes(leading_lines=lead))
    # dict.fromkeys: one init per layer name, even when two sites share it (`self.fc = A if c else B`).
    after = dict.fromkeys(line for edit in edits if edit.hoist is None for line in edit.lines)
    out.extend(_statement(line) for line in _under_one_test(list(after)))
    return out


def _under_one_test(lines: List[str]) -> List[str]:
    """Consecutive ``if T:`` blocks with the same test, one block each (no elif/else), as one:
    ``if self.mlp is not None:`` once for the inits of items 0 and 2. The blocks are init calls,
    which change nothing a test reads."""
    merged: List[str] = []
    for line in lines:
        header, _, body = line.partition("\n")
        single = header.startswith("if ") and header.endswith(":") and body and all(
            part.startswith("    ") for part in body.split("\n")
        )
        if single and merged and merged[-1].startswith(header + "\n") and all(
            part.startswith("    ") for part in merged[-1].split("\n")[1:]
        ):
            merged[-1] += "\n" + body
        else:
            merged.append(line)
    return merged


class _Replace(cst.CSTTransformer):
    """Hoisted constructions (by identity) -> the local names they are bound to."""

    def __init__(self, names: Dict[int, str]) -> None:
        self.names = names

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self.names.get(id(original))
        return cst.Name(name) if name is not None else updated


def _paths_to(module: cst.Module, targets: Set[int]) -> Set[int]:
    """ids of the nodes on the way from ``module`` to each of ``targets`` (targets included)."""
    parent: Dict[int, int] = {}
    stack: List[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        for child in child_nodes(node):
            parent[id(child)] = id(node)
            stack.append(child)
    on_path: Set[int] = set()
    for target in targets:
        node_id = target
        while node_id is not None and node_id not in on_path:
            on_path.add(node_id)
            node_id = parent.get(node_id)
    return on_path


class _Inserter(cst.CSTTransformer):
    """Descends only towards the statements and calls it changes: the rest of the module is
    returned as it is, unvisited (faster, and a deep expression elsewhere cannot overflow it)."""

    def __init__(self, module: cst.Module, by_statement: Dict[int, List[Edit]], rewrites: Dict[int, str]) -> None:
        self.by_statement = by_statement
        self.rewrites = rewrites
        self.on_path = _paths_to(module, set(by_statement) | set(rewrites))

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.on_path and super().on_visit(node)

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
            if edits and not any(edit.hoist for edit in edits):
                before = after  # a class that gets a hook after it keeps the inits made inside it
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
    edits = [part for edit in chosen if isinstance(edit, Edit) for part in (edit, *edit.also)]
    rewrites = {id(edit.node): edit.code for edit in chosen if isinstance(edit, Rewrite)}
    by_statement: Dict[int, List[Edit]] = {}
    for edit in edits:
        by_statement.setdefault(id(edit.statement), []).append(edit)
    fixed = module.visit(_Inserter(module, by_statement, rewrites))
    if any(edit.import_torch for edit in edits):
        at = _import_position(fixed)
        fixed = fixed.with_changes(body=[*fixed.body[:at], _statement("import torch"), *fixed.body[at:]])
    return fixed
