"""An init the fix adds survives the model's own reset_parameters() (built with torch)."""

import pytest

import torch

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES

from conftest import FIXTURES  # noqa: E402
from torch_measure import expected_gain, load, weight_gain  # noqa: E402

from initlint.fix import fix_source  # noqa: E402

CASE = FIXTURES / "fix" / "reset_parameters_resets.py"


def _gains(namespace, builder):
    torch.manual_seed(0)
    model = namespace[builder]()
    return {path: (weight_gain(model.get_submodule(path).weight), expected_gain(act))
            for path, act in namespace["EXPECT"].items()}


@pytest.mark.parametrize("builder", ["build", "build_unreset"])
def test_the_fixed_layers_keep_their_gain_with_and_without_a_reset(builder):
    namespace = load((FIXTURES / "fix" / "reset_parameters_resets.fixed.py").read_bytes(), "fixed")
    for path, (measured, wanted) in _gains(namespace, builder).items():
        assert measured == pytest.approx(wanted, rel=0.03), path


def test_an_init_in_init_alone_would_be_undone_by_the_reset():
    """The fixture does reset its layers: with the reset_parameters() copies taken out of the
    fixed file, the reset brings torch's default back."""
    fixed, _ = fix_source(CASE.read_bytes())
    lines = fixed.decode().splitlines(keepends=True)
    in_reset, kept = False, []
    for line in lines:
        if line.startswith("    def "):
            in_reset = line.startswith("    def reset_parameters")
        if not (in_reset and ".init." in line):
            kept.append(line)
    namespace = load("".join(kept).encode(), "init_only")
    gains = _gains(namespace, "build")
    assert gains["mlp.lin1"][0] != pytest.approx(gains["mlp.lin1"][1], rel=0.03)
    assert gains["mlp.lin1"][0] == pytest.approx(1 / 3 ** 0.5, rel=0.03)  # torch's default again


def test_a_layer_built_conditionally_is_not_reinit_in_reset_parameters():
    source = (
        b"import torch.nn as nn\nimport torch\n\n\n"
        b"class M(nn.Module):\n"
        b"    def __init__(self, extra=False):\n"
        b"        super().__init__()\n"
        b"        if extra:\n"
        b"            self.fc = nn.Linear(8, 8)\n\n"
        b"    def reset_parameters(self):\n"
        b"        self.fc.reset_parameters()\n\n"
        b"    def forward(self, x):\n"
        b"        return torch.relu(self.fc(x))\n"
    )
    fixed, analysis = fix_source(source)
    assert fixed.count(b"kaiming_uniform_") == 1 and "reset_parameters" not in analysis.findings[0].message


def test_a_reset_called_before_the_layer_is_built_gets_no_init():
    """reset_parameters() run from __init__ before the layer exists: an init at its end would fail."""
    source = (
        b"import torch.nn as nn\nimport torch\n\n\n"
        b"class M(nn.Module):\n"
        b"    def __init__(self):\n"
        b"        super().__init__()\n"
        b"        self.reset_parameters()\n"
        b"        self.fc = nn.Linear(8, 8)\n\n"
        b"    def reset_parameters(self):\n"
        b"        for child in self.children():\n"
        b"            child.reset_parameters()\n\n"
        b"    def forward(self, x):\n"
        b"        return torch.relu(self.fc(x))\n"
    )
    fixed, _ = fix_source(source)
    assert fixed.count(b"kaiming_uniform_") == 1
    load(fixed, "early_reset")["M"]()  # builds: the init is in __init__, after the layer
