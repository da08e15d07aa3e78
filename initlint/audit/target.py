"""``initlint audit TARGET``: the user's model factory and example inputs, from the command line.

TARGET is ``package.module:callable`` or ``path/to/file.py:callable``; the callable (a class, a
function, ``attr.attr``) returns a model or ``(model, example_inputs)``. It is called seeded, with
construction sites recorded.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Optional, Sequence, Tuple

import torch

from . import build

SEED = 0


class TargetError(Exception):
    """A TARGET, --example or --input-shape that cannot be used: one line for the user."""


def _module(spec: str):
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise TargetError(f"no such file: {spec}")
        # Its folder first on the path: the file's own sibling imports work as when run as a script.
        sys.path.insert(0, os.path.dirname(path))
        name = os.path.splitext(os.path.basename(path))[0]
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return importlib.import_module(spec)


def load_callable(text: str, option: str = "TARGET"):
    """The object ``module:attr`` or ``file.py:attr`` names; TargetError when it is not there."""
    spec, colon, attribute = text.rpartition(":")
    if not colon or not spec or not attribute:
        raise TargetError(f"{option} must be module:callable or path/file.py:callable, not {text!r}")
    try:
        obj = _module(spec)
    except TargetError:
        raise
    except Exception as error:  # the user's module failed to import: say how, in one line
        raise TargetError(f"cannot import {spec}: {type(error).__name__}: {error}") from None
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise TargetError(f"{spec} has no attribute {attribute!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise TargetError(f"{text} is not callable")
    return obj


def _as_inputs(value) -> Tuple[object, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def parse_shape(text: str) -> Tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise TargetError(f"--input-shape must be integers separated by commas (8,3,224,224), not {text!r}") from None
    if not shape or any(n <= 0 for n in shape):
        raise TargetError(f"--input-shape must be positive integers, not {text!r}")
    return shape


def load(target: str, input_shape: Optional[str] = None, example: Optional[str] = None):
    """``(model, inputs)``: the model built seeded under recording, and the inputs to run it on."""
    factory = load_callable(target)
    try:
        built = build(factory, SEED)
    except Exception as error:
        raise TargetError(f"building {target} failed: {type(error).__name__}: {error}") from None
    inputs: Sequence[object] = ()
    if isinstance(built, tuple) and len(built) == 2 and isinstance(built[0], torch.nn.Module):
        built, inputs = built[0], _as_inputs(built[1])
    if not isinstance(built, torch.nn.Module):
        raise TargetError(f"{target} returned {type(built).__name__}, not a torch module or (module, inputs)")
    if example is not None:
        torch.manual_seed(SEED)
        inputs = _as_inputs(load_callable(example, "--example")())
    elif input_shape is not None:
        inputs = (torch.randn(parse_shape(input_shape), generator=torch.Generator().manual_seed(SEED)),)
    if not inputs:
        raise TargetError(f"no example inputs for {target}: give --input-shape or --example, or return (model, inputs)")
    return built, tuple(inputs)
