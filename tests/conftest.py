import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture
def script_project(tmp_path):
    """A copy of fixtures/repository/script_applies_init (a training script initialises the models
    it imports), the process's indexes forgotten before and after: the caches' tests edit it."""
    from initlint.index import reset

    reset()
    copy = tmp_path / "project"
    shutil.copytree(FIXTURES / "repository" / "script_applies_init", copy, ignore=shutil.ignore_patterns(".initlint_cache"))
    yield copy
    reset()

# ------------------------------------------------------------------ torch
# Tests that need torch carry the `torch` marker: whole modules (pytestmark, torch imported at the
# top: listed here) or single tests (torch imported inside). `.ci/run` deselects them on the Python
# versions torch 2.13.0's CPU build is not installed for (-m "not torch"). Anywhere else a missing
# torch is an error, never a skip: a skip would hide every failure those tests guard against.
TORCH_MODULES = (
    "test_audit.py",
    "test_audit_cli.py",
    "test_audit_plot.py",
    "test_examples.py",
    "test_gains.py",
    "test_plot.py",
    "test_reset_parameters.py",
    "test_torch_activations.py",
    "test_torch_fixed_models.py",
    "test_torch_fixed_repositories.py",
    "test_torch_lazy_fixes.py",
    "test_torch_notebooks.py",
)


def _have_torch() -> bool:
    try:
        import torch  # noqa: F401  (imported, not just found: a broken install counts as missing)
    except ImportError:
        return False
    return True


HAVE_TORCH = _have_torch()


def selects_torch_tests(markexpr: str) -> bool:
    """Whether ``-m markexpr`` keeps a test marked only ``torch``."""
    if not markexpr.strip():
        return True
    from _pytest.mark.expression import Expression  # pytest's own -m language

    return Expression.compile(markexpr).evaluate(lambda name, **kwargs: name == "torch")


def pytest_configure(config):
    if not HAVE_TORCH and selects_torch_tests(config.getoption("markexpr") or ""):
        raise pytest.UsageError(
            "torch is not installed but tests marked `torch` are selected: "
            'pip install torch==2.13.0 (the CPU build), or deselect them with -m "not slow and not torch"'
        )


def pytest_ignore_collect(collection_path, config):
    # Reached without torch only when -m deselects torch tests (pytest_configure saw to that):
    # these modules import torch at the top, so they are not even imported.
    return True if not HAVE_TORCH and collection_path.name in TORCH_MODULES else None
