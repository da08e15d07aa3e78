"""An unnamed construction the fix binds to a local: where it is, in words, and the local's name.

The name says what the thing is: the keyword it was passed as (``mlp=``), else the class it is
passed to (``Block(nn.Sequential(...))`` -> ``block_seq``), else what it is (``mlp``, ``seq``,
``linear``). It is never a name the code already uses in that scope; a local the fix itself made
for an earlier statement may be bound again (its use ends with that statement), as one would
write by hand.
"""

from __future__ import annotations

import builtins
import itertools
import keyword
import re
from typing import Dict, Iterator, Optional, Set

import libcst as cst

from .facts.model import Construct, Scope
from .facts.walk import child_nodes


def callee(call: cst.Call) -> str:
    """``Sequential`` of ``nn.Sequential(...)``: the constructor's own name."""
    func = call.func
    while isinstance(func, cst.Call):
        func = func.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else "module"


def keyword_of(call: cst.Call, argument: cst.CSTNode) -> str:
    """The keyword ``argument`` is passed as to ``call`` ("" when positional)."""
    for arg in call.args:
        if arg.value is argument and arg.keyword is not None:
            return arg.keyword.value
    return ""


def call_taking(node: cst.CSTNode, argument: cst.Call) -> Optional[cst.Call]:
    """The call in ``node`` that takes ``argument`` as one of its arguments."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call) and any(arg.value is argument for arg in node.args):
            return node
        stack.extend(child_nodes(node))
    return None


def where(anchor: Construct) -> str:
    """Where the unnamed construction is, as the reader finds it: returned, passed to a call, built."""
    if not anchor.hoistable:
        return "built here (inside a lambda, comprehension or conditional expression)"
    small = anchor.statement.body[0] if anchor.statement is not None and anchor.statement.body else None
    if isinstance(small, cst.Return) and small.value is anchor.call:
        return "returned here"
    outer = call_taking(anchor.statement, anchor.call) if anchor.statement is not None else None
    if outer is not None:
        passed = keyword_of(outer, anchor.call)
        passed = f"as {passed}= " if passed else ""
        return f"passed {passed}to {cst.Module([]).code_for_node(outer.func)} here"
    return "built here"


def snake(name: str) -> str:
    """``GINConv`` -> ``gin_conv``, ``ResBlock`` -> ``res_block``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _usable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not hasattr(builtins, name)


def candidates(anchor: Construct, base: str) -> Iterator[str]:
    """The names for ``anchor``'s local, best first."""
    outer = call_taking(anchor.statement, anchor.call) if anchor.statement is not None else None
    if outer is not None:
        passed = keyword_of(outer, anchor.call)
        if _usable(passed):
            yield passed
        owner = callee(outer)
        if owner[:1].isupper():  # a class it is given to (a function such as `append` says nothing)
            yield f"{snake(owner)}_{base}"
    yield base


class _Used(cst.CSTVisitor):
    """Every variable name a scope uses (attribute names and keywords are not variables)."""

    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False


class LocalNames:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._used: Dict[int, Set[str]] = {}
        self._ours: Dict[int, Dict[str, Set[int]]] = {}  # scope -> the fix's locals -> statements using them

    def _used_in(self, scope: Scope) -> Set[str]:
        used = self._used.get(id(scope))
        if used is None:
            collector = _Used()
            scope.visit(collector)
            used = self._used[id(scope)] = collector.names
        return used

    def unique(self, scope: Scope, base: str) -> str:
        """``base`` (numbered when taken) for a function the fix defines in ``scope``: a name
        nothing there uses, not even another local or function of the fix."""
        used = self._used_in(scope)
        name = next(n for n in itertools.chain((base,), (f"{base}_{i}" for i in itertools.count(2))) if n not in used)
        used.add(name)
        return name

    def fresh(self, anchor: Construct, base: str) -> str:
        scope: Scope = anchor.function or anchor.owner_class or self.module
        used = self._used_in(scope)
        ours = self._ours.setdefault(id(scope), {})
        statement = id(anchor.statement)
        names = list(candidates(anchor, base))
        if isinstance(scope, cst.FunctionDef):
            names.append(f"{scope.name.value.strip('_')}_{base}")  # `block_seq` in `def block`
        for name in names:
            if name in used:
                continue
            if statement in ours.get(name, ()):
                # A sibling in the same statement has it (two layers of one list): number them.
                name = next(f"{name}{n}" for n in itertools.count(2)
                            if f"{name}{n}" not in used and statement not in ours.get(f"{name}{n}", ()))
            ours.setdefault(name, set()).add(statement)
            return name
        name = next(f"{base}_{n}" for n in itertools.count(2)  # the last resort
                    if f"{base}_{n}" not in used and statement not in ours.get(f"{base}_{n}", ()))
        ours.setdefault(name, set()).add(statement)
        return name
