"""Exact gains: ``gain = 1 / sqrt(E[f(z)^2])`` for ``z ~ N(0, 1)``, by numerical integration.

With that gain, ``std(w) = gain / sqrt(fan_in)`` keeps the second moment of a layer's output
equal to the one before the activation (design.md §1). Pure Python, computed on demand and
cached: an activation costs a few milliseconds the first time a file needs it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, Mapping, Tuple

_SQRT2 = math.sqrt(2.0)
_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / _SQRT2))


def _softplus(z: float, beta: float = 1.0, threshold: float = 20.0) -> float:
    if beta * z > threshold:
        return z
    return math.log1p(math.exp(beta * z)) / beta


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _leaky(slope: float) -> Callable[[float], float]:
    return lambda z: z if z >= 0 else slope * z


def _gelu(approximate: str) -> Callable[[float], float]:
    if approximate == "tanh":
        c = math.sqrt(2.0 / math.pi)
        return lambda z: 0.5 * z * (1.0 + math.tanh(c * (z + 0.044715 * z**3)))
    return lambda z: z * _phi(z)


def function(name: str, p: Mapping[str, object]) -> Callable[[float], float]:
    """The activation as a scalar function, with its parameters resolved (eval mode)."""
    makers = {
        "ReLU": lambda: lambda z: max(z, 0.0),
        "ReLU6": lambda: lambda z: min(max(z, 0.0), 6.0),
        "ReLUSquared": lambda: lambda z: max(z, 0.0) ** 2,
        "LeakyReLU": lambda: _leaky(p["negative_slope"]),
        "PReLU": lambda: _leaky(p["init"]),
        # RReLU draws its slope from U(lower, upper) in training and uses the mean in eval.
        "RReLU": lambda: _leaky((p["lower"] + p["upper"]) / 2),
        "Tanh": lambda: math.tanh,
        "SELU": lambda: lambda z: _SELU_SCALE * (z if z > 0 else _SELU_ALPHA * math.expm1(z)),
        "ELU": lambda: lambda z: z if z > 0 else p["alpha"] * math.expm1(z),
        "CELU": lambda: lambda z: z if z > 0 else p["alpha"] * math.expm1(z / p["alpha"]),
        "GELU": lambda: _gelu(p["approximate"]),
        "SiLU": lambda: lambda z: z * _sigmoid(z),
        "Swish": lambda: lambda z: z * _sigmoid(p["beta"] * z),
        "Mish": lambda: lambda z: z * math.tanh(_softplus(z)),
        "Hardswish": lambda: lambda z: z * min(max(z + 3.0, 0.0), 6.0) / 6.0,
        "Hardtanh": lambda: lambda z: min(max(z, p["min_val"]), p["max_val"]),
        "Softplus": lambda: lambda z: _softplus(z, p["beta"], p["threshold"]),
        "Sigmoid": lambda: _sigmoid,
        "Hardsigmoid": lambda: lambda z: min(max(z / 6.0 + 0.5, 0.0), 1.0),
        "LogSigmoid": lambda: lambda z: -_softplus(-z),
        # GLU(a, b) = a * sigmoid(b) with independent halves: E[a^2] E[sigmoid(b)^2].
        "GLU": lambda: _sigmoid,
    }
    return makers[name]()


def _second_moment(f: Callable[[float], float], half_width: float = 12.0, steps: int = 12000) -> float:
    """E[f(z)^2], z ~ N(0,1): composite Simpson's rule, with 0 on a grid point (kinks sit there)."""
    h = 2 * half_width / steps
    total = 0.0
    for i in range(steps + 1):
        z = -half_width + i * h
        weight = 1 if i in (0, steps) else (4 if i % 2 else 2)
        total += weight * f(z) ** 2 * math.exp(-0.5 * z * z)
    return total * h / 3 / math.sqrt(2 * math.pi)


@lru_cache(maxsize=None)
def _gain(name: str, params: Tuple[Tuple[str, object], ...]) -> float:
    return 1.0 / math.sqrt(_second_moment(function(name, dict(params))))


def exact_gain(name: str, params: Mapping[str, object]) -> float:
    """The gain that keeps the second moment through ``name`` with these parameters."""
    return _gain(name, tuple(sorted(params.items())))


def torch_gain(nonlinearity: str, a: float = 0.0) -> float:
    """``torch.nn.init.calculate_gain`` for the nonlinearities torch knows (torch 2.13)."""
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + a * a))
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "selu":
        return 3.0 / 4
    if nonlinearity in TORCH_UNIT_GAIN:
        return 1.0
    raise ValueError(f"torch has no gain for nonlinearity {nonlinearity!r}")


TORCH_UNIT_GAIN = frozenset(
    ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid")
)
TORCH_NONLINEARITIES = TORCH_UNIT_GAIN | {"relu", "leaky_relu", "tanh", "selu"}

# torch's default for Linear/Conv: kaiming_uniform_(w, a=sqrt(5)) -> gain sqrt(2 / 6) = 1/sqrt(3).
DEFAULT_GAIN = torch_gain("leaky_relu", math.sqrt(5))
