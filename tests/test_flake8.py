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
    # Python 3.9's parser (the oldest initlint supports) words it differently.
    said = "unexpected EOF while parsing" if sys.version_info < (3, 10) else "'(' was never closed"
    assert result.stdout.strip().endswith(f"E999 SyntaxError: {said}")
    assert "INI001" not in result.stdout


def test_the_plugin_is_registered_under_INI():
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "initlint" in result.stdout
    assert (FIXTURES / "check").is_dir()


def test_the_plugin_codes_are_the_rules_codes():
    from initlint.codes import CODES
    from initlint.rules import RULES

    assert CODES == tuple(rule.code for rule in RULES)


def test_the_plugin_imports_libcst_only_for_a_file_that_may_have_a_finding():
    """flake8 loads every installed plugin in every run: on files without torch layers initlint
    must not even import libcst (~0.5 s of CPU)."""
    script = (
        "import sys\n"
        "from initlint.flake8_plugin import Plugin\n"
        "assert list(Plugin(None, ['import os\\n', 'x = 1\\n'], 'a.py').run()) == []\n"
        "assert 'libcst' not in sys.modules, 'imported for a file without layers'\n"
        "lines = ['import torch.nn as nn\\n', 'net = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\\n']\n"
        "assert [f[2][:6] for f in Plugin(None, lines, 'b.py').run()] == ['INI001']\n"
        "assert 'libcst' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
