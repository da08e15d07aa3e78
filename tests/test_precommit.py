"""The pre-commit hooks in ``.pre-commit-hooks.yaml``: their shape (fast), and pre-commit itself
installing and running them on a fresh repository (slow: it builds a virtualenv from PyPI)."""

import os
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"
FLAGGED = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
FIXED_LINE = 'nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")'
NOTEBOOK = ROOT / "fixtures" / "notebooks" / "multi_cell.ipynb"
NOTEBOOK_FINDING = "nb.ipynb:cell 2:5:10: INI001 Linear followed by Tanh"
NOTEBOOK_FIXED_LINE = 'nn.init.kaiming_uniform_(hidden.weight, nonlinearity=\\"tanh\\")'


def _hooks():
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}


def test_the_manifest_is_valid_for_pre_commit():
    command = [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_python_hooks_that_run_serially_on_python_files_and_notebooks():
    hooks = _hooks()
    assert set(hooks) == {"initlint", "initlint-fix"}
    assert hooks["initlint"]["entry"] == "initlint check"
    assert hooks["initlint-fix"]["entry"] == "initlint fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "jupyter"] and "types" not in hook
        assert hook["require_serial"] is True  # initlint runs its own worker pool
        assert hook.get("pass_filenames", True) and not hook.get("always_run", False)


def _as_pre_commit_runs(hook_id, files, cwd):
    # pre-commit runs `entry` with the staged files appended (no shell).
    command = shlex.split(_hooks()[hook_id]["entry"])
    assert command[0] == "initlint"
    return subprocess.run(
        [sys.executable, "-m", "initlint", *command[1:], *files], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_the_entries_fail_fix_and_pass_as_pre_commit_calls_them(tmp_path):
    (tmp_path / "m.py").write_text(FLAGGED)
    (tmp_path / "clean.py").write_text("x = 1\n")
    shutil.copy(NOTEBOOK, tmp_path / "nb.ipynb")
    files = ["m.py", "clean.py", "nb.ipynb"]
    check = _as_pre_commit_runs("initlint", files, tmp_path)
    assert check.returncode == 1 and check.stdout.startswith("m.py:3:21: INI001")
    assert NOTEBOOK_FINDING in check.stdout
    fix = _as_pre_commit_runs("initlint-fix", files, tmp_path)
    assert fix.returncode == 0 and FIXED_LINE in (tmp_path / "m.py").read_text()
    assert NOTEBOOK_FIXED_LINE in (tmp_path / "nb.ipynb").read_text()
    assert _as_pre_commit_runs("initlint", files, tmp_path).returncode == 0


def test_no_paths_is_a_one_line_usage_error_not_a_crash(tmp_path):
    # pre-commit never calls a hook without files (it reports "(no files to check) Skipped");
    # a person typing `initlint check` alone gets told what is missing.
    result = _as_pre_commit_runs("initlint", [], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "PATH" in result.stderr


# ---------------------------------------------------------------------------------- real pre-commit


def _git(*args, cwd):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=120)


def _snapshot_of_this_project(into):
    """This working tree (committed or not, ignored files left out) as a fresh one-commit repo:
    pre-commit installs hooks from a commit, and the work tree may hold uncommitted changes."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    _git("init", "-q", cwd=into)
    _git("add", "-A", cwd=into)
    _git("commit", "-q", "-m", "snapshot", cwd=into)
    return _git("rev-parse", "HEAD", cwd=into).stdout.strip()


@pytest.mark.slow
def test_pre_commit_installs_the_hooks_and_they_fail_fix_pass_and_block_a_commit(tmp_path):
    hooks_repo, project = tmp_path / "initlint", tmp_path / "project"
    hooks_repo.mkdir()
    project.mkdir()
    rev = _snapshot_of_this_project(hooks_repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t"}
    env.update(GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")

    def pre_commit(*args):
        command = [sys.executable, "-m", "pre_commit", *args]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)

    _git("init", "-q", cwd=project)
    (project / "model.py").write_text(FLAGGED)
    (project / "README.md").write_text("not python\n")
    shutil.copy(NOTEBOOK, project / "nb.ipynb")
    _git("add", "-A", cwd=project)

    # try-repo runs every hook of the repo in order: the check fails on the finding, then the fix edits.
    tried = pre_commit("try-repo", str(hooks_repo), "--all-files")
    assert tried.returncode == 1, tried.stdout
    assert "model.py:3:21: INI001 Linear followed by ReLU" in tried.stdout
    assert NOTEBOOK_FINDING in tried.stdout  # pre-commit hands notebooks over too
    assert "files were modified by this hook" in tried.stdout
    assert FIXED_LINE in (project / "model.py").read_text()
    assert NOTEBOOK_FIXED_LINE in (project / "nb.ipynb").read_text()

    # As a user adds it: .pre-commit-config.yaml, then the check passes on the fixed file ...
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n      - id: initlint\n"
    )
    _git("add", "-A", cwd=project)
    passed = pre_commit("run", "--all-files")
    assert passed.returncode == 0 and "Passed" in passed.stdout, passed.stdout
    # ... is skipped when no Python file is staged ...
    skipped = pre_commit("run", "--files", "README.md")
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout, skipped.stdout
    # ... and blocks the first commit that adds a finding.
    assert pre_commit("install").returncode == 0
    (project / "other.py").write_text(FLAGGED)
    _git("add", "other.py", cwd=project)
    commit = subprocess.run(["git", "commit", "-m", "add other"], cwd=project, env=env, capture_output=True, text=True)
    assert commit.returncode != 0
    assert "other.py:3:21: INI001" in commit.stdout + commit.stderr
