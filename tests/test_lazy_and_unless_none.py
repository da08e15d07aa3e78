"""The last report-only forms, fixed: a Lazy layer (its init in a forward pre-hook that
materialises it first, initlint/lazyhook.py) and a layer bound as ``X if cond else None`` (its
init under ``if X is not None:``). With torch: tests/test_torch_lazy_fixes.py."""

import ast
import subprocess
import sys

from conftest import ROOT
from fixtures_fix import CASES, fixed_path, settings_of

from initlint import analyze, lazyhook
from initlint.fix import fix_source

HEADER = "import torch\nfrom torch import nn\n\n\n"
LAZY_MODEL = (
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc = nn.LazyLinear(64)\n"
    "\n"
    "    def forward(self, x):\n"
    "        return torch.relu(self.fc(x))\n"
)


def _ini001(source: str):
    return [f for f in analyze(source).reported if f.code == "INI001"]


def _fixed(source: str) -> str:
    fixed, _ = fix_source(source.encode())
    ast.parse(fixed)
    again, analysis = fix_source(fixed)
    assert again == fixed and not analysis.reported, [f.message for f in analysis.reported]
    return fixed.decode()


def test_a_lazy_layer_is_fixed_with_a_hook_and_the_message_says_so():
    (finding,) = _ini001(HEADER + LAZY_MODEL)
    assert finding.fixable
    assert finding.message.endswith(
        'add nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu") in a forward pre-hook that first '
        "materialises it (a lazy layer has no weight before its first forward)"
    )
    assert finding.suggestion.startswith("\n\ndef init_net_fc(module, args):\n")
    assert finding.suggestion.endswith("\nself.fc.register_forward_pre_hook(init_net_fc, prepend=True)")
    fixed = _fixed(HEADER + LAZY_MODEL)
    assert fixed.endswith(
        "        self.fc = nn.LazyLinear(64)\n"
        "        self.fc.register_forward_pre_hook(init_net_fc, prepend=True)\n"
        "\n"
        "    def forward(self, x):\n"
        "        return torch.relu(self.fc(x))\n"
        "\n"
        "\n"
        "def init_net_fc(module, args):\n"
        "    # A LazyLinear has no weight before its first forward: materialise it here, ahead of\n"
        "    # torch's own lazy hook (which then has nothing to do), and init it once.\n"
        "    if isinstance(module.weight, nn.parameter.UninitializedParameter):\n"
        "        module.initialize_parameters(*args)\n"
        '        nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")\n'
    )


def test_the_hooks_name_is_unique_in_the_module():
    source = HEADER + "init_net_fc = None\n\n\n" + LAZY_MODEL
    fixed = _fixed(source)
    assert "def init_net_fc_2(module, args):" in fixed and "register_forward_pre_hook(init_net_fc_2, prepend=True)" in fixed


def test_a_guard_goes_around_the_registration():
    """The hook is a module-level function (the model still pickles): what it would read of
    ``__init__`` (the guard's parameter) is tested where it is registered."""
    source = HEADER + (
        "class Net(nn.Module):\n"
        "    def __init__(self, act_layer=nn.ReLU):\n"
        "        super().__init__()\n"
        "        self.fc = nn.LazyLinear(64)\n"
        "        self.act = act_layer()\n"
        "\n"
        "    def forward(self, x):\n"
        "        return self.act(self.fc(x))\n"
    )
    fixed = _fixed(source)
    assert (
        "        self.fc = nn.LazyLinear(64)\n"
        "        if act_layer is nn.ReLU:\n"
        "            self.fc.register_forward_pre_hook(init_net_fc, prepend=True)\n"
    ) in fixed


def test_without_a_name_for_torch_nn_the_hook_imports_torch():
    source = (
        "from torch.nn import LazyLinear, ReLU, Sequential\n"
        "\n"
        "net = Sequential(LazyLinear(64), ReLU())\n"
    )
    fixed = _fixed(source)
    assert fixed.startswith("from torch.nn import LazyLinear, ReLU, Sequential\nimport torch\n")
    assert "isinstance(module.weight, torch.nn.parameter.UninitializedParameter)" in fixed
    assert "\n\n\nnet[0].register_forward_pre_hook(init_net_0, prepend=True)\n" in fixed


def test_a_layer_built_as_the_module_runs_gets_its_hook_before_the_registration():
    """In ``if __name__ == "__main__":`` the registration runs at import: a hook defined after the
    block would not exist yet."""
    source = HEADER + (
        'if __name__ == "__main__":\n'
        "    net = nn.Sequential(nn.LazyLinear(64), nn.ReLU())\n"
        "    net(torch.randn(2, 8))\n"
    )
    fixed = _fixed(source)
    assert (
        "    net = nn.Sequential(nn.LazyLinear(64), nn.ReLU())\n"
        "\n"
        "    def init_net_0(module, args):\n"
    ) in fixed
    assert (
        "\n"
        "    net[0].register_forward_pre_hook(init_net_0, prepend=True)\n"
        "    net(torch.randn(2, 8))\n"
    ) in fixed
    # tests/test_torch_lazy_fixes.py runs it


def test_a_hand_written_hook_counts_as_the_layers_init():
    source = HEADER + LAZY_MODEL.replace(
        "        self.fc = nn.LazyLinear(64)\n",
        "        self.fc = nn.LazyLinear(64)\n"
        "\n"
        "        def materialise(m, inputs):\n"
        "            m.initialize_parameters(*inputs)\n"
        "            nn.init.orthogonal_(m.weight)\n"
        "\n"
        "        self.fc.register_forward_pre_hook(materialise, prepend=True)\n",
    )
    assert not analyze(source).reported


def test_a_lazy_layer_its_class_resets_is_left_with_the_reason():
    source = HEADER + LAZY_MODEL + (
        "\n"
        "    def reset_parameters(self):\n"
        "        self.fc.reset_parameters()\n"
    )
    (finding,) = _ini001(source)
    assert not finding.fixable
    assert finding.reason == "reset_parameters() resets it, and a lazy layer's init is in its forward pre-hook"


def test_no_fixed_fixture_is_reported_by_ini003():
    """INI003 reports an init of a Lazy layer before its first forward; the hook's init runs after
    the layer is materialised, and a plain layer bound to the same name in another branch is not lazy."""
    for case in CASES:
        source = case.read_bytes()
        fixed, _ = fix_source(source, settings_of(source))
        assert not [f for f in analyze(fixed, settings_of(source)).reported if f.code == "INI003"], case.stem


def test_initlint_check_on_the_fixed_lazy_fixture_reports_nothing():
    path = fixed_path(next(c for c in CASES if c.stem == "lazy_layers"))
    result = subprocess.run([sys.executable, "-m", "initlint", "check", "--no-cache", str(path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_flake8_says_the_init_goes_in_a_forward_pre_hook(tmp_path):
    (tmp_path / "lazy.py").write_text(HEADER + LAZY_MODEL)
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "INI", "--isolated", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    (line,) = result.stdout.splitlines()
    assert "INI001 LazyLinear followed by ReLU" in line and line.endswith(lazyhook.CLAUSE)


def test_x_if_cond_else_none_is_fixed_under_a_test_that_it_is_not_none():
    source = HEADER + (
        "class Attention(nn.Module):\n"
        "    def __init__(self, dim, rel_pos_bias=True):\n"
        "        super().__init__()\n"
        "        self.pos_bias_mlp = nn.Sequential(nn.Linear(2, dim), nn.SiLU()) if rel_pos_bias else None\n"
        "        self.gate = None if not rel_pos_bias else nn.Linear(dim, dim)\n"
        "\n"
        "    def forward(self, x):\n"
        "        return torch.relu(self.gate(x))\n"
    )
    mlp, gate = _ini001(source)
    assert mlp.fixable and gate.fixable
    assert mlp.suggestion.splitlines()[0] == "if self.pos_bias_mlp is not None:"
    assert gate.message.endswith(
        'add if self.gate is not None: nn.init.kaiming_uniform_(self.gate.weight, nonlinearity="relu")'
    )
    fixed = _fixed(source)
    assert (
        "        if self.gate is not None:\n"
        '            nn.init.kaiming_uniform_(self.gate.weight, nonlinearity="relu")\n'
    ) in fixed


def test_other_conditional_expressions_keep_their_reason():
    source = HEADER + (
        "class Net(nn.Module):\n"
        "    def __init__(self, dim, deep=True):\n"
        "        super().__init__()\n"
        "        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.ReLU()) if deep else nn.Identity()\n"
    )
    (finding,) = _ini001(source)
    assert not finding.fixable
    assert finding.reason == "built inside a lambda, comprehension or conditional expression"
