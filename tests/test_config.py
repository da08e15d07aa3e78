"""``[tool.initlint]``: found per file (nearest wins), ``--config``, options on top, one-line errors."""

import json
import subprocess

import pytest

from initlint import config
from initlint.cli import main
from initlint.config import Configs, ConfigError, FileConfig
from initlint.settings import DEFAULT, ITEM_CHECKS, MAPPINGS, Settings

FLAGGED = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
# Reported only with norm_in_between.
VIA_NORM = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.ReLU())\n"


@pytest.fixture
def run(monkeypatch, capsys):
    """``initlint ARGS`` run in-process in ``cwd`` (a subprocess each would make this file slow)."""

    def run(*args, cwd):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            returncode = main([*args[:1], "-j", "1", *args[1:]])
        except SystemExit as usage_error:
            returncode = usage_error.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, returncode, out, err)

    return run


def suggestions(run, *args, cwd):
    result = run("check", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return [f["suggestion"] for f in json.loads(result.stdout)]


def pyproject(folder, body):
    (folder / "pyproject.toml").write_text(body)


def one_line_error(result, *parts):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr
    return result.stderr


# ---------------------------------------------------------------------------------- the names


def test_every_setting_has_help_and_a_kind():
    assert set(config.HELP) == set(Settings.names())
    for name in Settings.names():
        default = getattr(DEFAULT, name)
        assert isinstance(default, bool) or name in ITEM_CHECKS or name in MAPPINGS or isinstance(default, str), name
    assert {n for n in Settings.names() if isinstance(getattr(DEFAULT, n), tuple)} == set(ITEM_CHECKS) | set(MAPPINGS)


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("gates", "true", True),
        ("gates", " Off ", False),
        ("distribution", "normal", "normal"),
        ("select", "INI001, INI", ("INI001", "INI")),
        ("exclude", ["a/*", "b"], ("a/*", "b")),
        ("init_helpers", "my_init", ("my_init",)),
        ("framework_bases", "LightningModule", ("PreTrainedModel", "LightningModule")),
    ],
)
def test_option_text_becomes_the_field_value(name, text, expected):
    assert config.from_text(name, text) == expected


# ---------------------------------------------------------------------------------- discovery


def test_a_setting_in_pyproject_changes_the_result(tmp_path, run):
    (tmp_path / "m.py").write_text(FLAGGED + VIA_NORM.split("\n", 2)[2].replace("net", "other"))
    assert suggestions(run, "m.py", cwd=tmp_path) == ['nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")']
    pyproject(tmp_path, '[tool.initlint]\nnorm_in_between = true\ndistribution = "normal"\n')
    assert suggestions(run, "m.py", cwd=tmp_path) == [
        'nn.init.kaiming_normal_(net[0].weight, nonlinearity="relu")',
        'nn.init.kaiming_normal_(other[0].weight, nonlinearity="relu")',
    ]


def test_the_nearest_pyproject_wins_whole_and_one_without_the_table_is_passed_over(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\ndistribution = "normal"\n')
    (tmp_path / "top.py").write_text(FLAGGED)
    inner = tmp_path / "pkg" / "inner"
    inner.mkdir(parents=True)
    pyproject(tmp_path / "pkg", '[tool.initlint]\nbias = "zeros"\n')
    pyproject(inner, '[project]\nname = "inner"\n')  # no [tool.initlint]: look further up
    (inner / "deep.py").write_text(FLAGGED)
    out = {f["path"]: f["suggestion"] for f in json.loads(run("check", "--format", "json", ".", cwd=tmp_path).stdout)}
    assert set(out) == {"./top.py", "./pkg/inner/deep.py"}
    assert "kaiming_normal_" in out["./top.py"] and "zeros_" not in out["./top.py"]
    # pkg's table replaces the top one: no merging, so distribution is the default again.
    assert "kaiming_uniform_" in out["./pkg/inner/deep.py"] and "zeros_(net[0].bias)" in out["./pkg/inner/deep.py"]


def test_settings_are_found_from_the_file_not_from_the_current_folder(tmp_path, run):
    project = tmp_path / "project"
    project.mkdir()
    pyproject(project, '[tool.initlint]\ndistribution = "normal"\n')
    (project / "m.py").write_text(FLAGGED)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert "kaiming_normal_" in suggestions(run, str(project / "m.py"), cwd=elsewhere)[0]


def test_config_file_overrides_discovery_and_options_override_both(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\ndistribution = "normal"\n')
    (tmp_path / "m.py").write_text(FLAGGED)
    (tmp_path / "other.toml").write_text('[tool.initlint]\nbias = "zeros"\nmode = "fan_out"\n')
    (from_file,) = suggestions(run, "--config", "other.toml", "m.py", cwd=tmp_path)
    assert "kaiming_uniform_" in from_file and 'mode="fan_out"' in from_file and "zeros_(net[0].bias)" in from_file
    options = ("--bias", "keep", "--distribution", "normal")
    (with_options,) = suggestions(run, "--config", "other.toml", *options, "m.py", cwd=tmp_path)
    assert "kaiming_normal_" in with_options and 'mode="fan_out"' in with_options and "zeros_" not in with_options


def test_a_flag_set_in_pyproject_can_be_turned_off_on_the_command_line(tmp_path, run):
    pyproject(tmp_path, "[tool.initlint]\nnorm_in_between = true\n")
    (tmp_path / "m.py").write_text(VIA_NORM)
    assert run("check", "m.py", cwd=tmp_path).returncode == 1
    assert run("check", "--no-norm-in-between", "m.py", cwd=tmp_path).returncode == 0


def test_fix_reads_the_same_settings(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\ndistribution = "normal"\n')
    (tmp_path / "m.py").write_text(FLAGGED)
    assert run("fix", "m.py", cwd=tmp_path).returncode == 0
    assert 'nn.init.kaiming_normal_(net[0].weight, nonlinearity="relu")' in (tmp_path / "m.py").read_text()


def test_each_pyproject_is_read_once_per_run(tmp_path, monkeypatch):
    pyproject(tmp_path, '[tool.initlint]\ngates = true\n')
    for folder in ("a", "a/b", "c"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "m.py").write_text(FLAGGED)
    reads = []
    real = config.load
    monkeypatch.setattr(config, "load", lambda path, required=False: reads.append(path) or real(path, required))
    configs = Configs()
    found = {configs.for_file(str(tmp_path / f / "m.py")) for f in ("a", "a/b", "c", "a")}
    assert len(reads) == 1 and len(found) == 1
    assert found.pop().settings.gates is True


# ---------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "body, parts",
    [
        ("norm-in-between = true", ["unknown setting 'norm-in-between'", "did you mean 'norm_in_between'"]),
        ("colour = true", ["unknown setting 'colour'"]),
        ('gates = "yes"', ["gates: must be true or false"]),
        ('distribution = "sideways"', ["distribution: must be one of uniform, normal, not 'sideways'"]),
        ('select = "INI001"', ["select: must be a list of strings"]),
        ('select = ["E501"]', ["select: 'E501' is not a rule code"]),
        ('activations = ["Relu"]', ["activations: unknown activation 'Relu'", "did you mean 'ReLU'"]),
        ('init_helpers = ["pkg.my_init"]', ["init_helpers: 'pkg.my_init' is not a Python name"]),
        ('exclude = [""]', ["exclude: an empty glob"]),
        ("gates = [", ["not valid TOML"]),
    ],
)
def test_a_bad_key_or_value_is_one_line_naming_the_file_and_key_exit_2(tmp_path, body, parts, run):
    (tmp_path / "pkg").mkdir()
    pyproject(tmp_path / "pkg", "[tool.initlint]\n" + body + "\n")
    (tmp_path / "pkg" / "m.py").write_text(FLAGGED)
    for command in ("check", "fix"):
        result = run(command, "pkg", cwd=tmp_path)
        line = one_line_error(result, *parts)
        assert line.startswith("initlint: error: pkg/pyproject.toml: "), line
    assert (tmp_path / "pkg" / "m.py").read_text() == FLAGGED


def test_config_file_errors_name_the_file(tmp_path, run):
    (tmp_path / "m.py").write_text(FLAGGED)
    one_line_error(run("check", "--config", "missing.toml", "m.py", cwd=tmp_path), "missing.toml: cannot read")
    (tmp_path / "empty.toml").write_text("[tool.other]\n")
    one_line_error(run("check", "--config", "empty.toml", "m.py", cwd=tmp_path), "empty.toml: no [tool.initlint] table")


def test_bad_option_values_are_one_line_usage_errors(tmp_path, run):
    (tmp_path / "m.py").write_text(FLAGGED)
    one_line_error(run("check", "--select", "XYZ", "m.py", cwd=tmp_path), "--select: 'XYZ' is not a rule code")
    one_line_error(run("check", "--distribution", "x", "m.py", cwd=tmp_path), "--distribution")


# ---------------------------------------------------------------------------------- select/ignore/exclude


@pytest.mark.parametrize(
    "select, ignore, reported",
    [
        ((), (), True),
        (("INI",), (), True),
        ((), ("INI",), False),
        (("INI001",), ("INI",), True),  # the longer prefix wins
        (("INI",), ("INI001",), False),
        (("INI001",), ("INI001",), False),  # a tie: ignore
        (("INI002",), (), False),
    ],
)
def test_select_and_ignore_by_prefix(select, ignore, reported):
    assert Settings(select=select, ignore=ignore).selects("INI001") is reported


def test_ignore_in_pyproject_silences_check(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\nignore = ["INI001"]\n')
    (tmp_path / "m.py").write_text(FLAGGED)
    assert run("check", "m.py", cwd=tmp_path).returncode == 0
    assert run("check", "--ignore", "INI002", "m.py", cwd=tmp_path).returncode == 1  # the option replaces the list
    assert run("check", "--select", "INI002", "m.py", cwd=tmp_path).returncode == 0


def test_fix_applies_nothing_when_no_rule_is_selected(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\nignore = ["INI"]\n')
    (tmp_path / "m.py").write_text(FLAGGED)
    assert run("fix", "m.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "m.py").read_text() == FLAGGED


def test_fix_skips_the_edits_of_ignored_rules(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\nignore = ["INI001"]\n')
    (tmp_path / "m.py").write_text(FLAGGED)
    assert run("fix", "m.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "m.py").read_text() == FLAGGED


def test_exclude_globs_skip_folders_files_and_named_paths(tmp_path, run):
    pyproject(tmp_path, '[tool.initlint]\nexclude = ["legacy", "*_gen.py", "src/vendored/*"]\n')
    skipped = ("legacy/a.py", "src/legacy/b.py", "src/model_gen.py", "src/vendored/c.py")
    for path in skipped + ("src/keep.py", "vendored/d.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(FLAGGED)
    paths = {line.split(":")[0] for line in run("check", ".", cwd=tmp_path).stdout.splitlines()}
    assert paths == {"./src/keep.py", "./vendored/d.py"}
    # Named on the command line (as pre-commit names files) they are still skipped.
    assert run("check", "src/model_gen.py", "legacy/a.py", cwd=tmp_path).returncode == 0
    assert run("fix", "legacy/a.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "legacy" / "a.py").read_text() == FLAGGED


def test_exclude_is_relative_to_the_config_folder(tmp_path):
    project = tmp_path / "legacy"  # the project's own folder name is not matched
    project.mkdir()
    assert not FileConfig(Settings(exclude=("legacy",)), str(project)).excludes(str(project / "m.py"))
    assert FileConfig(Settings(exclude=("legacy",)), str(tmp_path)).excludes(str(project / "m.py"))


def test_framework_bases_add_to_the_built_in_one(tmp_path):
    pyproject(tmp_path, '[tool.initlint]\nframework_bases = ["LightningModule"]\n')
    (tmp_path / "m.py").write_text(FLAGGED)
    settings = Configs().for_file(str(tmp_path / "m.py")).settings
    assert settings.framework_bases == ("PreTrainedModel", "LightningModule")


def test_configs_raise_config_error_not_a_traceback(tmp_path):
    pyproject(tmp_path, "[tool.initlint]\nmode = 3\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.initlint\] mode: must be one of fan_in, fan_out"):
        Configs().for_file(str(tmp_path / "m.py"))
