"""The exact gains, recomputed by Monte Carlo with torch's own activation modules."""

import math

import pytest

import torch

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES
from torch import nn  # noqa: E402
from torch_measure import monte_carlo_gain  # noqa: E402

from initlint.catalog import ACTIVATIONS  # noqa: E402
from initlint.gains import DEFAULT_GAIN, exact_gain, torch_gain  # noqa: E402

CASES = [
    ("ReLU", {}, nn.ReLU()),
    ("ReLU6", {}, nn.ReLU6()),
    ("LeakyReLU", {"negative_slope": 0.2}, nn.LeakyReLU(0.2)),
    ("PReLU", {"init": 0.25}, nn.PReLU(init=0.25)),
    ("RReLU", {"lower": 1 / 8, "upper": 1 / 3}, nn.RReLU()),  # eval mode: the mean slope
    ("Tanh", {}, nn.Tanh()),
    ("SELU", {}, nn.SELU()),
    ("ELU", {"alpha": 1.0}, nn.ELU()),
    ("ELU", {"alpha": 0.5}, nn.ELU(alpha=0.5)),
    ("CELU", {"alpha": 2.0}, nn.CELU(alpha=2.0)),
    ("GELU", {"approximate": "none"}, nn.GELU()),
    ("GELU", {"approximate": "tanh"}, nn.GELU(approximate="tanh")),
    ("SiLU", {}, nn.SiLU()),
    ("Mish", {}, nn.Mish()),
    ("Hardswish", {}, nn.Hardswish()),
    ("Hardtanh", {"min_val": -1.0, "max_val": 1.0}, nn.Hardtanh()),
    ("Softplus", {"beta": 1.0, "threshold": 20.0}, nn.Softplus()),
    ("Sigmoid", {}, nn.Sigmoid()),
    ("Hardsigmoid", {}, nn.Hardsigmoid()),
    ("LogSigmoid", {}, nn.LogSigmoid()),
    ("ReLUSquared", {}, lambda z: torch.relu(z).square()),  # relu(h).square(): no torch module
    ("Swish", {"beta": 1.702}, lambda z: z * torch.sigmoid(1.702 * z)),  # QuickGELU: no torch module
]


def test_every_activation_with_a_gain_is_checked():
    checked = {name for name, _, _ in CASES}
    assert checked >= {name for name, a in ACTIVATIONS.items() if a.role != "output" and name != "GLU"}


@pytest.mark.parametrize("name,params,module", CASES, ids=[f"{n}{sorted(p.values())}" for n, p, _ in CASES])
def test_exact_gain_agrees_with_monte_carlo(name, params, module):
    full = {k: v for k, v in ACTIVATIONS[name].params if k != "num_parameters"}
    full.update(params)
    assert exact_gain(name, full) == pytest.approx(monte_carlo_gain(module), rel=0.01)


def test_torch_gains_agree_with_calculate_gain():
    for nonlinearity in ("linear", "conv2d", "sigmoid", "relu", "tanh", "selu"):
        assert torch_gain(nonlinearity) == pytest.approx(nn.init.calculate_gain(nonlinearity))
    assert torch_gain("leaky_relu", 0.2) == pytest.approx(nn.init.calculate_gain("leaky_relu", 0.2))
    assert DEFAULT_GAIN == pytest.approx(nn.init.calculate_gain("leaky_relu", math.sqrt(5)))


def test_torch_default_init_has_the_default_gain():
    torch.manual_seed(0)
    layer = nn.Linear(400, 400)
    assert layer.weight.std().item() * math.sqrt(400) == pytest.approx(DEFAULT_GAIN, rel=0.02)
