"""Jupyter notebooks through ``initlint check`` and ``initlint fix``: positions per cell, IPython
syntax, cells that do not parse, and a fix that changes only the sources of the cells it edits."""

import difflib
import io
import json
import re
import shlex
import shutil

import pytest

from conftest import ROOT
from notebook_cases import CASES, NOTEBOOKS, code_cells, document, joined, marked

from initlint.cli import main
from initlint.notebooks.document import load
from initlint.notebooks.magics import mask, restore
from initlint.output import write
from initlint.runner import check_file
from initlint.settings import Settings

FLAGGED_PY = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
FIXABLE = [case for case in CASES if marked(case)]


@pytest.fixture
def run(monkeypatch, capsys):
    def run(*args, cwd):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main([args[0], "-j", "1", *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _copy(tmp_path, *names):
    for name in names:
        shutil.copy(NOTEBOOKS / name, tmp_path / name)
    return tmp_path


def _notebook(cells, **extra):
    """A notebook's text as Jupyter writes it (indent 1, a final line break)."""
    nb = {"cells": [_cell(c) for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 4, **extra}
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _cell(source):
    if source.startswith("# md "):
        return {"cell_type": "markdown", "metadata": {}, "source": [source]}
    lines = source.splitlines(keepends=True)
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines}


# ---------------------------------------------------------------------------------- the fixtures


def test_the_fixtures_cover_the_shapes_notebooks_come_in():
    texts = {case.name: case.read_text(encoding="utf-8") for case in CASES}
    docs = {name: json.loads(text) for name, text in texts.items()}
    minors = {doc["nbformat_minor"] for doc in docs.values()}
    assert {doc["nbformat"] for doc in docs.values()} == {4} and {4, 5} <= minors
    assert all("id" in c for d in docs.values() if d["nbformat_minor"] == 5 for c in d["cells"])
    assert any(text.startswith('{\n "cells"') for text in texts.values())  # indent 1
    assert any(text.startswith('{\n  "cells"') for text in texts.values())  # indent 2
    assert any(isinstance(c["source"], str) for d in docs.values() for c in d["cells"])
    assert any(any(ord(ch) > 127 for ch in text) for text in texts.values())  # raw non-ASCII
    assert any("\\u00e9" in text for text in texts.values())  # escaped non-ASCII
    assert not texts["string_source.ipynb"].endswith("\n") and texts["magics.ipynb"].endswith("\n")
    sources = "\n".join(joined(c["source"]) for d in docs.values() for c in d["cells"])
    for ipython in ("\n%autoreload", "\n!pip", "%%capture\n", "%%bash\n", "nn.Linear?\n", "?nn.init", "= !ls", "= %timeit"):
        assert ipython in sources, ipython


# ---------------------------------------------------------------------------------- check


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_check_reports_each_marked_line_in_its_cell(case, run):
    code, out, _ = run("check", "--format", "json", case.name, cwd=NOTEBOOKS)
    found = {(f["cell"], f["line"], f["code"]) for f in json.loads(out)}
    assert found == marked(case)
    assert code == (2 if case.stem == "syntax_error" else 1)


def test_text_positions_are_ruffs_cell_line_column(run):
    code, out, err = run("check", "multi_cell.ipynb", "magics.ipynb", cwd=NOTEBOOKS)
    lines = out.splitlines()
    assert code == 1 and err == ""
    # The layer in cell 2, its activation in cell 3, the init of `encoder` in cell 5 (not reported).
    assert lines[2].startswith("multi_cell.ipynb:cell 2:5:10: INI001 Linear followed by Tanh")
    assert "encoder" not in out
    # Masked IPython lines keep the line numbers: line 9 of cell 5, after magics and a `\` continuation.
    assert lines[0].startswith("magics.ipynb:cell 3:3:5: INI001 Linear followed by ReLU")
    assert lines[1].startswith("magics.ipynb:cell 5:9:22: INI001 Linear followed by SiLU")
    assert len(lines) == 3


def test_a_cell_that_does_not_parse_is_reported_and_the_others_are_checked(run):
    code, out, err = run("check", "syntax_error.ipynb", cwd=NOTEBOOKS)
    assert code == 2
    assert err == "syntax_error.ipynb:cell 2: cannot parse: syntax error at 1:12: invalid syntax\n"
    assert out.startswith("syntax_error.ipynb:cell 3:1:21: INI001")


def test_show_source_prints_the_line_of_the_cell(run):
    _, out, _ = run("check", "--show-source", "magics.ipynb", cwd=NOTEBOOKS)
    lines = out.splitlines()
    assert lines[1:3] == ["    nn.Linear(256, 256),  # expect: INI001", "    ^"]
    assert lines[4] == "head = nn.Sequential(nn.Linear(256, 256), nn.SiLU())  # expect: INI001"


def test_json_has_a_cell_for_notebook_findings_only(run, tmp_path):
    _copy(tmp_path, "multi_cell.ipynb")
    (tmp_path / "m.py").write_text(FLAGGED_PY)
    _, out, _ = run("check", "--format", "json", "m.py", "multi_cell.ipynb", cwd=tmp_path)
    by_path = {f["path"]: f for f in json.loads(out)}
    assert "cell" not in by_path["m.py"] and (by_path["m.py"]["line"], by_path["m.py"]["col"]) == (3, 21)
    assert (by_path["multi_cell.ipynb"]["cell"], by_path["multi_cell.ipynb"]["line"]) == (2, 5)


def _file_line(name, line):
    return (NOTEBOOKS / name).read_text(encoding="utf-8").splitlines()[line - 1]


def test_github_annotations_point_at_the_json_line_and_name_the_cell(run):
    _, out, _ = run("check", "--format", "github", "multi_cell.ipynb", "string_source.ipynb", cwd=NOTEBOOKS)
    first, second = out.splitlines()
    props, message = first[len("::warning ") :].split("::", 1)
    fields = dict(item.split("=", 1) for item in props.split(","))
    assert fields["file"] == "multi_cell.ipynb" and fields["title"] == "INI001 (cell 2%2C line 5%2C column 10)"
    assert message.startswith("cell 2, line 5, column 10: INI001 Linear followed by Tanh")
    # The annotation's line and column are the file's: the layer's call in the JSON text.
    assert _file_line("multi_cell.ipynb", int(fields["line"]))[int(fields["col"]) - 1 :].startswith("nn.Linear(256, 256)")
    fields = dict(item.split("=", 1) for item in second[len("::warning ") :].split("::", 1)[0].split(","))
    # A one-string source: one JSON line for the whole cell; the column is the call's in it.
    text = _file_line("string_source.ipynb", int(fields["line"]))
    assert text.startswith('   "source": "# r\\u00e9seau') and text[int(fields["col"]) - 1 :].startswith("nn.Conv2d(64")


def test_sarif_locates_the_json_line_and_names_cell_line_and_column(run):
    _, out, _ = run("check", "--format", "sarif", "unicode.ipynb", cwd=NOTEBOOKS)
    (result,) = json.loads(out)["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "unicode.ipynb"
    region = location["region"]
    # Columns count code points (the run's columnKind), here after a non-ASCII name.
    line = _file_line("unicode.ipynb", region["startLine"])
    assert line.startswith('    "größe = ') and line[region["startColumn"] - 1 :].startswith("nn.Linear(256, 256)")
    assert result["properties"] == {"cell": 2, "cellLine": 4, "cellColumn": 23}
    assert result["message"]["text"].endswith("(cell 2, line 4, column 23)")


@pytest.mark.parametrize("case", FIXABLE, ids=[c.stem for c in FIXABLE])
def test_sarif_fixes_applied_to_the_file_give_what_fix_writes(case, run, tmp_path):
    _, out, _ = run("check", "--format", "sarif", case.name, cwd=NOTEBOOKS)
    results = json.loads(out)["runs"][0]["results"]
    assert len(results) == len(marked(case))
    lines = case.read_text(encoding="utf-8").splitlines(keepends=True)
    # Each fix alone is whole lines of the file (for a list source, the new items' lines only);
    # applied bottom-up, together they are the fix.
    changes = [r for result in results for c in result["fixes"][0]["artifactChanges"] for r in c["replacements"]]
    for change in sorted(changes, key=lambda c: -c["deletedRegion"]["startLine"]):
        region = change["deletedRegion"]
        assert region["startColumn"] == region["endColumn"] == 1
        lines[region["startLine"] - 1 : region["endLine"] - 1] = [change["insertedContent"]["text"]]
    _copy(tmp_path, case.name)
    run("fix", case.name, cwd=tmp_path)
    assert "".join(lines) == (tmp_path / case.name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------- discovery and settings


def test_folders_include_notebooks_unless_the_setting_is_off(run, tmp_path):
    (tmp_path / "pkg").mkdir()
    _copy(tmp_path / "pkg", "multi_cell.ipynb")
    (tmp_path / "pkg" / "m.py").write_text(FLAGGED_PY)
    _, out, _ = run("check", ".", cwd=tmp_path)
    assert "multi_cell.ipynb:cell 2:5:10" in out and "m.py:3:21" in out
    _, out, _ = run("check", "--no-notebooks", ".", cwd=tmp_path)
    assert "ipynb" not in out and "m.py:3:21" in out
    # Named on the command line, a notebook is checked whatever the setting says.
    _, out, _ = run("check", "--no-notebooks", "pkg/multi_cell.ipynb", cwd=tmp_path)
    assert "multi_cell.ipynb:cell 2" in out
    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\nnotebooks = false\n")
    _, out, _ = run("check", ".", cwd=tmp_path)
    assert "ipynb" not in out and "m.py:3:21" in out
    _, out, _ = run("fix", "--diff", ".", cwd=tmp_path)
    assert "ipynb" not in out and "a/./pkg/m.py" in out
    # `exclude` skips notebooks even when named (as pre-commit names every staged file).
    (tmp_path / "pyproject.toml").write_text('[tool.initlint]\nexclude = ["*.ipynb"]\n')
    assert run("check", "pkg/multi_cell.ipynb", cwd=tmp_path)[:2] == (0, "")


@pytest.mark.parametrize(
    "text, error",
    [
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"worksheets": [], "nbformat": 3}', "nbformat 3 notebook: convert it with"),
        ('{"metadata": {}}', "not a notebook: no 'cells' list"),
        ('{"cells": [{"cell_type": "code", "source": 3}]}', "cell 1: source must be a string or a list of strings"),
        ("[]", "not a notebook: the JSON is not an object"),
    ],
)
def test_a_bad_notebook_is_a_one_line_error_and_the_run_goes_on(run, tmp_path, text, error):
    (tmp_path / "bad.ipynb").write_text(text)
    (tmp_path / "m.py").write_text(FLAGGED_PY)
    for command in ("check", "fix"):
        code, out, err = run(command, "bad.ipynb", "m.py", cwd=tmp_path)
        (line,) = [line for line in err.splitlines() if "bad.ipynb" in line]
        assert code == 2 and line.startswith(f"bad.ipynb: error: {error}")
    assert (tmp_path / "bad.ipynb").read_text() == text
    assert "kaiming_uniform_" in (tmp_path / "m.py").read_text()  # the other file was fixed


def test_a_notebook_of_another_language_is_skipped(run, tmp_path):
    kernel = {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}}
    (tmp_path / "r.ipynb").write_text(_notebook(["library(torch)\nnn.Linear(4, 4)\n"], metadata=kernel))
    assert run("check", "r.ipynb", cwd=tmp_path)[:2] == (0, "")


# ---------------------------------------------------------------------------------- IPython syntax


MAGIC_LINES = [
    "%matplotlib inline",
    "%load_ext autoreload",
    "!pip install torch",
    "  !ls -l",
    "files = !ls",
    "t = %timeit -o f()",
    "nn.Linear?",
    "nn.Linear??  ",
    "?nn.Linear",
    "??nn.Linear",
    "/print 1 2",
    ",print a b",
    ";print a b",
]
PYTHON_LINES = [
    "x = 1 % 3",
    "a != b",
    "y = a if b else c  # why?",
    "s = 'what?'",
    "print('%d' % 3)",
    "# ?comment",
]


@pytest.mark.parametrize("line", MAGIC_LINES)
def test_ipython_lines_are_masked_at_their_indentation_and_restored_exactly(line):
    masked = mask(line + "\n", [0])
    assert masked.text == line[: len(line) - len(line.lstrip())] + "pass  # initlint: IPython line 0\n"
    assert restore(masked.text, masked.originals) == line + "\n"


@pytest.mark.parametrize("line", PYTHON_LINES)
def test_python_lines_are_left_alone(line):
    assert mask(line + "\n", [0]).text == line + "\n"


def test_lines_in_strings_and_brackets_are_not_ipython():
    source = 'doc = """why?\n%not a magic\n!nor this\n"""\ncall(\n    ?x,\n)\nv = [\n    1,\n]\n%magic\n'
    masked = mask(source, [0])
    assert masked.text.splitlines()[:3] == ['doc = """why?', "%not a magic", "!nor this"]
    assert masked.text.splitlines()[5] == "    ?x,"
    assert masked.text.splitlines()[10] == "pass  # initlint: IPython line 0"


def test_cell_magics_mask_the_cell_or_only_their_line_when_the_body_is_python():
    bash = mask("%%bash\necho hi\n  ls\n", [0])
    assert bash.text == "".join(f"pass  # initlint: IPython line {n}\n" for n in range(3))
    timed = mask("%%time\nx = nn.Linear(2, 2)\n", [5])
    assert timed.text == "pass  # initlint: IPython line 5\nx = nn.Linear(2, 2)\n"


def test_masking_keeps_the_number_of_lines_and_restores_every_byte():
    for case in CASES:
        for _, source in code_cells(document(case)):
            masked = mask(source, [0])
            assert masked.text.count("\n") == source.count("\n")
            restored = "".join(restore(line, masked.originals) for line in masked.text.splitlines(keepends=True))
            assert restored == source


# ---------------------------------------------------------------------------------- fix


def _changed_cells(before, after):
    return [i for i, (b, a) in enumerate(zip(before["cells"], after["cells"])) if b["source"] != a["source"]]


def _without_sources(data):
    """The document with its key order, every cell's source replaced by a mark."""

    def pairs(items):
        return [("source", "<source>") if key == "source" else (key, value) for key, value in items]

    return json.loads(data, object_pairs_hook=pairs)


@pytest.mark.parametrize("case", FIXABLE, ids=[c.stem for c in FIXABLE])
def test_fix_changes_only_the_sources_of_the_cells_it_edits(case, run, tmp_path):
    _copy(tmp_path, case.name)
    original = case.read_bytes()
    code, _, _ = run("fix", case.name, cwd=tmp_path)
    fixed = (tmp_path / case.name).read_bytes()
    assert code == (2 if case.stem == "syntax_error" else 0)
    before, after = document(original), document(fixed)  # the output parses
    edited = _changed_cells(before, after)
    assert edited and len(edited) == len({cell for cell, _, _ in marked(case)})
    # Everything but the sources, key order included, is what it was ...
    assert _without_sources(fixed) == _without_sources(original)
    # ... and the bytes around the edited sources are the original bytes.
    notebook = load(original)
    spans = [notebook.cells[i].span for i in edited]
    cuts = [0] + [at for span in spans for at in span] + [len(notebook.text)]
    text = fixed.decode("utf-8")
    kept = [notebook.text[cuts[k] : cuts[k + 1]] for k in range(0, len(cuts), 2)]
    assert text.startswith(kept[0]) and text.endswith(kept[-1])
    at = 0
    for piece in kept:
        at = text.index(piece, at) + len(piece)
    for i in edited:
        old, new = before["cells"][i]["source"], after["cells"][i]["source"]
        assert type(old) is type(new)  # a list stays a list, a string a string
        if isinstance(new, list):
            assert all(line.endswith("\n") for line in new[:-1])
        # Only lines added: every original line (IPython ones too) is still there, in order.
        old_lines, new_lines = joined(old).splitlines(), joined(new).splitlines()
        opcodes = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
        assert {tag for tag, *_ in opcodes} == {"equal", "insert"}
        added = [line for tag, _, _, j1, j2 in opcodes if tag == "insert" for line in new_lines[j1:j2]]
        assert all("nn.init.kaiming_uniform_(" in line for line in added)


@pytest.mark.parametrize("case", FIXABLE, ids=[c.stem for c in FIXABLE])
def test_a_second_fix_changes_nothing_and_check_is_then_clean(case, run, tmp_path):
    _copy(tmp_path, case.name)
    run("fix", case.name, cwd=tmp_path)
    once = (tmp_path / case.name).read_bytes()
    code, _, err = run("fix", case.name, cwd=tmp_path)
    assert (tmp_path / case.name).read_bytes() == once
    assert "0 files changed" in err
    code, out, _ = run("check", case.name, cwd=tmp_path)
    assert out == "" and code == (2 if case.stem == "syntax_error" else 0)


def test_fix_keeps_the_files_escaping_and_its_unchanged_tokens(run, tmp_path):
    _copy(tmp_path, "string_source.ipynb", "unicode.ipynb")
    run("fix", "string_source.ipynb", "unicode.ipynb", cwd=tmp_path)
    escaped = (tmp_path / "string_source.ipynb").read_text(encoding="utf-8")
    assert '"# r\\u00e9seau \\u00e0 une couche\\nclass Block' in escaped and "é" not in escaped
    raw = (tmp_path / "unicode.ipynb").read_text(encoding="utf-8")
    assert '"titel = \\"Größe – μ 🚀\\"  # Kommentar: Schicht für Schicht\\n",' in raw


def test_a_line_magic_first_in_an_edited_cell_is_restored(run, tmp_path):
    _copy(tmp_path, "magics.ipynb")
    run("fix", "magics.ipynb", cwd=tmp_path)
    cells = document(tmp_path / "magics.ipynb")["cells"]
    assert cells[2]["source"][0] == "%%capture\n"
    assert cells[2]["source"][-1] == 'nn.init.kaiming_uniform_(model[0].weight, nonlinearity="relu")'
    assert cells[4]["source"][6:8] == ["%pip install \\\n", "    matplotlib\n"]


def test_diff_shows_the_changed_cells_and_writes_nothing(run, tmp_path):
    _copy(tmp_path, "magics.ipynb")
    before = (tmp_path / "magics.ipynb").read_bytes()
    code, out, _ = run("fix", "--diff", "magics.ipynb", cwd=tmp_path)
    assert code == 1 and (tmp_path / "magics.ipynb").read_bytes() == before
    headers = [line for line in out.splitlines() if line.startswith(("---", "+++"))]
    assert headers == [f"{side}/magics.ipynb:cell {n}" for n in (3, 5) for side in ("--- a", "+++ b")]
    assert '+nn.init.kaiming_uniform_(model[0].weight, nonlinearity="relu")\n' in out
    assert "-" + "%%capture" not in out and out.endswith("\n")


def test_an_init_after_the_last_statement_of_a_cell_stays_in_that_cell(run, tmp_path):
    # The statement binding the layer ends its cell: the init goes there, not into the next cell.
    (tmp_path / "nb.ipynb").write_text(
        _notebook(
            ["import torch.nn as nn\nfc = nn.Linear(256, 256)", "# md text", "y = 1\nnet = nn.Sequential(fc, nn.ReLU())\n"]
        )
    )
    run("fix", "nb.ipynb", cwd=tmp_path)
    cells = document(tmp_path / "nb.ipynb")["cells"]
    init = 'nn.init.kaiming_uniform_(fc.weight, nonlinearity="relu")'
    assert cells[0]["source"] == ["import torch.nn as nn\n", "fc = nn.Linear(256, 256)\n", init]
    assert cells[2]["source"] == ["y = 1\n", "net = nn.Sequential(fc, nn.ReLU())\n"]


def test_a_hoisted_layer_stays_in_the_cell_of_its_statement(run, tmp_path):
    (tmp_path / "nb.ipynb").write_text(
        _notebook(["import torch.nn as nn", "def block(w):\n    return nn.Sequential(nn.Linear(w, w), nn.SiLU())\n"])
    )
    run("fix", "nb.ipynb", cwd=tmp_path)
    cells = document(tmp_path / "nb.ipynb")["cells"]
    assert cells[0]["source"] == ["import torch.nn as nn"]
    assert cells[1]["source"][:2] == ["def block(w):\n", "    mlp = nn.Sequential(nn.Linear(w, w), nn.SiLU())\n"]
    assert cells[1]["source"][-1] == "    return mlp\n"


def test_import_torch_goes_after_the_last_import_in_its_cell(run, tmp_path):
    (tmp_path / "nb.ipynb").write_text(
        _notebook(["from torch.nn import Linear, ReLU, Sequential\n", "net = Sequential(Linear(4, 4), ReLU())\n"])
    )
    run("fix", "nb.ipynb", cwd=tmp_path)
    cells = document(tmp_path / "nb.ipynb")["cells"]
    assert cells[0]["source"] == ["from torch.nn import Linear, ReLU, Sequential\n", "import torch\n"]
    assert cells[1]["source"][1].startswith("torch.nn.init.kaiming_uniform_(net[0].weight")


def test_fix_writes_nothing_into_a_read_only_notebook(run, tmp_path):
    _copy(tmp_path, "multi_cell.ipynb")
    path = tmp_path / "multi_cell.ipynb"
    path.chmod(0o444)
    before = path.read_bytes()
    code, _, err = run("fix", "multi_cell.ipynb", cwd=tmp_path)
    assert code == 2 and "multi_cell.ipynb: error: read-only file: not fixed" in err
    assert path.read_bytes() == before


def test_fix_check_exits_1_and_writes_nothing(run, tmp_path):
    _copy(tmp_path, "unicode.ipynb")
    before = (tmp_path / "unicode.ipynb").read_bytes()
    code, out, err = run("fix", "--check", "unicode.ipynb", cwd=tmp_path)
    assert (code, out) == (1, "") and "1 file would change" in err
    assert (tmp_path / "unicode.ipynb").read_bytes() == before


def test_a_cell_libcst_refuses_is_reported_and_the_others_are_still_fixed(run, tmp_path):
    # Python parses 1200 chained `+`; libcst's parser would overflow on deeper ones and initlint
    # refuses the text before it gets there: that cell alone is left out.
    deep = "x = " + "+".join(["1"] * 1200) + "\n"
    (tmp_path / "nb.ipynb").write_text(
        _notebook(["import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n", deep])
    )
    code, out, err = run("check", "nb.ipynb", cwd=tmp_path)
    assert code == 2 and out.startswith("nb.ipynb:cell 1:2:21: INI001")
    assert err == "nb.ipynb:cell 2: cannot parse: too deeply nested: expression more than 1000 levels deep at line 1\n"
    run("fix", "nb.ipynb", cwd=tmp_path)
    cells = document(tmp_path / "nb.ipynb")["cells"]
    assert cells[0]["source"][-1].startswith("nn.init.kaiming_uniform_(net[0].weight") and cells[1]["source"] == [deep]


def test_colour_keeps_the_cell_in_the_position():
    result = check_file(str(NOTEBOOKS / "multi_cell.ipynb"), Settings(repository=False))
    out = io.StringIO()
    write([result], "text", out, colour=True)
    plain = re.sub(r"\033\[[0-9;]*m", "", out.getvalue())
    assert "\033[" in out.getvalue() and plain.startswith(f"{result.path}:cell 2:5:10: INI001 Linear followed by Tanh")


def test_a_cell_with_a_lone_surrogate_is_a_cell_error(run, tmp_path):
    text = _notebook(["import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n", "s = 'x'\n"])
    (tmp_path / "nb.ipynb").write_text(text.replace("s = 'x'", "s = '\\ud800'"))
    code, out, err = run("check", "nb.ipynb", cwd=tmp_path)
    assert code == 2 and out.startswith("nb.ipynb:cell 1:2:21: INI001")
    assert err == "nb.ipynb:cell 2: cannot parse: cannot encode as UTF-8: surrogates not allowed at line 1\n"


@pytest.mark.parametrize("where", ["multi_cell.ipynb:5", "multi_cell.ipynb:cell 2:5"])
def test_explain_at_a_line_says_it_does_not_read_notebooks(where, monkeypatch, capsys):
    monkeypatch.chdir(NOTEBOOKS)
    assert main(["explain", where]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "initlint: error: multi_cell.ipynb: explain PATH:LINE reads .py files only (not notebooks)\n"


def _readme_commands():
    """Each ``$ initlint ...`` of the README's notebook section, with the lines it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Jupyter notebooks") : readme.index("### Output formats")]
    block = section[section.index("```console\n") + len("```console\n") :]
    block = block[: block.index("```")]
    commands = []
    for line in block.splitlines():
        if line.startswith("$ "):
            commands.append((shlex.split(line[2:]), []))
        else:
            commands[-1][1].append(line)
    return commands


README_COMMANDS = _readme_commands()


@pytest.mark.parametrize("argv, shown", README_COMMANDS, ids=[" ".join(argv[1:]) for argv, _ in README_COMMANDS])
def test_the_readme_shows_what_the_commands_print(argv, shown, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert argv[0] == "initlint"
    main([*argv[1:2], "-j", "1", *argv[2:]])
    out, err = capsys.readouterr()
    # stdout exactly; of stderr, the lines about the files (not fix's summary)
    assert shown == out.splitlines() + [line for line in err.splitlines() if line.startswith("fixtures/")]


def test_a_warm_check_of_a_notebook_answers_from_the_cache_of_verdicts(run, tmp_path, monkeypatch):
    import initlint.analysis
    from initlint.index import reset

    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\n")
    _copy(tmp_path, "magics.ipynb")
    reset()
    cold = run("check", "magics.ipynb", cwd=tmp_path)
    assert cold[0] == 1 and list((tmp_path / ".initlint_cache" / "verdicts").rglob("*.json"))

    def refuse(*args, **kwargs):
        raise AssertionError("parsed although the cache had the verdict")

    monkeypatch.setattr(initlint.analysis, "_parse", refuse)
    reset()
    assert run("check", "magics.ipynb", cwd=tmp_path) == cold
    reset()


def test_a_notebook_written_with_crlf_keeps_crlf_between_the_new_items(run, tmp_path):
    text = _notebook(["import torch.nn as nn\nfc = nn.Linear(256, 256)", "net = nn.Sequential(fc, nn.ReLU())"])
    (tmp_path / "nb.ipynb").write_bytes(text.replace("\n", "\r\n").encode())
    run("fix", "nb.ipynb", cwd=tmp_path)
    fixed = (tmp_path / "nb.ipynb").read_bytes()
    assert fixed.count(b"\n") == fixed.count(b"\r\n") == text.count("\n") + 1
    assert b'"fc = nn.Linear(256, 256)\\n",\r\n    "nn.init.kaiming_uniform_(fc.weight' in fixed
