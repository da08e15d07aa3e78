"""``initlint audit --plot``: the PNG's lines are the measured second moments, as built and with
initlint's recommended inits applied in memory."""

import pytest

import torch  # noqa: E402

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES

from audit_models import MODELS_PATH, load_models  # noqa: E402

import initlint  # noqa: E402
from initlint.audit import build  # noqa: E402
from initlint.audit.plot import AS_BUILT, INITLINT, plot, with_recommended_inits  # noqa: E402
from initlint.cli import main  # noqa: E402

models = load_models()


def _deep_mlp():
    layers = []
    for _ in range(12):
        layers += [torch.nn.Linear(128, 128), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers, torch.nn.Linear(128, 10))


def test_plot_shows_the_measured_moments(tmp_path):
    model = build(_deep_mlp)
    x = torch.randn(256, 128, generator=torch.Generator().manual_seed(2))
    report = initlint.audit(model, x, static=False)
    path = tmp_path / "audit.png"
    figure, series = plot(model, (x,), report, str(path), "deep MLP")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plotted = {line.get_label(): list(line.get_ydata()) for line in figure.axes[0].lines}
    assert plotted == {f"deep MLP, {AS_BUILT}": series[AS_BUILT], f"deep MLP, {INITLINT}": series[INITLINT]}
    # The "as built" line is what the audit measured, layer by layer in forward order.
    measured = [v.run.output_moment for v in sorted(report.verdicts, key=lambda v: v.run.order)]
    assert series[AS_BUILT] == measured
    # ... and the other is the same model with the recommended inits, measured independently here.
    fixed = with_recommended_inits(model, report)
    moments = []
    for layer in (m for m in fixed.modules() if isinstance(m, torch.nn.Linear)):
        layer.register_forward_hook(lambda _m, _i, out: moments.append(out.double().pow(2).mean().item()))
    with torch.no_grad():
        fixed.eval()(x)
    assert series[INITLINT] == pytest.approx(moments, rel=1e-9)
    # What the picture claims: the default loses the signal; the recommended init keeps it.
    assert series[AS_BUILT][-2] / series[AS_BUILT][0] < 0.05  # bias terms keep a floor
    assert 0.2 < series[INITLINT][-2] / series[INITLINT][0] < 5


def test_recommended_inits_leave_the_model_itself_untouched():
    model = build(_deep_mlp)
    before = [p.detach().clone() for p in model.parameters()]
    report = initlint.audit(model, torch.randn(4, 128), static=False)
    fixed = with_recommended_inits(model, report)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert not torch.equal(fixed[0].weight, model[0].weight) and torch.equal(fixed[-1].weight, model[-1].weight)


def test_plot_from_the_command_line(tmp_path):
    path = tmp_path / "cli.png"
    code = main(["audit", f"{MODELS_PATH}:all_cases", "--input-shape", "8,64", "--no-compare", "--plot", str(path)])
    assert code == 1 and path.read_bytes()[:4] == b"\x89PNG"
