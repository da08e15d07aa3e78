"""Measuring with torch, independently of initlint's own tables."""

import math

import torch
from torch import nn

_GENERATOR_SEED = 1234


def expected_gain(act: nn.Module) -> float:
    """The gain the fix must give: torch's own where torch has the nonlinearity, else 1/sqrt(E[f(z)^2])."""
    gain = nn.init.calculate_gain
    if isinstance(act, (nn.ReLU, nn.ReLU6)):
        return gain("relu")
    if isinstance(act, nn.LeakyReLU):
        return gain("leaky_relu", act.negative_slope)
    if isinstance(act, nn.PReLU):
        return gain("leaky_relu", act.weight.flatten()[0].item())
    if isinstance(act, nn.RReLU):
        return gain("leaky_relu", (act.lower + act.upper) / 2)
    if isinstance(act, nn.Tanh):
        return gain("tanh")
    if isinstance(act, nn.SELU):
        return 1.0
    return monte_carlo_gain(act)


def monte_carlo_gain(act, samples: int = 4_000_000) -> float:
    generator = torch.Generator().manual_seed(_GENERATOR_SEED)
    z = torch.randn(samples, generator=generator, dtype=torch.float64)
    act = act.eval().double() if isinstance(act, nn.Module) else act
    with torch.no_grad():
        return 1.0 / math.sqrt(act(z).pow(2).mean().item())


def fans(weight: torch.Tensor):
    return nn.init._calculate_fan_in_and_fan_out(weight)


def weight_gain(weight: torch.Tensor, mode: str = "fan_in") -> float:
    """std(w) * sqrt(fan): the gain the weight was drawn with."""
    fan_in, fan_out = fans(weight)
    return weight.detach().std().item() * math.sqrt(fan_in if mode == "fan_in" else fan_out)


def load(source: bytes, name: str) -> dict:
    namespace = {"__name__": name}
    exec(compile(source, name, "exec"), namespace)
    return namespace
