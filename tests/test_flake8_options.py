"""The settings as flake8 options: ``--initlint-<name>``, also read from ``[flake8]`` config files."""

import subprocess
import sys

import pytest
from flake8.main.cli import main as flake8_main

from initlint.cli import main as initlint_main
from initlint.config import option
from initlint.flake8_plugin import Plugin
from initlint.settings import Settings

FLAGGED = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
VIA_NORM = "import torch.nn as nn\n\nnorm = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.ReLU())\n"


@pytest.fixture
def flake8(tmp_path, monkeypatch, capsys):
    """flake8 in-process in ``tmp_path`` (which holds m.py), for INI codes only."""
    (tmp_path / "m.py").write_text(FLAGGED + VIA_NORM.split("\n", 2)[2])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Plugin, "settings", Plugin.settings)  # parse_options sets it: restore it after

    def run(*args):
        capsys.readouterr()
        try:
            code = flake8_main(["--select", "INI", *args, "m.py"])
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


@pytest.mark.parametrize("filename", ["setup.cfg", "tox.ini", ".flake8"])
def test_settings_are_read_from_every_flake8_config_file(flake8, tmp_path, filename):
    assert flake8().stdout.count("INI001") == 1
    (tmp_path / filename).write_text("[flake8]\ninitlint-norm-in-between = true\ninitlint-distribution = normal\n")
    result = flake8()
    assert result.stdout.count("INI001") == 2 and result.stdout.count("kaiming_normal_") == 2, result


def test_command_line_options_override_the_config(flake8, tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\ninitlint-norm-in-between = true\n")
    assert flake8().stdout.count("INI001") == 2
    assert flake8("--no-initlint-norm-in-between").stdout.count("INI001") == 1
    assert flake8("--initlint-distribution", "normal").stdout.count("kaiming_normal_") == 2


def test_select_ignore_and_exclude_apply_under_flake8(flake8, tmp_path):
    assert flake8("--initlint-ignore", "INI001").stdout == ""
    assert flake8("--initlint-select", "INI001").stdout.count("INI001") == 1
    (tmp_path / "setup.cfg").write_text("[flake8]\ninitlint-exclude = *.py\n")
    assert flake8().stdout == ""


@pytest.mark.parametrize(
    "line, parts",
    [
        ("initlint-gates = maybe", ["initlint-gates", "must be true or false, not 'maybe'"]),
        ("initlint-distribution = sideways", ["initlint-distribution", "must be one of uniform, normal"]),
        ("initlint-select = E501", ["initlint-select", "'E501' is not a rule code"]),
        ("initlint-activations = Relu", ["initlint-activations", "did you mean 'ReLU'"]),
    ],
)
def test_a_bad_value_is_one_line_and_exit_2(flake8, tmp_path, line, parts):
    (tmp_path / "tox.ini").write_text(f"[flake8]\n{line}\n")
    result = flake8()
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("flake8: error: "), result.stderr
    assert all(part in result.stderr for part in parts), result.stderr


def test_a_bad_value_exits_2_without_a_traceback_in_a_real_flake8(tmp_path):
    (tmp_path / "m.py").write_text(FLAGGED)
    (tmp_path / ".flake8").write_text("[flake8]\ninitlint-mode = sideways\n")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "m.py"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "initlint-mode" in result.stderr


def test_every_setting_is_a_flake8_option_under_the_same_name(capsys):
    with pytest.raises(SystemExit):
        flake8_main(["--help"])
    help_text = capsys.readouterr().out
    for name in Settings.names():
        # per_file_ignores is flake8's own --per-file-ignores (tests/test_per_file_ignores.py).
        assert (f"--initlint-{option(name)}" in help_text) is (name != "per_file_ignores"), name


def test_flake8_config_and_pyproject_give_the_same_findings(flake8, tmp_path, capsys):
    (tmp_path / "setup.cfg").write_text("[flake8]\ninitlint-norm-in-between = true\ninitlint-bias = zeros\n")
    from_flake8 = flake8().stdout
    (tmp_path / "pyproject.toml").write_text('[tool.initlint]\nnorm_in_between = true\nbias = "zeros"\n')
    assert initlint_main(["check", "-j", "1", "m.py"]) == 1
    assert capsys.readouterr().out == from_flake8
    assert from_flake8.count("INI001") == 2 and "zeros_" in from_flake8
