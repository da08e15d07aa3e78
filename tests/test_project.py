"""A block whose every user in its package re-initialises the layer's type is not reported
(project.py), and ``initlint check``, flake8, ``initlint fix`` and the codemod agree on it.

Each folder of ``fixtures/project/`` is one case: a package ``pkg`` (or loose ``scripts``) whose
``blocks.py`` defines a block that leaves its init to the models that build it.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES
from initlint.analysis import analyze
from initlint.cli import main
from initlint.project import Package, package_root, users_lookup
from initlint.settings import DEFAULT, Settings

CASES = FIXTURES / "project"
BLOCK = "pkg/blocks.py:9:19"  # self.fc = nn.Linear(width, width), before a ReLU
EXPECTED = {
    "covered": [],  # also a function block, imported under another name in a parenthesised list
    "absolute_import": [],  # from pkg.blocks import Block as B
    "one_importer_without_init": [BLOCK],
    "two_importers_one_without_init": [BLOCK],
    "reexport_only": [BLOCK],  # __init__.py re-exports it, nothing builds it
    "other_layer_type": [BLOCK],  # the model re-initialises Conv2d only
    "through_module_attribute": [BLOCK],  # blocks.Block(...) without init, beside a covering user
    "used_in_own_file": [BLOCK],  # blocks.py builds it too, without init
    "inherited_init": [],  # the user's model inherits an init loop from another file's class
    "inherited_without_init": [BLOCK],  # ... from a class that has none
    "outside_package": ["scripts/blocks.py:9:19"],  # no __init__.py: judged alone, as before
}
# With the setting off every file is judged alone.
EXPECTED_OFF = {
    **{case: [BLOCK] for case in EXPECTED},
    "covered": [BLOCK, "pkg/blocks.py:17:26"],
    "outside_package": ["scripts/blocks.py:9:19"],
}


def _by_case(lines):
    """``./CASE/REST:line:col`` (or without ``./``) -> {CASE: [REST:line:col]}."""
    found = {case: [] for case in EXPECTED}
    for line in lines:
        case, rest = line.split("/", 2)[-2:] if line.startswith("./") else line.split("/", 1)
        found[case].append(rest)
    return found


@pytest.fixture
def check(monkeypatch, capsys):
    def check(*options, cwd=CASES):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(["check", "-j", "1", "--format", "json", *options, "."])
        out = capsys.readouterr().out
        assert code in (0, 1)
        return _by_case(f"{f['path']}:{f['line']}:{f['col']}" for f in json.loads(out))

    return check


def test_every_case_has_an_expectation():
    assert sorted(p.name for p in CASES.iterdir() if p.is_dir()) == sorted(EXPECTED)


def test_check_reports_the_blocks_some_user_leaves_at_torchs_default(check):
    assert check() == EXPECTED


def test_the_setting_off_judges_each_file_alone(check, tmp_path):
    assert check("--no-users-initialise") == EXPECTED_OFF
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.initlint]\nusers_initialise = false\n")
    assert check("--config", str(pyproject)) == EXPECTED_OFF


def _flake8(*options):
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "INI", "--isolated", "--format", "%(path)s:%(row)d:%(col)d",
         *options, "."],
        capture_output=True, text=True, cwd=CASES, timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return _by_case(result.stdout.splitlines())


def test_flake8_gives_the_same_answer():
    assert _flake8() == EXPECTED
    assert _flake8("--no-initlint-users-initialise") == EXPECTED_OFF


def _copy(tmp_path, *cases):
    for case in cases:
        shutil.copytree(CASES / case, tmp_path / case)
    return {p: p.read_bytes() for p in tmp_path.rglob("*.py")}


def _changed(tmp_path, before):
    return sorted(str(p.relative_to(tmp_path)) for p, text in before.items() if p.read_bytes() != text)


def test_fix_leaves_a_covered_block_alone(tmp_path, monkeypatch):
    before = _copy(tmp_path, "covered", "one_importer_without_init")
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "-j", "1", "."]) == 0
    assert _changed(tmp_path, before) == ["one_importer_without_init/pkg/blocks.py"]
    fixed = (tmp_path / "one_importer_without_init/pkg/blocks.py").read_text()
    assert 'nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")' in fixed


def test_the_codemod_leaves_a_covered_block_alone(tmp_path):
    before = _copy(tmp_path, "covered", "one_importer_without_init")
    result = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "initlint.fix.codemod.AddInitCommand",
         "--no-format", "--hide-progress", "-j", "1", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert _changed(tmp_path, before) == ["one_importer_without_init/pkg/blocks.py"]


# ------------------------------------------------------------------------------- the pieces


def test_the_package_root_is_the_outermost_folder_with_an_init(tmp_path):
    inner = tmp_path / "top" / "sub" / "deeper"
    inner.mkdir(parents=True)
    for folder in (tmp_path / "top", tmp_path / "top" / "sub", inner):
        (folder / "__init__.py").write_text("")
    assert package_root(str(inner)) == str(tmp_path / "top")
    assert package_root(str(CASES / "covered" / "pkg")) == str(CASES / "covered" / "pkg")
    assert package_root(str(CASES / "outside_package" / "scripts")) is None
    assert users_lookup(str(CASES / "outside_package" / "scripts" / "blocks.py"), DEFAULT) is None
    assert users_lookup("stdin", DEFAULT) is None and users_lookup(None, DEFAULT) is None


def test_importers_use_the_block_beyond_importing_it():
    package = Package(str(CASES / "covered" / "pkg"))
    blocks, model = (str(CASES / "covered" / "pkg" / name) for name in ("blocks.py", "model.py"))
    assert package.importers("Block", blocks) == [model]  # not __init__.py, which only re-exports it
    assert package.importers("mlp", blocks) == [model]  # `mlp as make_mlp` inside a parenthesised list
    assert package.importers("Model", model) == []


def test_importers_follow_re_exports_and_skip_same_named_classes(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "layers").mkdir(parents=True)
    (pkg / "models").mkdir()
    files = {
        "__init__.py": "",
        "layers/__init__.py": "from .blocks import *\n",  # a re-export that never spells the name
        "layers/blocks.py": "class Block:\n    pass\n",
        "models/__init__.py": "",
        "models/star.py": "from ..layers import *\n\nb = Block()\n",
        "models/shim.py": "from pkg.layers import Block\n",  # re-exports it again
        "models/through_shim.py": "def build():\n    from .shim import Block as B\n    return B()\n",
        "models/attribute.py": "from .. import layers\n\nb = layers.blocks.Block()\n",
        "models/other_library.py": "from otherlib.blocks import Block\n\nb = Block()\n",
        "models/own_block.py": "class Block:\n    pass\n\nb = Block()\n",
        "models/same_name_elsewhere.py": "from .own_block import Block\n\nb = Block()\n",
        "models/mentions.py": '"""Block, pkg.layers.Block: only words."""\n',
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    found = Package(str(pkg)).importers("Block", str(pkg / "layers" / "blocks.py"))
    assert sorted(os.path.basename(p) for p in found) == ["attribute.py", "star.py", "through_shim.py"]


def test_the_listing_skips_what_it_cannot_or_should_not_read(tmp_path):
    pkg = tmp_path / "pkg"
    for folder in (pkg, pkg / "__pycache__", pkg / ".hidden", tmp_path / "outside"):
        folder.mkdir()
        (folder / "m.py").write_text("x = 1\n")
    (pkg / "__init__.py").write_text("")
    (pkg / "loop").symlink_to(pkg)  # never followed: no loop, no file counted twice
    (pkg / "linked").symlink_to(tmp_path / "outside")
    (pkg / "broken.py").symlink_to(tmp_path / "missing.py")
    os.mkfifo(pkg / "fifo.py")  # reading it would block
    assert sorted(Package(str(pkg)).texts()) == [str(pkg / "__init__.py"), str(pkg / "m.py")]


def test_an_importer_that_cannot_be_parsed_covers_nothing(tmp_path):
    shutil.copytree(CASES / "covered", tmp_path / "covered")
    model = tmp_path / "covered" / "pkg" / "model.py"
    model.write_text(model.read_text() + "\ndef broken(:\n")
    lookup = users_lookup(str(tmp_path / "covered" / "pkg" / "blocks.py"), DEFAULT)
    assert lookup("Block", "Linear") is False


# ------------------------------------------------------------------------------- the analysis

BLOCKS = (CASES / "covered" / "pkg" / "blocks.py").read_text()


def test_the_analysis_is_pure_without_a_lookup():
    assert [(f.line, f.col) for f in analyze(BLOCKS).findings] == [(9, 18), (17, 25)]
    assert analyze(BLOCKS, users=lambda block, layer: True).findings == []
    off = Settings(users_initialise=False)
    assert len(analyze(BLOCKS, off, users=lambda block, layer: True).findings) == 2


def test_the_lookup_is_asked_only_about_reported_layers_of_top_level_blocks():
    asked = []

    def users(block, layer):
        asked.append((block, layer))
        return False

    source = BLOCKS + (
        "\n\nclass Initialised(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Conv2d(3, 3, 1)\n"
        "        nn.init.kaiming_uniform_(self.fc.weight, nonlinearity='relu')\n"
        "        self.act = nn.ReLU()\n"
        "\n\ndef factory():\n"
        "    class Local(nn.Module):\n"
        "        def __init__(self):\n"
        "            super().__init__()\n"
        "            self.net = nn.Sequential(nn.Conv1d(3, 3, 1), nn.Tanh(), nn.Conv1d(3, 3, 1))\n"
        "    return Local\n"
    )
    assert len(analyze(source, users=users).findings) == 3  # Local is not a block: still reported
    assert asked == [("Block", "Linear"), ("mlp", "Linear")]
