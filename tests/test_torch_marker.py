"""The `torch` marker: every test module importing torch at the top is listed and marked, a
missing torch is an error unless -m deselects those tests (tests/conftest.py)."""

import ast
import os
import subprocess
import sys

import pytest

from conftest import ROOT, TORCH_MODULES, selects_torch_tests

TESTS = ROOT / "tests"
# Helpers that import torch at the top: a test module importing one needs torch too.
TORCH_HELPERS = {"torch", "torch_measure"}


def top_level_imports(path):
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def marks_module_torch(path):
    return "\npytestmark = pytest.mark.torch" in path.read_text()


def test_every_module_importing_torch_at_the_top_is_listed_and_marked():
    importing = {p.name for p in TESTS.glob("test_*.py") if top_level_imports(p) & TORCH_HELPERS}
    assert importing == set(TORCH_MODULES)
    for name in TORCH_MODULES:
        assert marks_module_torch(TESTS / name), name


@pytest.mark.parametrize(
    "markexpr, selected",
    [("", True), ("not slow", True), ("not slow and not torch", False), ("torch", True), ("slow", False)],
)
def test_which_marker_expressions_keep_torch_tests(markexpr, selected):
    assert selects_torch_tests(markexpr) is selected


def run_without_torch(tmp_path, *args):
    """pytest on this suite in a Python where `import torch` fails (a module path that shadows it)."""
    shadow = tmp_path / "shadow"
    (shadow / "torch").mkdir(parents=True)
    (shadow / "torch" / "__init__.py").write_text("raise ImportError('no torch here')\n")
    env = {**os.environ, "PYTHONPATH": str(shadow)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def test_without_torch_the_default_run_is_an_error_not_skips(tmp_path):
    result = run_without_torch(tmp_path, "tests/test_gains.py")
    assert result.returncode == 4, result.stdout + result.stderr  # a usage error: nothing ran
    assert "torch is not installed but tests marked `torch` are selected" in result.stderr


def test_without_torch_deselecting_them_collects_and_runs_the_rest(tmp_path):
    # The whole folder, as .ci/run collects it: the TORCH_MODULES are not imported, the rest is.
    result = run_without_torch(tmp_path, "-m", "not slow and not torch", "-k", "per_file_ignores", "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert " passed" in last and "deselected" in last and "skipped" not in last and "error" not in last, last
