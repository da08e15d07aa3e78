"""A class's ``reset_parameters()`` that resets its layers, undoing an init made in ``__init__``.

Graph and research libraries give a model ``reset_parameters()`` that calls its layers' own
(``self.lin1.reset_parameters()``, ``for conv in self.convs: conv.reset_parameters()``, PyG's
``reset(self.mlp)``) and call it before each run: torch's default init again. An init the fix
adds must then be written at its end too.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from .walk import child_nodes

RESET = "reset_parameters"


def _calls(node: cst.CSTNode):
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            yield node
        stack.extend(child_nodes(node))


def _is_super(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "super"


def _resets_layers(method: cst.FunctionDef) -> bool:
    """The method calls some module's ``reset_parameters()`` (not its own class's via super), or
    a ``reset(...)`` helper on one."""
    for call in _calls(method.body):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == RESET and not _is_super(func.value):
            return True
        if isinstance(func, cst.Name) and func.value == "reset" and call.args:
            return True
    return False


def method(cls: cst.ClassDef, name: str) -> Optional[cst.FunctionDef]:
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def resetting_method(cls: Optional[cst.ClassDef]) -> Optional[cst.FunctionDef]:
    """``cls``'s own ``reset_parameters`` when it resets the layers, else None."""
    if cls is None:
        return None
    found = method(cls, RESET)
    if found is None or not isinstance(found.body, cst.IndentedBlock) or not _resets_layers(found):
        return None
    return found


def calls_reset(node: cst.CSTNode) -> bool:
    """``node`` calls ``self.reset_parameters()`` (so an init at its end is made on construction too)."""
    for call in _calls(node):
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == RESET and isinstance(func.value, cst.Name)
                and func.value.value == "self"):
            return True
    return False


def self_name(function: cst.FunctionDef) -> str:
    """The name a method's first parameter gives the instance ("" for none)."""
    params = function.params.params
    return params[0].name.value if params else ""
