"""Weights loaded when a constructor argument is given, and the builders that always give it.

Vendored inference code builds its networks as ``DPTDepthModel(path=model_path, ...)`` with
``def __init__(self, path=None, ...): ... if path is not None: self.load(path)`` and
``def load(self, path): self.load_state_dict(torch.load(path))`` in a base class: the weights are
loaded whenever the argument is given. When every construction of the class in the repository
gives it (and the class is not exported for users to build), no instance keeps torch's default
init. The summary records, per class, the argument that loads (``loads_if``), per method whether it
loads into ``self`` (``loads_self``), and per construction the arguments it gives (``given``); the
index joins them (coverage.Index).
"""

from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional

from .passed import function_defaults

# Parameter names that may carry the weights to load (``path``, ``ckpt_path``, ``pretrained``,
# ``checkpoint``, ``weights``, ``model_file``, ``url``): the only keywords worth recording.
CHECKPOINT_WORDS = re.compile(r"path|ckpt|checkpoint|weight|pretrain|load|file|url|state", re.IGNORECASE)


def load_calls(body: List[ast.stmt]) -> List[ast.Call]:
    """``R.load_state_dict(...)`` statements directly in ``body``."""
    return [
        statement.value
        for statement in body
        if isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and statement.value.func.attr == "load_state_dict"
    ]


def loads_self(method: ast.AST) -> int:
    """The line of a ``self.load_state_dict(...)`` directly in the method's body; 0 when none."""
    for call in load_calls(method.body):
        if isinstance(call.func.value, ast.Name) and call.func.value.id == "self":
            return call.lineno
    return 0


def conditional_load(init: Optional[ast.AST]) -> Optional[list]:
    """``[parameter, position, line, method or None, by default]`` for ``if path:`` / ``if path
    is not None:`` directly in ``__init__`` whose body loads into ``self``
    (``self.load_state_dict(...)``, or ``self.<method>(...)`` that the index then looks up);
    position counts after ``self``; ``by default``: whether the parameter's default passes the
    test (py-feat's ``def __init__(self, pretrained=True)``: a construction loads unless it says
    otherwise)."""
    if init is None:
        return None
    names = [arg.arg for arg in (*init.args.posonlyargs, *init.args.args)][1:]
    keywords = [arg.arg for arg in init.args.kwonlyargs]
    defaults = function_defaults(init)
    for statement in init.body:
        if not isinstance(statement, ast.If) or statement.orelse:
            continue
        parameter = _given_test(statement.test)
        if parameter is None or (parameter not in names and parameter not in keywords):
            continue
        if not CHECKPOINT_WORDS.search(parameter) and parameter not in names:
            continue  # a keyword-only setting of another name: its constructions record nothing
        position = names.index(parameter) if parameter in names else -1
        default = defaults.get(parameter)
        by_default = isinstance(default, ast.Constant) and (
            default.value is not None if isinstance(statement.test, ast.Compare) else bool(default.value)
        )
        if loads_self(statement):
            return [parameter, position, statement.lineno, None, by_default]
        for inner in statement.body:
            call = inner.value if isinstance(inner, ast.Expr) else None
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "self"
            ):
                return [parameter, position, statement.lineno, call.func.attr, by_default]
    return None


def given_arguments(call: ast.Call, defaults: Dict[str, ast.AST]) -> list:
    """``[keywords given a value, positional arguments before any *args or unset value]``. A value
    is unset when it may be falsy: ``None``/``False`` itself, or a parameter of the enclosing
    function that defaults to one (torchsr's ``def carn(scale, pretrained=False): return
    CARN(scale, pretrained)`` loads nothing by default). ``defaults``: that function's. Only
    keywords named like a checkpoint are kept (every construction of the project is summarised:
    ``dim=...`` and ``num_heads=...`` would be most of it, and never load anything)."""
    keywords = sorted(
        k.arg for k in call.keywords if k.arg and CHECKPOINT_WORDS.search(k.arg) and not _unset(k.value, defaults)
    )
    positional = 0
    for arg in call.args:
        if isinstance(arg, ast.Starred) or _unset(arg, defaults):
            break
        positional += 1
    # What it may withhold from a parameter that loads by default: keywords given a falsy value,
    # how many positional arguments it passes at all, whether it unpacks any (*a, **k).
    unset = sorted(k.arg for k in call.keywords if k.arg and CHECKPOINT_WORDS.search(k.arg) and _unset(k.value, defaults))
    passed = len([arg for arg in call.args if not isinstance(arg, ast.Starred)])
    unpacks = any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords)
    return [keywords, positional, unset, passed, unpacks]


def _unset(node: ast.AST, defaults: Dict[str, ast.AST]) -> bool:
    if isinstance(node, ast.Name) and node.id in defaults:
        node = defaults[node.id]
    return isinstance(node, ast.Constant) and not node.value


def gives(given: list, parameter: str, position: int) -> bool:
    """Whether a construction's ``given_arguments`` pass ``parameter`` (at ``position``)."""
    keywords, positional = given[:2]
    return parameter in keywords or 0 <= position < positional


def withholds(given: list, parameter: str, position: int) -> bool:
    """Whether a construction's ``given_arguments`` may not leave ``parameter`` (at ``position``)
    at a default that loads: it passes it a falsy value, or passes an argument there that is not
    known to be set, or unpacks arguments that may hold it."""
    keywords, positional, unset, passed, unpacks = given
    if parameter in keywords or 0 <= position < positional:
        return False
    return parameter in unset or 0 <= position < passed or unpacks


def _given_test(test: ast.AST) -> Optional[str]:
    """``path`` for ``if path:`` and ``if path is not None:``."""
    if isinstance(test, ast.Name):
        return test.id
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and _is_none(test.comparators[0])
    ):
        return test.left.id
    return None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
