"""Hoisted constructions: the local's name, and re-indenting only what can be re-indented."""

import ast

from initlint.fix import fix_source


def _fixed(source: str) -> str:
    fixed, analysis = fix_source(source.encode())
    assert analysis.reported and all(f.fixable for f in analysis.reported)
    ast.parse(fixed)
    assert fix_source(fixed)[0] == fixed
    return fixed.decode()


def test_a_builtin_keyword_is_not_a_name():
    source = (
        "import torch.nn as nn\n\n\n"
        "def wrap(input):\n"
        "    return input\n\n\n"
        "def make(w):\n"
        "    return wrap(input=nn.Sequential(nn.Conv2d(w, w, 3), nn.ReLU()))\n"
    )
    assert "    seq = nn.Sequential(nn.Conv2d(w, w, 3), nn.ReLU())\n" in _fixed(source)


def test_two_layers_of_one_statement_get_two_names():
    source = (
        "import torch.nn as nn\n\n\n"
        "def make(layers, w):\n"
        "    layers += [nn.Linear(w, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU()]\n"
    )
    fixed = _fixed(source)
    assert "    linear = nn.Linear(w, w)\n" in fixed and "    linear2 = nn.Linear(w, w)\n" in fixed


def test_tab_indented_continuations_are_left_as_they_are():
    source = (
        "import torch.nn as nn\n\n\n"
        "def make(w):\n"
        "    return Wrap(0,\n"
        "\t\tnn.Sequential(\n"
        "\t\t\tnn.Linear(w, w),\n"
        "\t\t\tnn.ReLU()))\n"
    )
    fixed = _fixed(source)
    assert "    wrap_mlp = nn.Sequential(\n\t\t\tnn.Linear(w, w),\n\t\t\tnn.ReLU())\n" in fixed


def test_a_continuation_is_moved_left_with_its_block():
    source = (
        "import torch.nn as nn\n\n\n"
        "def make(w):\n"
        "    return Wrap(0, nn.Sequential(nn.Linear(w, w),\n"
        "                                 nn.ReLU()))\n"
    )
    fixed = _fixed(source)
    assert "    wrap_mlp = nn.Sequential(nn.Linear(w, w),\n                             nn.ReLU())\n" in fixed
