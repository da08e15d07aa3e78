"""Every fix fixture: exact output, output parses, second run changes nothing."""

import ast
import difflib
import re

import libcst as cst
import pytest
from fixtures_fix import CASES, fixed_path, settings_of

from initlint.fix import fix_source


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fix_output_is_exactly_the_fixed_fixture(case):
    source = case.read_bytes()
    fixed, _ = fix_source(source, settings_of(source))
    assert fixed.decode("latin-1") == fixed_path(case).read_bytes().decode("latin-1")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fixed_output_parses_and_a_second_run_changes_nothing(case):
    source = case.read_bytes()
    settings = settings_of(source)
    fixed, _ = fix_source(source, settings)
    cst.parse_module(fixed)
    ast.parse(fixed)  # Python's own parser too (honours the BOM and the coding cookie)
    again, analysis = fix_source(fixed, settings)
    assert again == fixed
    assert not [f for f in analysis.reported if f.fixable]


def _is_inserted(line: bytes) -> bool:
    text = line.strip()
    return b".init." in text or text.startswith(b"init.") or text == b"import torch"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_everything_outside_the_inserted_lines_is_kept(case):
    source = case.read_bytes()
    fixed, _ = fix_source(source, settings_of(source))
    before, after = source.splitlines(keepends=True), fixed.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        new = [line for line in after[j1:j2] if not _is_inserted(line)]
        if tag == "insert":
            assert not new, new
        elif tag == "replace" and all(_is_inserted(line) for line in before[i1:i2]) and not new:
            continue  # an init call rewritten in place (INI002/INI003)
        elif tag != "equal":
            # Only hoists rewrite a line: `NAME = EXPR` lines, then the old statement with EXPR -> NAME.
            bindings = [re.match(rb"\s*(\w+) = (.*?)\r?\n", line) for line in new[:-1]]
            assert bindings and all(bindings), new
            old = b"".join(before[i1:i2])
            for binding in bindings:
                name, expr = binding.groups()
                old = old.replace(expr, name, 1)
            assert old == new[-1]


def test_the_fix_cases_include_every_edit_form():
    fixed_text = "".join(fixed_path(c).read_text(encoding="latin-1") for c in CASES)
    for form in ("self.fc1.weight", "self.net[3].weight", "self.head.fc1.weight", "seq = ", "import torch\n"):
        assert form in fixed_text, form


def test_nothing_to_fix_returns_the_identical_bytes():
    source = b"import torch.nn as nn\r\nnet = nn.Sequential(nn.Linear(2, 2), nn.Softmax(-1))\r\n"
    fixed, analysis = fix_source(source)
    assert fixed == source and not analysis.reported
