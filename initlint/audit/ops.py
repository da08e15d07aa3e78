"""What a torch call or module does to a layer's output, in catalog terms.

The catalog names torch objects by qualified name; here each name is resolved once to the object
a ``TorchFunctionMode`` is handed (``torch.nn.functional.relu``, ``torch.Tensor.relu``), so that a
call is classified by identity. No torch name is spelled here beyond what the catalog says, except
the runtime-only transparent ops (slicing, splitting, dtype casts) that source code never names.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

import torch

from .. import catalog
from ..catalog import Activation

# Tensor methods that pass values through unchanged in scale, beyond the catalog's reshapes:
# indexing, splitting and casts, which the static analysis sees as syntax (subscripts) or ignores.
_RUNTIME_TRANSPARENT_METHODS = (
    "__getitem__", "chunk", "split", "tensor_split", "unbind", "narrow", "select", "expand", "expand_as",
    "float", "double", "half", "bfloat16", "to", "type", "type_as", "clone", "detach",
)
_RUNTIME_TRANSPARENT_FUNCTIONS = ("chunk", "split", "tensor_split", "unbind", "narrow", "select", "clone")
# A residual connection: the layer's output is summed with another signal.
_ADDS = ("add", "add_", "__add__", "__iadd__", "__radd__")


@dataclass(frozen=True)
class Use:
    """What consumes a tensor: kind is "activation", "norm", "add", "layer", "transparent" or "op"."""

    kind: str
    name: str
    activation: Optional[Activation] = None
    params: Mapping[str, object] = field(default_factory=dict)

    def describe(self) -> str:
        return self.name


def _resolve(qualified: str):
    module, _, name = qualified.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):  # a name newer or older than this torch
        return None


def _table(names, value) -> Dict[object, object]:
    table = {}
    for qualified in names:
        obj = _resolve(qualified)
        if obj is not None:
            table[obj] = value(qualified) if callable(value) else value
    return table


def _method(name: str):
    return getattr(torch.Tensor, name, None)


ACTIVATION_FUNCTIONS = _table(catalog.ACTIVATION_FUNCTIONS, catalog.ACTIVATION_FUNCTIONS.get)
ACTIVATION_METHODS = {_method(m): a for m, a in catalog.ACTIVATION_METHODS.items() if _method(m) is not None}
ACTIVATION_MODULES = _table(catalog.ACTIVATION_MODULES, catalog.ACTIVATION_MODULES.get)
NORM_MODULES = _table(catalog.NORM_MODULES, True)
NORMS = _table(catalog.NORM_FUNCTIONS, True)
TRANSPARENT_MODULES = _table(catalog.TRANSPARENT_MODULES, True)
TRANSPARENT = {
    **_table(catalog.TRANSPARENT_FUNCTIONS, True),
    **_table(["torch." + n for n in _RUNTIME_TRANSPARENT_FUNCTIONS], True),
    **{_method(m): True for m in (*catalog.TRANSPARENT_METHODS, *_RUNTIME_TRANSPARENT_METHODS) if _method(m)},
}
ADDS = {_method(m): True for m in _ADDS if _method(m) is not None}
ADDS.update(_table(["torch.add"], True))
# What a model may do to an output activation's result on its way to the return and keep it a head
# (``max_action * torch.tanh(x)``, a squashed value clamped): catalog.RESCALING_OPERATORS and
# BOUNDING_METHODS as the tensor methods Python's operators call.
_RESCALING = (
    *_ADDS, "sub", "sub_", "__sub__", "__rsub__", "mul", "mul_", "__mul__", "__rmul__", "__imul__",
    "div", "div_", "__truediv__", "__rtruediv__", "neg", "__neg__", "__pos__", *catalog.BOUNDING_METHODS,
)
RESCALING = {_method(m): True for m in _RESCALING if _method(m) is not None}


def _name(func) -> str:
    return getattr(func, "__name__", None) or type(func).__name__


def module_params(activation: Activation, module: torch.nn.Module) -> Dict[str, object]:
    """An activation module's parameters as the catalog names them (PReLU's ``init``: its weight now)."""
    params = {}
    for name, default in activation.params:
        if name == "init" and isinstance(getattr(module, "weight", None), torch.Tensor):
            params[name] = float(module.weight.detach().float().mean())
        elif name != "num_parameters":
            value = getattr(module, name, default)
            params[name] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    return params


def _call_params(activation: Activation, names: Tuple[str, ...], args, kwargs) -> Dict[str, object]:
    params = {k: v for k, v in activation.params if k != "num_parameters"}
    given = dict(zip(names, args[1:]))
    given.update({k: v for k, v in kwargs.items() if k in names})
    for name, value in given.items():
        if name == "weight" and isinstance(value, torch.Tensor):  # F.prelu(x, weight)
            params["init"] = float(value.detach().float().mean())
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            params[name] = float(value)
        elif isinstance(value, str):
            params[name] = value
    return params


def module_use(module: torch.nn.Module) -> Optional[Use]:
    """What a torch activation, norm or transparent module does, or None for any other module."""
    cls = type(module)
    activation = ACTIVATION_MODULES.get(cls)
    if activation is not None:
        return Use("activation", activation.name, activation, module_params(activation, module))
    if cls in NORM_MODULES:
        return Use("norm", cls.__name__)
    if cls in TRANSPARENT_MODULES:
        return Use("transparent", cls.__name__)
    return None


def call_use(func, args, kwargs) -> Use:
    """What a torch function or tensor method called on a layer's output does."""
    entry = ACTIVATION_FUNCTIONS.get(func)
    if entry is not None:
        activation, names = entry
        return Use("activation", activation.name, activation, _call_params(activation, names, args, kwargs))
    activation = ACTIVATION_METHODS.get(func)
    if activation is not None:
        return Use("activation", activation.name, activation, _call_params(activation, (), args, kwargs))
    if func in TRANSPARENT:
        return Use("transparent", _name(func))
    if func in NORMS:
        return Use("norm", _name(func))
    if func in ADDS:
        return Use("add", "residual add")
    return Use("op", _name(func))
