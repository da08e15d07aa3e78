"""The repository index: init evidence counts wherever in the project it is written, for the
instances it reaches; factories in other files make layer constructions; the cache never
changes a verdict.

Each folder of ``fixtures/repository/`` is one small project (its own ``pyproject.toml`` makes it
the project root). Its files mark with ``# expect: INI001`` every line that must be reported
when the whole project is analysed; ``initlint check``, flake8, ``initlint fix`` and the libcst
codemod agree on each case.
"""

import ast
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES
from expectations import expected
from initlint.analysis import analyze
from initlint.cli import main
from initlint.index import index_for, reset
from initlint.index.repository import Repository, project_root
from initlint.settings import DEFAULT, Settings

CASES = FIXTURES / "repository"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def _marked(root):
    """{(case/relative/path.py, line)} of every ``# expect: INI001`` under ``root``."""
    return {
        (str(path.relative_to(root)), line)
        for path in sorted(root.rglob("*.py"))
        for line, code in expected(path.read_text())
        if code == "INI001"
    }


def _check(monkeypatch, capsys, folder, *options):
    monkeypatch.chdir(folder)
    capsys.readouterr()
    code = main(["check", "-j", "1", "--format", "json", "--select", "INI001", *options, "."])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return {(os.path.normpath(f["path"]), f["line"]) for f in json.loads(out)}


def _report_only(monkeypatch, capsys, folder):
    """The findings ``initlint fix`` leaves to a person (``fixable`` false), as ``_check`` gives them."""
    monkeypatch.chdir(folder)
    capsys.readouterr()
    main(["check", "-j", "1", "--format", "json", "--select", "INI001", "--no-cache", "."])
    found = json.loads(capsys.readouterr().out)
    return {(os.path.normpath(f["path"]), f["line"]) for f in found if not f["fixable"]}


def _copy(tmp_path):
    shutil.copytree(CASES, tmp_path / "cases", ignore=shutil.ignore_patterns(".initlint_cache"))
    return tmp_path / "cases"


def test_every_case_is_a_project_of_its_own():
    for name in NAMES:
        assert (CASES / name / "pyproject.toml").is_file(), name
        for path in (CASES / name).rglob("*.py"):
            assert project_root(str(path.parent)) == str(CASES / name)


@pytest.mark.parametrize("name", NAMES)
def test_check_reports_exactly_the_marked_lines(name, monkeypatch, capsys):
    assert _check(monkeypatch, capsys, CASES / name, "--no-cache") == _marked(CASES / name)


def test_without_the_repository_each_file_is_judged_alone(monkeypatch, capsys):
    alone = {
        (str(path.relative_to(CASES)), f.line)
        for path in CASES.rglob("*.py")
        for f in analyze(path.read_bytes(), Settings(select=("INI001",)), str(path)).reported
    }
    assert _check(monkeypatch, capsys, CASES, "--no-cache", "--no-repository") == alone
    assert alone != _marked(CASES)  # the cases do depend on other files


def _flake8(folder, *options):
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "INI001", "--isolated", "--format", "%(path)s:%(row)d",
         *options, "."],
        capture_output=True, text=True, cwd=folder, timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return {(os.path.normpath(path), int(line)) for path, line in (row.rsplit(":", 1) for row in result.stdout.split())}


def test_flake8_gives_the_same_answer():
    assert _flake8(CASES, "--no-initlint-cache") == _marked(CASES)


def test_fix_the_codemod_and_check_agree(tmp_path, monkeypatch, capsys):
    fixed, by_codemod = _copy(tmp_path / "fix"), _copy(tmp_path / "codemod")
    before = {p: p.read_bytes() for p in fixed.rglob("*.py")}
    left = set()
    for name in NAMES:  # each case is a project of its own: check it from its root
        left |= {(os.path.join(name, path), line) for path, line in _report_only(monkeypatch, capsys, fixed / name)}
    monkeypatch.chdir(fixed)
    assert main(["fix", "-j", "1", "--no-cache", "."]) == (1 if left else 0)  # 1: findings it did not fix
    changed = {str(p.relative_to(fixed)) for p, text in before.items() if p.read_bytes() != text}
    assert changed == {path for path, _ in _marked(CASES) - left}  # only files with fixable findings are edited
    for path in changed:
        ast.parse((fixed / path).read_bytes())
    assert _check(monkeypatch, capsys, fixed, "--no-cache") == left  # what is left is what fix may not do
    again = {p: p.read_bytes() for p in fixed.rglob("*.py")}
    assert main(["fix", "-j", "1", "--no-cache", "."]) == (1 if left else 0)
    assert {p: p.read_bytes() for p in fixed.rglob("*.py")} == again  # a second run changes nothing

    result = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "initlint.fix.codemod.AddInitCommand",
         "--no-format", "--hide-progress", "-j", "1", "."],
        capture_output=True, text=True, timeout=300, cwd=by_codemod,
    )
    assert result.returncode == 0, result.stderr
    for path in before:
        relative = path.relative_to(fixed)
        assert (by_codemod / relative).read_bytes() == (fixed / relative).read_bytes(), relative


# ------------------------------------------------------------------------------------ the cache


def test_editing_a_training_script_changes_the_models_verdict(tmp_path, monkeypatch, capsys):
    project = _copy(tmp_path) / "script_applies_init"
    first = _check(monkeypatch, capsys, project)
    assert ("models.py", 10) not in first  # the script applies an init to Generator's convolutions
    assert (project / ".initlint_cache" / ".gitignore").read_text().endswith("*\n")
    assert any((project / ".initlint_cache" / "summaries").rglob("*.json"))
    train = project / "train.py"
    train.write_text(train.read_text().replace("generator.apply(weights_init_normal)\n", ""))
    assert ("models.py", 10) in _check(monkeypatch, capsys, project)
    assert _check(monkeypatch, capsys, project) == _check(monkeypatch, capsys, project, "--no-cache")


def test_flake8_with_several_jobs_on_a_fresh_cache(tmp_path):
    cases = _copy(tmp_path)
    assert _flake8(cases, "-j", "2") == _marked(CASES)
    for name in NAMES:
        entries = list((cases / name / ".initlint_cache" / "summaries").rglob("*"))
        assert entries and not [p for p in entries if p.name.startswith(".tmp-")], name
        for entry in (p for p in entries if p.is_file()):
            assert set(json.loads(entry.read_text())) == {"key", "value"}
    assert _flake8(cases, "-j", "2") == _marked(CASES)  # warm


def test_a_corrupt_or_foreign_cache_entry_is_rebuilt(tmp_path, monkeypatch, capsys):
    project = _copy(tmp_path) / "script_applies_init"
    expected_here = _check(monkeypatch, capsys, project)
    entries = sorted(p for p in (project / ".initlint_cache" / "summaries").rglob("*.json"))
    entries[0].write_bytes(b"\x00{not json")
    foreign = json.loads(entries[1].read_text())
    foreign["key"] = "0" * 64  # a summary stored under another key
    foreign["value"]["defs"] = {}
    entries[1].write_text(json.dumps(foreign))
    for entry in entries[2:]:
        entry.write_text('{"key": 1}')
    shutil.rmtree(project / ".initlint_cache" / "verdicts")  # else no summary is needed again
    reset()
    assert _check(monkeypatch, capsys, project) == expected_here
    for entry in entries:
        assert json.loads(entry.read_text())["key"] != "0" * 64


def test_the_cache_folder_can_be_moved_or_switched_off(tmp_path, monkeypatch, capsys):
    project = _copy(tmp_path) / "factory_helper"
    elsewhere = tmp_path / "elsewhere"
    _check(monkeypatch, capsys, project, "--cache-dir", str(elsewhere))
    assert any(elsewhere.rglob("*.json")) and not (project / ".initlint_cache").exists()
    _check(monkeypatch, capsys, project, "--no-cache")
    assert not (project / ".initlint_cache").exists()


def test_a_folder_that_cannot_be_written_means_no_cache(tmp_path, monkeypatch, capsys):
    project = _copy(tmp_path) / "factory_helper"
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would go\n")
    assert _check(monkeypatch, capsys, project, "--cache-dir", str(blocker / "cache")) == _marked(project)


# ---------------------------------------------------------------------------- the resolution


def test_names_resolve_through_re_exports_stars_and_module_attributes(tmp_path):
    files = {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/layers/__init__.py": "from .blocks import *\n",
        "pkg/layers/blocks.py": "class Block:\n    pass\n",
        "pkg/models/__init__.py": "",
        "pkg/models/shim.py": "from pkg.layers import Block\n",
        "pkg/models/user.py": (
            "from .. import layers\nfrom .shim import Block as B\nimport pkg.layers.blocks as blocks_module\n"
            "from otherlib import Thing\n"
        ),
        "scripts/train.py": "from models import *\n",
        "scripts/models.py": "class Generator:\n    pass\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    repo = Repository(str(tmp_path), Settings(cache=False))
    user, blocks = str(tmp_path / "pkg/models/user.py"), (str(tmp_path / "pkg/layers/blocks.py"), "Block")
    assert repo.resolve(user, "B") == blocks
    assert repo.resolve(user, "layers.Block") == blocks
    assert repo.resolve(user, "layers.blocks.Block") == blocks
    assert repo.resolve(user, "blocks_module.Block") == blocks
    assert repo.resolve(user, "Thing") is None  # another library
    assert repo.resolve(str(tmp_path / "scripts/train.py"), "Generator") == (str(tmp_path / "scripts/models.py"), "Generator")


def test_star_imports_in_a_cycle_resolve_once_per_name(tmp_path, monkeypatch):
    """fastai's modules all star-import each other: each lookup branches at every level, so
    without memoising a name nothing defines takes ~stars ** depth steps (minutes per file)."""
    modules = [f"m{i}" for i in range(10)]
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for i, name in enumerate(modules):
        stars = "".join(f"from .{other} import *\n" for other in modules if other != name)
        (tmp_path / "pkg" / f"{name}.py").write_text(stars + f"class Block{i}:\n    pass\n")
    repo = Repository(str(tmp_path), Settings(cache=False))
    calls = []
    inner = Repository._resolve
    monkeypatch.setattr(Repository, "_resolve", lambda self, *a: calls.append(a) or inner(self, *a))
    first = str(tmp_path / "pkg" / "m0.py")
    assert repo.resolve(first, "Block7") == (str(tmp_path / "pkg" / "m7.py"), "Block7")
    assert repo.resolve(first, "Missing") is None
    for name in modules:  # every module sees every block, through the cycle
        assert repo.resolve(str(tmp_path / "pkg" / f"{name}.py"), "Block3") == (str(tmp_path / "pkg" / "m3.py"), "Block3")
    assert len(calls) < 400  # at most a few per (module, name); without the memo, billions


def test_the_project_root(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "src" / "pkg").mkdir(parents=True)
    assert project_root(str(tmp_path / "repo" / "src" / "pkg")) == str(tmp_path / "repo")
    loose = tmp_path / "unpacked"
    (loose / "top" / "sub").mkdir(parents=True)
    for folder in (loose / "top", loose / "top" / "sub"):
        (folder / "__init__.py").write_text("")
    if project_root(str(tmp_path)) == str(tmp_path):  # no marker above the temporary folder
        assert project_root(str(loose / "top" / "sub")) == str(loose)
    assert index_for(None, DEFAULT) is None and index_for("stdin", DEFAULT) is None
    assert index_for(str(loose / "top" / "__init__.py"), Settings(repository=False)) is None


def test_an_unparseable_file_vouches_for_nothing(tmp_path, monkeypatch, capsys):
    project = _copy(tmp_path) / "script_applies_init"
    train = project / "train.py"
    train.write_text(train.read_text() + "\ndef broken(:\n")
    found = _check(monkeypatch, capsys, project, "--no-cache")
    assert ("models.py", 10) in found and ("models.py", 25) in found


# ------------------------------------------------------------------------ explain PATH:LINE


def _explain(monkeypatch, capsys, folder, target):
    monkeypatch.chdir(folder)
    capsys.readouterr()
    code = main(["explain", "--no-cache", target])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_explain_says_what_silences_a_layer_and_where(monkeypatch, capsys):
    code, out = _explain(monkeypatch, capsys, CASES / "script_applies_init", "models.py:10")
    assert code == 0
    assert out.splitlines() == [
        "models.py:10:13: ConvTranspose2d",
        "  followed by ReLU at line 11",
        "  silenced by: applied to generator: weights_init_normal (train.py:11), which initialises"
        " ConvTranspose2d layers (train.py:19)",
        "  verdict: not reported",
    ]


def test_explain_says_why_nothing_reaches_a_reported_layer(monkeypatch, capsys):
    code, out = _explain(monkeypatch, capsys, CASES / "script_applies_init", "models.py:36")
    assert "nothing in the repository builds Critic" in out and out.endswith("verdict: reported as INI001\n")
    code, out = _explain(monkeypatch, capsys, CASES / "base_class_initialize", "smp/decoders/unet.py:18")
    assert "PlainDecoder is built in class Plain (smp/unet.py:19), which no init reaches" in out
    assert "reported as INI001" in out


def test_explain_says_the_package_loads_weights_only_into_its_own_copies(monkeypatch, capsys):
    code, out = _explain(monkeypatch, capsys, CASES / "loaded_but_exported", "speech/models.py:8")
    assert "Vocoder is exported for users to build (__all__); the package loads weights only into its own" \
        " (speech/pipelines.py:12)" in out
    code, out = _explain(monkeypatch, capsys, CASES / "loaded_but_exported", "speech/models.py:20")
    assert "a state dict is loaded into model, every time (speech/pipelines.py:19)" in out


def test_explain_an_unfollowed_layer_and_bad_locations(monkeypatch, capsys):
    code, out = _explain(monkeypatch, capsys, CASES / "script_applies_init", "models.py:12")
    assert "followed by Tanh at line 13 (an output head: not checked)" in out
    assert "verdict: not reported: no activation the policy checks follows it" in out
    code, out = _explain(monkeypatch, capsys, CASES / "script_applies_init", "models.py:3")
    assert code == 0 and "no torch Linear/Conv layer is constructed on this line" in out
    assert _explain(monkeypatch, capsys, CASES, "missing.py:3")[0] == 2
    code, out = _explain(monkeypatch, capsys, CASES, "models.py:x")
    assert code == 2 and "expected PATH:LINE" in out


@pytest.mark.torch
def test_fixed_factory_layers_carry_their_activations_gain(tmp_path, monkeypatch):
    """With torch: the fix of layers built through another file's factories gives each the
    gain of its activation; the factory's own initialised and zeroed layers are left alone."""
    import torch
    from torch_measure import expected_gain, weight_gain

    project = _copy(tmp_path) / "factory_helper"
    monkeypatch.chdir(project)
    assert main(["fix", "-j", "1", "--no-cache", "."]) == 0
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "nets" or m.startswith("nets.")]:
        monkeypatch.delitem(sys.modules, name)
    model = __import__("nets.model", fromlist=["model"])
    torch.manual_seed(0)
    embedding, block = model.TimeEmbedding(64), model.Block(64)
    assert weight_gain(embedding.mlp[0].weight) == pytest.approx(expected_gain(torch.nn.SiLU()), rel=0.03)
    assert weight_gain(block.conv.weight) == pytest.approx(expected_gain(torch.nn.ReLU()), rel=0.03)
    assert weight_gain(embedding.mlp[2].weight) == pytest.approx(1 / 3 ** 0.5, rel=0.05)  # no activation after it
    assert block.out.weight.abs().sum().item() == 0  # zero_module's, untouched


OUTSIDE_HELPER = '''import torch.nn as nn
from torch_einops_utils.nn import Sequential


class FeedForward(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.proj_in = Sequential(nn.Linear(dim, 4 * dim), None, nn.LeakyReLU())
'''


@pytest.mark.parametrize("setting", ["", 'sequential_helpers = ["torch_einops_utils.nn.Sequential"]\n'])
def test_a_container_helper_from_another_package_is_one_when_the_settings_name_it(tmp_path, monkeypatch, capsys, setting):
    # initlint reads the repository, not its dependencies: the helper's code is not there to read
    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\n" + setting)
    (tmp_path / "ff.py").write_text(OUTSIDE_HELPER)
    found = _check(monkeypatch, capsys, tmp_path, "--no-cache")
    assert found == ({("ff.py", 8)} if setting else set())


def test_explain_says_a_noqa_hides_the_finding(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "line.py").write_text(
        "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())  # noqa: INI001\n"
    )
    (tmp_path / "whole.py").write_text("# flake8: noqa\nimport torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n")
    assert _explain(monkeypatch, capsys, tmp_path, "line.py:3")[1].endswith("verdict: INI001, not shown: `# noqa` on line 3\n")
    assert _explain(monkeypatch, capsys, tmp_path, "whole.py:4")[1].endswith(
        "verdict: INI001, not shown: the file has `# flake8: noqa`\n"
    )
