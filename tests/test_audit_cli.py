"""``initlint audit TARGET``: exit codes, formats, inputs, and the message without torch."""

import json
import subprocess
import sys

import pytest

import torch  # noqa: E402,F401  (the audit builds models)

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES

from audit_models import MODELS_PATH  # noqa: E402
from conftest import ROOT  # noqa: E402

from initlint.cli import main  # noqa: E402

TARGET = f"{MODELS_PATH}:all_cases"


def test_exit_1_and_a_row_per_site_when_layers_keep_the_default(capsys):
    assert main(["audit", TARGET, "--input-shape", "8,64"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "13 of 24 construction sites keep torch's default init before an activation"
    assert out[-1].startswith("static analysis of the same files: 11 both flag, 2 runtime only, 1 static only")
    assert sum(line.startswith("FLAG ") for line in out) == 13


def test_exit_0_on_an_initialised_model(capsys):
    assert main(["audit", f"{MODELS_PATH}:initialised", "--input-shape", "8,64", "--no-compare"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 of 3 construction sites keep torch's default init before an activation"


def test_json_and_inputs_from_the_target_and_from_example(capsys):
    assert main(["audit", f"{MODELS_PATH}:all_cases_with_inputs", "--format", "json"]) == 1
    returned = json.loads(capsys.readouterr().out)
    assert main(["audit", TARGET, "--example", f"{MODELS_PATH}:example_inputs", "--format", "json"]) == 1
    example = json.loads(capsys.readouterr().out)
    assert returned["flagged"] == example["flagged"] == 13
    assert returned["static"]["runtime only"] == 2
    assert [s["site"] for s in returned["sites"]] == [s["site"] for s in example["sites"]]


def test_a_module_target(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(MODELS_PATH.parent))
    assert main(["audit", "models:initialised", "--input-shape", "2,64", "--no-compare"]) == 0


@pytest.mark.parametrize(
    "argv, message",
    [
        ([TARGET], "no example inputs"),
        ([f"{MODELS_PATH}:missing", "--input-shape", "8,64"], "has no attribute 'missing'"),
        (["no_such_module_xyz:f", "--input-shape", "8,64"], "cannot import no_such_module_xyz"),
        (["models.py", "--input-shape", "8,64"], "TARGET must be module:callable"),
        ([TARGET, "--input-shape", "8,x"], "--input-shape must be integers"),
        ([TARGET, "--input-shape", "8,3"], "the forward pass failed: RuntimeError"),
        ([f"{MODELS_PATH}:example_inputs"], "returned tuple, not a torch module"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv, message):
    assert main(["audit", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_without_torch_one_line_says_what_to_install(tmp_path):
    fake = tmp_path / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('torch is not installed here')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "initlint", "audit", TARGET, "--input-shape", "8,64"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == "initlint audit needs torch: pip install 'initlint[audit]'\n"
    # The linter itself runs without torch.
    check = subprocess.run(
        [sys.executable, "-m", "initlint", "check", str(MODELS_PATH)], capture_output=True, text=True, env=env, timeout=120
    )
    assert check.returncode == 1 and "INI001" in check.stdout


def test_the_readme_example_is_what_the_command_prints(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["audit", "examples/mlp.py:MLP", "--input-shape", "64,784"]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 9 and out in (ROOT / "README.md").read_text()
