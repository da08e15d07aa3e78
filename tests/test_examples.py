"""The bundled examples, as the README uses them: findings, a clean fix, models that build."""

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

import torch  # noqa: F401

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES
from torch import nn  # noqa: E402
from torch_measure import load  # noqa: E402


def test_examples_have_findings_and_fix_into_models_that_build(tmp_path):
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    check = subprocess.run([sys.executable, "-m", "initlint", "check", str(examples)], capture_output=True, text=True)
    assert check.returncode == 1 and check.stdout.count("INI001") >= 5
    fix = subprocess.run([sys.executable, "-m", "initlint", "fix", str(examples)], capture_output=True, text=True)
    assert fix.returncode == 0, fix.stderr
    again = subprocess.run([sys.executable, "-m", "initlint", "fix", "--check", str(examples)], capture_output=True)
    assert again.returncode == 0
    built = 0
    for path in sorted(examples.glob("*.py")):
        namespace = load(path.read_bytes(), path.stem)
        for value in list(namespace.values()):
            if isinstance(value, type) and issubclass(value, nn.Module) and value.__module__ == path.stem:
                value()
                built += 1
    assert built >= 4
