"""Whether a layer's weight still carries torch's default init, ``kaiming_uniform_(a=sqrt(5))``.

That init draws ``U(-b, b)`` with ``b = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)`` (gain
``1/sqrt(3)``), so its std is ``1 / sqrt(3 fan_in)``. A weight is judged "default" when both hold:
- bound test: every ``|w| <= b`` (with float rounding slack);
- std test: the sample std is within ``STD_TOLERANCE`` standard errors of ``b / sqrt(3)``. The
  standard error of a uniform sample's std is ``std * sqrt(0.2 / n)`` (its kurtosis is 9/5), so
  the test is as strict as the layer's size allows.
Below ``MIN_ELEMENTS`` weights neither test can tell inits apart reliably: "too small to judge".
Bilinear's default is ``U(-1/sqrt(in1), 1/sqrt(in1))``: the same tests with fan ``in1_features``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import torch

from ..catalog import Layer

MIN_ELEMENTS = 64
STD_TOLERANCE = 5.0  # standard errors
_BOUND_SLACK = 1e-6  # relative: float32 rounding of the drawn bound

DEFAULT, CHANGED, TOO_SMALL, NO_WEIGHT = "default", "changed", "too small to judge", "no weight"


@dataclass(frozen=True)
class InitState:
    verdict: str  # DEFAULT | CHANGED | TOO_SMALL | NO_WEIGHT
    std: Optional[float] = None  # measured
    default_std: Optional[float] = None  # what torch's default gives
    numel: int = 0
    reason: str = ""  # why CHANGED: which test failed

    @property
    def is_default(self) -> bool:
        return self.verdict == DEFAULT


def default_fan(weight: torch.Tensor, layer: Layer) -> int:
    """The fan torch's default init divides by (reset_parameters), from the weight's layout."""
    if layer.family == "bilinear":
        return weight.shape[1]
    return torch.nn.init._calculate_fan_in_and_fan_out(weight)[0]


def init_state(module: torch.nn.Module, layer: Layer) -> InitState:
    weight = getattr(module, "weight", None)
    if not isinstance(weight, torch.Tensor) or isinstance(weight, torch.nn.parameter.UninitializedParameter):
        return InitState(NO_WEIGHT)
    w = weight.detach().double().flatten()
    n = w.numel()
    bound = 1.0 / math.sqrt(default_fan(weight, layer))
    default_std = bound / math.sqrt(3)
    std = float(w.std()) if n > 1 else 0.0
    if n < MIN_ELEMENTS:
        return InitState(TOO_SMALL, std, default_std, n)
    largest = float(w.abs().max())
    if largest > bound * (1 + _BOUND_SLACK):
        return InitState(CHANGED, std, default_std, n, f"max |w| {largest:.4g} > bound {bound:.4g}")
    tolerance = STD_TOLERANCE * default_std * math.sqrt(0.2 / n)
    if abs(std - default_std) > tolerance:
        return InitState(CHANGED, std, default_std, n, f"std {std:.4g} vs default {default_std:.4g}")
    return InitState(DEFAULT, std, default_std, n)
