"""What an expression holds when it is used as a module: a layer, an activation, a norm, ..."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

import libcst as cst

from .collect import Facts
from .literals import literal
from .model import ActivationUse, Construct, LayerSite, Scope

LAYER, ACTIVATION, NORM, TRANSPARENT, SEQUENTIAL = "layer", "activation", "norm", "transparent", "sequential"


@dataclass(eq=False)
class Held:
    kind: str
    site: Optional[LayerSite] = None
    use: Optional[ActivationUse] = None
    items: Tuple[Tuple[Optional["Held"], cst.BaseExpression], ...] = ()  # a Sequential's items


Accessors = Tuple[str, ...]


def sequential_items(call: cst.Call) -> Optional[List[Tuple[Accessors, cst.BaseExpression]]]:
    """``(accessors, item)`` for each item of ``nn.Sequential(...)``; None when not static.

    Positional items are reached by index; ``OrderedDict([("fc1", layer), ...])`` items by key
    first, by index as well.
    """
    args = call.args
    if any(arg.star or arg.keyword is not None for arg in args):
        return None
    if len(args) == 1 and isinstance(args[0].value, cst.Call):
        inner = args[0].value
        name = inner.func.attr.value if isinstance(inner.func, cst.Attribute) else getattr(inner.func, "value", "")
        if name == "OrderedDict":
            return _ordered_dict_items(inner)
    return [((f"[{i}]",), arg.value) for i, arg in enumerate(args)]


def _ordered_dict_items(call: cst.Call) -> Optional[List[Tuple[Accessors, cst.BaseExpression]]]:
    if len(call.args) != 1 or not isinstance(call.args[0].value, (cst.List, cst.Tuple)):
        return None
    items = []
    for i, element in enumerate(call.args[0].value.elements):
        pair = element.value
        if not isinstance(pair, cst.Tuple) or len(pair.elements) != 2:
            return None
        key = literal(pair.elements[0].value)
        by_key = (f".{key}",) if isinstance(key, str) and key.isidentifier() else ()
        items.append((by_key + (f"[{i}]",), pair.elements[1].value))
    return items


class Resolver:
    """Classifies expressions as held modules, within one scope of one class."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def held(self, expr: cst.BaseExpression, scope: Scope, cls: Optional[cst.ClassDef]) -> Optional[Held]:
        if isinstance(expr, cst.Call):
            construct = self.facts.constructs.get(id(expr))
            if isinstance(construct, LayerSite):
                return Held(LAYER, site=construct)
            if construct is not None:
                return self._sequential(construct, scope, cls)
            module = self.facts.modules.get(id(expr))
            if module is not None:
                kind, use = module
                return Held(kind, use=use)
            return None
        values = self._bound_values(expr, scope, cls)
        if len(values) == 1:
            return self.held(values[0], scope, cls)
        return None

    def _bound_values(self, expr, scope, cls) -> List[cst.BaseExpression]:
        if isinstance(expr, cst.Name):
            return self.facts.locals.get(scope, {}).get(expr.value, [])
        if (
            cls is not None
            and isinstance(expr, cst.Attribute)
            and isinstance(expr.value, cst.Name)
            and expr.value.value == "self"
        ):
            return self.facts.class_attrs.get(cls, {}).get(expr.attr.value, [])
        return []

    def _sequential(self, construct: Construct, scope, cls) -> Optional[Held]:
        items = sequential_items(construct.call)
        if items is None:
            return None
        return Held(SEQUENTIAL, items=tuple((self.held(item, scope, cls), item) for _, item in items))

    def layer_sites(self, expr, scope, cls) -> List[LayerSite]:
        """The layers an attribute may hold when it is assigned in several places (if/else)."""
        held = self.held(expr, scope, cls)
        if held is not None:
            return [held.site] if held.kind == LAYER else []
        sites = []
        for value in self._bound_values(expr, scope, cls):
            inner = self.held(value, scope, cls) if isinstance(value, cst.Call) else None
            if inner is None or inner.kind != LAYER:
                return []
            sites.append(inner.site)
        return sites
