"""Build every model of a multi-file fixture project and print each weight layer's init as JSON.

    python tests/fixture_models.py PROJECT_DIR [PROJECT_DIR ...]

Run in a process of its own (torch is imported once for all projects; the projects reuse module
names such as ``pkg``, so each project's modules leave ``sys.modules`` before the next). Imports every
module of the project (scripts run their top-level code, as a user would run them), then builds
each ``nn.Module`` class the project defines and calls each module-level function that takes no
argument and returns a module; a required parameter gets ``WIDTH`` (``DEPTH`` for a depth or a
count); a class with a required activation parameter (``act_layer``, ``activation``, ``gate``) is
built only by its builders. Everything is built under ``initlint.audit.sites.recording()`` from one seed, in a fixed
order, so that two copies of a project (before and after ``initlint fix``) build the same layers
in the same order: the caller compares them item by item.

Prints one JSON object, ``{PROJECT_DIR: [layer, ...]}``: per layer, in construction order, ``where`` (its constructor call and the
calls that led to it, ``relative/path.py:line``), ``numel``, ``gain`` (``std * sqrt(fan_in)``)
and ``state`` (initlint.audit.state: ``default``, ``changed``, ``too small to judge``).
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import os
import sys

import torch
from torch import nn

from initlint.audit.sites import catalog_layer, recording, site_of
from initlint.audit.state import init_state

WIDTH = 64
DEPTH = 2
_COUNTS = ("depth", "num", "n_", "layers", "blocks")
_ACTIVATIONS = ("act", "gate")  # a required parameter naming an activation: no number will do
_LAYER_MAKERS = ("conv", "layer", "linear")  # nor one the block calls to build a layer (EDSR's ResBlock(conv, ...))


def _modules(root: str):
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(files):
            if name.endswith(".py"):
                relative = os.path.relpath(os.path.join(folder, name), root)[: -len(".py")]
                parts = relative.split(os.sep)
                yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _required_activation(function) -> bool:
    return any(
        parameter.default is inspect.Parameter.empty and (any(part in name for part in _ACTIVATIONS) or name in _LAYER_MAKERS)
        for name, parameter in inspect.signature(function).parameters.items()
    )


def _arguments(function) -> dict:
    values = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is inspect.Parameter.empty and parameter.kind in (
            parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY
        ):
            values[name] = DEPTH if name.startswith(_COUNTS) else WIDTH
    return values


def _builder(function) -> bool:
    """``build_model(width=256)``: parameters, each with a default (no ``main()``, no ``*args``)."""
    parameters = inspect.signature(function).parameters.values()
    return bool(parameters) and all(p.default is not inspect.Parameter.empty for p in parameters)


def _where(root: str, site) -> list:
    """The constructor call and the calls that led to it, inside the project only."""
    calls = [(site.path, site.line), *site.callers]
    return [f"{os.path.relpath(path, root)}:{line}" for path, line in calls if path.startswith(root + os.sep)]


def layers_of(root: str) -> list:
    root = os.path.abspath(root)
    sys.path.insert(0, root)
    try:
        return _build(root)
    finally:
        sys.path.remove(root)
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(root + os.sep):
                del sys.modules[name]


def _build(root: str) -> list:
    torch.manual_seed(0)
    built = []
    with recording():
        for name in _modules(root):
            module = importlib.import_module(name)
            for _, value in sorted(vars(module).items()):
                if getattr(value, "__module__", None) != name or inspect.isabstract(value):
                    continue
                if inspect.isclass(value) and issubclass(value, nn.Module):
                    if _required_activation(value):
                        continue  # built by its builders, with the activation they pass
                    built.append(value(**_arguments(value)))
                elif inspect.isfunction(value) and _builder(value):
                    result = value()
                    if isinstance(result, nn.Module):
                        built.append(result)
            built.extend(v for _, v in sorted(vars(module).items()) if isinstance(v, nn.Module) and v not in built)
    layers = []
    for model in built:
        for layer in model.modules():
            kind, site = catalog_layer(layer), site_of(layer)
            if kind is None or site is None:
                continue
            weight = layer.weight.detach()
            fan_in = nn.init._calculate_fan_in_and_fan_out(weight)[0]
            layers.append({
                "where": _where(root, site),
                "numel": weight.numel(),
                "gain": weight.std().item() * math.sqrt(fan_in),
                "state": init_state(layer, kind).verdict,
            })
    return layers


if __name__ == "__main__":
    print(json.dumps({root: layers_of(root) for root in sys.argv[1:]}))
