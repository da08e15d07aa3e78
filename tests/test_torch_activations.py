"""Every activation of the table, held against torch: the fixed layers keep the signal."""

import pytest

import torch

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES
from torch import nn  # noqa: E402
from torch_measure import load  # noqa: E402

from initlint.fix import fix_source  # noqa: E402

WIDTH = 512


def mlp_source(act: str, depth: int) -> bytes:
    hidden = "".join(f"    nn.Linear({WIDTH}, {WIDTH}, bias=False),\n    {act},\n" for _ in range(depth))
    return f"import torch.nn as nn\n\nmodel = nn.Sequential(\n{hidden}    nn.Linear({WIDTH}, 10, bias=False),\n)\n".encode()


def fixed_model(act: str, depth: int):
    fixed, analysis = fix_source(mlp_source(act, depth))
    assert len(analysis.reported) == depth and all(f.fixable for f in analysis.reported)
    torch.manual_seed(0)
    return load(fixed, "fixed")["model"].eval()


def hidden_moments(model, x):
    moments = []
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)][:-1]
    hooks = [m.register_forward_hook(lambda _m, _i, out: moments.append(out.pow(2).mean().item())) for m in layers]
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return moments


# Activations whose second-moment map has a stable fixed point: deep stacks keep their scale.
STABLE = ["nn.ReLU()", "nn.ReLU6()", "nn.LeakyReLU(0.2)", "nn.PReLU(init=0.25)", "nn.RReLU()", "nn.Tanh()",
          "nn.SELU()", "nn.ELU()", "nn.CELU(alpha=0.5)", "nn.Hardtanh()", "nn.Softplus()"]
# Self-gated ones: x*g(x) has an unstable fixed point, so only one layer is held to the 5% bound.
SELF_GATED = ["nn.GELU()", "nn.GELU(approximate='tanh')", "nn.SiLU()", "nn.Mish()", "nn.Hardswish()"]


@pytest.mark.parametrize("act", STABLE)
def test_20_layer_mlp_keeps_its_second_moment(act):
    x = torch.randn(1024, WIDTH, generator=torch.Generator().manual_seed(1))
    moments = hidden_moments(fixed_model(act, 20), x)
    assert 0.3 <= moments[-1] / moments[0] <= 3


@pytest.mark.parametrize("act", SELF_GATED)
def test_one_self_gated_layer_keeps_the_second_moment_of_unit_gaussian_inputs(act):
    model = fixed_model(act, 1)
    activation, linear = model[1], model[2]
    torch.nn.init.kaiming_uniform_(linear.weight)  # the head's init does not matter: compare layer 0's map
    layer = model[0]
    y = torch.randn(4096, WIDTH, generator=torch.Generator().manual_seed(2))  # unit-variance pre-activations
    with torch.no_grad():
        ratio = layer(activation(y)).pow(2).mean().item() / y.pow(2).mean().item()
    assert ratio == pytest.approx(1.0, rel=0.05)


def test_unfixed_stacks_lose_the_signal():
    """The same 20-layer ReLU stack with torch's default init: the test above can fail."""
    torch.manual_seed(0)
    model = load(mlp_source("nn.ReLU()", 20), "unfixed")["model"]
    moments = hidden_moments(model, torch.randn(1024, WIDTH, generator=torch.Generator().manual_seed(1)))
    assert moments[-1] / moments[0] < 1e-12


CONV_T = """\
import torch.nn as nn

model = nn.Sequential(
    nn.ConvTranspose2d(64, 64, 4, stride=2, padding=1, bias=False),
    nn.ReLU(),
    nn.ConvTranspose2d(64, 64, 4, stride=2, padding=1, bias=False),
    nn.ReLU(),
    nn.ConvTranspose2d(64, 64, 4, stride=2, padding=1, bias=False),
    nn.ReLU(),
    nn.ConvTranspose2d(64, 3, 3, padding=1, bias=False),
)
"""


def conv_t_ratios(source: bytes):
    torch.manual_seed(0)
    model = load(source, "convt")["model"]
    moments = []
    convs = [m for m in model.modules() if isinstance(m, nn.ConvTranspose2d)][:-1]
    hooks = [m.register_forward_hook(lambda _m, _i, out: moments.append(out.pow(2).mean().item())) for m in convs]
    with torch.no_grad():
        model(torch.randn(8, 64, 16, 16, generator=torch.Generator().manual_seed(3)))
    for hook in hooks:
        hook.remove()
    return [b / a for a, b in zip(moments, moments[1:])]


def test_stride_2_conv_transpose_stack_keeps_the_second_moment_per_layer():
    fixed, analysis = fix_source(CONV_T.encode())
    assert len(analysis.reported) == 3
    for ratio in conv_t_ratios(fixed):
        assert ratio == pytest.approx(1.0, rel=0.10)
    for ratio in conv_t_ratios(CONV_T.encode()):  # torch's default (backward fan, gain 1/sqrt(3))
        assert ratio < 0.1
