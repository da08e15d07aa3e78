"""Built with torch: a fixed notebook, its code cells run in order as Jupyter runs them (IPython
lines left out), gives each fixed layer std = gain / sqrt(fan_in) for its activation."""

import shutil

import pytest

import torch  # noqa: E402

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES

from notebook_cases import CASES, code_cells, document, without_ipython  # noqa: E402
from torch_measure import expected_gain, weight_gain  # noqa: E402

from initlint.cli import main  # noqa: E402

BUILDABLE = [case for case in CASES if "EXPECT = " in case.read_text(encoding="utf-8")]
DEFAULT_GAIN = 1 / 3**0.5


def _run_cells(path):
    """The namespace after running every code cell in order; a cell Python cannot compile is
    left out, as Jupyter reports it and runs the next one."""
    namespace = {"__name__": "__main__"}
    torch.manual_seed(0)
    for number, source in code_cells(document(path)):
        try:
            code = compile(without_ipython(source), f"{path.name}:cell {number}", "exec")
        except SyntaxError:
            continue
        exec(code, namespace)
    return namespace


def _layers(namespace):
    """``(name, weight, activation)`` for each layer the notebook's EXPECT names (``model.0``)."""
    for name, act in namespace["EXPECT"].items():
        variable, _, path = name.partition(".")
        yield name, namespace[variable].get_submodule(path).weight, act


def test_every_notebook_with_a_fix_is_built_with_torch():
    assert {case.stem for case in BUILDABLE} == {"magics", "multi_cell", "string_source", "syntax_error", "unicode"}


@pytest.mark.parametrize("case", BUILDABLE, ids=[c.stem for c in BUILDABLE])
def test_fixed_notebook_layers_have_the_activations_gain(case, tmp_path, monkeypatch):
    shutil.copy(case, tmp_path / case.name)
    monkeypatch.chdir(tmp_path)
    main(["fix", "-j", "1", case.name])
    layers = list(_layers(_run_cells(tmp_path / case.name)))
    assert layers
    for name, weight, act in layers:
        assert weight.numel() >= 10_000  # enough samples for a 3% tolerance
        assert weight_gain(weight) == pytest.approx(expected_gain(act), rel=0.03), name


@pytest.mark.parametrize("case", BUILDABLE, ids=[c.stem for c in BUILDABLE])
def test_unfixed_notebook_layers_keep_torchs_default(case):
    """The same layers before the fix: the test above can fail. (A layer the notebook initialises
    itself, as multi_cell's encoder, has its gain already.)"""
    for name, weight, act in _layers(_run_cells(case)):
        if name == "model.0" and case.stem == "multi_cell":
            assert weight_gain(weight) == pytest.approx(expected_gain(act), rel=0.03)
        else:
            assert weight_gain(weight) == pytest.approx(DEFAULT_GAIN, rel=0.03), name
