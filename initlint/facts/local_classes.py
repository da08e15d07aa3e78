"""Classes of the checked file that the collector reads as torch things before its walk: a
subclass of a torch layer that keeps torch's init (no ``reset_parameters``, no write of its own
weight), which builds that layer; and a base whose ``__init__(self, *layers)`` stores
``nn.Sequential(*layers)``, whose subclasses' ``super().__init__(...)`` arguments are that
Sequential's items."""

from __future__ import annotations

from typing import Dict, Set

import libcst as cst

from .. import catalog
from ..imports import ImportTable, dotted
from .walk import descendants


def splatting_classes(module: cst.Module, imports: ImportTable) -> Dict[str, str]:
    """Module-level classes whose ``__init__(self, *layers, ...)`` does ``self.<attr> =
    nn.Sequential(*layers)`` (after at most ``layers += (...)``, which appends): name -> attr."""
    found: Dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef):
            continue
        init = next((item for item in statement.body.body
                     if isinstance(item, cst.FunctionDef) and item.name.value == "__init__"), None)
        star = init.params.star_arg if init is not None else None
        if not isinstance(star, cst.Param):
            continue
        rebound = any(  # layers = (stem,) + layers: the items' indices are not the arguments' any more
            isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Name) and node.target.value == star.name.value
            for node in descendants(init.body)
        )
        for node in () if rebound else descendants(init.body):
            if not (isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.value, cst.Call)):
                continue
            target, call = node.targets[0].target, node.value
            if (imports.resolve(call.func) == catalog.SEQUENTIAL and len(call.args) == 1 and call.args[0].star == "*"
                    and isinstance(call.args[0].value, cst.Name) and call.args[0].value.value == star.name.value
                    and isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self"):
                found[statement.name.value] = target.attr.value
    return found


def local_layer_classes(module: cst.Module, imports: ImportTable) -> Dict[str, catalog.Layer]:
    """Same-file subclasses of torch layers that keep torch's init (no ``reset_parameters`` of their own)."""
    found: Dict[str, catalog.Layer] = {}
    changed = True
    while changed:  # subclasses of subclasses, in any order
        changed = False
        for cls in module.body:
            if not isinstance(cls, cst.ClassDef) or cls.name.value in found:
                continue
            methods = {
                s.name.value: s for s in (cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ())
                if isinstance(s, cst.FunctionDef)
            }
            overrides = "reset_parameters" in methods or _writes_own_weight(methods, "__init__", set())
            for base in cls.bases:
                layer = catalog.LAYERS.get(imports.resolve(base.value) or "") or found.get(getattr(base.value, "value", ""))
                if layer is not None and not overrides:
                    found[cls.name.value] = layer
                    changed = True
                    break
    return found


def _writes_own_weight(methods: Dict[str, cst.FunctionDef], name: str, seen: Set[str]) -> bool:
    """Whether method ``name`` of a layer subclass (or a method of it that it calls on ``self``)
    writes ``self.weight``: ``nn.init.normal_(self.weight, ...)``, ``self.weight.data.uniform_()``,
    ``self.weight = Parameter(...)``. Such a class has an init of its own, as one overriding
    ``reset_parameters`` has (mmagic's ``EqualizedLRLinearModule``)."""
    method = methods.get(name)
    if method is None or name in seen:
        return False
    seen.add(name)
    for node in descendants(method.body):
        if isinstance(node, (cst.Assign, cst.AugAssign)):
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if any(_own_weight(target) for target in targets):
                return True
        elif isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value.endswith("_") and _own_weight(func.value):
                return True  # self.weight.data.normal_()
            if any(_own_weight(arg.value) for arg in node.args) and (dotted(func) or "").endswith("_"):
                return True  # nn.init.normal_(self.weight, 0, 1)
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
                if _writes_own_weight(methods, func.attr.value, seen):
                    return True  # self._init_linear_weights()
    return False


def _own_weight(node: cst.BaseExpression) -> bool:
    """``self.weight`` or ``self.weight.data``."""
    if isinstance(node, cst.Attribute) and node.attr.value == "data":
        node = node.value
    return isinstance(node, cst.Attribute) and node.attr.value == "weight" and isinstance(node.value, cst.Name) and node.value.value == "self"
