"""The init call that matches an activation: which function, which arguments, which gain."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import libcst as cst

from .facts.literals import literal
from .facts.model import ActivationUse, LayerSite
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
    scale: Optional[float] = None  # multiply the kaiming call's result by this (no torch gain, fan fix)
    note: str = ""  # what the reader should know (an approximation, a missing torch gain)
    comment: str = ""  # what the inserted line says to the reader when the call alone does not
    fan: float = 1.0  # std correction for a ConvTranspose's forward fan (1: none)

    def render(self, init: str, weight: str) -> str:
        args = ", ".join([weight] + [f"{k}={v}" for k, v in self.kwargs])
        call = f"{init}.{self.function}({args})"
        if self.scale is not None:
            return f"{call}.data.mul_({_number(self.scale)})"
        return call

    @property
    def default_shortfall(self) -> float:
        """How many times too small torch's default weight variance is for this activation."""
        return (self.exact * self.fan / DEFAULT_GAIN) ** 2


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


def transpose_fan_scale(site: LayerSite) -> Optional[float]:
    """How much larger the std must be than torch's kaiming std for a ConvTranspose layer.

    torch's fan_in of a ConvTranspose weight ``(in, out/groups, *k)`` is ``out/groups * prod(k)``, the
    backward fan; what a forward pass sums over is ``in/groups * prod(k) / prod(stride)``. The std
    scale is the square root of their ratio, ``out * prod(stride) / in``. None when not static.
    """
    if site.layer.family != "conv_transpose" or site.layer.lazy:
        return None
    values = {}
    for name, default in (("in_channels", None), ("out_channels", None), ("stride", 1)):
        node = site.args.get(name)
        value = literal(node) if node is not None else default
        if isinstance(node, cst.Tuple):
            value = [literal(e.value) for e in node.elements]
            value = math.prod(value) if all(isinstance(v, int) and not isinstance(v, bool) for v in value) else None
        elif name == "stride" and isinstance(value, int):
            value = value ** site.layer.spatial_dims  # stride=2 on a ConvTranspose2d is (2, 2)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            return None
        values[name] = value
    ratio = values["out_channels"] * values["stride"] / values["in_channels"]
    return math.sqrt(ratio) if ratio != 1 else None


def recommend(use: ActivationUse, settings: Settings, site: Optional[LayerSite] = None) -> Recommendation:
    rec = _recommend(use, settings, site)
    if not use.alternatives:
        return rec
    # A setting chooses the activation: the init is the default branch's, and the reader is told.
    choice = " or ".join(describe(other) for other in (*use.alternatives, use))
    note = f"the gain depends on a setting: {choice}; this is for {rec.label}, the default"
    return dataclasses.replace(rec, note=f"{note}; {rec.note}" if rec.note else note)


def _recommend(use: ActivationUse, settings: Settings, site: Optional[LayerSite]) -> Recommendation:
    activation = use.activation
    label = describe(use)
    exact = exact_gain(activation.name, {k: v for k, v in use.params.items() if k != "num_parameters"})
    function = "kaiming_normal_" if settings.distribution == "normal" or activation.normal else "kaiming_uniform_"
    mode = (("mode", '"fan_out"'),) if settings.mode == "fan_out" else ()
    fan = None
    if site is not None and settings.gain == "exact" and settings.mode == "fan_in":
        fan = transpose_fan_scale(site)
    fan_note = f"forward fan of {site.layer.name}: std x {fan:.4f}" if fan else ""
    nonlinearity = activation.nonlinearity
    if nonlinearity is not None:
        kwargs: Tuple[Tuple[str, str], ...] = ()
        a = 0.0
        if activation.slope is not None:
            a = float(activation.slope(use.params))
            # Always explicit: "leaky_relu" without a= means slope 0. "?" when the slope is not a constant.
            kwargs = (("a", "?" if use.unresolved else _number(a)),)
        gain = torch_gain(nonlinearity, a)
        kwargs += mode + (("nonlinearity", f'"{nonlinearity}"'),)
        scale = round(fan, 4) if fan else None
        return Recommendation(
            label, function, kwargs, gain, exact, scale=scale, note=fan_note, comment=fan_note, fan=fan or 1.0
        )
    if settings.gain == "torch":
        nearest = min(_NEAREST_CANDIDATES, key=lambda n: abs(math.log(torch_gain(n) / exact)))
        gain = torch_gain(nearest)
        note = (
            f'approximation: torch has no {activation.name} gain; "{nearest}" gives {gain:.4f}, '
            f"exact {exact:.4f} ({(gain / exact - 1) * 100:+.1f}%)"
        )
        return Recommendation(label, function, mode + (("nonlinearity", f'"{nearest}"'),), gain, exact, note=note)
    note = f"torch has no {activation.name} gain; {exact:.4f} is the exact one"
    comment = f"gain for {label}" + (f", {fan_note}" if fan else "")
    return Recommendation(
        label, function, mode + (("nonlinearity", '"linear"'),), exact, exact,
        scale=round(exact * (fan or 1.0), 4), note=note + (f"; {fan_note}" if fan else ""), comment=comment,
        fan=fan or 1.0,
    )
