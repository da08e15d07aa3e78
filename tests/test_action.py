"""action.yml: a composite GitHub Action whose steps run, as GitHub runs them, with bash."""

import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
INSTALL, CHECK = STEPS["Install initlint"], STEPS["Run initlint check"]
FLAGGED = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
EXPRESSION = re.compile(r"\$\{\{\s*([\w.]+)\s*\}\}")


def test_the_action_is_composite_with_described_inputs():
    assert ACTION["name"] == "initlint" and ACTION["description"]
    assert set(ACTION["inputs"]) == {"paths", "args", "version"}
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and isinstance(spec["default"], str), name
    assert ACTION["inputs"]["paths"]["default"] == "."
    assert ACTION["inputs"]["args"]["default"] == ACTION["inputs"]["version"]["default"] == ""
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash" and step["run"], step["name"]


def test_inputs_reach_the_shell_only_through_env():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]
    used = {match for step in ACTION["runs"]["steps"] for value in step["env"].values() for match in EXPRESSION.findall(value)}
    assert used == {"inputs.paths", "inputs.args", "inputs.version", "github.action_path"}


def run_step(step, inputs, cwd, path):
    """``step`` as GitHub runs it: its env's expressions filled in, its script run by bash with
    GitHub's flags for ``shell: bash``."""
    context = {f"inputs.{name}": spec["default"] for name, spec in ACTION["inputs"].items()}
    context.update({f"inputs.{name}": value for name, value in inputs.items()})
    context["github.action_path"] = str(ROOT)
    env = {name: EXPRESSION.sub(lambda m: context[m.group(1)], value) for name, value in step["env"].items()}
    script = cwd.parent / "step.sh"
    script.write_text(step["run"])
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env={"PATH": path, "HOME": os.environ.get("HOME", "/"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def workspace(tmp_path):
    """A checked-out repository: one flagged file (its name has a space), one clean."""
    (tmp_path / "repo" / "src").mkdir(parents=True)
    (tmp_path / "repo" / "src" / "my model.py").write_text(FLAGGED)
    (tmp_path / "repo" / "src" / "clean.py").write_text("import torch.nn as nn\n\nnet = nn.Linear(4, 4)\n")
    return tmp_path / "repo"


# The test environment's python and initlint (what the install step put on the runner's PATH).
INSTALLED = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]


def warnings(result):
    return [line for line in result.stdout.splitlines() if line.startswith("::warning ")]


def test_the_check_step_prints_annotations_and_fails_on_findings(workspace):
    result = run_step(CHECK, {}, workspace, INSTALLED)
    assert result.returncode == 1, result.stderr
    (line,) = warnings(result)
    assert line.startswith("::warning file=./src/my model.py,line=3,col=21,title=INI001") and "kaiming_uniform_" in line


def test_paths_and_args_are_split_as_a_shell_would_but_not_run(workspace):
    assert run_step(CHECK, {"paths": "src/clean.py"}, workspace, INSTALLED).returncode == 0
    quoted = run_step(CHECK, {"paths": "'src/my model.py' src/clean.py"}, workspace, INSTALLED)
    assert [w.split(",")[0] for w in warnings(quoted)] == ["::warning file=src/my model.py"]
    ignored = run_step(CHECK, {"args": '--per-file-ignores "src/my*:INI001 other/*:INI"'}, workspace, INSTALLED)
    assert ignored.returncode == 0 and warnings(ignored) == [], ignored.stderr
    hostile = run_step(CHECK, {"paths": 'src; touch pwned $(touch pwned2) "`touch pwned3`"'}, workspace, INSTALLED)
    assert hostile.returncode == 2  # no such files: initlint's error, nothing executed
    assert not any(workspace.glob("pwned*")) and not any(workspace.parent.glob("pwned*"))


def test_unbalanced_quotes_are_one_line_and_fail(workspace):
    result = run_step(CHECK, {"args": "--select 'INI001"}, workspace, INSTALLED)
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["initlint action: cannot split args/paths: No closing quotation"]


@pytest.fixture
def pip_log(tmp_path):
    """A ``python`` that records its arguments instead of installing (no network in tests)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pip.log"
    (bin_dir / "python").write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> "{log}"\necho >> "{log}"\n')
    (bin_dir / "python").chmod(0o755)
    return bin_dir, log


@pytest.mark.parametrize(
    "version, requirement",
    [
        ("", str(ROOT)),  # the default: this checkout
        ("0.1.0", "initlint==0.1.0"),
        (">=0.1,<1", "initlint>=0.1,<1"),
        ("initlint[plot]==0.1.0", "initlint[plot]==0.1.0"),
        ("git+https://example.invalid/initlint.git@v0.1.0", "git+https://example.invalid/initlint.git@v0.1.0"),
    ],
)
def test_the_install_step_installs_the_version_asked_for(workspace, pip_log, version, requirement):
    bin_dir, log = pip_log
    result = run_step(INSTALL, {"version": version}, workspace, f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert result.returncode == 0, result.stderr
    assert log.read_text() == f"-m|pip|install|--quiet|--disable-pip-version-check|{requirement}|\n"


def test_the_install_step_fails_when_pip_fails(workspace, tmp_path):
    bin_dir = tmp_path / "failing"
    bin_dir.mkdir()
    (bin_dir / "python").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "python").chmod(0o755)
    assert run_step(INSTALL, {}, workspace, f"{bin_dir}{os.pathsep}{os.environ['PATH']}").returncode == 1

