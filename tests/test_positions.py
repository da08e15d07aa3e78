"""initlint's own start positions are libcst's PositionProvider's, for every node it may report."""

import libcst as cst
import pytest
from conftest import FIXTURES, ROOT
from libcst.metadata import MetadataWrapper, PositionProvider

from initlint import analyze
from initlint.analysis import parse
from initlint.facts.walk import descendants
from initlint.positions import physical_lines, start_positions

SOURCES = sorted(FIXTURES.glob("*/*.py")) + sorted((ROOT / "examples").glob("*.py")) + sorted((ROOT / "initlint").glob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_start_positions_match_position_provider(path):
    module = parse(path.read_bytes())
    nodes = [n for n in descendants(module) if isinstance(n, (cst.Call, cst.Name, cst.Attribute, cst.SimpleString))]
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    mine = start_positions(module, nodes)
    assert len(mine) == len({id(n) for n in nodes})
    assert [mine[id(n)] for n in nodes] == [(expected[n].start.line, expected[n].start.column) for n in nodes]


def test_positions_across_every_line_ending_and_parentheses():
    source = "import torch.nn as nn\r\nx = 1\rnet = (\n  (nn.Linear(4, 4)), nn.ReLU())\r\n"
    module = parse(source)
    call = next(n for n in descendants(module) if isinstance(n, cst.Call) and n.func.attr.value == "Linear")
    assert start_positions(module, [call]) == {id(call): (4, 3)}  # inside its parentheses, 0-based
    start = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[call].start
    assert (start.line, start.column) == (4, 3)


def test_nodes_of_another_module_are_left_out():
    module, other = parse("x = f(1)\n"), parse("y = g(2)\n")
    call = next(n for n in descendants(other) if isinstance(n, cst.Call))
    assert start_positions(module, [call]) == {}


def test_lines_are_numbered_as_flake8_numbers_them():
    """A form feed is no line break (str.splitlines would make it one and shift every noqa after it)."""
    assert physical_lines("a\x0cb\r\nc\rd\ne") == ["a\x0cb", "c", "d", "e"]
    source = "import torch.nn as nn\n\x0c\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())  # noqa: INI001\n"
    (finding,) = analyze(source).findings
    assert (finding.line, finding.noqa) == (3, True)
    assert analyze(source.replace("  # noqa: INI001", "")).reported[0].line == 3
