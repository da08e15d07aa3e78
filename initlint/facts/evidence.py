"""Evidence that a layer's weight is set explicitly, beyond a direct write on the layer.

Real code initialises in many places other than next to the layer: a type dispatch in an init
function applied with ``.apply``, a loop over ``self.modules()``, a helper wrapping the
construction, a framework base class. Each kind of evidence is specific to what it covers: a
layer name, a class, a construction, or (for framework-managed files) the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Set, Tuple

import libcst as cst

from .. import catalog
from ..imports import ImportTable, dotted
from .literals import literal, weight_owner
from .walk import descendants

_LAYER_NAMES = tuple(qualified.rsplit(".", 1)[1] for qualified in catalog.LAYERS)


@dataclass
class Evidence:
    refs: Set[Tuple[int, str]] = field(default_factory=set)  # (id(owner scope), ref) whose weight is set
    layer_names: Set[str] = field(default_factory=set)  # e.g. "Conv2d": a type dispatch writes its weights
    all_layers: bool = False  # a loop over .parameters() writes every weight
    classes: Set[int] = field(default_factory=set)  # id(ClassDef): `self.apply(<init fn>)` covers its layers
    wrapped: Set[int] = field(default_factory=set)  # id(Call): a construction passed to an init helper
    # Attribute names whose weight is set through a longer path (self.encoder.fc, model.fc).
    reached_attributes: Set[str] = field(default_factory=set)
    framework: str = ""  # why the whole file's init is managed elsewhere


def init_helper_name(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a (non-torch) call name says it initialises its argument."""
    if name in extra:
        return True
    if name.startswith("__"):  # super().__init__(...) passes layers on; it does not initialise them
        return False
    words = [w for w in re.split(r"_|(?<=[a-z0-9])(?=[A-Z])", name) if w]
    return any(w.lower() in catalog.INIT_HELPER_WORDS for w in words)


def call_name(func: cst.BaseExpression) -> Optional[str]:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


# ----------------------------------------------------------------- type dispatch


def dispatched_layers(test: cst.BaseExpression, imports: ImportTable) -> Set[str]:
    """Layer names an ``if`` test selects: isinstance, type(), class-name strings."""
    names: Set[str] = set()
    for node in descendants(test):
        if isinstance(node, cst.Call) and call_name(node.func) == "isinstance" and len(node.args) == 2:
            names |= _layer_types(node.args[1].value, imports)
        elif isinstance(node, cst.Comparison):
            names |= _compared_types(node, imports)
        elif isinstance(node, cst.Call) and call_name(node.func) in ("find", "startswith", "endswith", "count"):
            # classname.find("Conv") != -1, classname.startswith("Linear")
            if node.args and _mentions_class_name(node.func):
                names |= _names_matching(literal(node.args[0].value))
    return names


def _layer_types(node: cst.BaseExpression, imports: ImportTable) -> Set[str]:
    if isinstance(node, (cst.Tuple, cst.List)):
        return {n for element in node.elements for n in _layer_types(element.value, imports)}
    qualified = imports.resolve(node)
    if qualified in catalog.LAYERS:
        return {qualified.rsplit(".", 1)[1]}
    if qualified in catalog.LAYER_BASES:
        return {q.rsplit(".", 1)[1] for q in catalog.LAYER_BASES[qualified]}
    return set()


def _compared_types(node: cst.Comparison, imports: ImportTable) -> Set[str]:
    """``type(m) == nn.Linear``, ``type(m) in (...)``, ``"Conv" in classname``, ``name == "Linear"``."""
    names: Set[str] = set()
    operands = [node.left] + [c.comparator for c in node.comparisons]
    for operand in operands:
        names |= _layer_types(operand, imports)
        value = literal(operand)
        if isinstance(value, str) and any(_mentions_class_name(o) for o in operands if o is not operand):
            names |= _names_matching(value)
    return names


def _mentions_class_name(node: cst.BaseExpression) -> bool:
    text = (dotted(node) or "").lower() if not isinstance(node, cst.Call) else ""
    if isinstance(node, cst.Attribute):
        text = (dotted(node.value) or text).lower() + "." + node.attr.value.lower()
    return "class" in text or "name" in text or "type" in text


def _names_matching(value: object) -> Set[str]:
    if not isinstance(value, str) or not value:
        return set()
    return {name for name in _LAYER_NAMES if value in name}


# ----------------------------------------------------------------- weight writes


class _WeightWrites(cst.CSTVisitor):
    """Whether a block writes some ``X.weight``: an init call, an in-place method, an assignment."""

    def __init__(self, imports: ImportTable, any_tensor: bool = False) -> None:
        self.imports = imports
        self.any_tensor = any_tensor  # the loop variable is the tensor itself (for p in parameters())
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.imports.resolve(node.func)
        if qualified is not None and qualified.startswith(catalog.INIT_MODULE + "."):
            if self.any_tensor or self._weight_argument(node):
                self.found = True
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in catalog.WEIGHT_WRITING_METHODS:
            if weight_owner(node.func.value) is not None or self.any_tensor:
                self.found = True
        elif qualified is None and self._weight_argument(node):
            # Init functions of other libraries: timm's trunc_normal_(m.weight), lecun_normal_(...),
            # variance_scaling_(...), c2_xavier_fill(...): in-place by name ("_" suffix) or by word.
            name = call_name(node.func) or ""
            if name.endswith("_") or init_helper_name(name):
                self.found = True

    def _weight_argument(self, node: cst.Call) -> bool:
        return any(weight_owner(arg.value) is not None for arg in node.args)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if weight_owner(node.target) is not None:
            self.found = True


def writes_weight(block: cst.CSTNode, imports: ImportTable, any_tensor: bool = False) -> bool:
    visitor = _WeightWrites(imports, any_tensor)
    block.visit(visitor)
    return visitor.found


def iterates_parameters(node: cst.For) -> bool:
    call = node.iter
    return isinstance(call, cst.Call) and call_name(call.func) in catalog.PARAMETER_ITERATORS
