"""The init of a Lazy layer, written as a forward pre-hook that materialises the layer first.

A Lazy layer's weight is an ``UninitializedParameter`` until its first forward, so an init right
after its construction raises. The hook runs before torch's own lazy hook (``prepend=True``): it
materialises the layer from the first input (``initialize_parameters``, which also gives the bias
torch's default), then inits the weight; torch's hook then finds nothing left to do and turns the
layer into its plain class. The test is on the weight itself, not on a flag or a removed handle,
so a ``copy.deepcopy`` made before the first forward gets its own init once, and later forwards
or a state_dict loaded before the first forward are left alone. The hook is a function of the
module, not one nested in ``__init__``: it stays registered, and a nested function would keep
the model from pickling (``torch.save(model)``, multiprocessing). What would make it depend on
``__init__``'s locals (a guard) goes around its registration instead (tests/test_torch_lazy_fixes.py).
"""

from __future__ import annotations

import re

from .hoisting import snake

UNINITIALIZED = "torch.nn.parameter.UninitializedParameter"
PLACEHOLDER = "module"  # the hook's parameter: the layer, in the init lines
CLAUSE = " in a forward pre-hook that first materialises it (a lazy layer has no weight before its first forward)"


def hook_base(owner: str, ref: str) -> str:
    """``init_encoder_fc`` for ``self.fc`` in ``class Encoder``, ``init_net_0`` for a module-level
    ``net[0]``: the hook's name before it is made unique in the module."""
    if ref.startswith(("self.", "self[")):
        ref = ref[len("self"):]
    parts = [snake(owner)] if owner else []
    parts.append(re.sub(r"\W+", "_", ref).strip("_") or "layer")
    return "init_" + "_".join(parts)


def hook(name: str, layer: str, lines, uninitialized: str) -> str:
    """``def init_encoder_fc(module, args): ...``: the init ``lines`` (naming the layer ``module``)
    under the test that the layer is not materialised yet."""
    body = "\n".join(lines).replace("\n", "\n        ")
    return (
        f"def {name}({PLACEHOLDER}, args):\n"
        f"    # A {layer} has no weight before its first forward: materialise it here, ahead of\n"
        f"    # torch's own lazy hook (which then has nothing to do), and init it once.\n"
        f"    if isinstance({PLACEHOLDER}.weight, {uninitialized}):\n"
        f"        {PLACEHOLDER}.initialize_parameters(*args)\n"
        f"        {body}"
    )


def naming(text: str, ref: str) -> str:
    """``text`` (init statements on the hook's ``module``) naming the layer ``ref`` instead."""
    return re.sub(rf"\b{PLACEHOLDER}(?=\.weight|\.bias)", lambda _: ref, text)


def register(name: str, ref: str) -> str:
    return f"{ref}.register_forward_pre_hook({name}, prepend=True)"


def top_level(line: str) -> str:
    """``line`` as a top-level statement after two blank lines (flake8 E302/E305)."""
    return "\n\n" + line
