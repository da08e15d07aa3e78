"""Built with torch: the fixed layers get std = gain / sqrt(fan_in) for their activation."""

import math

import pytest

import torch

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES
from torch import nn  # noqa: E402

from fixtures_fix import CASES, fixed_path, settings_of  # noqa: E402
from torch_measure import expected_gain, load, weight_gain  # noqa: E402

from initlint.fix import fix_source  # noqa: E402

BUILDABLE = [c for c in CASES if b"\nEXPECT = " in c.read_bytes()]
DEFAULT_GAIN = 1 / math.sqrt(3)


def test_most_fix_fixtures_are_checked_with_torch():
    assert len(BUILDABLE) >= 10


@pytest.mark.parametrize("case", BUILDABLE, ids=[c.stem for c in BUILDABLE])
def test_fixed_layers_have_the_activations_gain(case):
    source = fixed_path(case).read_bytes()
    settings = settings_of(source)
    torch.manual_seed(0)
    namespace = load(source, case.stem)
    model = namespace["build"]()
    assert namespace["EXPECT"]
    for path, act in namespace["EXPECT"].items():
        weight = model.get_submodule(path).weight
        assert weight.numel() >= 10_000  # enough samples for a 3% tolerance
        measured = weight_gain(weight, settings.mode)
        assert measured == pytest.approx(expected_gain(act), rel=0.03), path


@pytest.mark.parametrize("case", BUILDABLE, ids=[c.stem for c in BUILDABLE])
def test_unfixed_layers_do_not_have_the_gain(case):
    """The same layers before the fix (torch's default, a wrong kaiming call, or a call that raises):
    the test above can fail."""
    torch.manual_seed(0)
    namespace = load(case.read_bytes(), case.stem)
    try:
        model = namespace["build"]()
    except ValueError as error:  # INI003: the unfixed init raises at run time
        assert "nonlinearity" in str(error)
        return
    source = case.read_bytes()
    for path, act in namespace["EXPECT"].items():
        measured = weight_gain(model.get_submodule(path).weight)
        if b"nn.init" not in source and b"init." not in source:
            assert measured == pytest.approx(DEFAULT_GAIN, rel=0.03), path
        assert measured != pytest.approx(expected_gain(act), rel=0.03), path


UNTOUCHING = [c for c in BUILDABLE if b"\nUNTOUCHED = " in c.read_bytes()]


@pytest.mark.parametrize("case", UNTOUCHING, ids=[c.stem for c in UNTOUCHING])
def test_layers_the_fix_must_leave_alone_keep_torchs_default(case):
    """E.g. the last layer of a ModuleList whose forward applies the activation to all but the last."""
    torch.manual_seed(0)
    model = load(fixed_path(case).read_bytes(), case.stem)["build"]()
    for path in load(case.read_bytes(), case.stem)["UNTOUCHED"]:
        weight = model.get_submodule(path).weight
        assert weight.numel() >= 10_000
        assert weight_gain(weight) == pytest.approx(DEFAULT_GAIN, rel=0.03), path


def test_bias_zeros_setting_zeroes_the_bias():
    case = next(c for c in CASES if c.stem == "settings_normal_fan_out_bias")
    model = load(fixed_path(case).read_bytes(), case.stem)["build"]()
    assert torch.count_nonzero(model.fc.bias) == 0


def deep_mlp_source(act: str, depth: int) -> bytes:
    """A plain MLP as a user would write it: `depth` (Linear, act) pairs, then a linear head."""
    hidden = "".join(f"    nn.Linear(WIDTH, WIDTH, bias=False),\n    {act},\n" for _ in range(depth))
    return (
        "import torch.nn as nn\n\nWIDTH = 256\n\n"
        f"model = nn.Sequential(\n{hidden}    nn.Linear(WIDTH, 10, bias=False),\n)\n"
    ).encode()


def second_moment_ratio(model, width: int) -> float:
    """E[y^2] of the last hidden layer's output over the first's (the head is left out)."""
    moments = []
    hidden = [m for m in model.modules() if isinstance(m, nn.Linear)][:-1]
    hooks = [m.register_forward_hook(lambda _m, _i, out: moments.append(out.pow(2).mean().item())) for m in hidden]
    with torch.no_grad():
        model(torch.randn(2048, width, generator=torch.Generator().manual_seed(1)))
    for hook in hooks:
        hook.remove()
    return moments[-1] / moments[0]


# Unfixed, the second moment shrinks per layer by (1/3) * E[f(y)^2] / E[y^2]: ~1/6 for ReLU and
# LeakyReLU, <= 1/3 for Tanh, but only ~0.7 for SELU with small inputs (slope ~ lambda*(1 + alpha^2)/2
# on average), so 30 SELU layers lose "only" ~1e-5 and the bound is looser there.
UNFIXED_BOUND = {"nn.ReLU()": 1e-6, "nn.LeakyReLU(0.2)": 1e-6, "nn.Tanh()": 1e-6, "nn.SELU()": 1e-4}


@pytest.mark.parametrize("act", sorted(UNFIXED_BOUND))
def test_a_30_layer_mlp_keeps_its_signal_once_fixed(act):
    source = deep_mlp_source(act, 30)
    fixed, analysis = fix_source(source)
    assert len(analysis.reported) == 30 and all(f.fixable for f in analysis.reported)
    torch.manual_seed(0)
    before = second_moment_ratio(load(source, "before")["model"], 256)
    torch.manual_seed(0)
    after = second_moment_ratio(load(fixed, "after")["model"], 256)
    assert before < UNFIXED_BOUND[act]
    assert 0.3 <= after <= 3
