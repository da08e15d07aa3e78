"""``initlint explain --plot``: a real PNG whose lines are the measured second moments."""

import pytest

import matplotlib  # noqa: F401  (a test dependency, like torch: missing is an error, not a skip)
import torch  # noqa: F401

from initlint.plot import draw, measure

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES


def test_plot_writes_a_png_of_the_measured_values(tmp_path):
    results = measure(["ReLU", "GELU"], depth=12, width=128)
    path = tmp_path / "moments.png"
    figure = draw(results, str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plotted = {line.get_label(): list(line.get_ydata()) for line in figure.axes[0].lines}
    for activation, series in results.items():
        for label, values in series.items():
            assert plotted[f"{activation}, {label}"] == values
    # What the picture claims: the default loses the signal, initlint's init keeps it.
    relu = results["ReLU"]
    assert relu["torch default"][-1] / relu["torch default"][0] < 1e-6
    assert 0.3 < relu["initlint"][-1] / relu["initlint"][0] < 3


def test_explain_plot_from_the_command_line(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "plot.png"
    result = subprocess.run(
        [sys.executable, "-m", "initlint", "explain", "--plot", str(path), "--activations", "ReLU"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert path.read_bytes()[:4] == b"\x89PNG"
    bad = subprocess.run(
        [sys.executable, "-m", "initlint", "explain", "--plot", str(path), "--activations", "Softmax"],
        capture_output=True, text=True, timeout=300,
    )
    assert bad.returncode == 2 and "not a checked torch activation: Softmax" in bad.stderr
