"""Whether an expression can be written again at the top of a function's body and read there what
it reads where the code (or a parameter's default) has it: the test of a guarded init
(``act_layer is nn.GELU``), a setting's condition (``activation == "relu"``), a slope
(``a=negative_slope``).

Only parameters of that function that its body never binds or mutates, and module-level names
(imports, constants) it never shadows, qualify: their value is the same everywhere in the body. A
local or ``self.x`` may be bound after the point where the init goes, so neither does.
"""

from __future__ import annotations

import builtins
from typing import Iterator, Optional, Set

import libcst as cst

from .walk import descendants

_BUILTINS = frozenset(dir(builtins))
_CALLS = frozenset(("dict", "type", "isinstance"))  # the calls a guard may contain: none has effects
_MUTATORS = frozenset(("update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"))
_LITERALS = (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)


def code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _top_level_names(module: cst.Module) -> Set[str]:
    """Names a module's top level binds (imports, assignments, defs; ``try`` blocks too, not ``if``:
    ``if TYPE_CHECKING:`` imports do not exist at run time)."""
    names: Set[str] = set()
    statements = list(module.body)
    while statements:
        statement = statements.pop()
        if isinstance(statement, cst.Try):
            statements.extend(statement.body.body)
            statements.extend(part for handler in statement.handlers for part in handler.body.body)
            continue
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    while isinstance(bound, cst.Attribute):  # import torch.nn binds torch
                        bound = bound.value
                    names.add(bound.value)
            for target in _targets(small):
                names.update(part.value for part in descendants(target) if isinstance(part, cst.Name))
    return names


def _targets(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The parts of ``node`` that bind (or, for subscripts and attributes, mutate) names."""
    if isinstance(node, cst.Assign):
        yield from (target.target for target in node.targets)
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr, cst.Del)):
        yield node.target
    elif isinstance(node, cst.WithItem) and node.asname is not None:
        yield node.asname.name
    elif isinstance(node, cst.ExceptHandler) and node.name is not None:
        yield node.name.name
    elif isinstance(node, (cst.Global, cst.Nonlocal)):
        yield from (item.name for item in node.names)
    elif isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(node.names, cst.ImportStar):
        for alias in node.names:
            yield alias.asname.name if alias.asname is not None else alias.name


def _root(node: cst.BaseExpression) -> Optional[str]:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def changed_in(function: cst.FunctionDef, name: str) -> bool:
    """Whether ``function``'s body binds ``name``, or mutates what it holds (``name[k] = v``,
    ``name.x = v``, ``name.update(...)``, ``setattr(name, ...)``)."""
    for node in descendants(function.body):
        for target in _targets(node):
            if any(isinstance(part, cst.Name) and part.value == name for part in descendants(target)):
                return True
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS and _root(func.value) == name:
                return True
            if isinstance(func, cst.Name) and func.value in ("setattr", "delattr") and node.args:
                if _root(node.args[0].value) == name:
                    return True
    return False


def _parameters(function: cst.FunctionDef) -> Set[str]:
    params = function.params
    return {param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)}


def _names_read(expr: cst.BaseExpression) -> Iterator[object]:
    """The names ``expr`` reads (not attribute names nor keywords); a node it cannot vouch for
    (a call with effects, a lambda, a subscript) is yielded as itself."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            yield node.value
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, cst.Call):
            if not (isinstance(node.func, cst.Name) and node.func.value in _CALLS) or any(a.star for a in node.args):
                yield node
                continue
            stack.extend(arg.value for arg in node.args)
        elif isinstance(node, _LITERALS):
            continue
        elif isinstance(node, cst.ConcatenatedString):
            stack.extend((node.left, node.right))
        elif isinstance(node, cst.UnaryOperation):
            stack.append(node.expression)
        elif isinstance(node, (cst.BooleanOperation, cst.BinaryOperation)):
            stack.extend((node.left, node.right))
        elif isinstance(node, cst.Comparison):
            stack.append(node.left)
            stack.extend(target.comparator for target in node.comparisons)
        elif isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            stack.extend(element.value for element in node.elements)
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if not isinstance(element, cst.DictElement):
                    yield element
                    continue
                stack.extend((element.key, element.value))
        else:
            yield node


def unrestatable(
    expr: cst.BaseExpression, function: Optional[cst.FunctionDef], module: cst.Module, parameters_too: bool = True
) -> str:
    """"" when ``expr``, written at the top of ``function``'s body, reads the values it reads where
    the code has it (in ``function`` or in its parameters' defaults); else why not, in words.
    ``parameters_too=False``: the code has it in another function, so only module-level names do."""
    if function is None:
        return "the init would go outside a function"
    names = _top_level_names(module)
    parameters = _parameters(function) if parameters_too else set()
    for name in _names_read(expr):
        if not isinstance(name, str):
            return f"{code(name)} cannot be restated where the init goes"
        where = function.name.value
        if name in parameters:
            if changed_in(function, name):
                return f"{name} is bound again or changed in {where}()"
        elif name in names or name in _BUILTINS:
            if changed_in(function, name):
                return f"{name} is bound in {where}() too"
        else:
            return f"{name} is not in scope where the init goes in {where}()"
    return ""
