"""Guards for activations callers may change: the test, in the code's own words, that holds
exactly when the activation is the one the analysis read from a parameter's default.

``def __init__(self, act_layer=nn.GELU)`` ... ``act_layer()``: ``act_layer is nn.GELU``;
``activation="relu"`` ... ``get_activation(activation)``: ``activation == "relu"``;
``activation=nn.ReLU()`` used as the module: ``type(activation) is nn.ReLU``. Where no such test
can be written, the use says why (``unguarded``) and the fix leaves it to a person. Whether the
test reads, where the init goes, what it read here is the planner's check (restate.py).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Optional

import libcst as cst

from .literals import parameter_annotation, parameter_default
from .model import ActivationUse, Guard
from .restate import code

UNGUARDABLE = "callers may pass another activation, and no test for the one read can be written"
# The gain of these does not depend on what their constructor's parameters say beyond the class.
_CLASS_ONLY_PARAMS = frozenset(("inplace", "num_parameters", "dim"))


def given(use: ActivationUse, guard: Optional[Guard], why: str) -> ActivationUse:
    """``use``, which callers may change, with the test under which it is the one read (or why
    there is none)."""
    if guard is None:
        return dataclasses.replace(use, parametric=True, unguarded=use.unguarded or why)
    return dataclasses.replace(use, parametric=True, guards=use.guards + (guard,))


def parameter_of(name: cst.BaseExpression, scope) -> Optional[str]:
    """The name when it is a parameter of the function ``scope``."""
    if not isinstance(name, cst.Name) or not isinstance(scope, cst.FunctionDef):
        return None
    params = scope.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    return name.value if any(param.name.value == name.value for param in every) else None


def _one_line(node: cst.CSTNode) -> Optional[str]:
    text = code(node)
    return None if "\n" in text or "#" in text else text


def _what(scope: cst.FunctionDef, parameter: str, text: str) -> str:
    """``the default act_layer=nn.GELU``; for a parameter with no default whose value every
    construction or call passes (facts/supplied.py), says so."""
    params = scope.params
    written = any(
        param.name.value == parameter and param.default is not None
        for param in (*params.posonly_params, *params.params, *params.kwonly_params)
    )
    return f"the default {parameter}={text}" if written else f"{parameter}={text}, what every call passes"


def equals_default(name: cst.BaseExpression, scope) -> Optional[Guard]:
    """``activation == "relu"`` (``act_layer is nn.GELU`` for a name or attribute default) for a
    parameter of ``scope``: true exactly when it holds its default, which is what the analysis read."""
    parameter = parameter_of(name, scope)
    default = parameter_default(scope, parameter) if parameter else None
    text = _one_line(default) if default is not None else None
    if text is None:
        return None
    operator = "is" if isinstance(default, (cst.Name, cst.Attribute)) else "=="
    return Guard(f"{parameter} {operator} {text}", parameter, scope, _what(scope, parameter, text))


def is_class(name: cst.BaseExpression, scope) -> Optional[Guard]:
    """``act_layer is nn.GELU`` for a parameter whose default (or, with none, annotation) is the
    class the activation is built from."""
    parameter = parameter_of(name, scope)
    if parameter is None:
        return None
    if parameter_default(scope, parameter) is not None:
        return equals_default(name, scope)
    annotation = parameter_annotation(scope, parameter)
    text = _one_line(annotation) if annotation is not None else None
    if text is None:
        return None
    return Guard(f"{parameter} is {text}", parameter, scope, f"{parameter}: {text}")


def is_instance(name: cst.BaseExpression, scope, use: ActivationUse) -> Optional[Guard]:
    """``type(activation) is nn.LeakyReLU and activation.negative_slope == 0.2`` for a parameter
    whose default is an activation module (``activation=nn.LeakyReLU(0.2)``): true for a module of
    exactly that class (a subclass may compute something else) with those parameters (torch keeps
    them as attributes of the same names)."""
    parameter = parameter_of(name, scope)
    default = parameter_default(scope, parameter) if parameter else None
    if not isinstance(default, cst.Call) or use.unresolved:
        return None
    cls, text = _one_line(default.func), _one_line(default)
    if cls is None or text is None or "init" in use.params:  # PReLU: its slope is a weight, not an attribute
        return None
    tests = [f"type({parameter}) is {cls}"]
    for key, value in sorted(use.params.items()):
        if key not in _CLASS_ONLY_PARAMS:
            tests.append(f"{parameter}.{key} == {json.dumps(value)}")
    return Guard(" and ".join(tests), parameter, scope, _what(scope, parameter, text))


def not_given(name: cst.BaseExpression, scope, none_test: bool = False) -> Optional[Guard]:
    """``not last_activation`` for ``last_activation if last_activation else activation`` (``or``);
    ``activation is None`` for ``activation if activation is not None else nn.ELU()``."""
    parameter = parameter_of(name, scope)
    if parameter is None:
        return None
    return Guard(f"{parameter} is None" if none_test else f"not {parameter}", parameter, scope, f"no {parameter}")


def star_guards(use: ActivationUse, call: cst.Call, scope) -> ActivationUse:
    """``act_params == {"negative_slope": 0.1}`` for each ``**act_params`` whose default gave the
    activation's parameters (``nn.LeakyReLU(**act_params)``)."""
    for arg in call.args:
        if arg.star == "**":
            use = given(use, equals_default(arg.value, scope), UNGUARDABLE)
    return use
