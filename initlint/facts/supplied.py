"""Constructor parameters with no default whose activation the builders supply, and a helper's
activation parameter that every call of it in the file fills alike.

``def __init__(self, dim, activation): ... getattr(nn, activation)()`` names no activation itself;
when every construction of the class in the project passes the same one (the index's answer,
index/passed.py), the analysis reads the parameter as if that were its default: a setting callers
choose, which is what the analysis already does with ``activation="ReLU"``. Each supplied value is
spelled as this module would write it (``nn.GELU``, ``"relu"``, ``nn.LeakyReLU(negative_slope=0.2)``)
and parsed, so every reader of parameter defaults sees it unchanged.

A helper of the file (a module-level function, or a method called on ``self``) whose parameter
named for an activation has no default: when every call of it in the file passes the same
activation there (xuance's ``self.create_mlp(..., nn.LeakyReLU(), ...)``), the analysis reads
that argument as the default, as it reads a constructor's supplied one.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from .. import catalog
from ..imports import ImportTable
from .literals import bind_args
from .walk import descendants


def _spelled(descriptor: list, imports: ImportTable) -> Optional[cst.BaseExpression]:
    kind = descriptor[0]
    if kind == "string":
        return cst.SimpleString(repr(descriptor[1]))
    if kind == "spelled":  # a layer factory of the project, as this file names it
        return cst.parse_expression(descriptor[1])
    name = imports.spelling(descriptor[1])
    if name is None:
        return None  # this module cannot name the class: leave the parameter unknown
    if kind == "class":
        return cst.parse_expression(name)
    keywords = ", ".join(f"{key}={value!r}" for key, value in sorted(descriptor[2].items()))
    return cst.parse_expression(f"{name}({keywords})")


def supplied_defaults(module: cst.Module, imports: ImportTable, index) -> Dict[int, Dict[str, cst.BaseExpression]]:
    """For each module-level class's ``__init__`` (by id): its parameters with no default that
    every construction passes one activation for, with that activation as an expression."""
    found: Dict[int, Dict[str, cst.BaseExpression]] = {}
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef):
            continue
        init = next(
            (item for item in statement.body.body if isinstance(item, cst.FunctionDef) and item.name.value == "__init__"),
            None,
        )
        if init is None:
            continue
        positional = [*init.params.posonly_params, *init.params.params][1:]  # after self
        params = [(param, i) for i, param in enumerate(positional)] + [(param, None) for param in init.params.kwonly_params]
        for param, position in params:
            if param.default is not None:
                continue
            descriptor = index.supplied(statement.name.value, param.name.value, position)
            value = _spelled(descriptor, imports) if descriptor is not None else None
            if value is not None:
                found.setdefault(id(init), {})[param.name.value] = value
    return found


def passed_by_every_call(module: cst.Module, imports: ImportTable) -> Dict[int, Dict[str, cst.BaseExpression]]:
    """For each helper of the module (by id): its activation parameters with no default that
    every call in the module passes the same activation for, with the argument passed."""
    found: Dict[int, Dict[str, cst.BaseExpression]] = {}
    for scope, helpers, called in _helpers(module):
        if not helpers:
            continue
        calls: Dict[str, List[cst.Call]] = {name: [] for name in helpers}
        for node in descendants(scope):
            if isinstance(node, cst.Call):
                name = called(node.func)
                if name in calls:
                    calls[name].append(node)
        for name, (function, positional, params) in helpers.items():
            bound = [None if any(arg.star for arg in call.args) else bind_args(call.args, positional) for call in calls[name]]
            for param in params:
                passed = [arguments.get(param) if arguments is not None else None for arguments in bound]
                if not passed or any(value is None for value in passed):
                    continue
                if len({module.code_for_node(value) for value in passed}) == 1 and _names_activation(passed[0], imports):
                    found.setdefault(id(function), {})[param] = passed[0]
    return found


# name -> (helper, its positional parameters' names, its activation parameters with no default)
Helpers = Dict[str, Tuple[cst.FunctionDef, List[str], List[str]]]


def _helpers(module: cst.Module):
    """(where its calls are, {name: (helper, positional names, parameters)}, the name a call's
    callee calls it by): the module's functions, called by name; each class's methods, on ``self``."""
    yield module, _candidates([s for s in module.body if isinstance(s, cst.FunctionDef)], 0), (
        lambda func: func.value if isinstance(func, cst.Name) else None
    )
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            methods = [m for m in statement.body.body if isinstance(m, cst.FunctionDef) and m.name.value != "__init__"]
            yield statement, _candidates(methods, 1), (
                lambda func: func.attr.value
                if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"
                else None
            )


def _candidates(functions: List[cst.FunctionDef], skip: int) -> Helpers:
    found: Helpers = {}
    for function in functions:
        if function.decorators:
            continue  # a staticmethod shifts the positions; a property is no helper
        positional = [*function.params.posonly_params, *function.params.params][skip:]
        params = [p.name.value for p in (*positional, *function.params.kwonly_params)
                  if p.default is None and catalog.ACTIVATION_PARAMETER.search(p.name.value)]
        if params:
            found[function.name.value] = (function, [p.name.value for p in positional], params)
    return found


def _names_activation(value: cst.BaseExpression, imports: ImportTable) -> bool:
    """``nn.LeakyReLU()``, ``nn.ReLU``, ``F.relu``, ``"relu"``: an activation, as the argument names it."""
    if isinstance(value, cst.SimpleString):
        text = value.evaluated_value
        return isinstance(text, str) and catalog.activation_named(text) is not None
    qualified = imports.resolve(value.func if isinstance(value, cst.Call) else value)
    return qualified in catalog.ACTIVATION_MODULES or qualified in catalog.ACTIVATION_FUNCTIONS
