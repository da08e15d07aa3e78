"""Which arm of ``if <setting>:`` the defaults take. Settings are judged at their defaults
(design.md §3): ``if with_bn:`` with ``with_bn=True`` builds the norm; ``if norm_layer is not
None:`` with ``norm_layer=nn.BatchNorm2d`` appends it; ``if activation == "leakyrelu":`` with that
default binds the LeakyReLU, not the ELU of the ``elif``. A setting the function rebinds is no
longer the one given, and decides nothing here."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from .literals import literal, normalised, parameter_default
from .named import none_tested

# An if-arm a construction or binding is in: the test, whether the arm is its body (True) or its
# else (False), and the function whose parameters the test reads.
Condition = Tuple[cst.BaseExpression, bool, Optional[cst.FunctionDef]]


def tested_setting(test: cst.BaseExpression) -> bool:
    """Whether ``test`` is of a shape ``taken_at_default`` can judge (a name, ``not`` one, or a
    name tested against None)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return tested_setting(test.expression)
    return isinstance(test, cst.Name) or none_tested(test) is not None or _equality(test) is not None


def _equality(test: cst.BaseExpression) -> Optional[Tuple[cst.Name, object, Optional[str]]]:
    """``(activation, "leakyrelu", None)`` for ``activation == "leakyrelu"`` (a plain name, a
    literal); ``(activation, "swiglu", "lower")`` for ``activation.lower() == "swiglu"``."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    left, normaliser = normalised(test.left)
    if not isinstance(left, cst.Name) or not isinstance(test.comparisons[0].operator, cst.Equal):
        return None
    value = literal(test.comparisons[0].comparator)
    return (left, value, normaliser) if isinstance(value, (str, int, float, bool)) else None


def taken_at_default(
    test: cst.BaseExpression, function: Optional[cst.FunctionDef], locals_: Dict[str, List[cst.BaseExpression]],
    equality: bool = True,
) -> Optional[bool]:
    """The value of ``test`` when ``function``'s parameters keep their defaults: a bool
    parameter (``if batch_norm:``, ``if not bias:``) or one tested against None; None when that
    is not known (not a parameter, no default, rebound in ``function``: ``locals_`` are its
    bindings)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = taken_at_default(test.expression, function, locals_, equality)
        return None if inner is None else not inner
    tested = none_tested(test)
    equality = _equality(test) if equality else None  # fastmri's `if activation == "leakyrelu":` ... `elif`
    name = tested[0] if tested is not None else equality[0] if equality is not None else test
    if not isinstance(name, cst.Name) or not isinstance(function, cst.FunctionDef) or locals_.get(name.value):
        return None  # `if norm_layer is None: norm_layer = nn.BatchNorm2d` rebinds it
    default = parameter_default(function, name.value)
    if default is None:
        return None
    if tested is not None:
        return (isinstance(default, cst.Name) and default.value == "None") == tested[1]
    if equality is not None:
        if isinstance(default, cst.Name) and default.value == "None":
            return False  # norm=None never equals "batch"
        value = literal(default)
        if equality[2] is not None:
            value = getattr(value, equality[2])() if isinstance(value, str) else None
        return value == equality[1] if isinstance(value, (str, int, float, bool)) else None
    flag = literal(default)
    return flag if isinstance(flag, bool) else None


def untaken(conditions: Tuple[Condition, ...], locals_of, equality: bool = True) -> bool:
    """Whether the defaults skip one of the arms ``conditions`` name (``locals_of(function)``:
    that function's bindings); ``equality``: judging ``setting == value`` tests too."""
    for test, body, function in conditions:
        taken = taken_at_default(test, function, locals_of(function), equality)
        if taken is not None and taken != body:
            return True
    return False
