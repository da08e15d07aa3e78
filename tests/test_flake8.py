"""Real flake8, in a subprocess, over the fixtures: the same findings as ``initlint check``."""

import subprocess
import sys

from conftest import FIXTURES, ROOT


def _lines(args):
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result, sorted(result.stdout.splitlines())


def test_flake8_and_initlint_check_print_the_same_findings():
    flake8, from_flake8 = _lines([sys.executable, "-m", "flake8", "--select", "INI", "--isolated", "fixtures/check"])
    check, from_check = _lines([sys.executable, "-m", "initlint", "check", "-j", "1", "fixtures/check"])
    assert len(from_check) >= 30
    assert from_flake8 == from_check
    assert flake8.returncode == 1 and check.returncode == 1


def test_flake8_honours_noqa_and_survives_files_libcst_cannot_parse(tmp_path):
    (tmp_path / "noqa.py").write_text(
        "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())  # noqa: INI001\n"
    )
    (tmp_path / "broken.py").write_text("import torch.nn as nn\nnn.Linear(\n")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "INI,E999", "--isolated", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.stdout.strip().endswith("E999 SyntaxError: '(' was never closed")
    assert "INI001" not in result.stdout


def test_the_plugin_is_registered_under_INI():
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "initlint" in result.stdout
    assert (FIXTURES / "check").is_dir()
