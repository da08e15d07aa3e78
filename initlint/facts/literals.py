"""Static values of simple expressions, and the textual names (refs) of layers."""

from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Dict, Iterator, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst

from ..catalog import Activation

_UNKNOWN = object()


def literal(node: cst.BaseExpression) -> object:
    """The value of a number, string, bool, ``-x``, ``a / b`` or ``math.sqrt(n)``; else _UNKNOWN."""
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    if isinstance(node, cst.Float):
        return float(node.evaluated_value)
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        value = literal(node.expression)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.operator, cst.Minus) else value
    if isinstance(node, cst.BinaryOperation):
        left, right = literal(node.left), literal(node.right)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
            try:
                if isinstance(node.operator, cst.Divide):
                    return left / right
                if isinstance(node.operator, cst.Multiply):
                    return left * right
                if isinstance(node.operator, cst.Add):
                    return left + right
                if isinstance(node.operator, cst.Subtract):
                    return left - right
                if isinstance(node.operator, cst.Power):
                    return float(left) ** right
            except (ZeroDivisionError, OverflowError):
                return _UNKNOWN
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == "math"
        and node.func.attr.value == "sqrt"
        and len(node.args) == 1
    ):
        value = literal(node.args[0].value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return math.sqrt(value)
    if isinstance(node, cst.Name) and node.value == "None":
        return None
    return _UNKNOWN


def is_known(value: object) -> bool:
    return value is not _UNKNOWN


def bind_args(
    args: Sequence[cst.Arg], names: Sequence[str], skip: int = 0
) -> Dict[str, cst.BaseExpression]:
    """Map a call's arguments onto parameter names: positional (after ``skip``) and keyword."""
    bound: Dict[str, cst.BaseExpression] = {}
    position = 0
    for arg in args:
        if arg.star:
            continue
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg.value
        else:
            index = position - skip
            if 0 <= index < len(names):
                bound[names[index]] = arg.value
            position += 1
    return bound


def activation_params(
    activation: Activation, given: Mapping[str, cst.BaseExpression]
) -> Tuple[Dict[str, object], Tuple[str, ...]]:
    """Resolved parameter values (defaults where not given) and the names given non-literally."""
    params: Dict[str, object] = {}
    unresolved = []
    for name, default in activation.params:
        params[name] = default
        if name in given:
            value = literal(given[name])
            if is_known(value):
                params[name] = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
            elif name != "num_parameters" and name not in activation.gain_free:
                unresolved.append(name)
    return params, tuple(unresolved)


# Defaults that the repository's builders supply for constructor parameters that have none
# (facts/supplied.py: every construction of the class passes the same activation), by function:
# set for the analysis of one module (``supplying``), read as if written in the signature.
_SUPPLIED: Dict[int, Dict[str, cst.BaseExpression]] = {}


@contextmanager
def supplying(defaults: Dict[int, Dict[str, cst.BaseExpression]]) -> Iterator[None]:
    _SUPPLIED.update(defaults)
    try:
        yield
    finally:
        for key in defaults:
            _SUPPLIED.pop(key, None)


def parameter_names(function: cst.FunctionDef) -> Set[str]:
    """Every parameter name of ``function``, ``*args`` and ``**kwargs`` included."""
    params = function.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    names.update(star.name.value for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param))
    return names


def parameter_default(function: cst.FunctionDef, name: str) -> Optional[cst.BaseExpression]:
    """The default value of ``function``'s parameter ``name`` (None: no such parameter or no
    default), or the value every builder passes for it when it has none (``supplying``)."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name:
            if param.default is None and _SUPPLIED:
                return _SUPPLIED.get(id(function), {}).get(name)
            return param.default
    return None


def parameter_annotation(function: cst.FunctionDef, name: str) -> Optional[cst.BaseExpression]:
    """The class ``function``'s parameter ``name`` is annotated with, ``Type[X]``/``type[X]``
    unwrapped (``activation_class: nn.ReLU``, ``act: Type[nn.GELU]``); None without one."""
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name and param.annotation is not None:
            annotation = param.annotation.annotation
            if isinstance(annotation, cst.Subscript) and len(annotation.slice) == 1:
                outer = annotation.value
                wrapper = outer.attr.value if isinstance(outer, cst.Attribute) else getattr(outer, "value", "")
                element = annotation.slice[0].slice
                if wrapper in ("Type", "type") and isinstance(element, cst.Index):
                    return element.value
            return annotation
    return None


# str methods a setting is normalised with before it is compared or looked up (`activation.lower()`)
_STRING_NORMALISERS = frozenset(("lower", "upper", "strip", "casefold"))


def normalised(node: cst.BaseExpression) -> Tuple[cst.BaseExpression, Optional[str]]:
    """``(activation, "lower")`` for ``activation.lower()``; ``(node, None)`` for anything else."""
    if (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _STRING_NORMALISERS):
        return node.func.value, node.func.attr.value
    return node, None


def chosen_string(node: cst.BaseExpression, scope: object) -> Tuple[Optional[str], bool]:
    """The string ``node`` is: a literal, or a parameter of ``scope`` whose default is one (a
    setting: callers may pass another), or one of those with its case changed or stripped
    (``getattr(F, activation.lower())``). ``(None, False)`` when it is neither."""
    inner, normaliser = normalised(node)
    if normaliser is not None:
        value, chosen = chosen_string(inner, scope)
        return (getattr(value, normaliser)(), chosen) if value is not None else (None, False)
    value = literal(node)
    if isinstance(value, str):
        return value, False
    if isinstance(node, cst.Name) and isinstance(scope, cst.FunctionDef):
        default = parameter_default(scope, node.value)
        value = literal(default) if default is not None else None
        if isinstance(value, str):
            return value, True
    return None, False


def star_keywords(call: cst.Call, scope: object) -> Tuple[Dict[str, cst.BaseExpression], bool]:
    """The keywords a call's ``**name`` passes when ``name`` is a parameter of ``scope`` whose default
    is a dict literal with string keys (``nonlinear_activation_params={"negative_slope": 0.1}``),
    and whether every ``**`` was resolved so (none: True)."""
    keywords: Dict[str, cst.BaseExpression] = {}
    for arg in call.args:
        if arg.star != "**":
            continue
        default = (
            parameter_default(scope, arg.value.value)
            if isinstance(arg.value, cst.Name) and isinstance(scope, cst.FunctionDef)
            else None
        )
        if not isinstance(default, cst.Dict):
            return keywords, False
        for element in default.elements:
            key = literal(element.key) if isinstance(element, cst.DictElement) else None
            if not isinstance(key, str):
                return keywords, False
            keywords[key] = element.value
    return keywords, True


def module_arguments(
    activation: Activation, call: cst.Call, scope: object
) -> Tuple[Dict[str, object], Tuple[str, ...], bool]:
    """An activation module's resolved parameters for the call that builds it, the names given
    non-literally, and whether some come from a parameter's default (``**act_params``: a setting)."""
    keywords, complete = star_keywords(call, scope)
    given = {**keywords, **bind_args(call.args, [name for name, _ in activation.params])}
    params, unresolved = activation_params(activation, given)
    if not complete:  # **kwargs of unknown content: every parameter not given may be in them
        unresolved += tuple(
            n for n, _ in activation.params if n not in given and n != "num_parameters" and n not in activation.gain_free
        )
    return params, unresolved, bool(keywords)


def ref_text(node: cst.BaseExpression) -> Optional[str]:
    """``self.net[0]`` for an expression made of names, attributes and constant indices."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = ref_text(node.value)
        return None if base is None else base + "." + node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        element = node.slice[0].slice
        if isinstance(element, cst.Index):
            base = ref_text(node.value)
            key = literal(element.value)
            if base is not None and isinstance(key, (int, str)) and not isinstance(key, bool):
                return f"{base}[{key!r}]"
    return None


def weight_owner(node: cst.BaseExpression) -> Optional[str]:
    """For ``X.weight``, ``X.weight.data``, ``X.weight[...]``: the ref of X; else None."""
    while True:
        if isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Attribute) and node.attr.value == "data":
            node = node.value
        else:
            break
    if isinstance(node, cst.Attribute) and node.attr.value == "weight":
        return ref_text(node.value)
    return None
