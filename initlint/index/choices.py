"""Module classes that act as one torch module: one an argument picks, or one their ``forward`` is.

grelu's ``layers.py`` has ``class Activation(nn.Module)`` whose ``__init__(self, func)`` assigns
``self.layer = nn.ReLU()`` under ``if func == "relu":``, ``nn.GELU()`` under ``elif func ==
"gelu":`` and so on, and whose ``forward`` is ``return self.layer(x)``; ``blocks.py`` builds
``self.act = Activation(act_func)`` with ``act_func="relu"``. Such a class is a table keyed by
its argument: the summary records its arms (as passed.py's descriptors, plus ``["transparent"]``
for ``nn.Identity``/``nn.Dropout`` and ``["norm"]`` for a norm layer), and the per-file analysis
reads ``Activation(act_func)`` as the arm its argument names (facts/held.py).

A class whose ``forward`` is one activation of its input (``return F.relu(x)``, ``x.clamp(min=0)``,
or a ``torch.autograd.Function`` of the file doing that: torch-lucent's ``RedirectedReluLayer``),
or that subclasses a torch activation and keeps its ``forward`` (sparseml's ``ReLU``), acts as
that activation whatever it is given: ``"always"``. A class that keeps the module it is
handed and whose ``forward`` only applies it, reshaped (tft-torch's ``TimeDistributed``), is that
module: ``"wraps"``. The per-file analysis reads its own
file's classes from the source (facts/written.py); this is what it learns of another file's.
"""

from __future__ import annotations

import ast
from typing import List, Optional

from .. import catalog
from .passed import TorchName, _module


def chosen_modules(node: ast.ClassDef, torch_name: TorchName, functions: Optional[dict] = None) -> Optional[dict]:
    """``{"attribute", "parameter", "position", "arms": [[key or None, descriptor]]}`` for a class
    whose ``forward`` applies ``self.<attribute>`` to its one input and nothing else, and whose
    ``__init__`` assigns that attribute in an ``if``/``elif`` chain on one parameter
    (``func == "relu"``, ``func is None``); with ``"always": descriptor`` instead when ``__init__``
    assigns it once, every branch alike (``nn.Dropout(p) if p > 0 else nn.Identity()``); None for
    any other class."""
    methods = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
    init, forward = methods.get("__init__"), methods.get("forward")
    inherited = _activation_subclass(node, init, torch_name) if forward is None else None
    if inherited is not None:
        return {"attribute": None, "parameter": None, "position": -1, "arms": [], "always": inherited}
    wrapped = _wrapped(init, forward, torch_name) if init is not None and forward is not None else None
    if wrapped is not None:
        return wrapped
    applied = _activation_of(forward, torch_name, functions or {}) if forward is not None else None
    if applied is not None:
        return {"attribute": None, "parameter": None, "position": -1, "arms": [], "always": applied}
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


def _wrapped(init: ast.FunctionDef, forward: ast.FunctionDef, torch_name: TorchName) -> Optional[dict]:
    """``{"attribute", "parameter", "position", "arms": [], "wraps": True}`` for a class that keeps
    the module it is handed (``self.module = module``) and whose ``forward`` only applies it, its
    input and output reshaped (tft-torch's ``TimeDistributed``: ``x.contiguous().view(-1,
    x.size(-1))``, then ``self.module(...)``, then ``y.view(...)``): ``TimeDistributed(nn.Linear(a,
    b))`` is that Linear, as far as what follows it goes."""
    names = [arg.arg for arg in (*init.args.posonlyargs, *init.args.args)][1:]
    stored = {
        target.attr: value.id
        for statement in init.body
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Name)
        for value in (statement.value,)
        for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
        if isinstance(target, ast.Attribute) and is_name(target.value, "self") and value.id in names
    }
    applied = {
        node.func.attr
        for node in ast.walk(forward)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_name(node.func.value, "self")
    }
    if len(applied) != 1 or next(iter(applied)) not in stored:
        return None
    attribute = next(iter(applied))
    for node in ast.walk(forward):
        if isinstance(node, ast.Call) and not _reshaping(node, attribute, torch_name):
            return None
    assigned: dict = {}
    for node in ast.walk(forward):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    returns = [node.value for node in ast.walk(forward) if isinstance(node, ast.Return)]
    if not returns or not all(_applies(value, attribute, assigned, set()) for value in returns):
        return None
    parameter = stored[attribute]
    return {"attribute": attribute, "parameter": parameter, "position": names.index(parameter), "arms": [], "wraps": True}


def _reshaping(call: ast.Call, attribute: str, torch_name: TorchName) -> bool:
    """A call a wrapper's forward may make: the wrapped module, a reshape, a size question."""
    func = call.func
    if isinstance(func, ast.Attribute) and (is_name(func.value, "self") and func.attr == attribute):
        return True
    if isinstance(func, ast.Attribute) and func.attr in catalog.TRANSPARENT_METHODS | {"size", "dim"}:
        return True
    return is_name(func, "len") or torch_name(func) in catalog.TRANSPARENT_FUNCTIONS


def _applies(value: Optional[ast.AST], attribute: str, assigned: dict, seen: set) -> bool:
    """Whether ``value`` is ``self.<attribute>(...)``, reshaped, or a name bound only to such
    (``y = self.module(x)``, then ``y = y.view(...)``: a name already being followed is)."""
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in catalog.TRANSPARENT_METHODS:
        value = value.func.value
    if isinstance(value, ast.Call):
        return isinstance(value.func, ast.Attribute) and is_name(value.func.value, "self") and value.func.attr == attribute
    if isinstance(value, ast.Name) and value.id in seen:
        return True
    if isinstance(value, ast.Name) and value.id in assigned:
        return all(_applies(v, attribute, assigned, seen | {value.id}) for v in assigned[value.id])
    return False


def autograd_functions(tree: ast.Module, torch_name: TorchName) -> dict:
    """The file's ``torch.autograd.Function`` classes whose ``forward(ctx, x)`` is one activation
    of ``x``: name -> descriptor (torch-lucent's ``RedirectedReLU``: ``x.clamp(min=0)``)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(torch_name(base) == "torch.autograd.Function" for base in node.bases):
            forward = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "forward"), None)
            applied = _activation_of(forward, torch_name, {}) if forward is not None else None
            if applied is not None:
                found[node.name] = applied
    return found


def _activation_subclass(node: ast.ClassDef, init: Optional[ast.FunctionDef], torch_name: TorchName) -> Optional[list]:
    """``["module", "torch.nn.ReLU", {}]`` for a subclass of a torch activation that keeps its
    ``forward`` (sparseml's ``class ReLU(torch.nn.ReLU)`` taking a channel count too), when the
    gain does not depend on what its ``__init__`` hands the base: the activation has no
    parameter that sets it, or the base is given none of them."""
    if len(node.bases) != 1:
        return None
    qualified = torch_name(node.bases[0])
    activation = catalog.ACTIVATION_MODULES.get(qualified or "")
    if activation is None:
        return None
    if activation.params and init is not None:
        names = {name for name, _ in activation.params}
        for call in ast.walk(init):
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"
                    and (call.args or any(k.arg is None or k.arg in names for k in call.keywords))):
                return None  # super().__init__(negative_slope=slope): its gain is a setting here
    return ["module", qualified, {}]


def _activation_of(forward: ast.FunctionDef, torch_name: TorchName, functions: dict) -> Optional[list]:
    """``["module", "torch.nn.ReLU", {}]`` when ``forward`` returns one activation of its one
    input (after ``self``, or ``ctx``) and does nothing else that matters (``ctx.save_for_backward``)."""
    params = [arg.arg for arg in (*forward.args.posonlyargs, *forward.args.args)][1:]
    body = [s for s in forward.body if not (isinstance(s, ast.Expr) and isinstance(s.value, (ast.Constant, ast.Call)))]
    if len(params) != 1 or len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    value, name = body[0].value, params[0]
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    qualified = torch_name(func)
    if (qualified in ("torch.clamp", "torch.clamp_min") and value.args and is_name(value.args[0], name)) or (
        qualified is None and isinstance(func, ast.Attribute) and func.attr in ("clamp", "clamp_min") and is_name(func.value, name)
    ):
        return _relu_clamp(value, qualified is not None)
    if qualified in catalog.ACTIVATION_FUNCTIONS and len(value.args) == 1 and is_name(value.args[0], name) and not value.keywords:
        return ["module", catalog.NN + catalog.ACTIVATION_FUNCTIONS[qualified][0].name, {}]
    if qualified is None and isinstance(func, ast.Attribute) and is_name(func.value, name) and not value.args and not value.keywords:
        activation = catalog.ACTIVATION_METHODS.get(func.attr)
        return ["module", catalog.NN + activation.name, {}] if activation is not None else None
    if (isinstance(func, ast.Attribute) and func.attr == "apply" and isinstance(func.value, ast.Name)
            and func.value.id in functions and len(value.args) == 1 and is_name(value.args[0], name)):
        return functions[func.value.id]
    return None


def _relu_clamp(call: ast.Call, function: bool) -> Optional[list]:
    """``x.clamp(min=0)``, ``x.clamp(0)``, ``torch.clamp(x, min=0)``, ``x.clamp_min(0)``: a ReLU."""
    positional = call.args[1:] if function else call.args
    bounds = [*positional, *(k.value for k in call.keywords if k.arg == "min")]
    other = [k for k in call.keywords if k.arg != "min"]
    if len(bounds) != 1 or other or len(positional) > 1:
        return None
    bound = bounds[0]
    return ["module", catalog.NN + "ReLU", {}] if isinstance(bound, ast.Constant) and bound.value == 0 else None


def is_name(node: ast.AST, name: Optional[str]) -> bool:
    """Whether ``node`` is the name ``name`` (never, for no name)."""
    return name is not None and isinstance(node, ast.Name) and node.id == name


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
