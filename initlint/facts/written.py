"""Activations a model writes out itself: a module class whose ``forward`` is one activation of
its input, and squares of activations (``relu(h) ** 2``). What they are is read from the code;
their gains come from the catalog like any other activation's. Also the module classes whose
``forward`` only slices or reshapes its input (``Chomp1d``: ``x[:, :, :-self.chomp_size]``), which
pass the signal through like a view, and a class's helper methods that apply one activation to
their argument (``self.gelu(h)``)."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from .. import catalog
from ..imports import ImportTable
from .literals import activation_params, bind_args, literal
from .walk import descendants

Written = Tuple[catalog.Activation, Dict[str, object]]


def _returned(forward: cst.FunctionDef) -> Optional[Tuple[str, cst.BaseExpression]]:
    """The input's name and the one expression ``forward(self, x)`` returns, when that is its
    whole body (a docstring aside)."""
    params = [*forward.params.posonly_params, *forward.params.params][1:]
    body = [s for s in forward.body.body if not _is_docstring(s)] if isinstance(forward.body, cst.IndentedBlock) else []
    if len(params) != 1 or len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
        return None
    returned = body[0].body[0] if len(body[0].body) == 1 else None
    if not isinstance(returned, cst.Return) or returned.value is None:
        return None
    return params[0].name.value, returned.value


def passes_through(forward: cst.FunctionDef, imports: ImportTable, scaled: bool = False) -> bool:
    """Whether ``forward`` returns its input sliced, indexed or reshaped and nothing else:
    ``x[:, :, :-self.chomp_size].contiguous()``, ``x.transpose(1, 2)``, ``torch.flatten(x, 1)``;
    with ``scaled``, also multiplied or divided by what does not read it (``x * self.scale``:
    deformable-attention's ``Scale``, which keeps a head's range a head's and ends a layer's
    output, as ``scale * x`` written out does)."""
    found = _returned(forward)
    if found is None:
        return False
    name, value = found
    while not (isinstance(value, cst.Name) and value.value == name):
        if isinstance(value, cst.Subscript):
            value = value.value
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value in catalog.TRANSPARENT_METHODS:
            value = value.func.value
        elif isinstance(value, cst.Call) and imports.resolve(value.func) in catalog.TRANSPARENT_FUNCTIONS and value.args:
            value = value.args[0].value
        elif scaled and _scaled(value, name) is not None:
            value = _scaled(value, name)
        else:
            return False
    return True


def _scaled(value: cst.BaseExpression, name: str) -> Optional[cst.BaseExpression]:
    """For ``x * s``, ``s * x`` or ``x / s`` with ``s`` not reading ``x``: the side holding ``x``."""
    if not isinstance(value, cst.BinaryOperation) or not isinstance(value.operator, (cst.Multiply, cst.Divide)):
        return None
    def reads(node) -> bool:
        return any(isinstance(n, cst.Name) and n.value == name for n in descendants(node)) or (
            isinstance(node, cst.Name) and node.value == name
        )
    if reads(value.left) and not reads(value.right):
        return value.left
    if isinstance(value.operator, cst.Multiply) and reads(value.right) and not reads(value.left):
        return value.right
    return None


def activation_of_forward(forward: cst.FunctionDef, imports: ImportTable) -> Optional[Written]:
    """The activation (and its parameters) that a module class's ``forward`` is and nothing else:
    ``return F.relu(x)``, ``return torch.relu(x) ** 2`` (ReLUSquared), ``return x.relu()``,
    ``return x * torch.sigmoid(1.702 * x)`` (Swish)."""
    found = _returned(forward)
    if found is None:
        return None
    name, value = found
    squared = False
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Power) and is_two(value.right):
        value, squared = value.left, True
    elif isinstance(value, cst.Call) and squared_operand(value, imports) is not None:
        value, squared = squared_operand(value, imports), True
    applied = _applied(value, name, imports)
    if applied is None or not squared:
        return applied
    square = catalog.SQUARED.get(applied[0].name)
    return (square, {}) if square is not None else None


def _applied(value: cst.BaseExpression, name: str, imports: ImportTable) -> Optional[Written]:
    """The activation ``value`` applies to the name ``name``, with its (literal) parameters."""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Multiply):
        return _swish(value, name, imports)
    if not isinstance(value, cst.Call):
        return None
    func = value.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == name:
        activation = catalog.ACTIVATION_METHODS.get(func.attr.value)  # x.relu()
        return (activation, dict(activation.params)) if activation is not None and not value.args else None
    qualified = imports.resolve(func)
    function = catalog.ACTIVATION_FUNCTIONS.get(qualified) if qualified else None
    first = value.args[0] if value.args else None
    if function is None or first is None or first.keyword or first.star or getattr(_uncast(first.value), "value", None) != name:
        return None
    activation, names = function
    params, unresolved = activation_params(activation, bind_args(value.args, names, skip=1))
    return None if unresolved else (activation, params)


def activation_of_helper(method: cst.FunctionDef, imports: ImportTable) -> Optional[Written]:
    """The activation a helper method applies to its argument, whatever branch it takes:
    ``def gelu(self, gate): if ...: return F.gelu(gate); return F.gelu(gate.to(torch.float32)).to(gate.dtype)``.
    None unless every return applies the same activation to the method's one parameter."""
    params = [*method.params.posonly_params, *method.params.params][1:]
    if len(params) != 1 or not isinstance(method.body, cst.IndentedBlock):
        return None
    found: List[Written] = []
    empty = _empty_guards(method.body, params[0].name.value)
    for node in descendants(method.body):
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return None  # a nested function's returns would be mistaken for the method's
        if isinstance(node, cst.Return) and id(node) not in empty:
            applied = _applied(_uncast(node.value), params[0].name.value, imports) if node.value is not None else None
            if applied is None or (found and applied != found[0]):
                return None
            found.append(applied)
    return found[0] if found else None


def _empty_guards(body: cst.IndentedBlock, name: str) -> set:
    """The ids of ``return x`` statements under ``if x.numel() == 0:`` (instanseg's MPS
    workaround): an empty tensor handed back as it is, so no path a value takes skips the
    activation."""
    found = set()
    for statement in body.body:
        if not isinstance(statement, cst.If) or not isinstance(statement.body, cst.IndentedBlock):
            continue
        tested = any(
            isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "numel"
            and isinstance(node.func.value, cst.Name) and node.func.value.value == name
            for node in descendants(statement.test)
        )
        inner = statement.body.body
        line = inner[0] if len(inner) == 1 and isinstance(inner[0], cst.SimpleStatementLine) else None
        returned = line.body[0] if line is not None and len(line.body) == 1 else None
        if tested and isinstance(returned, cst.Return) and isinstance(returned.value, cst.Name) and returned.value.value == name:
            found.add(id(returned))
    return found


def _uncast(node: cst.BaseExpression) -> cst.BaseExpression:
    """``x`` for ``x.to(dtype)``, ``x.float()``, ``x.contiguous()``: what a value-keeping method chain is applied to."""
    while (
        isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in catalog.TRANSPARENT_METHODS
    ):
        node = node.func.value
    return node


def _swish(product: cst.BinaryOperation, name: str, imports: ImportTable) -> Optional[Written]:
    """``x * torch.sigmoid(beta * x)`` (either order, ``sigmoid`` as a function or a method):
    Swish with that beta, which is SiLU at beta = 1."""
    for factor, gate in ((product.left, product.right), (product.right, product.left)):
        if not (isinstance(factor, cst.Name) and factor.value == name and isinstance(gate, cst.Call)):
            continue
        func = gate.func
        if isinstance(func, cst.Attribute) and func.attr.value == "sigmoid" and not gate.args:
            argument = func.value  # (beta * x).sigmoid()
        elif imports.resolve(func) in ("torch.sigmoid", catalog.F + "sigmoid") and len(gate.args) == 1:
            argument = gate.args[0].value
        else:
            continue
        beta = _scale_of(argument, name)
        if beta is None:
            return None
        if beta == 1.0:
            silu = catalog.ACTIVATIONS["SiLU"]
            return silu, dict(silu.params)
        return catalog.SWISH, {"beta": beta}
    return None


def squared_operand(node: cst.Call, imports) -> Optional[cst.BaseExpression]:
    """``x`` in ``torch.square(x)``, ``torch.pow(x, 2)``, ``x.square()``, ``x.pow(2)``; else None."""
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    if name not in catalog.SQUARING_METHODS:  # every squaring spelling ends in square or pow
        return None  # (spares resolving every call of the method twice)
    positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
    qualified = imports.resolve(func)
    if qualified in catalog.SQUARING_FUNCTIONS:
        operand, rest = (positional[0], positional[1:]) if positional else (None, [])
        takes_exponent = catalog.SQUARING_FUNCTIONS[qualified]
    elif isinstance(node.func, cst.Attribute) and node.func.attr.value in catalog.SQUARING_METHODS:
        operand, rest = node.func.value, positional
        takes_exponent = catalog.SQUARING_METHODS[node.func.attr.value]
    else:
        return None
    if len(node.args) != len(positional) or len(rest) != int(takes_exponent):
        return None
    return operand if not takes_exponent or is_two(rest[0]) else None


def is_two(node: Optional[cst.BaseExpression]) -> bool:
    value = literal(node) if node is not None else None
    return value == 2 and not isinstance(value, bool)


def _scale_of(node: cst.BaseExpression, name: str) -> Optional[float]:
    """k for ``name``, ``k * name`` or ``name * k`` with k a positive literal; else None."""
    if isinstance(node, cst.Name) and node.value == name:
        return 1.0
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        for scale, operand in ((node.left, node.right), (node.right, node.left)):
            value = literal(scale)
            if isinstance(operand, cst.Name) and operand.value == name and isinstance(value, (int, float)):
                return float(value) if not isinstance(value, bool) and value > 0 else None
    return None


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
