"""Activations named by strings: ``getattr(torch.nn, "ReLU")``, a setting's default string, the
fallback of an optional parameter. Pure functions of the syntax; the Resolver (held.py) decides
what the named thing holds."""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from .literals import chosen_string, parameter_default


def unless_given(expr: cst.BaseExpression, scope) -> Optional[cst.BaseExpression]:
    """``b`` in ``a if a else b`` / ``a or b`` where ``a`` is a parameter defaulting to None: what
    the default configuration uses."""
    if isinstance(expr, cst.IfExp) and isinstance(expr.test, cst.Name) and isinstance(expr.body, cst.Name):
        given, fallback = (expr.body, expr.orelse) if expr.test.value == expr.body.value else (None, None)
    elif isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or) and isinstance(expr.left, cst.Name):
        given, fallback = expr.left, expr.right
    else:
        return None
    if given is None or not isinstance(scope, cst.FunctionDef):
        return None
    default = parameter_default(scope, given.value)
    return fallback if isinstance(default, cst.Name) and default.value == "None" else None


def getattr_expression(call: cst.Call, scope) -> Optional[Tuple[cst.Attribute, bool]]:
    """``getattr(obj, "name"[, default])`` as the attribute it reads (``obj.name``), and whether the
    name is a setting (a parameter's default) rather than a literal; None for other calls."""
    if not (isinstance(call.func, cst.Name) and call.func.value == "getattr") or len(call.args) not in (2, 3):
        return None
    if any(arg.star or arg.keyword is not None for arg in call.args):
        return None
    name, chosen = chosen_string(call.args[1].value, scope)
    if name is None or not name.isidentifier():
        return None
    return cst.Attribute(value=call.args[0].value, attr=cst.Name(name)), chosen
