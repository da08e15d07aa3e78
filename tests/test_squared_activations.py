"""An activation the code squares at once is judged as the squared function (ReLU -> ReLUSquared,
exact gain 1/sqrt(E[relu(z)^4]) = sqrt(2/3)), in every spelling of the square; other powers and
activations without a known square keep the activation's own gain."""

import math

import pytest

from initlint import analyze

HEAD = (
    "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"
    "class M(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc = nn.Linear(8, 8)\n"
    "        self.relu = nn.ReLU()\n\n"
    "    def forward(self, x):\n"
    "        return {}\n"
)


@pytest.mark.parametrize(
    "expression,activation",
    [
        ("torch.relu(self.fc(x)).square()", "ReLUSquared"),
        ("torch.square(F.relu(self.fc(x)))", "ReLUSquared"),
        ("self.relu(self.fc(x)) ** 2", "ReLUSquared"),
        ("torch.pow(self.fc(x).relu(), 2)", "ReLUSquared"),
        ("F.relu(self.fc(x)).pow(2)", "ReLUSquared"),
        ("F.relu(self.fc(x)).pow(3)", "ReLU"),
        ("F.relu(self.fc(x)) ** 3", "ReLU"),
        ("torch.square(F.gelu(self.fc(x)))", "GELU"),  # no squared form known: GELU's own gain
    ],
)
def test_squared_activation_in_every_spelling(expression, activation):
    (finding,) = analyze(HEAD.format(expression)).findings
    assert finding.activation == activation


def test_a_square_between_layer_and_activation_ends_the_flow():
    assert analyze(HEAD.format("torch.relu(self.fc(x).square())")).findings == []


def test_relu_squared_gets_its_exact_gain():
    (finding,) = analyze(HEAD.format("torch.relu(self.fc(x)).square()")).findings
    assert f"mul_({math.sqrt(2 / 3):.4f})" in finding.message and "2.0x too little weight variance" in finding.message
