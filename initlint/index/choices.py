"""Module classes that pick, by a string argument, the one module their ``forward`` applies.

grelu's ``layers.py`` has ``class Activation(nn.Module)`` whose ``__init__(self, func)`` assigns
``self.layer = nn.ReLU()`` under ``if func == "relu":``, ``nn.GELU()`` under ``elif func ==
"gelu":`` and so on, and whose ``forward`` is ``return self.layer(x)``; ``blocks.py`` builds
``self.act = Activation(act_func)`` with ``act_func="relu"``. Such a class is a table keyed by
its argument: the summary records its arms (as passed.py's descriptors, plus ``["transparent"]``
for ``nn.Identity``/``nn.Dropout`` and ``["norm"]`` for a norm layer), and the per-file analysis
reads ``Activation(act_func)`` as the arm its argument names (facts/held.py).
"""

from __future__ import annotations

import ast
from typing import List, Optional

from .. import catalog
from .passed import TorchName, _module


def chosen_modules(node: ast.ClassDef, torch_name: TorchName) -> Optional[dict]:
    """``{"attribute", "parameter", "position", "arms": [[key or None, descriptor]]}`` for a class
    whose ``forward`` applies ``self.<attribute>`` to its one input and nothing else, and whose
    ``__init__`` assigns that attribute in an ``if``/``elif`` chain on one parameter
    (``func == "relu"``, ``func is None``); with ``"always": descriptor`` instead when ``__init__``
    assigns it once, every branch alike (``nn.Dropout(p) if p > 0 else nn.Identity()``); None for
    any other class."""
    methods = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
    init, forward = methods.get("__init__"), methods.get("forward")
    attribute = _applied_attribute(forward) if forward is not None else None
    if init is None or attribute is None:
        return None
    names = [arg.arg for arg in (*init.args.posonlyargs, *init.args.args)][1:]
    always = _always(_assigned(init.body, attribute), torch_name)
    if always is not None:  # self.layer = nn.Dropout(p) if p > 0 else nn.Identity()
        return {"attribute": attribute, "parameter": None, "position": -1, "arms": [], "always": always}
    chain = next((s for s in init.body if isinstance(s, ast.If) and _tested(s.test)), None)
    arms: List[list] = []
    parameter = None
    while chain is not None:
        tested = _tested(chain.test)
        value = _assigned(chain.body, attribute)
        if tested is None or value is None or (parameter is not None and tested[0] != parameter):
            return None
        parameter = tested[0]
        arms.append([tested[1], _descriptor(value, torch_name)])
        chain = chain.orelse[0] if len(chain.orelse) == 1 and isinstance(chain.orelse[0], ast.If) else None
    if parameter is None or all(arm[1][0] == "other" for arm in arms):
        return None
    position = names.index(parameter) if parameter in names else -1
    return {"attribute": attribute, "parameter": parameter, "position": position, "arms": arms}


def _applied_attribute(forward: ast.FunctionDef) -> Optional[str]:
    """``layer`` for ``def forward(self, x): return self.layer(x)`` (a docstring aside)."""
    params = [arg.arg for arg in (*forward.args.posonlyargs, *forward.args.args)][1:]
    body = [s for s in forward.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(params) != 1 or len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords):
        return None
    func, argument = call.func, call.args[0]
    if not (isinstance(argument, ast.Name) and argument.id == params[0]):
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        return func.attr
    return None


def _tested(test: ast.AST) -> Optional[tuple]:
    """``("func", "relu")`` for ``func == "relu"``, ``("func", None)`` for ``func is None``."""
    if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and len(test.ops) == 1):
        return None
    right = test.comparators[0]
    if isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
        return test.left.id, right.value
    if isinstance(test.ops[0], ast.Is) and isinstance(right, ast.Constant) and right.value is None:
        return test.left.id, None
    return None


def _assigned(body: List[ast.stmt], attribute: str) -> Optional[ast.AST]:
    """The value of the arm's one ``self.<attribute> = value``."""
    values = [
        statement.value
        for statement in body
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Attribute) and statement.targets[0].attr == attribute
        and isinstance(statement.targets[0].value, ast.Name) and statement.targets[0].value.id == "self"
    ]
    return values[0] if len(values) == 1 else None


def _always(value: Optional[ast.AST], torch_name: TorchName) -> Optional[list]:
    """The one descriptor every branch of ``value`` (a call, or a conditional of calls) has."""
    if value is None:
        return None
    branches, found = [value], []
    while branches:
        branch = branches.pop()
        if isinstance(branch, ast.IfExp):
            branches += [branch.body, branch.orelse]
        else:
            found.append(_descriptor(branch, torch_name))
    return found[0] if found[0][0] != "other" and all(d == found[0] for d in found) else None


def _descriptor(value: ast.AST, torch_name: TorchName) -> list:
    if isinstance(value, ast.Call):
        module = _module(value, torch_name)
        if module is not None:
            return module
        qualified = torch_name(value.func)
        if qualified in catalog.TRANSPARENT_MODULES:
            return ["transparent"]
        if qualified in catalog.NORM_MODULES:
            return ["norm"]
    return ["other"]
