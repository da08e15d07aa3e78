"""The pre-filter and the framework check before libcst: they only ever skip files that the full
analysis would not report on, and they do skip."""

import ast

import pytest
from conftest import FIXTURES, ROOT

import initlint.analysis as analysis
from initlint import analyze
from initlint.analysis import analyze_module, parse
from initlint.facts.framework import outline_of_ast, outline_of_cst
from initlint.prefilter import may_hold_layers, may_report
from initlint.rules import RULES
from initlint.settings import Settings

PATHS = sorted(FIXTURES.glob("*/*.py")) + sorted((ROOT / "examples").glob("*.py"))
SOURCES = [p.read_bytes() for p in PATHS] + [
    source for rule in RULES for source in (*rule.valid, *rule.invalid)
]
SETTINGS = [Settings(), Settings(gates=True), Settings(norm_in_between=True, gates=True)]


def test_every_source_the_full_analysis_reports_on_passes_the_prefilter():
    reported = 0
    for settings in SETTINGS:
        for source in SOURCES:
            # analyze_module: libcst's parse and the analysis, with no pre-filter in front.
            if analyze_module(parse(source), settings).findings:
                reported += 1
                assert may_report(source, settings), source
    assert reported >= 3 * 60  # the claim is tested on real findings, not on an empty set


@pytest.mark.parametrize(
    "text,passes",
    [
        ("import torch.nn as nn\nnet = nn.Linear(2, 2)\n", False),  # a layer, nothing after it
        ("import torch.nn as nn\nnet = nn.Sequential(nn.Linear(2, 2), nn.ReLU())\n", True),
        ("from torch import nn\nx = nn.Conv2d(1, 1, 3)\ny = x.relu()\n", True),
        ("import torch.nn.functional as F\nimport torch\nF.gelu(torch.nn.Linear(2, 2)(x))\n", True),
        ("import torch\nx = torch.nn.Linear(2, 2)\nx.softmax(-1)\n", False),  # output activations are never checked
        ("import torch\nx = torch.nn.Linear(2, 2)\ntorch.sigmoid(x)\n", False),  # a gate: only with gates = true
        ("import torch\nx = torch.nn.LazyLinear(2)\n", True),  # INI003 reports inits of lazy layers
        ("import torch\nx = torch.nn.Linear(2, 2)\ntorch.nn.init.kaiming_normal_(x.weight)\n", True),  # INI002/INI003
        ("import torch\nConvNeXt(LinearAttention(ReLUish))\n", False),  # whole identifiers only
        ("from nn import Linear, ReLU\n", False),  # no torch at all
    ],
)
def test_what_the_prefilter_lets_through(text, passes):
    assert may_report(text, Settings()) is passes
    assert may_report(text.encode(), Settings()) is passes


def test_gates_widen_the_prefilter():
    text = "import torch\nx = torch.nn.Linear(2, 2)\ntorch.sigmoid(x)\n"
    assert may_report(text, Settings(gates=True)) and not may_report(text, Settings())


def test_may_hold_layers_needs_torch_and_a_layer_name():
    assert may_hold_layers(b"import torch\nnn.Conv2d") and may_hold_layers("import torch\nnn.Bilinear")
    assert not may_hold_layers("import torch\nConvNeXt") and not may_hold_layers("nn.Linear")


@pytest.mark.parametrize("path", PATHS, ids=[str(p.relative_to(ROOT)) for p in PATHS])
def test_python_and_libcst_outlines_agree(path):
    source = path.read_bytes()
    assert outline_of_ast(ast.parse(source)) == outline_of_cst(parse(source))


def test_framework_files_are_decided_before_libcst_parses_them(monkeypatch):
    source = (FIXTURES / "check" / "framework_pretrained_model.py").read_text()
    assert analyze_module(parse(source)).findings == []  # the libcst side decides the same

    def no_libcst(*args):
        raise AssertionError("libcst parsed a framework-managed file")

    monkeypatch.setattr(analysis, "_parse", no_libcst)
    assert analyze(source).findings == [] and analyze(source).module is None
    with pytest.raises(AssertionError):  # the check is real: a plain model file does reach libcst
        analyze((FIXTURES / "check" / "sequential_adjacent.py").read_text())
