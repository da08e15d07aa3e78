"""Constructor parameters with no default whose activation the builders supply.

``def __init__(self, dim, activation): ... getattr(nn, activation)()`` names no activation itself;
when every construction of the class in the project passes the same one (the index's answer,
index/passed.py), the analysis reads the parameter as if that were its default: a setting callers
choose, which is what the analysis already does with ``activation="ReLU"``. Each supplied value is
spelled as this module would write it (``nn.GELU``, ``"relu"``, ``nn.LeakyReLU(negative_slope=0.2)``)
and parsed, so every reader of parameter defaults sees it unchanged.
"""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from ..imports import ImportTable


def _spelled(descriptor: list, imports: ImportTable) -> Optional[cst.BaseExpression]:
    kind = descriptor[0]
    if kind == "string":
        return cst.SimpleString(repr(descriptor[1]))
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
