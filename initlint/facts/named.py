"""Activations named by strings: ``getattr(torch.nn, "ReLU")``, a setting's default string, the
fallback of an optional parameter. Pure functions of the syntax; the Resolver (held.py) decides
what the named thing holds."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import libcst as cst

from .. import catalog
from ..imports import dotted
from .literals import chosen_string, is_known, literal, parameter_default


def unless_given(expr: cst.BaseExpression, scope) -> Optional[cst.BaseExpression]:
    """``b`` in ``a if a else b`` / ``a or b`` / ``a if a is not None else b`` / ``b if a is None
    else a`` / ``default(a, b)`` where ``a`` is a parameter defaulting to None: what the default
    configuration uses."""
    given, fallback = None, None
    if isinstance(expr, cst.IfExp) and isinstance(expr.test, cst.Name) and isinstance(expr.body, cst.Name):
        given, fallback = (expr.body, expr.orelse) if expr.test.value == expr.body.value else (None, None)
    elif isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or) and isinstance(expr.left, cst.Name):
        given, fallback = expr.left, expr.right
    elif _default_call(expr):  # lucidrains' default(activation, nn.GELU): the value unless None
        given, fallback = expr.args[0].value, expr.args[1].value
    elif isinstance(expr, cst.IfExp) and none_tested(expr.test) is not None:
        name, is_none = none_tested(expr.test)
        kept, other = (expr.orelse, expr.body) if is_none else (expr.body, expr.orelse)
        if isinstance(kept, cst.Name) and kept.value == name.value:
            given, fallback = kept, other
    else:
        return None
    if given is None or not isinstance(scope, cst.FunctionDef):
        return None
    default = parameter_default(scope, given.value)
    return fallback if isinstance(default, cst.Name) and default.value == "None" else None


def _default_call(expr: cst.BaseExpression) -> bool:
    """``default(a, b)`` with ``a`` a name: the helper every lucidrains repository defines as
    ``a if exists(a) else b`` (``exists(a)``: ``a is not None``)."""
    return (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Name)
        and expr.func.value == "default"
        and len(expr.args) == 2
        and all(arg.keyword is None and not arg.star for arg in expr.args)
        and isinstance(expr.args[0].value, cst.Name)
    )


def none_tested(test: cst.BaseExpression) -> Optional[Tuple[cst.Name, bool]]:
    """``(a, True)`` for ``a is None``, ``(a, False)`` for ``a is not None``; else None."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1 or not isinstance(test.left, cst.Name):
        return None
    target = test.comparisons[0]
    if not (isinstance(target.comparator, cst.Name) and target.comparator.value == "None"):
        return None
    if isinstance(target.operator, cst.Is):
        return test.left, True
    if isinstance(target.operator, cst.IsNot):
        return test.left, False
    return None


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


def _named_argument(call: cst.Call, getter) -> Optional[cst.BaseExpression]:
    """The first positional argument of a call whose dotted callee ``getter`` matches."""
    name = dotted(call.func)
    if name is None or not getter.search(name):
        return None
    first = call.args[0] if call.args else None
    if first is None or first.star or first.keyword is not None:
        return None
    return first.value


def getter_argument(call: cst.Call) -> Optional[cst.BaseExpression]:
    """The name argument of a call to an activation getter (``get_act_layer(act_layer)``,
    ``get_activation("silu")``, ``activations.get(mask_act)``); None for other calls."""
    return _named_argument(call, catalog.ACTIVATION_GETTER)


def builds_named_norm(call: cst.Call, scope) -> bool:
    """``build_norm("bn2d", num_features=c)``, ``get_norm_layer(norm)`` with ``norm="batch"``: a
    norm getter given a string (literal or a setting's default) that names a norm layer."""
    argument = _named_argument(call, catalog.NORM_GETTER)
    text, _ = chosen_string(argument, scope) if argument is not None else (None, False)
    return text is not None and catalog.names_norm(text)


def named_activation(node: cst.BaseExpression, scope) -> Optional[Tuple[catalog.Activation, dict, bool]]:
    """The activation a getter's argument names: a string (a literal, or a parameter's default: a
    setting), an enum member spelled like one (``Activation.RELU``), or a config dict whose type
    is one (``act_cfg=dict(type="LeakyReLU", negative_slope=0.1)``); and whether it is a setting."""
    configured = _configured(node, scope)
    if configured is not None:
        return configured
    text, chosen = chosen_string(node, scope)
    if text is None and isinstance(node, cst.Name) and isinstance(scope, cst.FunctionDef):
        default = parameter_default(scope, node.value)
        if isinstance(default, cst.Attribute):  # activation: Activation = Activation.RELU
            text, chosen = default.attr.value, True
    if text is None and isinstance(node, cst.Attribute):
        text = node.attr.value
    found = catalog.activation_named(text) if text is not None else None
    return (found[0], found[1], chosen) if found is not None else None


def _configured(node: cst.BaseExpression, scope) -> Optional[Tuple[catalog.Activation, dict, bool]]:
    """``dict(type="GELU")`` / ``{"type": "GELU"}``, literal or a parameter's default (a setting):
    the activation its type names, with the parameters the dict sets to constants."""
    chosen = False
    if isinstance(node, cst.Name) and isinstance(scope, cst.FunctionDef):
        node, chosen = parameter_default(scope, node.value), True
    fields = config_fields(node) if node is not None else {}
    kind = literal(fields["type"]) if "type" in fields else None
    found = catalog.activation_named(kind) if isinstance(kind, str) else None
    if found is None:
        return None
    activation, params = found
    for name in params:
        value = literal(fields[name]) if name in fields else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            params[name] = float(value)
    return activation, params, chosen


def config_fields(node: cst.BaseExpression) -> dict:
    """The fields of ``dict(a=1)`` or ``{"a": 1}`` (string keys only)."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
        return {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
    if isinstance(node, cst.Dict):
        return {
            literal(e.key): e.value for e in node.elements if isinstance(e, cst.DictElement) and isinstance(literal(e.key), str)
        }
    return {}


def setting_equality(test: cst.BaseExpression) -> Optional[Tuple[str, object]]:
    """``("compression_factor", 8)`` for ``compression_factor == 8`` or ``self.compression_factor
    == 8``: an arm taken for one value of a setting (``__init__`` builds a layer under it; ``forward``
    runs the same test to use it)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return None
    value = literal(target.comparator)
    name = test.left
    if isinstance(name, cst.Attribute) and isinstance(name.value, cst.Name) and name.value.value == "self":
        name = name.attr
    if not isinstance(name, cst.Name) or not is_known(value) or isinstance(value, (list, dict, set)):
        return None
    return name.value, value


def exclusive_arms(here: Sequence[Tuple[str, object]], there: Sequence[Tuple[str, object]]) -> bool:
    """Whether code under the arms ``here`` never runs with code under ``there``: the same setting
    tested equal to two different values."""
    values = dict(there)
    return any(name in values and values[name] != value for name, value in here)
