"""Property tests for notebooks: masking restores every line; splicing a source into a notebook
that json wrote (any indent, either escaping) gives what json would write for the new document,
so the file keeps its layout; a notebook with nothing to fix is never rewritten."""

import json

import pytest

import hypothesis  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from initlint.notebooks.document import load  # noqa: E402
from initlint.notebooks.jobs import fix_notebook  # noqa: E402
from initlint.notebooks.magics import mask, restore  # noqa: E402
from initlint.notebooks.splice import spliced  # noqa: E402
from initlint.settings import Settings  # noqa: E402

# Lines as notebooks hold them: Python, IPython, strings, brackets, continuations, non-ASCII.
PIECES = ["x = 1", "%time f()", "!ls", "a?", "?b", "y = !pwd", "s = '''", "'''", "f(", ")", "  %pip x \\",
          "z = [", "]", "# c?", "if a:", "    b", "    %who", "d = 'é✓'", '"""', "\\", ""]
LINE = st.sampled_from(PIECES) | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
SOURCE = st.lists(LINE, max_size=8).map("\n".join)
SETTINGS = settings(max_examples=100, deadline=None)


def _notebook(sources, list_form, indent, ascii_only):
    cells = [
        {"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [],
         "source": source.splitlines(keepends=True) if list_form else source}
        for i, source in enumerate(sources)
    ]
    document = {"cells": cells, "metadata": {"title": "é"}, "nbformat": 4, "nbformat_minor": 4}
    return document, json.dumps(document, indent=indent, ensure_ascii=ascii_only) + "\n"


@SETTINGS
@given(source=SOURCE)
def test_masking_keeps_the_lines_and_restores_every_byte(source):
    masked = mask(source, [0])
    assert masked.text.count("\n") == source.count("\n")
    assert "".join(restore(line, masked.originals) for line in masked.text.splitlines(keepends=True)) == source


@SETTINGS
@given(
    sources=st.lists(SOURCE.filter(bool), min_size=1, max_size=3),
    new=SOURCE.filter(bool),
    which=st.integers(0, 2),
    list_form=st.booleans(),
    indent=st.sampled_from([1, 2, 4]),
    ascii_only=st.booleans(),
)
def test_a_spliced_source_is_laid_out_as_json_lays_out_the_file(sources, new, which, list_form, indent, ascii_only):
    document, text = _notebook(sources, list_form, indent, ascii_only)
    cell = which % len(sources)
    changed, _ = _notebook([new if i == cell else s for i, s in enumerate(sources)], list_form, indent, ascii_only)
    expected = json.dumps(changed, indent=indent, ensure_ascii=ascii_only) + "\n"
    notebook = load(text.encode("utf-8"))
    assert spliced(notebook, {cell + 1: new}).decode("utf-8") == expected


@SETTINGS
@given(sources=st.lists(SOURCE, max_size=3), list_form=st.booleans(), indent=st.sampled_from([1, 2]))
def test_a_notebook_with_nothing_to_fix_is_not_changed(sources, list_form, indent, tmp_path_factory):
    _, text = _notebook(sources, list_form, indent, False)
    path = tmp_path_factory.mktemp("nb") / "nb.ipynb"
    path.write_text(text, encoding="utf-8")
    result = fix_notebook(str(path), Settings(repository=False), write=True, diff=False)
    assert not result.changed and path.read_text(encoding="utf-8") == text
