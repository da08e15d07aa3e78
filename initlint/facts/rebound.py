"""Whether a name holds the same value at two places of one function: where an activation reads it
and where the fix's guarded init would read it again (nothing binds it in between)."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from .walk import descendants


def _top_index(function: cst.FunctionDef, node: cst.CSTNode) -> Optional[int]:
    """The index of the top-level statement of ``function`` that holds ``node``."""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    for i, statement in enumerate(body):
        if any(part is node for part in descendants(statement)):
            return i
    return None


def _targets(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The parts of ``node`` that bind names."""
    if isinstance(node, cst.Assign):
        yield from (target.target for target in node.targets)
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
        yield node.target
    elif isinstance(node, cst.NamedExpr):
        yield node.target
    elif isinstance(node, cst.WithItem) and node.asname is not None:
        yield node.asname.name
    elif isinstance(node, cst.Del):
        yield node.target
    elif isinstance(node, (cst.Global, cst.Nonlocal)):
        yield from (item.name for item in node.names)


def _binds(node: cst.CSTNode, name: str) -> bool:
    for target in _targets(node):
        for part in descendants(target):
            if isinstance(part, cst.Name) and part.value == name:
                return True
        if isinstance(target, cst.Name) and target.value == name:
            return True
    return False


def rebinding(function: cst.FunctionDef, name: str, at: cst.CSTNode, init: cst.CSTNode) -> Optional[str]:
    """None when ``name`` holds at ``init`` the value it held at ``at`` (both in ``function``, no
    statement between them, nor either one, binds it); else why not, in words."""
    first, second = _top_index(function, at), _top_index(function, init)
    if first is None or second is None:
        return f"{name} is not read where the init goes"
    low, high = min(first, second), max(first, second)
    body = function.body.body
    for i in range(low, high + 1):
        if any(_binds(node, name) for node in descendants(body[i])):
            return f"{name} is bound again in {function.name.value}() before the init"
    return None

