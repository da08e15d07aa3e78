"""``initlint check --format text|json|github|sarif``, ``--show-source``, ``--statistics``, colour."""

import io
import json
import os
import subprocess
import sys

import pytest

from initlint import __version__
from initlint.cli import main
from initlint.output import use_colour
from initlint.rules import RULES

FLAGGED = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
TABBED = (
    "import torch.nn as nn\n\nclass M(nn.Module):\n\tdef __init__(self):\n\t\tself.fc = nn.Linear(2, 2)\n\n"
    "\tdef forward(self, x):\n\t\treturn nn.functional.relu(self.fc(x))\n"
)
# Three edit shapes: an insertion after the binding, a hoist (the statement itself changes),
# and an insertion plus `import torch` at the top (the file has no name for torch.nn.init).
SHAPES = {
    "insert.py": FLAGGED,
    "hoist.py": "import torch.nn as nn\n\n\ndef block(w):\n    return nn.Sequential(nn.Linear(w, w), nn.SiLU())\n",
    "import.py": "from torch.nn import Linear, ReLU, Sequential\n\nnet = Sequential(Linear(4, 4), ReLU())\n",
}


@pytest.fixture
def check(monkeypatch, capsys):
    def check(*args, cwd):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(["check", "-j", "1", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return check


# ---------------------------------------------------------------------------------- text


def test_text_is_flake8s_line_and_plain_when_not_a_terminal(tmp_path, check):
    (tmp_path / "m.py").write_text(FLAGGED)
    code, out, err = check("m.py", cwd=tmp_path)
    assert code == 1 and err == ""
    assert out.startswith("m.py:3:21: INI001 Linear followed by ReLU") and out.count("\n") == 1
    assert "\033" not in out


def test_show_source_prints_the_line_and_a_caret_under_the_column(tmp_path, check):
    (tmp_path / "m.py").write_text(FLAGGED)
    (tmp_path / "t.py").write_text(TABBED)
    code, out, _ = check("--show-source", "m.py", "t.py", cwd=tmp_path)
    lines = out.splitlines()
    assert lines[0].startswith("m.py:3:21: INI001")
    assert lines[1:3] == ["net = nn.Sequential(nn.Linear(4, 4), nn.ReLU())", " " * 20 + "^"]
    assert lines[3].startswith("t.py:5:13: INI001")
    assert lines[4:6] == ["\t\tself.fc = nn.Linear(2, 2)", "\t\t" + " " * 10 + "^"]  # tabs kept: it lines up
    assert len(lines) == 6


@pytest.mark.parametrize(
    "isatty, environ, expected",
    [(True, {}, True), (False, {}, False), (True, {"NO_COLOR": "1"}, False), (True, {"NO_COLOR": ""}, True)],
)
def test_colour_only_on_a_terminal_and_never_with_NO_COLOR(isatty, environ, expected):
    stream = io.StringIO()
    stream.isatty = lambda: isatty
    assert use_colour(stream, environ) is expected


def _through_a_terminal(args, cwd, env):
    pty = pytest.importorskip("pty")
    primary, secondary = pty.openpty()
    try:
        command = [sys.executable, "-m", "initlint", *args]
        process = subprocess.run(command, stdout=secondary, stderr=subprocess.PIPE, cwd=cwd, env=env, timeout=120)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        return process.returncode, b"".join(chunks).decode()
    finally:
        os.close(primary)


def test_a_real_terminal_gets_colour_unless_NO_COLOR(tmp_path):
    (tmp_path / "m.py").write_text(FLAGGED)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    code, coloured = _through_a_terminal(["check", "m.py"], tmp_path, env)
    assert code == 1 and "\033[1m" in coloured and "INI001" in coloured
    code, plain = _through_a_terminal(["check", "m.py"], tmp_path, {**env, "NO_COLOR": "1"})
    assert code == 1 and "\033" not in plain and plain.startswith("m.py:3:21: INI001")


# ---------------------------------------------------------------------------------- statistics


def test_statistics_count_per_rule_after_the_findings(tmp_path, check):
    (tmp_path / "a.py").write_text(FLAGGED)
    (tmp_path / "b.py").write_text(FLAGGED + "other = nn.Sequential(nn.Conv1d(1, 4, 1), nn.GELU())\n")
    code, out, _ = check("--statistics", ".", cwd=tmp_path)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 4
    assert all(": INI001 " in line for line in lines[:3])
    assert lines[3] == f"3     INI001 {RULES[0].summary}"


def test_statistics_keep_out_of_machine_read_output(tmp_path, check):
    (tmp_path / "a.py").write_text(FLAGGED)
    for fmt in ("json", "sarif"):
        code, out, err = check("--statistics", "--format", fmt, "a.py", cwd=tmp_path)
        json.loads(out)
        assert err.startswith("1     INI001 ")


# ---------------------------------------------------------------------------------- sarif


def _sarif(check, tmp_path, *paths):
    code, out, err = check("--format", "sarif", *paths, cwd=tmp_path)
    assert err == ""
    return code, json.loads(out)


def test_sarif_structure_field_by_field(tmp_path, check):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(FLAGGED)
    code, log = _sarif(check, tmp_path, "pkg/m.py")
    assert code == 1
    assert set(log) == {"$schema", "version", "runs"}
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "initlint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    for entry, rule in zip(driver["rules"], RULES):
        assert entry["name"] == rule.name
        assert entry["shortDescription"] == {"text": rule.summary}
        assert entry["fullDescription"] == {"text": rule.what}
        assert entry["help"]["text"] == rule.fix
        assert entry["help"]["markdown"].startswith(f"## {rule.code}: {rule.name}")  # `initlint explain`'s text
        assert entry["defaultConfiguration"] == {"level": "warning"}

    (result,) = run["results"]
    assert result["ruleId"] == "INI001"
    assert driver["rules"][result["ruleIndex"]]["id"] == "INI001"
    assert result["level"] == "warning"
    assert result["message"]["text"].startswith("INI001 Linear followed by ReLU")
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "pkg/m.py"}
    assert physical["region"] == {"startLine": 3, "startColumn": 21}

    (fix,) = result["fixes"]
    assert fix["description"]["text"] == 'add nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")'
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "pkg/m.py"}
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 1}
    assert replacement["insertedContent"] == {"text": 'nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")\n'}


def _apply(text, replacements):
    """Apply whole-line SARIF replacements, last first so earlier line numbers stay valid."""
    lines = text.splitlines(keepends=True)
    for r in sorted(replacements, key=lambda r: r["deletedRegion"]["startLine"], reverse=True):
        region = r["deletedRegion"]
        assert region["startColumn"] == region["endColumn"] == 1
        lines[region["startLine"] - 1 : region["endLine"] - 1] = [r["insertedContent"]["text"]]
    return "".join(lines)


def test_sarif_fixes_applied_give_what_initlint_fix_writes(tmp_path, check):
    for name, text in SHAPES.items():
        (tmp_path / name).write_text(text)
    code, log = _sarif(check, tmp_path, *SHAPES)
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in log["runs"][0]["results"]}
    assert set(results) == set(SHAPES)
    fixed = {}
    for name, text in SHAPES.items():
        (change,) = results[name]["fixes"][0]["artifactChanges"]
        fixed[name] = _apply(text, change["replacements"])
    assert main(["fix", "-j", "1", *SHAPES]) == 0
    for name in SHAPES:
        assert fixed[name] == (tmp_path / name).read_text(), name
    assert "import torch\n" in fixed["import.py"] and "mlp = nn.Sequential(" in fixed["hoist.py"]


def test_sarif_has_no_fixes_for_unfixable_findings_and_an_absolute_path_is_a_file_uri(tmp_path, check):
    path = tmp_path / "lambda.py"
    path.write_text("import torch.nn as nn\n\nmake = lambda: nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n")
    _, log = _sarif(check, tmp_path, str(path))
    (result,) = log["runs"][0]["results"]
    assert "fixes" not in result
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path.as_uri()


def test_sarif_without_findings_is_a_valid_empty_run(tmp_path, check):
    (tmp_path / "clean.py").write_text("x = 1\n")
    code, log = _sarif(check, tmp_path, "clean.py")
    assert code == 0 and log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"]


# ---------------------------------------------------------------------------------- all formats


def test_every_format_reports_the_same_findings(tmp_path, check):
    (tmp_path / "a.py").write_text(FLAGGED)
    (tmp_path / "b.py").write_text(SHAPES["hoist.py"])
    positions = {}
    for fmt in ("text", "json", "github", "sarif"):
        code, out, _ = check("--format", fmt, ".", cwd=tmp_path)
        assert code == 1
        if fmt == "text":
            found = [tuple(line.split(":")[:3]) for line in out.splitlines()]
        elif fmt == "json":
            found = [(f["path"], str(f["line"]), str(f["col"])) for f in json.loads(out)]
        elif fmt == "github":
            found = [tuple(p.split("=")[1] for p in line.split("::")[1].split(",")[:3]) for line in out.splitlines()]
        else:
            found = [
                (
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    str(r["locations"][0]["physicalLocation"]["region"]["startLine"]),
                    str(r["locations"][0]["physicalLocation"]["region"]["startColumn"]),
                )
                for r in json.loads(out)["runs"][0]["results"]
            ]
        positions[fmt] = found
    assert len(positions["text"]) == 2
    assert positions["text"] == positions["json"] == positions["github"] == positions["sarif"]
