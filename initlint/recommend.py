"""The init call that matches an activation: which function, which arguments, which gain."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

from .facts.model import ActivationUse
from .gains import DEFAULT_GAIN, exact_gain, torch_gain
from .settings import Settings

# Nonlinearities torch can express without `a`, for the "nearest" choice (gain = "torch").
_NEAREST_CANDIDATES = ("linear", "relu", "tanh")


def _number(value: float) -> str:
    return format(value, ".6g")


@dataclass(frozen=True)
class Recommendation:
    label: str  # the activation as the reader should see it: "LeakyReLU(negative_slope=0.2)"
    function: str  # "kaiming_uniform_" | "kaiming_normal_"
    kwargs: Tuple[Tuple[str, str], ...]  # rendered keyword arguments, in order
    gain: float  # the gain this call gives
    exact: float  # the activation's exact gain
    scale: Optional[float] = None  # multiply by this after a unit-gain call (no torch equivalent)
    note: str = ""  # what the reader should know (an approximation, a missing torch gain)

    def render(self, init: str, weight: str) -> str:
        args = ", ".join([weight] + [f"{k}={v}" for k, v in self.kwargs])
        call = f"{init}.{self.function}({args})"
        if self.scale is not None:
            return f"{call}.data.mul_({_number(self.scale)})"
        return call

    @property
    def comment(self) -> str:
        """What the inserted line says to the reader, when the call alone does not say it."""
        return f"gain for {self.label}" if self.scale is not None else ""

    @property
    def default_shortfall(self) -> float:
        """How many times too small torch's default weight variance is for this activation."""
        return (self.exact / DEFAULT_GAIN) ** 2


def describe(use: ActivationUse) -> str:
    """``LeakyReLU(negative_slope=0.2)``: the activation with the parameters that differ from default."""
    if use.unresolved:
        return f"{use.name}({', '.join(name + '=?' for name in use.unresolved)})"
    shown = [
        f"{name}={_number(use.params[name]) if isinstance(use.params[name], float) else repr(use.params[name])}"
        for name, default in use.activation.params
        if name != "num_parameters" and use.params.get(name) != default
    ]
    return f"{use.name}({', '.join(shown)})" if shown else use.name


def recommend(use: ActivationUse, settings: Settings) -> Recommendation:
    activation = use.activation
    label = describe(use)
    exact = exact_gain(activation.name, {k: v for k, v in use.params.items() if k != "num_parameters"})
    function = "kaiming_normal_" if settings.distribution == "normal" or activation.normal else "kaiming_uniform_"
    mode = (("mode", '"fan_out"'),) if settings.mode == "fan_out" else ()
    nonlinearity = activation.nonlinearity
    if nonlinearity is not None:
        kwargs: Tuple[Tuple[str, str], ...] = ()
        a = 0.0
        if activation.slope is not None:
            a = float(activation.slope(use.params))
            # Always explicit: "leaky_relu" without a= means slope 0. "?" when the slope is not a constant.
            kwargs = (("a", "?" if use.unresolved else _number(a)),)
        gain = torch_gain(nonlinearity, a)
        return Recommendation(label, function, kwargs + mode + (("nonlinearity", f'"{nonlinearity}"'),), gain, exact)
    if settings.gain == "torch":
        nearest = min(_NEAREST_CANDIDATES, key=lambda n: abs(math.log(torch_gain(n) / exact)))
        gain = torch_gain(nearest)
        note = (
            f'approximation: torch has no {activation.name} gain; "{nearest}" gives {gain:.4f}, '
            f"exact {exact:.4f} ({(gain / exact - 1) * 100:+.1f}%)"
        )
        return Recommendation(label, function, mode + (("nonlinearity", f'"{nearest}"'),), gain, exact, note=note)
    note = f"torch has no {activation.name} gain; {exact:.4f} is the exact one"
    return Recommendation(label, function, mode + (("nonlinearity", '"linear"'),), exact, exact, scale=round(exact, 4), note=note)
