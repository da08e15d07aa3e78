"""Every fix fixture: exact output, output parses, second run changes nothing."""

import ast
import difflib
import io
import re
import tokenize
from dataclasses import dataclass

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
    """Statement by statement: the source's statements in order, with inserted init statements
    added and hoists (`NAME = EXPR`, then the statement with EXPR -> NAME); and line by line:
    every source line outside a statement a hoist rewrote is kept byte for byte."""
    source = case.read_bytes()
    fixed, _ = fix_source(source, settings_of(source))
    old = [s for s in _statements(source) if not _is_inserted_statement(s.code)]
    new = [s for s in _statements(fixed) if not _is_inserted_statement(s.code)]
    rewritten, j = set(), 0
    for statement in old:
        bindings = []
        while statement.code not in (_unhoisted(new[j].code, bindings) if bindings else {new[j].code}):
            binding = re.fullmatch(rb"(\w+) = (.*)", new[j].code, re.DOTALL)
            assert binding, (new[j].code, statement.code)
            bindings.append(binding.groups())
            j += 1
        if bindings:
            rewritten.update(range(statement.first, statement.last + 1))
        j += 1
    assert j == len(new)
    before, after = source.splitlines(keepends=True), fixed.splitlines(keepends=True)
    kept = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            kept.update(range(i1 + 1, i2 + 1))
    changed = {n for n in range(1, len(before) + 1) if n not in kept and not _is_inserted(before[n - 1])}
    assert changed <= rewritten, sorted(changed - rewritten)


def _unhoisted(code: bytes, bindings):
    """Every way to put each hoisted name in ``code`` back as the expression it was bound to
    (the name may also appear as a keyword: ``body=body``)."""
    codes = {code}
    for name, expr in reversed(bindings):
        codes = {
            c[: m.start()] + expr + c[m.end():] for c in codes for m in re.finditer(rb"\b" + name + rb"\b", c)
        }
    return codes


def _is_inserted_statement(code: bytes) -> bool:
    """An init statement, `import torch`, the header of a loop the fix adds over a container
    (``for block in self . blocks [ : - 1 ] :``) or of a guard (``if act_layer is nn . GELU :``)."""
    loop = re.fullmatch(rb"for \w+ in [\w .]+(\[ : - 1 \])? :", code)
    guard = re.fullmatch(rb"(if|elif) .* :|else :", code)
    # A Lazy layer's hook: its def, the materialisation, its registration.
    hook = re.fullmatch(
        rb"def init_\w+ \( \w+ , \w+ \) :|\w+ \. initialize_parameters \( \* \w+ \)"
        rb"|.* \. register_forward_pre_hook \( init_\w+ , prepend = True \)", code)
    inserted = (loop, guard, hook)
    return b". init ." in code or code.startswith(b"init .") or code == b"import torch" or any(inserted)


@dataclass
class _Statement:
    code: bytes  # its tokens, one space apart (no comments, no layout)
    first: int  # its lines (1-based)
    last: int


def _statements(source: bytes):
    """The logical lines of ``source``, squashed, with their line spans."""
    out, current, first = [], [], None
    for token in tokenize.tokenize(io.BytesIO(source).readline):
        if token.type == tokenize.NEWLINE:
            if current:
                out.append(_Statement(b" ".join(current), first, token.end[0]))
            current, first = [], None
        elif token.type not in _LAYOUT:
            first = first or token.start[0]
            current.append(token.string.encode("utf-8", "surrogateescape"))
    return out


_LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENCODING,
           tokenize.ENDMARKER}


def test_the_fix_cases_include_every_edit_form():
    fixed_text = "".join(fixed_path(c).read_text(encoding="latin-1") for c in CASES)
    forms = ("self.fc1.weight", "self.net[3].weight", "self.head.fc1.weight", "seq = ", "mlp = ",
             "for block in self.blocks:", "import torch\n")
    for form in forms:
        assert form in fixed_text, form


def test_nothing_to_fix_returns_the_identical_bytes():
    source = b"import torch.nn as nn\r\nnet = nn.Sequential(nn.Linear(2, 2), nn.Softmax(-1))\r\n"
    fixed, analysis = fix_source(source)
    assert fixed == source and not analysis.reported
