"""Containers whose items a comprehension builds: ``nn.ModuleList([Block(w) for _ in range(depth)])``.

The element is one construction standing for every item; nothing names it, but a loop over the
container reaches each instance (``for block in self.blocks``), and an init there is written
on ``<container>[*]<path>`` (``self.blocks[*][0]``).
"""

from __future__ import annotations

from typing import Iterable, Optional, Union

import libcst as cst

from .model import Construct

EVERY_ITEM = "[*]"  # in a ref: each item a comprehension built


def comprehension_of(call: cst.Call) -> Optional[Union[cst.ListComp, cst.GeneratorExp]]:
    """``ModuleList([Block() for _ in range(n)])`` / ``ModuleList(Block() for ...)``: the comprehension."""
    if len(call.args) == 1 and isinstance(call.args[0].value, (cst.ListComp, cst.GeneratorExp)):
        return call.args[0].value
    return None


def comprehension_container(containers: Iterable[Construct], anchor: Construct) -> Optional[Construct]:
    """The container whose comprehension's element is ``anchor``'s construction."""
    if anchor.ref is not None or anchor.container is not None or anchor.hoistable:
        return None
    for container in containers:
        comprehension = comprehension_of(container.call)
        if comprehension is not None and comprehension.elt is anchor.call:
            return container
    return None


def looped_items(iterated: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """``self.layers`` of ``for layer in self.layers`` or ``self.layers[:-1]`` (all but the last)."""
    if isinstance(iterated, cst.Subscript) and len(iterated.slice) == 1:
        part = iterated.slice[0].slice
        if (isinstance(part, cst.Slice) and part.lower is None and part.step is None
                and isinstance(part.upper, cst.UnaryOperation) and isinstance(part.upper.operator, cst.Minus)
                and isinstance(part.upper.expression, cst.Integer) and part.upper.expression.value == "1"):
            return iterated.value
        return None
    return iterated
