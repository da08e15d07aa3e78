"""INI003: an init call that fails at run time."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from .. import catalog
from ..edits import Rewrite
from ..facts.collect import site_of
from ..facts.literals import literal
from ..facts.model import InitCall
from ..findings import Report
from ..gains import TORCH_NONLINEARITIES
from .base import Context, Rule


class InitFailsAtRunTime(Rule):
    code = "INI003"
    name = "init-fails-at-run-time"
    summary = "torch.nn.init call that raises at run time"
    what = (
        "Reports a `torch.nn.init` call that cannot succeed: a `nonlinearity` string torch does not know "
        "(`\"gelu\"`, `\"silu\"`, `\"ReLU\"`: torch matches case-sensitively and knows only linear, conv*, "
        "sigmoid, tanh, relu, leaky_relu, selu), a `bool` slope (`a=True`), or any init of a `Lazy*` "
        "layer's weight in the function that builds it, before its first forward."
    )
    why = (
        "`calculate_gain` raises `ValueError` for an unknown nonlinearity or a bool slope, and a lazy layer's "
        "weight is an `UninitializedParameter` until the first forward: the model fails when it is built, "
        "often far from where the init was written."
    )
    fix = (
        "Only the unambiguous case is fixed: a nonlinearity that differs from a known one only in case "
        "(`\"ReLU\"` -> `\"relu\"`). For activations torch has no gain for, INI001's recommendation (a "
        "unit-gain call scaled by the exact gain) is the way; for lazy layers, an init in a forward pre-hook "
        "that materialises the layer first (INI001's fix writes it)."
    )
    valid = (
        "import torch.nn as nn\n"
        "\n"
        "fc = nn.Linear(64, 64)\n"
        "nn.init.kaiming_normal_(fc.weight, nonlinearity=\"relu\")\n",
    )
    invalid = (
        "import torch.nn as nn\n"
        "\n"
        "fc = nn.Linear(64, 64)\n"
        "nn.init.kaiming_normal_(fc.weight, nonlinearity=\"gelu\")  # expect: INI003\n",
    )

    def check(self, ctx: Context) -> Iterator[Report]:
        for init in ctx.facts.init_calls:
            problem = self._problem(init, ctx)
            if problem is None:
                continue
            message, edit = problem
            name = init.function.rsplit(".", 1)[1]
            suggestion = edit.code if edit is not None else ""
            reason = "" if edit is not None else "no unambiguous replacement"
            yield Report(self.code, init.call, f"{self.code} {name}: {message}", "", "", suggestion, reason, edit)

    def _problem(self, init: InitCall, ctx: Context) -> Optional[Tuple[str, Optional[Rewrite]]]:
        checks_gain = init.function in catalog.KAIMING_FUNCTIONS or init.function == catalog.CALCULATE_GAIN
        if checks_gain and "nonlinearity" in init.args:
            node = init.args["nonlinearity"]
            value = literal(node)
            if isinstance(value, str) and value not in TORCH_NONLINEARITIES:
                known = value.lower() if value.lower() in TORCH_NONLINEARITIES else None
                message = f'nonlinearity="{value}" is not one torch knows: calculate_gain raises ValueError'
                if known is not None:
                    return message + f' (torch spells it "{known}")', Rewrite(node, f'"{known}"')
                return message, None
        slope = init.args.get("a" if init.function in catalog.KAIMING_FUNCTIONS else "param")
        if checks_gain and slope is not None and isinstance(literal(slope), bool):
            return "a bool slope: calculate_gain raises ValueError (negative_slope must be a number)", None
        if init.target is not None:
            site = site_of(ctx.facts, init.owner, init.target)
            if site is not None and self._only_lazy(ctx, init, site) and self._before_first_forward(init, site):
                return f"{site.layer.name}'s weight does not exist before its first forward: this call raises", None
        return None

    @staticmethod
    def _only_lazy(ctx: Context, init: InitCall, site) -> bool:
        """Every layer the ref names in that scope is lazy: ``if n: first = nn.Linear(n, h)`` /
        ``else: first = nn.LazyLinear(h)`` binds ``first`` to a plain layer too, inited in its branch."""
        same = [other for other in ctx.facts.sites if other.function is site.function and init.target in other.refs()]
        return all(other.layer.lazy for other in same)

    @staticmethod
    def _before_first_forward(init: InitCall, site) -> bool:
        function = init.in_function
        return function is not None and (function is site.function or function.name.value == "__init__")
