"""The init of a Lazy layer, written as a forward pre-hook that materialises the layer first.

A Lazy layer's weight is an ``UninitializedParameter`` until its first forward, so an init right
after its construction raises. The hook runs before torch's own lazy hook (``prepend=True``): it
materialises the layer from the first input (``initialize_parameters``, which also gives the bias
torch's default), then inits the weight; torch's hook then finds nothing left to do and turns the
layer into its plain class. The test is on the weight itself, not on a flag or a removed handle,
so a ``copy.deepcopy`` made before the first forward gets its own init once, and later forwards
or a state_dict loaded before the first forward are left alone (tests/test_torch_lazy_fixes.py).
"""

from __future__ import annotations

import re
from typing import List, Sequence, Tuple

UNINITIALIZED = "torch.nn.parameter.UninitializedParameter"
PLACEHOLDER = "LAZY_LAYER"  # the layer in the init lines, until the hook's parameter has a name
CLAUSE = " in a forward pre-hook that first materialises it (a lazy layer has no weight before its first forward)"
_PARAMETERS = (("module", "args"), ("lazy_module", "lazy_args"))


def hook_base(ref: str) -> str:
    """``init_fc`` for ``self.fc``, ``init_net_0`` for ``self.net[0]``: the hook's name before it is made unique."""
    if ref.startswith(("self.", "self[")):
        ref = ref[len("self"):]
    return "init_" + (re.sub(r"\W+", "_", ref).strip("_") or "layer")


def parameters(lines: Sequence[str]) -> Tuple[str, str]:
    """The hook's parameter names: none the init lines read (a guard may read ``module`` of the
    function the hook is defined in)."""
    words = set(re.findall(r"\w+", "\n".join(lines)))
    return next(pair for pair in _PARAMETERS if not words.intersection(pair))


def hook(name: str, layer: str, lines: Sequence[str], uninitialized: str) -> str:
    """``def init_fc(module, args): ...``: the init ``lines`` (naming the layer ``PLACEHOLDER``)
    under the test that the layer is not materialised yet."""
    module, args = parameters(lines)
    body = "\n".join(line.replace(PLACEHOLDER, module) for line in lines).replace("\n", "\n        ")
    return (
        f"def {name}({module}, {args}):\n"
        f"    # A {layer} has no weight before its first forward: materialise it here, ahead of\n"
        f"    # torch's own lazy hook (which then has nothing to do), and init it once.\n"
        f"    if isinstance({module}.weight, {uninitialized}):\n"
        f"        {module}.initialize_parameters(*{args})\n"
        f"        {body}"
    )


def register(name: str, ref: str) -> str:
    return f"{ref}.register_forward_pre_hook({name}, prepend=True)"


def blank_before(lines: Sequence[str]) -> List[str]:
    """Each line as a statement after a blank line (a nested ``def`` wants one, flake8 E306)."""
    return ["\n" + line for line in lines]
