"""Where the fix for a layer goes and what it says: pure data, planned during analysis.

A layer is named by its binding (``self.fc``) or through the container that holds it
(``self.net[0]``, ``self.head.fc1``). When nothing names it (``layers.append(nn.Linear(...))``,
``return nn.Sequential(...)``), the outermost unnamed construction is bound to a fresh local
first. The init statements go right after the binding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Set, Tuple

import libcst as cst

from .facts.collect import Facts
from .facts.walk import child_nodes
from .facts.model import ActivationUse, Construct, LayerSite, Scope
from .recommend import Recommendation, describe, recommend
from .settings import Settings

INIT = "torch.nn.init"
UNNAMED = "bind "  # how a suggestion in words begins: nothing names the layer yet
_FRESH_BASE = {"linear": "linear", "bilinear": "bilinear", "conv": "conv", "conv_transpose": "deconv"}


@dataclass(frozen=True, eq=False)
class Hoist:
    """Bind ``call`` to the local ``name`` in a statement of its own, just before its statement."""

    call: cst.Call
    name: str


@dataclass(frozen=True, eq=False)
class Edit:
    statement: cst.SimpleStatementLine  # the statement the lines follow (or the hoist precedes)
    hoist: Optional[Hoist]
    lines: Tuple[str, ...]
    import_torch: bool  # the module has no name for torch.nn.init yet: add `import torch`


@dataclass(frozen=True, eq=False)
class Rewrite:
    """Replace ``node`` (found by identity) with the expression ``code``: INI002/INI003 fixes."""

    node: cst.CSTNode
    code: str


@dataclass(frozen=True)
class Plan:
    statements: Tuple[str, ...]  # the init statements the edit inserts, without comments
    lines: Tuple[str, ...]  # the lines to insert: the statements, commented where it helps
    edit: Optional[Edit]
    reason: str  # why there is no edit ("" when there is one)
    # What the reader is told to do: the statements when the code already names the layer where
    # they go; else, in words, what to bind first (the statements name a local the fix would create).
    advice: str = ""

    @property
    def suggestion(self) -> str:
        """The lines to add when they name only what exists, else the advice in words."""
        return self.advice if self.advice.startswith(UNNAMED) else "\n".join(self.lines)


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _callee(call: cst.Call) -> str:
    """``Sequential`` of ``nn.Sequential(...)``: the constructor's own name."""
    func = call.func
    while isinstance(func, cst.Call):
        func = func.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else "module"


def _where(anchor: Construct) -> str:
    """Where the unnamed construction is, as the reader finds it: returned, passed to a call, built."""
    if not anchor.hoistable:
        return "built here (inside a lambda, comprehension or conditional expression)"
    small = anchor.statement.body[0] if anchor.statement is not None and anchor.statement.body else None
    if isinstance(small, cst.Return) and small.value is anchor.call:
        return "returned here"
    outer = _call_taking(anchor.statement, anchor.call) if anchor.statement is not None else None
    if outer is not None:
        keyword = _keyword_of(outer, anchor.call)
        passed = f"as {keyword}= " if keyword else ""
        return f"passed {passed}to {cst.Module([]).code_for_node(outer.func)} here"
    return "built here"


def _keyword_of(call: cst.Call, argument: cst.CSTNode) -> str:
    """The keyword ``argument`` is passed as to ``call`` ("" when positional)."""
    for arg in call.args:
        if arg.value is argument and arg.keyword is not None:
            return arg.keyword.value
    return ""


def _call_taking(node: cst.CSTNode, argument: cst.Call) -> Optional[cst.Call]:
    """The call in ``node`` that takes ``argument`` as one of its arguments."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call) and any(arg.value is argument for arg in node.args):
            return node
        stack.extend(child_nodes(node))
    return None


def _accessor_words(path: str):
    """``[0].fc1`` -> ``item 0``, ``fc1``: how a reader says each step of an accessor path."""
    for index, attribute in re.findall(r"\[([^\]]*)\]|\.(\w+)", path):
        yield f"item {index}" if not attribute else attribute


class EditPlanner:
    def __init__(self, facts: Facts, settings: Settings) -> None:
        self.facts = facts
        self.settings = settings
        spelled = facts.imports.spelling(INIT)
        self.init = spelled or INIT
        self.import_torch = spelled is None
        self._taken: Dict[int, Set[str]] = {}
        self._hoists: Dict[int, Hoist] = {}

    def plan(self, site: LayerSite, rec: Recommendation, use: ActivationUse) -> Plan:
        anchor = site.anchor()
        path = site.path_from_anchor()
        if path is None:
            base, reason = None, "an item before it may be left out of its Sequential (None): its index is not certain"
        else:
            base, reason = self._name(anchor, site)
        ref = base + path if base else f"<{site.layer.name}>"
        statements = [rec.render(self.init, ref + ".weight")]
        if self.settings.bias == "zeros" and site.bias:
            statements.append(f"{self.init}.zeros_({ref}.bias)")
        lines = list(statements)
        if rec.comment:
            lines[0] += "  # " + rec.comment
        if anchor.ref is not None and path is not None:
            advice = "add " + "; ".join(statements)
        else:
            advice = self._in_words(anchor, site, path, rec)
        if not reason and site.layer.lazy:
            reason = f"{site.layer.name} has no weight until its first forward: init it after a dry run"
        if not reason and use.parametric:
            reason = "the activation is a parameter or a lookup: callers may pass another one"
        if not reason and use.unresolved:
            reason = f"the activation's {', '.join(use.unresolved)} is not a constant"
        if not reason and use.alternatives:
            reason = self._choice_reason(site, rec, use)
        if reason:
            return Plan(tuple(statements), tuple(lines), None, reason, advice)
        hoist = None if anchor.ref is not None else self._hoists[id(anchor.call)]
        edit = Edit(anchor.statement, hoist, tuple(lines), self.import_torch)
        return Plan(tuple(statements), tuple(lines), edit, "", advice)

    def _in_words(self, anchor: Construct, site: LayerSite, path: Optional[str], rec: Recommendation) -> str:
        """``bind the Sequential returned here to a name, then init its item 0 with ...``: for a layer
        nothing names yet, so that the advice names no variable the code does not have."""
        if path is None:  # its index in the container is not certain: speak of the layer itself
            anchor, path = site, ""
        what = f"the {_callee(anchor.call)} {_where(anchor)}"
        item = "it" if not path else "its " + "'s ".join(_accessor_words(path))
        call = rec.render(self.init, "...")
        bias = f" and its bias with {self.init}.zeros_(...)" if self.settings.bias == "zeros" and site.bias else ""
        return f"{UNNAMED}{what} to a name, then init {item} with {call}{bias}"

    def _choice_reason(self, site: LayerSite, rec: Recommendation, use: ActivationUse) -> str:
        """A setting chooses the activation: one edit is right only if every choice wants the same init."""
        wanted = rec.render(self.init, "w")
        others = [
            describe(other) for other in use.alternatives
            if recommend(other, self.settings, site).render(self.init, "w") != wanted
        ]
        if not others:
            return ""
        verb = "wants" if len(others) == 1 else "want"
        return f"the activation depends on a setting, and {' and '.join(others)} {verb} another init than {rec.label}"

    def _name(self, anchor: Construct, site: LayerSite) -> Tuple[Optional[str], str]:
        if anchor.statement is None:
            return anchor.ref, "built in a block header or a one-line block: add the call by hand"
        if anchor.ref is not None:
            return anchor.ref, ""
        if not anchor.hoistable:
            return None, "built inside a lambda, comprehension or conditional expression"
        existing = self._hoists.get(id(anchor.call))
        if existing is not None:
            return existing.name, ""
        family = anchor.layer.family if isinstance(anchor, LayerSite) else None
        hoist = self._hoists[id(anchor.call)] = Hoist(anchor.call, self._fresh(anchor, _FRESH_BASE.get(family, "seq")))
        return hoist.name, ""

    def _fresh(self, anchor: Construct, base: str) -> str:
        scope: Scope = anchor.function or anchor.owner_class or self.facts.module
        taken = self._taken.get(id(scope))
        if taken is None:
            collector = _Names()
            scope.visit(collector)
            taken = self._taken[id(scope)] = collector.names
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}{n}"
        taken.add(name)
        return name
