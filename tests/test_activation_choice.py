"""An activation chosen by a setting (``F.relu if activation == "relu" else F.gelu``) is reported
with the init of the branch the setting's default picks, not always the final ``else``."""

import pytest

from initlint import analyze

TEMPLATE = '''
import torch.nn as nn
import torch.nn.functional as F


class FeedForward(nn.Module):
    def __init__(self, dim, activation={default}):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)
        self.activation = {choice}

    def forward(self, x):
        return self.out(self.activation(self.fc(x)))
'''


@pytest.mark.parametrize(
    "default, choice, picked",
    [
        ('"relu"', 'F.relu if activation == "relu" else F.gelu', "ReLU"),
        ('"gelu"', 'F.relu if activation == "relu" else F.gelu', "GELU"),
        ('"relu"', 'F.gelu if activation != "relu" else F.relu', "ReLU"),
        ('"relu"', 'F.gelu if "relu" != activation else F.relu', "ReLU"),
        ('"silu"', 'F.relu if activation == "relu" else F.silu if activation == "silu" else F.gelu', "SiLU"),
        ('"elu"', 'F.relu if activation == "relu" else F.silu if activation == "silu" else F.gelu', "GELU"),
        ('"relu"', 'F.relu if activation in ("relu", "default") else F.gelu', "ReLU"),
        ('"tanh"', 'F.relu if activation not in ("tanh",) else F.tanh', "Tanh"),
        # Not told by the default: the final else stands for it, as before.
        ("None", 'F.relu if activation == "relu" else F.gelu', "GELU"),
        # A setting normalised before the test (`activation.lower()`): its default still tells.
        ('"relu"', "F.relu if activation.lower() == 'relu' else F.gelu", "ReLU"),
        ('"GELU"', "F.relu if activation.lower() == 'relu' else F.gelu", "GELU"),
    ],
)
def test_the_setting_default_picks_the_branch(default, choice, picked):
    (finding,) = analyze(TEMPLATE.format(default=default, choice=choice)).findings
    assert finding.activation == picked
    if ".lower()" in choice:  # a test the fix cannot restate: the default's init, in words only
        assert f"this is for {picked}, the default" in finding.message and not finding.fixable
    else:  # each branch its own init, under the setting's own tests (fixtures/fix/setting_chosen_branchwise.py)
        assert "the gain depends on a setting: one init for each of" in finding.message and finding.fixable
        assert finding.suggestion.startswith(f"if {choice.split(' if ')[1].split(' else ')[0]}:")


STATEMENTS = '''
import torch.nn as nn


class Layer(nn.Module):
    def __init__(self, dim=64, activation: str = {default}, gated=False):
        super().__init__()
        if activation == "relu":
            self.activation = nn.ReLU()
        elif activation == "leakyrelu":
            self.activation = nn.LeakyReLU(0.1)
        elif activation == "elu":
            self.activation = nn.ELU()
        self.fc = nn.Linear(dim, dim)

    def forward(self, x):
        return self.activation(self.fc(x))
'''


@pytest.mark.parametrize(
    "default, picked",
    [('"relu"', "ReLU"), ('"leakyrelu"', "LeakyReLU(negative_slope=0.1)"), ('"elu"', "ELU"),
     # Not told by the default (no default, or one no arm tests): the last assignment stands for it.
     ("None", "ELU"), ('"gelu"', "ELU")],
)
def test_an_if_elif_chain_of_statements_defaults_to_the_arm_the_default_takes(default, picked):
    (finding,) = analyze(STATEMENTS.format(default=default)).findings
    assert finding.activation == picked
    assert f"this is for {picked}, the default" in finding.message


APPENDED = '''
import torch.nn as nn


class Policy(nn.Module):
    def __init__(self, width=64, num_layers=3, activation={default}):
        super().__init__()
        layers = []
        for layer in range(num_layers):
            layers.append(nn.Linear(width, width))
            if layer + 1 < num_layers:
                if activation == "leakyrelu":
                    act = nn.LeakyReLU()
                elif activation == "elu":
                    act = nn.ELU()
                else:
                    raise RuntimeError(activation)
                layers.append(act)
        self.net = nn.Sequential(*layers)
'''


@pytest.mark.parametrize(
    "default, picked",
    [
        ('"leakyrelu"', "LeakyReLU"),  # fastmri's policy network: not the ELU of the elif
        ('"elu"', "ELU"),
        ("None", "ELU"),  # not told by the default: the last binding stands for it, as before
    ],
)
def test_the_setting_default_picks_the_statement_arm(default, picked):
    (finding,) = analyze(APPENDED.format(default=default)).findings
    assert finding.activation == picked
    assert f"this is for {picked}, the default" in finding.message  # the other arm named as well
