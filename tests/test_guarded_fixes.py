"""Guarded fixes: the init goes under a test that is true exactly when the activation is the one
the analysis read (a parameter's default); where no such test reads, at the init, what the
activation read, the finding stays unfixed and says why."""

import libcst as cst
import pytest

from initlint import analyze
from initlint.facts.restate import unrestatable

HEADER = "import torch.nn as nn\nfrom timm.layers import get_act_layer\n\n\n"


def _only(source: str):
    findings = [f for f in analyze(HEADER + source).reported if f.code == "INI001"]
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def test_a_class_default_is_guarded_by_identity():
    finding = _only(
        "class Mlp(nn.Module):\n"
        "    def __init__(self, dim, act_layer=nn.GELU):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(dim, dim)\n"
        "        self.act = act_layer()\n"
        "\n"
        "    def forward(self, x):\n"
        "        return self.act(self.fc(x)) + x\n"
    )
    assert finding.fixable
    assert finding.suggestion.splitlines()[0] == "if act_layer is nn.GELU:"
    assert "(guarded: for the default act_layer=nn.GELU)" in finding.message


NEAR_MISSES = {
    "rebound": (
        "class Block(nn.Module):\n"
        "    def __init__(self, dim, act_layer=nn.GELU):\n"
        "        super().__init__()\n"
        "        act_layer = act_layer or nn.GELU\n"
        "        self.fc = nn.Linear(dim, dim)\n"
        "        self.act = act_layer()\n"
        "\n"
        "    def forward(self, x):\n"
        "        return self.act(self.fc(x)) + x\n",
        "act_layer is bound again or changed in __init__()",
    ),
    "mutated": (
        "class Block(nn.Module):\n"
        "    def __init__(self, dim, act_params={'negative_slope': 0.2}):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(dim, dim)\n"
        "        act_params.update(inplace=True)\n"
        "        self.act = nn.LeakyReLU(**act_params)\n"
        "\n"
        "    def forward(self, x):\n"
        "        return self.act(self.fc(x)) + x\n",
        "act_params is bound again or changed in __init__()",
    ),
    "another function's parameter": (
        "def make_act(act_layer=nn.GELU):\n"
        "    return act_layer()\n"
        "\n"
        "\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, dim):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(dim, dim)\n"
        "        self.act = make_act()\n"
        "\n"
        "    def forward(self, x):\n"
        "        return self.act(self.fc(x)) + x\n",
        "the activation is make_act()'s parameter act_layer, not in scope where the init goes",
    ),
    "reset_parameters() resets it": (
        "class GraphMLP(nn.Module):\n"
        "    def __init__(self, width, act_layer=nn.ReLU):\n"
        "        super().__init__()\n"
        "        self.lin1 = nn.Linear(width, width)\n"
        "        self.act = act_layer()\n"
        "\n"
        "    def reset_parameters(self):\n"
        "        self.lin1.reset_parameters()\n"
        "\n"
        "    def forward(self, x):\n"
        "        return x + self.act(self.lin1(x))\n",
        "reset_parameters() resets it, and the test the init goes under is not in scope there",
    ),
}


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_no_guard_that_could_read_another_value(name):
    source, reason = NEAR_MISSES[name]
    finding = _only(source)
    assert not finding.fixable
    assert finding.reason == reason
    assert f"(not auto-fixed: {reason})" in finding.message


RESTATED = """import torch.nn as nn
SLOPE = 0.2


class Block(nn.Module):
    ACT = nn.GELU

    def __init__(self, dim, act_layer=ACT, slope=SLOPE, act="relu"):
        local = 1
        self.fc = nn.Linear(dim, dim)
"""


@pytest.mark.parametrize("expr, why", [
    ('act == "relu" and slope == SLOPE', ""),
    ("act_layer is nn.GELU", ""),
    ("act_layer is ACT", "ACT is not in scope where the init goes in __init__()"),  # a class body's name
    ("local == 1", "local is not in scope where the init goes in __init__()"),  # may be bound after the init
    ("self.slope", "self is bound again or changed in __init__()"),  # self.fc = ... changes self
    ("act.lower() == 'relu'", "act.lower() cannot be restated where the init goes"),
])
def test_what_a_guard_may_read_where_the_init_goes(expr, why):
    module = cst.parse_module(RESTATED)
    init = module.body[2].body.body[1]
    assert unrestatable(cst.parse_expression(expr), init, module) == why


def test_a_slope_read_from_self_is_not_restated():
    """``self.slope`` may be set after the point where the init goes: the fix leaves it (the
    slope a parameter or a module constant is fixed: fixtures/fix/slope_expression.py)."""
    finding = _only(
        "import torch.nn.functional as F\n"
        "\n"
        "\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, c, slope):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv1d(c, c, 3)\n"
        "        self.slope = slope\n"
        "\n"
        "    def forward(self, x):\n"
        "        return x + F.leaky_relu(self.conv(x), self.slope)\n"
    )
    assert not finding.fixable and finding.reason == "the activation's negative_slope is not a constant"
    assert "a=?" in finding.message
