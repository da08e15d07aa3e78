"""``initlint.audit``: the runtime check on self-written models (fixtures/audit/models.py)."""

import math
import os

import pytest

import torch  # noqa: E402

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES
from torch import nn  # noqa: E402

from audit_models import MODELS_PATH, load_models, marks  # noqa: E402
from torch_measure import expected_gain, weight_gain  # noqa: E402

import initlint  # noqa: E402
from initlint.audit import advice, build  # noqa: E402
from initlint.audit.state import CHANGED, DEFAULT, TOO_SMALL, init_state  # noqa: E402
from initlint.catalog import LAYERS  # noqa: E402

models = load_models()
X = torch.randn(8, models.DIM, generator=torch.Generator().manual_seed(3))


@pytest.fixture(scope="module")
def report():
    return initlint.audit(models.AllCases, X)


def _row(report, line):
    location = f"{os.path.abspath(MODELS_PATH)}:{line}"
    return next(row for row in report.rows if row.location == location)


def _row_of(report, path):
    return next(row for row in report.rows if path in row.paths)


def _line_of(text):
    lines = MODELS_PATH.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_every_marked_site_is_found_and_classified_as_marked(report):
    expected = marks()
    assert len(expected) >= 15
    found = {int(row.location.rsplit(":", 1)[1]): row.static for row in report.rows}
    assert found == expected


def test_flagged_sites_are_the_ones_marked_flagged_by_the_runtime(report):
    flagged = {int(row.location.rsplit(":", 1)[1]) for row in report.flagged}
    assert flagged == {line for line, verdict in marks().items() if verdict in ("both", "runtime only")}


def test_what_follows_each_layer(report):
    follows = {line: _row(report, line).follows() for line in marks()}
    assert follows[_line_of("self.conv = nn.Conv2d")] == "BatchNorm2d, norm -> ReLU"
    assert _row_of(report, "cases.2.fc").follows() == "LayerNorm, norm -> GELU"
    assert follows[_line_of("self.layers = nn.ModuleList")] == "ReLU (x3); output (x1)"
    assert _row(report, _line_of("self.gate = nn.Linear")).follows() == "SiLU, mul"
    assert _row(report, _line_of("self.aux = nn.Linear")).follows() == "not reached"
    # In place: the tensor ReLU(inplace=True) returns is its result, not the layer's output.
    assert _row_of(report, "cases.10.net.0").follows() == "ReLU"
    # A Tanh whose rescaled result is the model's output is a head, as in the linter.
    assert _row_of(report, "cases.11.action").follows() == "Tanh (head)"
    residual = [r for r in report.rows if "residual add" in r.follows()]
    assert len(residual) == 1 and not residual[0].flagged


def test_activation_parameters_reach_the_recommendation(report):
    calls = {v.run.paths[0]: v.call for v in report.verdicts if v.flagged}
    assert calls["cases.0.net.5"] == (
        'torch.nn.init.kaiming_uniform_(model.cases[0].net[5].weight, a=0.2, nonlinearity="leaky_relu")'
    )
    assert calls["cases.1.fc3"].endswith('a=0.1, nonlinearity="leaky_relu")')
    gelu = next(v for v in report.verdicts if v.run.paths == ("cases.0.net.2",))
    assert gelu.recommendation.label == "GELU(approximate='tanh')"
    assert calls["cases.1.fc2"].endswith('nonlinearity="tanh")')  # a tensor method: .tanh()


def test_overridden_init_is_seen_as_changed(report):
    row = _row_of(report, "cases.6.fc")
    assert row.location.endswith(f":{_line_of('nn.init.kaiming_uniform_(self.fc.weight') - 1}")
    assert row.follows() == "ReLU" and row.states() == CHANGED and not row.flagged


def test_recommended_init_applied_in_memory_has_the_activations_gain(report):
    """The recommended call, executed: std = gain / sqrt(fan_in) for the activation torch runs."""
    activations = {"ReLU": nn.ReLU(), "LeakyReLU": nn.LeakyReLU(0.2), "Tanh": nn.Tanh(), "GELU": nn.GELU("tanh")}
    checked = 0
    for verdict in report.verdicts:
        if not verdict.flagged or verdict.run.layer.family != "linear":
            continue
        act = activations.get(verdict.use.name)
        if act is None or (verdict.use.name == "LeakyReLU" and verdict.use.params["negative_slope"] != 0.2):
            continue
        weight = torch.empty_like(verdict.run.module.weight)
        advice.apply(verdict.recommendation, weight)
        assert weight_gain(weight) == pytest.approx(expected_gain(act), rel=0.05), verdict.run.paths
        checked += 1
    assert checked >= 5


def test_recommended_init_keeps_the_second_moment_through_a_conv_transpose(report):
    verdict = next(v for v in report.verdicts if v.run.layer.name == "ConvTranspose2d")
    layer = verdict.run.module
    x = torch.relu(torch.randn(64, 4, 16, 16, generator=torch.Generator().manual_seed(5)))
    with torch.no_grad():
        before = torch.relu(layer(x)).pow(2).mean() / x.pow(2).mean()
        # The layer has 256 weights: one draw's moment is off by ~10%; the mean of 20 is the init's.
        torch.manual_seed(0)
        layer.bias.zero_()
        afters = []
        for _ in range(20):
            advice.apply(verdict.recommendation, layer.weight)
            afters.append(torch.relu(layer(x)).pow(2).mean() / x.pow(2).mean())
        after = sum(afters) / len(afters)
    assert before < 0.05 and after == pytest.approx(1.0, rel=0.08)


def test_second_moments_are_measured_through_layer_and_activation(report):
    verdict = next(v for v in report.verdicts if v.run.paths == ("cases.1.fc1",))
    layer, run = verdict.run.module, verdict.run
    assert run.input_moment == pytest.approx(X.pow(2).mean().item(), rel=1e-6)
    with torch.no_grad():
        y = layer(X)
    assert run.output_moment == pytest.approx(y.pow(2).mean().item(), rel=1e-5)
    assert run.activation_moment == pytest.approx(torch.relu(y).pow(2).mean().item(), rel=1e-5)


def test_init_state_bound_and_std_tests():
    linear = LAYERS["torch.nn.Linear"]
    assert init_state(nn.Linear(100, 100), linear).verdict == DEFAULT
    assert init_state(nn.Conv2d(3, 16, 3), LAYERS["torch.nn.Conv2d"]).verdict == DEFAULT
    assert init_state(nn.Bilinear(10, 20, 5), LAYERS["torch.nn.Bilinear"]).verdict == DEFAULT
    relu = nn.Linear(100, 100)
    nn.init.kaiming_uniform_(relu.weight, nonlinearity="relu")
    assert init_state(relu, linear).reason.startswith("max |w|")
    # Inside the bound, but half the spread: the std test catches it.
    narrow = nn.Linear(100, 100)
    nn.init.uniform_(narrow.weight, -0.05, 0.05)
    state = init_state(narrow, linear)
    assert state.verdict == CHANGED and state.reason.startswith("std")
    assert init_state(nn.Linear(4, 4), linear).verdict == TOO_SMALL


def test_sites_are_the_constructor_calls_in_user_code():
    model = build(models.LoopNet)
    report = initlint.audit(model, X, static=False)
    assert [row.location for row in report.rows] == [f"{os.path.abspath(MODELS_PATH)}:{_line_of('nn.ModuleList([nn.Linear')}"]
    assert len(report.rows[0].layers) == 4


def test_a_model_built_without_recording_has_paths_but_no_sites():
    report = initlint.audit(models.FunctionalNet(), X, static=False)
    assert {row.location for row in report.rows} == {"?"} and len(report.rows) == 4
    assert len(report.flagged) == 3


def test_assert_initialised_fails_with_the_offending_sites():
    with pytest.raises(AssertionError) as raised:
        initlint.assert_initialised(models.FunctionalNet, X)
    message = str(raised.value)
    assert message.splitlines()[0] == "3 layer construction site(s) keep torch's default init before an activation:"
    line = _line_of("self.fc1 = nn.Linear")
    assert (
        f"{os.path.abspath(MODELS_PATH)}:{line}: Linear fc1 followed by ReLU: "
        'add torch.nn.init.kaiming_uniform_(model.fc1.weight, nonlinearity="relu")'
    ) in message


def test_assert_initialised_passes_on_an_initialised_model():
    report = initlint.assert_initialised(models.initialised, X)
    assert report.ok and len(report.rows) == 3


def test_json_form(report):
    data = report.as_dict()
    assert data["flagged"] == len(report.flagged)
    assert data["static"] == {"both": 11, "runtime only": 2, "static only": 1, "static only, not built": 0}
    registry = next(s for s in data["sites"] if s["site"].endswith(f":{_line_of('LAYER_KINDS[kind](*args)')}"))
    assert registry["static"] == "runtime only" and registry["flagged"]
    assert math.isclose(registry["layer_ratio"], registry["output_moment"] / registry["input_moment"])


def test_the_comparison_takes_the_static_analysis_settings():
    """File by file (no repository index) the fixture gives the same verdicts; with INI001 ignored
    the static analysis reports nothing, so every flagged site is runtime only."""
    from initlint.audit.compare import compare

    report = initlint.audit(models.AllCases, X, static=False)
    compare(report, {"repository": False})
    by_line = {int(row.location.rsplit(":", 1)[1]): row.static for row in report.rows}
    assert by_line == marks()
    for row in report.rows:
        row.static = row.static_note = ""
    compare(report, {"ignore": ("INI001",)})
    assert {row.static for row in report.rows} == {"runtime only", ""}
    assert sum(row.static == "runtime only" for row in report.rows) == len(report.flagged)
