"""INI002: an explicit kaiming call whose gain does not match the activation that follows."""

from __future__ import annotations

import math
from typing import Iterator, Optional, Tuple


from .. import catalog
from ..facts.collect import site_of
from ..facts.literals import is_known, literal
from ..facts.model import InitCall
from ..findings import Report
from ..edits import Rewrite
from ..gains import TORCH_NONLINEARITIES, torch_gain
from ..recommend import recommend
from .base import Context, Rule

TOLERANCE = 0.10  # within 10% the second moment drifts slowly enough to leave alone


def effective_gain(init: InitCall) -> Optional[Tuple[float, str, float]]:
    """(gain, nonlinearity, a) of a kaiming call from its arguments and torch's defaults, if static."""
    nonlinearity = literal(init.args["nonlinearity"]) if "nonlinearity" in init.args else "leaky_relu"
    a = literal(init.args["a"]) if "a" in init.args else 0
    if not is_known(nonlinearity) or not is_known(a) or nonlinearity not in TORCH_NONLINEARITIES:
        return None
    if isinstance(a, bool) or not isinstance(a, (int, float)):
        return None  # INI003's business
    return torch_gain(nonlinearity, a) * init.scale, nonlinearity, float(a)


class MismatchedKaimingGain(Rule):
    code = "INI002"
    name = "mismatched-kaiming-gain"
    summary = "explicit kaiming init whose gain does not match the activation that follows"
    what = (
        "Reports a `kaiming_uniform_` / `kaiming_normal_` call on a layer followed by an activation when "
        "the gain its arguments give (from `a`, `nonlinearity` and torch's defaults) differs from the "
        "activation's exact gain by more than 10%. The message gives both gains."
    )
    why = (
        "The usual causes are copies: `a=math.sqrt(5)` from torch's own `reset_parameters` (gain 1/sqrt(3), "
        "the old default scheme, not a recommendation), `nonlinearity=\"relu\"` kept when the activation "
        "became Tanh or SELU, or `nonlinearity=\"leaky_relu\"` without `a` (torch's default `a=0` makes "
        "that a ReLU gain, sqrt(2), whatever the LeakyReLU's slope). The signal's second moment then drifts "
        "by the squared ratio at every layer."
    )
    fix = (
        "`initlint fix` rewrites that call's arguments to the ones that match (keeping the function, the "
        "tensor and `mode`). When the call is part of a larger expression and torch has no gain for the "
        "activation, it is reported only."
    )
    valid = (
        "import torch.nn as nn\n"
        "\n"
        "net = nn.Sequential(nn.Linear(64, 64), nn.ReLU())\n"
        "nn.init.kaiming_uniform_(net[0].weight, nonlinearity=\"relu\")\n",
    )
    invalid = (
        "import math\n"
        "import torch.nn as nn\n"
        "\n"
        "net = nn.Sequential(nn.Linear(64, 64), nn.ReLU())\n"
        "nn.init.kaiming_uniform_(net[0].weight, a=math.sqrt(5))  # expect: INI002\n",
    )

    def check(self, ctx: Context) -> Iterator[Report]:
        for init in ctx.facts.init_calls:
            if init.function not in catalog.KAIMING_FUNCTIONS or init.target is None:
                continue
            site = site_of(ctx.facts, init.owner, init.target)
            follow = ctx.activation_after(site) if site is not None else None
            effective = effective_gain(init) if follow is not None else None
            if effective is None:
                continue
            gain, nonlinearity, a = effective
            rec = recommend(follow.use, ctx.settings, site)
            needed = rec.exact * rec.fan  # on torch's fan: a ConvTranspose's forward fan differs
            if abs(gain / needed - 1) <= TOLERANCE:
                continue
            suggestion, edit, reason = self._rewrite(init, rec, ctx)
            message = (
                f"{self.code} {init.function.rsplit('.', 1)[1]} gives gain {gain:.4f} but {rec.label} needs "
                f"{needed:.4f} ({(gain / needed - 1) * 100:+.0f}%){self._cause(nonlinearity, a, init)}: "
                f"use {suggestion}"
            )
            if reason:
                message += f" (not auto-fixed: {reason})"
            yield Report(self.code, init.call, message, site.layer.name, rec.label, suggestion, reason, edit)

    @staticmethod
    def _cause(nonlinearity: str, a: float, init: InitCall) -> str:
        if nonlinearity == "leaky_relu" and math.isclose(a, math.sqrt(5)) and init.scale == 1:
            return "; a=math.sqrt(5) is torch's default scheme, not a recommendation"
        if nonlinearity == "leaky_relu" and "a" not in init.args:
            return '; "leaky_relu" without a= means slope 0'
        return ""

    @staticmethod
    def _rewrite(init: InitCall, rec, ctx: Context):
        code = ctx.facts.module.code_for_node
        kwargs = [(k, v) for k, v in rec.kwargs if k != "mode"]
        kept = [(k, code(init.args[k])) for k in ("mode", "generator") if k in init.args]
        args = ", ".join([code(init.args[catalog.INIT_TENSOR_PARAM])] + [f"{k}={v}" for k, v in kwargs + kept])
        call = f"{code(init.call.func)}({args})"
        if rec.scale is not None:
            call += f".data.mul_({rec.scale:g})"
            if id(init.call) not in ctx.facts.statement_calls:
                return call, None, "the call is part of a larger expression"
        return call, Rewrite(init.call, call), ""
