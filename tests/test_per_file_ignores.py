"""``per_file_ignores``: glob -> codes in ``[tool.initlint]`` or ``--per-file-ignores``, honoured by
check and fix; flake8's own ``--per-file-ignores`` keeps working for the plugin."""

import ast
import shutil
import subprocess

import pytest
from flake8.main.cli import main as flake8_main

from conftest import FIXTURES
from initlint import config
from initlint.config import FileConfig
from initlint.flake8_plugin import Plugin
from initlint.settings import Settings
from test_config import FLAGGED, one_line_error, run  # noqa: F401  (run: `initlint ARGS` in-process, a fixture)

PROJECT = FIXTURES / "per_file_ignores"  # its pyproject: tests/* ignore INI001, scripts/**/*.py ignore INI
FILES = ("model.py", "tests/test_model.py", "scripts/run.py", "scripts/tools/train.py")


@pytest.fixture
def project(tmp_path):
    shutil.copytree(PROJECT, tmp_path / "project")
    return tmp_path / "project"


def reported_paths(result):
    return sorted({line.split(":")[0] for line in result.stdout.splitlines()})


def test_the_fixture_files_are_all_reported_without_the_setting(project, run):
    result = run("check", "--per-file-ignores", "", ".", cwd=project)
    assert reported_paths(result) == sorted(f"./{path}" for path in FILES)


def test_check_drops_the_matching_files_codes(project, run):
    result = run("check", ".", cwd=project)
    assert result.returncode == 1
    assert reported_paths(result) == ["./model.py"]
    # Named one by one (as pre-commit names them) the same files are dropped.
    assert run("check", "tests/test_model.py", "scripts/tools/train.py", cwd=project).returncode == 0


def test_fix_leaves_the_matching_files_alone_and_fixes_the_rest(project, run):
    before = {path: (project / path).read_text() for path in FILES}
    result = run("fix", ".", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "1 finding fixed, 1 file changed" in result.stderr
    for path in FILES[1:]:
        assert (project / path).read_text() == before[path], path
    fixed = (project / "model.py").read_text()
    ast.parse(fixed)
    assert 'kaiming_uniform_(self.fc.weight, nonlinearity="relu")' in fixed
    assert run("fix", ".", cwd=project).stderr.startswith("initlint: 0 findings fixed, 0 files changed")
    assert (project / "model.py").read_text() == fixed


@pytest.mark.torch
def test_the_fixed_model_has_the_relu_gain_and_the_ignored_one_keeps_the_default(project, run):
    import torch  # imported here: the file's other tests run without torch (pytest -m "not torch")
    from torch_measure import expected_gain, load, weight_gain

    run("fix", ".", cwd=project)
    for path, gain in (("model.py", expected_gain(torch.nn.ReLU())), ("tests/test_model.py", 1 / 3**0.5)):
        torch.manual_seed(0)
        model = load((project / path).read_bytes(), path)["build"]()
        assert weight_gain(model.fc.weight) == pytest.approx(gain, rel=0.03), path


def test_the_command_line_form_replaces_the_files_setting(project, run):
    result = run("check", "--per-file-ignores", "model.py:INI001 tests/*: INI001, INI002", ".", cwd=project)
    assert reported_paths(result) == ["./scripts/run.py", "./scripts/tools/train.py"]
    result = run("fix", "--diff", "--per-file-ignores", "model.py:INI", ".", cwd=project)
    diffed = sorted(line[len("+++ b/./") :] for line in result.stdout.splitlines() if line.startswith("+++ "))
    assert diffed == sorted(FILES[1:])


def test_globs_are_relative_to_the_config_folder(tmp_path):
    settings = Settings(per_file_ignores=(("tests/*", ("INI001",)), ("scripts/**/*.py", ("INI",))))
    config = FileConfig(settings, str(tmp_path))
    assert config.settings_for(str(tmp_path / "tests" / "a" / "t.py")).ignore == ("INI001",)
    assert config.settings_for(str(tmp_path / "scripts" / "a.py")).ignore == ("INI",)  # **/: no folder too
    assert config.settings_for(str(tmp_path / "scripts" / "x" / "y" / "a.py")).ignore == ("INI",)
    assert config.settings_for(str(tmp_path / "src" / "m.py")) is settings
    # The config's own folder name is not matched: only the path below it.
    inside = FileConfig(settings, str(tmp_path / "tests"))
    assert inside.settings_for(str(tmp_path / "tests" / "m.py")) is inside.settings


def test_matching_codes_join_ignore_so_a_longer_select_still_wins_as_in_flake8(tmp_path):
    settings = Settings(select=("INI001",), per_file_ignores=(("*", ("INI",)),))
    per_file = FileConfig(settings, str(tmp_path)).settings_for(str(tmp_path / "m.py"))
    assert per_file.selects("INI001") and not per_file.selects("INI002")


@pytest.mark.parametrize(
    "text, pairs",
    [
        ("tests/*:INI001 scripts/*:INI", [("tests/*", ["INI001"]), ("scripts/*", ["INI"])]),
        ("tests/*: INI001, INI002\n  a.py:INI", [("tests/*", ["INI001", "INI002"]), ("a.py", ["INI"])]),
        ("", []),
    ],
)
def test_the_text_form_is_flake8s(text, pairs):
    assert config.glob_codes(text) == pairs
    assert config.from_text("per_file_ignores", text) == tuple((g, tuple(c)) for g, c in pairs)


@pytest.mark.parametrize(
    "body, part",
    [
        ('per_file_ignores = ["tests/*"]', "per_file_ignores: must be a table of glob = [codes]"),
        ('per_file_ignores = {"tests/*" = "INI001"}', "per_file_ignores: 'tests/*': must be a non-empty list of rule codes"),
        ('per_file_ignores = {"tests/*" = []}', "per_file_ignores: 'tests/*': must be a non-empty list"),
        ('per_file_ignores = {"tests/*" = ["E501"]}', "per_file_ignores: 'tests/*': 'E501' is not a rule code"),
        ('per_file_ignores = {" " = ["INI"]}', "per_file_ignores: an empty glob"),
    ],
)
def test_a_bad_value_is_a_one_line_config_error(tmp_path, run, body, part):
    (tmp_path / "pyproject.toml").write_text(f"[tool.initlint]\n{body}\n")
    (tmp_path / "m.py").write_text(FLAGGED)
    for command in ("check", "fix"):
        line = one_line_error(run(command, "m.py", cwd=tmp_path), part)
        assert line.startswith("initlint: error: pyproject.toml: [tool.initlint] "), line
    assert (tmp_path / "m.py").read_text() == FLAGGED


@pytest.mark.parametrize("text", ["tests/*", "tests/*:", ":INI001", "tests/*:XYZ"])
def test_a_bad_option_is_a_one_line_usage_error(tmp_path, run, text):
    (tmp_path / "m.py").write_text(FLAGGED)
    result = run("check", "--per-file-ignores", text, "m.py", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "argument --per-file-ignores: " in result.stderr, result.stderr


# ---------------------------------------------------------------------------------- flake8


@pytest.fixture
def flake8(project, monkeypatch, capsys):
    """flake8 in-process in the fixture project, for INI codes only."""
    monkeypatch.chdir(project)
    monkeypatch.setattr(Plugin, "settings", Plugin.settings)  # parse_options sets it: restore it after

    def run(*args):
        capsys.readouterr()
        try:
            code = flake8_main(["--select", "INI", *args, *FILES])
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def test_flake8s_own_per_file_ignores_applies_to_the_plugin(flake8, project):
    assert reported_paths(flake8()) == sorted(FILES)  # flake8 does not read [tool.initlint]
    result = flake8("--per-file-ignores", "tests/*:INI001 scripts/*:INI")
    assert reported_paths(result) == ["model.py"], result
    (project / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    tests/*: INI001\n    model.py: INI\n")
    assert reported_paths(flake8()) == ["scripts/run.py", "scripts/tools/train.py"]


def test_the_plugin_registers_no_option_of_its_own_for_it(flake8):
    result = flake8("--initlint-per-file-ignores", "model.py:INI")
    assert result.returncode != 0 and "unrecognized arguments: --initlint-per-file-ignores" in result.stderr


def test_flake8_and_initlint_agree_on_a_longer_select(flake8, project, run):
    by_flake8 = flake8("--select", "INI001", "--per-file-ignores", "model.py:INI")
    by_initlint = run("check", "--select", "INI001", "--per-file-ignores", "model.py:INI", *FILES, cwd=project)
    assert reported_paths(by_flake8) == sorted(FILES)
    assert reported_paths(by_initlint) == sorted(FILES)
