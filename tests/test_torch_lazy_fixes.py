"""Built with torch: a Lazy layer's fix (its init in a forward pre-hook, initlint/lazyhook.py)
gives it std = gain / sqrt(fan_in) at its first forward, once, in copies too; and a layer bound as
``X if cond else None`` builds both ways."""

import copy
import math

import pytest

import torch

pytestmark = pytest.mark.torch  # tests/conftest.py: TORCH_MODULES
from torch import nn  # noqa: E402

from fixtures_fix import CASES, fixed_path  # noqa: E402
from torch_measure import expected_gain, fans, load, weight_gain  # noqa: E402

LAZY = [c for c in CASES if b"\nEXPECT_AFTER_FORWARD = " in c.read_bytes()]
DEFAULT_GAIN = 1 / math.sqrt(3)
PLAIN = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def _built(source: bytes, name: str):
    """The fixture's namespace and its model, seeded, before any forward."""
    torch.manual_seed(0)
    namespace = load(source, name)
    return namespace, namespace["build"]()


def _weights(model) -> dict:
    return {key: value.detach().clone() for key, value in model.state_dict().items()}


def _assert_fixed(model, expect: dict) -> None:
    for path, act in expect.items():
        layer = model.get_submodule(path)
        assert type(layer) in PLAIN, (path, type(layer))  # torch's lazy hook ran after ours
        assert layer.weight.numel() >= 10_000  # enough samples for a 3% tolerance
        assert weight_gain(layer.weight) == pytest.approx(expected_gain(act), rel=0.03), path


def test_there_is_a_lazy_fixture():
    assert LAZY


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_lazy_layers_get_the_activations_gain_at_their_first_forward(case):
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    namespace["run"](model)
    _assert_fixed(model, namespace["EXPECT_AFTER_FORWARD"])


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_the_bias_keeps_torchs_default(case):
    """initialize_parameters calls reset_parameters, which draws the bias from U(-1/sqrt(fan_in), ...)."""
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    namespace["run"](model)
    for path in namespace["EXPECT_AFTER_FORWARD"]:
        layer = model.get_submodule(path)
        bound = 1 / math.sqrt(fans(layer.weight)[0])
        assert layer.bias.abs().max().item() <= bound, path
        assert layer.bias.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.25), path


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_a_second_forward_changes_no_weight(case):
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    namespace["run"](model)
    first = _weights(model)
    namespace["run"](model)
    second = _weights(model)
    assert first.keys() == second.keys()
    assert all(torch.equal(first[key], second[key]) for key in first)


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_a_copy_made_before_the_first_forward_gets_its_own_init_once(case):
    """torchrl deep-copies networks for target nets: the copy's hook is stateless, so it inits the
    copy at the copy's first forward and never again."""
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    twin = copy.deepcopy(model)
    namespace["run"](model)
    namespace["run"](twin)
    expect = namespace["EXPECT_AFTER_FORWARD"]
    _assert_fixed(twin, expect)
    for path in expect:
        assert not torch.equal(twin.get_submodule(path).weight, model.get_submodule(path).weight), path
    before = _weights(twin)
    namespace["run"](twin)
    assert all(torch.equal(before[key], value) for key, value in _weights(twin).items())


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_a_state_dict_loaded_before_the_first_forward_is_kept(case):
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    namespace["run"](model)
    _, fresh = _built(fixed_path(case).read_bytes(), case.stem)
    fresh.load_state_dict(model.state_dict())
    namespace["run"](fresh)
    loaded = _weights(fresh)
    assert all(torch.equal(loaded[key], value) for key, value in _weights(model).items())


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_unfixed_lazy_layers_keep_torchs_default(case):
    """The same layers before the fix: the tests above can fail."""
    namespace, model = _built(case.read_bytes(), case.stem)
    namespace["run"](model)
    for path in namespace["EXPECT_AFTER_FORWARD"]:
        assert weight_gain(model.get_submodule(path).weight) == pytest.approx(DEFAULT_GAIN, rel=0.03), path


@pytest.mark.parametrize("case", LAZY, ids=[c.stem for c in LAZY])
def test_a_guard_that_is_false_leaves_torchs_default(case):
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    namespace["run"](model)
    assert namespace["UNTOUCHED_AFTER_FORWARD"]
    for path in namespace["UNTOUCHED_AFTER_FORWARD"]:
        layer = model.get_submodule(path)
        assert type(layer) in PLAIN
        assert weight_gain(layer.weight) == pytest.approx(DEFAULT_GAIN, rel=0.03), path


def test_an_init_in_init_would_raise_which_is_why_the_hook():
    """The plain form, an init right after the Lazy layer's construction, fails."""
    layer = nn.LazyLinear(8)
    with pytest.raises(ValueError):
        nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")


def test_a_layer_bound_unless_none_builds_both_ways():
    """``self.pos_bias_mlp = nn.Sequential(...) if rel_pos_bias else None``: built with the setting
    the layer gets its init (tests/test_torch_fixed_models.py checks the gain); without it, the
    fixed model builds and the attribute is None."""
    case = next(c for c in CASES if c.stem == "unless_none")
    namespace, model = _built(fixed_path(case).read_bytes(), case.stem)
    assert model["without"].pos_bias_mlp is None and model["without"].gate is None
    _assert_fixed(model, namespace["EXPECT"])
    assert model["without"](torch.randn(4, 256)).shape == (4, 256)


def test_a_fixed_model_still_pickles_before_and_after_its_first_forward(tmp_path, monkeypatch):
    """The hook is a module-level function: ``torch.save(model)`` (and multiprocessing) pickle it
    by name, as they do the model's class. (A hook nested in ``__init__`` would not pickle.)"""
    import importlib
    import io

    case = next(c for c in LAZY if c.stem == "lazy_layers")
    (tmp_path / "fixed_lazy_layers.py").write_bytes(fixed_path(case).read_bytes())
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("fixed_lazy_layers")
    torch.manual_seed(0)
    model = module.build()
    for when in ("before", "after"):
        buffer = io.BytesIO()
        torch.save(model, buffer)
        buffer.seek(0)
        loaded = torch.load(buffer, weights_only=False)
        if when == "before":
            module.run(model)
            torch.manual_seed(1)
            module.run(loaded)
            _assert_fixed(loaded, module.EXPECT_AFTER_FORWARD)  # the unpickled hook inits the copy
        else:
            module.run(loaded)
            assert all(torch.equal(a, b) for a, b in zip(_weights(model).values(), _weights(loaded).values()))


def test_a_layer_built_as_the_module_runs_is_fixed_at_its_first_forward():
    """``if __name__ == "__main__":``: the hook is defined in the block, before its registration."""
    from initlint.fix import fix_source

    source = (
        b"import torch\nfrom torch import nn\n\n"
        b'if __name__ == "__main__":\n'
        b"    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU())\n"
        b"    net(torch.randn(4, 256))\n"
    )
    fixed, _ = fix_source(source)
    assert fixed != source
    torch.manual_seed(0)
    namespace = {"__name__": "__main__"}
    exec(compile(fixed, "main", "exec"), namespace)
    _assert_fixed(namespace["net"], {"0": nn.ReLU()})
