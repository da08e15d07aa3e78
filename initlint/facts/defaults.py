"""Which arm of ``if <setting>:`` the defaults take. Settings are judged at their defaults
(design.md §3): ``if with_bn:`` with ``with_bn=True`` builds the norm; ``if norm_layer is not
None:`` with ``norm_layer=nn.BatchNorm2d`` appends it. A setting the function rebinds is no
longer the one given, and decides nothing here."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from .literals import literal, parameter_default
from .named import none_tested

# An if-arm a construction or binding is in: the test, whether the arm is its body (True) or its
# else (False), and the function whose parameters the test reads.
Condition = Tuple[cst.BaseExpression, bool, Optional[cst.FunctionDef]]


def tested_setting(test: cst.BaseExpression) -> bool:
    """Whether ``test`` is of a shape ``taken_at_default`` can judge (a name, ``not`` one, or a
    name tested against None)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return tested_setting(test.expression)
    return isinstance(test, cst.Name) or none_tested(test) is not None


def taken_at_default(
    test: cst.BaseExpression, function: Optional[cst.FunctionDef], locals_: Dict[str, List[cst.BaseExpression]]
) -> Optional[bool]:
    """The value of ``test`` when ``function``'s parameters keep their defaults: a bool
    parameter (``if batch_norm:``, ``if not bias:``) or one tested against None; None when that
    is not known (not a parameter, no default, rebound in ``function``: ``locals_`` are its
    bindings)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = taken_at_default(test.expression, function, locals_)
        return None if inner is None else not inner
    tested = none_tested(test)
    name = tested[0] if tested is not None else test
    if not isinstance(name, cst.Name) or not isinstance(function, cst.FunctionDef) or locals_.get(name.value):
        return None  # `if norm_layer is None: norm_layer = nn.BatchNorm2d` rebinds it
    default = parameter_default(function, name.value)
    if default is None:
        return None
    if tested is not None:
        return (isinstance(default, cst.Name) and default.value == "None") == tested[1]
    flag = literal(default)
    return flag if isinstance(flag, bool) else None


def untaken(conditions: Tuple[Condition, ...], locals_of) -> bool:
    """Whether the defaults skip one of the arms ``conditions`` name (``locals_of(function)``:
    that function's bindings)."""
    for test, body, function in conditions:
        taken = taken_at_default(test, function, locals_of(function))
        if taken is not None and taken != body:
            return True
    return False
