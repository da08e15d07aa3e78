"""Activations the repository's builders hand a class's constructor.

``class TemporalBlock(nn.Module): def __init__(self, dim, activation): ... getattr(nn, activation)()``
has no activation of its own: every caller names one (``TemporalBlock(64, activation="ReLU")``,
or ``activation=activation`` with the caller's own default ``"ReLU"``). The summary records, for
each construction, the arguments that name an activation (``passes``); the index answers, for a
parameter with no default, the one activation every construction in the project passes for it, or
nothing when any construction passes something else, something unknown, or nothing it can read
(a ``partial``, a class handed on uncalled, a subclass whose ``super().__init__`` passes its own).

A descriptor is plain data: ``["string", "relu"]`` (read by the class's getter, ``getattr(nn,
name)``), ``["class", "torch.nn.GELU"]`` (called later, ``act_layer()``) or ``["module",
"torch.nn.LeakyReLU", {"negative_slope": 0.2}]`` (an instance, used as it is).

The same answer serves a block's layer-making parameter (EDSR's ``ResBlock(conv, n_feats, ...)``,
whose builders all hand it ``conv`` defaulting to ``common.default_conv``): ``["class",
"torch.nn.Conv2d"]`` for a torch layer class, and for a project function the summary's ``["ref",
name]``, which the index resolves to ``["factory", path, name]`` when that function returns a layer.
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, List, Optional

from .. import catalog

Descriptor = list
TorchName = Callable[[ast.AST], Optional[str]]


def _literal(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool, str)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return None


def _module(call: ast.Call, torch_name: TorchName) -> Optional[Descriptor]:
    """``nn.LeakyReLU(negative_slope=0.2)`` with literal keywords, or a getter given a string
    (``get_activation("swish")``): the instance it builds."""
    qualified = torch_name(call.func)
    if qualified in catalog.ACTIVATION_MODULES:
        if call.args:
            return None
        params = {}
        for keyword in call.keywords:
            value = _literal(keyword.value) if keyword.arg else None
            if value is None:
                return None
            params[keyword.arg] = value
        return ["module", qualified, params]
    name = dotted(call.func)
    if name and catalog.ACTIVATION_GETTER.search(name) and len(call.args) == 1 and not call.keywords:
        text = _literal(call.args[0])
        found = catalog.activation_named(text) if isinstance(text, str) else None
        if found is not None:
            activation, params = found
            return ["module", catalog.NN + activation.name, params]
    return None


def dotted(node: ast.AST) -> Optional[str]:
    """``a.b.c`` for that chain of names and attributes; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def descriptor(
    value: ast.AST, torch_name: TorchName, defaults: Dict[str, ast.AST], named: bool = False,
) -> Optional[Descriptor]:
    """What ``value`` hands on, when it names an activation, a torch layer class or a function
    that may build a layer (``["ref", name]``, resolved by the index); ``defaults``: the
    enclosing function's parameter defaults (``activation=activation`` passes the caller's
    default on), and in a method the settings its class stored (``self.act_fn``:
    summary._stored_settings); ``named``: ``value`` is such a default."""
    key = value.id if isinstance(value, ast.Name) else dotted(value) if isinstance(value, ast.Attribute) else None
    if key in defaults:  # a parameter's default, or a setting the class stored (``self.act_fn``)
        return descriptor(defaults[key], torch_name, {}, named=True)
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return ["string", value.value] if catalog.activation_named(value.value) else None
    if isinstance(value, ast.Call):
        return _module(value, torch_name)
    qualified = torch_name(value)
    if qualified in catalog.ACTIVATION_MODULES or qualified in catalog.LAYERS:
        return ["class", qualified]  # a layer class too: EDSR's ResBlock(conv, ...) calls its `conv`
    if key is not None and qualified is None and (named or isinstance(value, ast.Attribute)) and not key.startswith("self."):
        # A function of the project handed on (``conv=common.default_conv``): the index tells
        # whether it is a layer factory (supplied() below); a bare name only as a default, since
        # every local handed on would be one.
        return ["ref", key]
    return None


def arguments(call: ast.Call, torch_name: TorchName, defaults: Dict[str, ast.AST]) -> dict:
    """The activation-naming arguments of a construction, by position (``"0"``) or keyword;
    ``"*"``/``"**"`` when it unpacks others (a parameter it does not show may be among them)."""
    found: dict = {}
    for position, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            found["*"] = True
            break
        named = descriptor(arg, torch_name, defaults)
        if named is not None:
            found[str(position)] = named
    for keyword in call.keywords:
        if keyword.arg is None:
            found["**"] = True
            continue
        named = descriptor(keyword.value, torch_name, defaults)
        if named is not None:
            found[keyword.arg] = named
    return found


def function_defaults(function: ast.AST) -> Dict[str, ast.AST]:
    """A function's parameters with defaults, by name."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    found = {arg.arg: default for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults)}
    found.update({arg.arg: default for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None})
    return found


# ---------------------------------------------------------------------- the index's question


def receivers(index) -> Dict[str, set]:
    """Every file's classes that some construction hands an activation: the files the analysis
    must read even when their text names no activation (the pre-filter's second chance)."""
    found = getattr(index, "_receivers", None)
    if found is None:
        found = {}
        for _, (target_path, target_name), _ in index.links.rows("hands"):
            found.setdefault(target_path, set()).add(target_name)
        index._receivers = found
    return found


def supplied(index, definition, name: str, position: Optional[int]) -> Optional[Descriptor]:
    """The one activation every construction of the class ``definition`` passes for its
    constructor's parameter ``name`` (at ``position`` among the parameters after ``self``, None
    when keyword-only); None when some construction passes another, or one that cannot be read."""
    creations = index.creations().get(definition, [])
    if not creations or index.subclasses().get(definition):
        return None
    per_line: Dict[tuple, int] = {}
    for path, _, _, line, _, _, called in creations:
        if not called:
            return None  # partial(Block, ...), block=Block: what it is called with is not here
        per_line[(path, line)] = per_line.get((path, line), 0) + 1
    found: List[Descriptor] = []
    for (path, line), count in per_line.items():
        summary = index.repo.summary(path) or {}
        passes = [args for ref, args in summary.get("passes", {}).get(str(line), [])
                  if index.repo.resolve(path, ref) == definition]
        if len(passes) != count:  # a construction on that line passes no activation we can read
            return None
        for args in passes:
            named = args.get(name) or (args.get(str(position)) if position is not None else None)
            if named is not None and named[0] == "ref":
                named = _factory(index, path, named[1])
            if named is None:
                return None
            found.append(named)
    return found[0] if all(named == found[0] for named in found) else None


def _factory(index, path: str, ref: str) -> Optional[Descriptor]:
    """``["factory", path, name]`` for the project function ``ref`` (as ``path`` spells it) when
    it returns a torch layer (EDSR's ``default_conv``); None for anything else."""
    target = index.repo.resolve(path, ref)
    summary = index.repo.summary(target[0]) if target is not None else None
    definition = summary["defs"].get(target[1]) if summary else None
    return ["factory", *target] if definition and definition.get("layers") else None
