"""An activation that follows every layer but the last (a loop that appends it under a guard, or
forward over ``self.lins[:-1]``): an init at the layer's construction would reach the last layer
too, so the finding is reported but not auto-fixed, and says why."""

from conftest import FIXTURES

from initlint import analyze

REASON = "the activation follows every item but the last: an init here would reach the last too"


def test_an_activation_appended_for_all_but_the_last_layer_is_not_auto_fixed():
    source = (FIXTURES / "check" / "activation_appended_but_last.py").read_text()
    findings = [f for f in analyze(source).reported if f.code == "INI001"]
    assert [f.line for f in findings] == [13, 23]
    assert all(not f.fixable and f.reason == REASON for f in findings), [f.message for f in findings]


def test_forward_over_all_but_the_last_item_is_not_auto_fixed():
    source = (
        "import torch.nn as nn\n"
        "import torch.nn.functional as F\n\n\n"
        "class MLP(nn.Module):\n"
        "    def __init__(self, dims):\n"
        "        super().__init__()\n"
        "        self.lins = nn.ModuleList()\n"
        "        for a, b in zip(dims[:-1], dims[1:]):\n"
        "            self.lins.append(nn.Linear(a, b))\n\n"
        "    def forward(self, x):\n"
        "        for lin in self.lins[:-1]:\n"
        "            x = F.relu(lin(x))\n"
        "        return self.lins[-1](x)\n"
    )
    findings = [f for f in analyze(source).reported if f.code == "INI001"]
    assert len(findings) == 1 and not findings[0].fixable and findings[0].reason == REASON
