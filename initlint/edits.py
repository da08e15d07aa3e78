"""Where the fix for a layer goes and what it says: pure data, planned during analysis.

A layer is named by its binding (``self.fc``) or through the container that holds it
(``self.net[0]``, ``self.head.fc1``). When nothing names it (``layers.append(nn.Linear(...))``,
``return nn.Sequential(...)``), the outermost unnamed construction is bound to a fresh local
first. The init statements go right after the binding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Set, Tuple

import libcst as cst

from .facts.collect import Facts
from .facts.model import ActivationUse, Construct, LayerSite, Scope
from .recommend import Recommendation, describe, recommend
from .settings import Settings

INIT = "torch.nn.init"
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
    statements: Tuple[str, ...]  # the init statements, without comments
    lines: Tuple[str, ...]  # the lines to insert: the statements, commented where it helps
    edit: Optional[Edit]
    reason: str  # why there is no edit ("" when there is one)


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


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
        if not reason and site.layer.lazy:
            reason = f"{site.layer.name} has no weight until its first forward: init it after a dry run"
        if not reason and use.parametric:
            reason = "the activation is a parameter or a lookup: callers may pass another one"
        if not reason and use.unresolved:
            reason = f"the activation's {', '.join(use.unresolved)} is not a constant"
        if not reason and use.alternatives:
            reason = self._choice_reason(site, rec, use)
        if reason:
            return Plan(tuple(statements), tuple(lines), None, reason)
        hoist = None if anchor.ref is not None else self._hoists[id(anchor.call)]
        return Plan(tuple(statements), tuple(lines), Edit(anchor.statement, hoist, tuple(lines), self.import_torch), "")

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
