"""``initlint check`` and ``initlint fix`` as a user runs them: output, exit codes, bad input."""

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from initlint.cli import main

FLAGGED = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
CLEAN = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.Softmax(-1))\n"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "initlint", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "flagged.py").write_text(FLAGGED)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def test_check_reports_in_flake8_format_and_exits_1(tree):
    result = run("check", str(tree))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{tree / 'flagged.py'}:3:21: INI001 Linear followed by ReLU")
    assert result.stdout.count("\n") == 1 and result.stderr == ""


def test_check_exits_0_when_clean(tree):
    result = run("check", str(tree / "clean.py"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_json_output_has_the_documented_fields(tree, capsys):
    assert main(["check", "--format", "json", str(tree)]) == 1
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding == {
        "path": str(tree / "flagged.py"),
        "line": 3,
        "col": 21,
        "code": "INI001",
        "message": finding["message"],
        "layer": "Linear",
        "activation": "ReLU",
        "suggestion": 'nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")',
        "fixable": True,
        "reason": "",
    }
    assert finding["message"].startswith("INI001 Linear followed by ReLU")


def test_github_format_is_a_workflow_annotation(tree, capsys):
    main(["check", "--format", "github", str(tree / "flagged.py")])
    line = capsys.readouterr().out
    assert line.startswith(f"::warning file={tree / 'flagged.py'},line=3,col=21,title=INI001::INI001 Linear")


def test_bad_files_get_one_line_each_and_the_rest_is_still_checked(tree):
    (tree / "broken.py").write_text("import torch.nn as nn\ndef f(:\n    nn.Linear(2, 2), nn.ReLU()\n")
    (tree / "py2.py").write_text('import torch\nprint "x", torch.nn.Linear, torch.relu\n')
    (tree / "latin.py").write_bytes(b"import torch\nx = '\xe9'\nnn.Linear, nn.ReLU\n")
    result = run("check", str(tree), str(tree / "missing.py"))
    assert result.returncode == 2
    assert "flagged.py:3:21: INI001" in result.stdout
    errors = result.stderr.splitlines()
    assert len(errors) == 4, errors
    assert all(": error: " in line for line in errors)
    assert "Traceback" not in result.stderr
    assert any(line.startswith(str(tree / "missing.py")) and "no such file" in line for line in errors)
    assert any(line.startswith(str(tree / "broken.py")) and "syntax error" in line for line in errors)
    assert any(line.startswith(str(tree / "py2.py")) and "syntax error" in line for line in errors)
    assert any(line.startswith(str(tree / "latin.py")) and "decode" in line for line in errors)


def test_a_folder_named_like_a_python_file_is_a_folder(tree):
    (tree / "dir.py").mkdir()
    (tree / "dir.py" / "inner.py").write_text(FLAGGED)
    result = run("check", str(tree / "dir.py"))
    assert result.returncode == 1 and "inner.py:3:21" in result.stdout


def test_files_that_cannot_hold_a_torch_layer_are_not_parsed(tmp_path):
    """The pre-filter: a syntax error in a file that cannot produce a finding is flake8's business."""
    (tmp_path / "other.py").write_text("def f(:\n")
    (tmp_path / "no_activation.py").write_text("import torch\nlayer = torch.nn.Linear(2, 2)\ndef f(:\n")
    assert run("check", str(tmp_path)).returncode == 0


def test_noqa_silences_the_cli_as_it_silences_flake8(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(FLAGGED.replace("nn.ReLU())\n", "nn.ReLU())  # noqa: INI001\n"))
    assert run("check", str(path)).returncode == 0
    path.write_text(FLAGGED.replace("nn.ReLU())\n", "nn.ReLU())  # noqa: E501\n"))
    assert run("check", str(path)).returncode == 1


def test_folders_skip_git_venvs_caches_and_hidden_folders(tmp_path):
    for folder in (".git", ".hidden", "__pycache__", "myenv", "pkg"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(FLAGGED)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run("check", str(tmp_path))
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [str(tmp_path / "pkg" / "m.py")]


def test_usage_errors_exit_2():
    assert run("check").returncode == 2
    assert run("frobnicate").returncode == 2


def test_parallel_check_gives_the_same_output(tmp_path):
    for i in range(12):
        (tmp_path / f"m{i:02}.py").write_text(FLAGGED if i % 3 else CLEAN)
    assert run("check", "-j", "2", str(tmp_path)).stdout == run("check", "-j", "1", str(tmp_path)).stdout


# ---------------------------------------------------------------------------------- fix


def test_fix_diff_and_check_write_nothing(tree):
    before = (tree / "flagged.py").read_bytes()
    diff = run("fix", "--diff", str(tree))
    assert diff.returncode == 1
    assert '+nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")' in diff.stdout
    assert run("fix", "--check", str(tree)).returncode == 1
    assert (tree / "flagged.py").read_bytes() == before


def test_fix_writes_keeps_the_mode_and_a_second_run_changes_nothing(tree):
    path = tree / "flagged.py"
    os.chmod(path, 0o640)
    clean_mtime = os.stat(tree / "clean.py").st_mtime_ns
    result = run("fix", str(tree))
    assert result.returncode == 0, result.stderr
    assert "1 finding fixed, 1 file changed, 0 left unfixed" in result.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert os.stat(tree / "clean.py").st_mtime_ns == clean_mtime  # nothing to fix: not written
    assert run("check", str(tree)).returncode == 0
    assert run("fix", "--check", str(tree)).returncode == 0
    assert not [p for p in os.listdir(tree) if p.startswith(".initlint-")]


def test_fix_skips_unparseable_files_and_fixes_the_rest(tree):
    (tree / "broken.py").write_text("import torch\nnn.Linear(nn.ReLU(\n")
    result = run("fix", str(tree))
    assert result.returncode == 2
    assert "broken.py: error: syntax error" in result.stderr
    assert "nn.init.kaiming_uniform_" in (tree / "flagged.py").read_text()


def test_fix_lists_what_it_left_unfixed(tmp_path):
    path = tmp_path / "lambda.py"
    path.write_text("import torch.nn as nn\n\nmake = lambda: nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n")
    result = run("fix", str(path))
    assert result.returncode == 1
    assert f"{path}:3:30: INI001 Linear not fixed: built inside a lambda, comprehension or conditional" in result.stderr


def test_read_only_files_are_reported_not_fixed(tree):
    path = tree / "flagged.py"
    os.chmod(path, 0o444)
    result = run("fix", str(path))
    assert result.returncode == 2 and "read-only file: not fixed" in result.stderr
    assert path.read_text() == FLAGGED


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("initlint ")


def test_transformers_modular_files_are_framework_managed(tmp_path):
    path = tmp_path / "modular_foo.py"
    path.write_text(FLAGGED)
    assert run("check", str(path)).returncode == 0
    assert run("fix", str(path)).returncode == 0 and path.read_text() == FLAGGED


def _dies_on_die_py(path, settings):
    from initlint.runner import FileResult

    if path.endswith("die.py"):
        # Late enough that the results before it have reached the parent: Python 3.9's pool
        # fails every pending future on a death, results still in its queue included.
        time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return FileResult(path)


def test_a_killed_worker_gives_error_lines_not_a_traceback():
    from initlint.runner import run as run_files
    from initlint.settings import DEFAULT

    paths = [f"f{i}.py" for i in range(6)] + ["die.py"] + [f"g{i}.py" for i in range(6)]
    results = list(run_files(_dies_on_die_py, [(p, DEFAULT) for p in paths], jobs=2))
    assert [r.path for r in results] == paths  # every file has a result, in order
    died = [r for r in results if r.error]
    assert "die.py" in [r.path for r in died]
    assert all(r.error == "internal error: a worker process died (killed, or out of memory): no result for this file" for r in died)
    assert results[0].error == ""  # what finished before the death stands
