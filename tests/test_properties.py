"""Property tests: generated programs (hypothesmith) and generated torch models (model_gen).

For every generated source: the analysis raises nothing but SourceError; the fix's output parses
(and compiles when the input did); the fix is idempotent; a source with nothing to fix comes
back byte for byte. For generated models also: every finding names the activation that follows
its layer, and the fixed model, built with torch, gives each fixed layer std = gain/sqrt(fan_in).

Example counts stay modest by default; INITLINT_EXAMPLES=N sets them all to N, and the
``slow`` twins (``-m slow``) run 2000 each unless INITLINT_EXAMPLES says otherwise.
"""

import collections
import functools
import math
import os
import warnings

import libcst as cst
import pytest

import hypothesmith
from hypothesis import HealthCheck, given, settings, strategies as st

import model_gen

from initlint import SourceError, analyze
from initlint.fix import fix_source

# Generated programs may hold code CPython warns about (`1()`, invalid escapes): not our business.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")

_ENV = int(os.environ.get("INITLINT_EXAMPLES", "0"))
SLOW_EXAMPLES = _ENV or 2000

# A flagged model appended to generated programs, so that the fix has something to do in them.
TAIL = "\nimport torch.nn as nn\nnet = nn.Sequential(nn.Linear(2, 2), nn.ReLU())\n"
# Files without "torch" and "Linear"/"Conv" are never parsed: a comment gets programs parsed.
HEAD = "# torch Linear\n"


RAN = collections.Counter()  # examples run, per kind: the long runs print it (pytest -s)


def _examples(default: int) -> dict:
    return dict(
        max_examples=_ENV or default,
        deadline=None,
        database=None,  # no .hypothesis folder in the repository
        suppress_health_check=list(HealthCheck),
    )


def _compiles(source: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<generated>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False


def _edited(analysis) -> bool:
    return any(f.edit is not None and not f.noqa for f in analysis.findings)


def fix_properties(source: bytes):
    """The properties every source must have; the analysis, or None for a SourceError."""
    try:
        analysis = analyze(source)
    except SourceError:
        with pytest.raises(SourceError):  # check and fix agree on what they refuse
            fix_source(source)
        return None
    fixed, fixed_analysis = fix_source(source)
    assert [f.line for f in fixed_analysis.findings] == [f.line for f in analysis.findings]
    if not _edited(analysis):
        assert fixed == source  # nothing to fix: the identical bytes
        return analysis
    assert fixed != source
    cst.parse_module(fixed)  # parses
    if _compiles(source):
        assert _compiles(fixed), fixed.decode("utf-8", "replace")
    again, _ = fix_source(fixed)
    assert again == fixed  # idempotent
    return analysis


def _program_bytes(text: str) -> bytes:
    # Generated text may hold lone surrogates: those bytes are not UTF-8 and must be refused cleanly.
    return text.encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------------ generated programs


def _program_test(strategy, examples, name="grammar"):
    @settings(**examples)
    @given(strategy, st.booleans())
    def run(program, with_finding):
        RAN[f"program ({name})"] += 1
        source = _program_bytes((HEAD + program + TAIL) if with_finding else (HEAD + program))
        analysis = fix_properties(source)
        if with_finding and analysis is not None and _compiles(source):
            assert any(f.code == "INI001" for f in analysis.findings)

    return run


def _program_and_model_test(examples):
    @settings(**examples)
    @given(hypothesmith.from_grammar(), st.data())
    def run(program, data):
        RAN["grammar program + model"] += 1
        generated = _model(data)
        fix_properties(_program_bytes(program + "\n" + generated.source))

    return run


def test_generated_programs_from_the_grammar():
    _program_test(hypothesmith.from_grammar(), _examples(15))()


def test_generated_programs_from_libcst_nodes():
    _program_test(hypothesmith.from_node(), _examples(3), "libcst nodes")()


def test_generated_programs_followed_by_generated_models():
    _program_and_model_test(_examples(5))()


@pytest.mark.slow
def test_generated_programs_long_run():
    examples = dict(_examples(0), max_examples=SLOW_EXAMPLES)
    _program_test(hypothesmith.from_grammar(), examples)()
    nodes = dict(examples, max_examples=max(1, SLOW_EXAMPLES // 10))
    _program_test(hypothesmith.from_node(), nodes, "libcst nodes")()
    _program_and_model_test(dict(examples, max_examples=max(1, SLOW_EXAMPLES // 4)))()
    print("examples run:", dict(RAN))


# -------------------------------------------------------------------------- generated models


def _model(data) -> model_gen.Generated:
    def pick(options):
        return data.draw(st.sampled_from(list(options)))

    return model_gen.model(pick, lambda lo, hi: data.draw(st.integers(lo, hi)))


# The generated models are built and measured with torch (imported by these tests only, marked
# `torch`); the generated programs need no torch.


@functools.lru_cache(maxsize=None)
def _gain(act: model_gen.Act) -> float:
    from torch_measure import expected_gain

    return expected_gain(act.build())


def _tolerance(weights: int, normal: bool) -> float:
    """1% plus five standard errors of a sample std (uniform: 0.45/sqrt(n), normal: 0.71/sqrt(n))."""
    return 0.01 + 5 * (0.71 if normal else 0.45) / math.sqrt(weights)


def _forward_gain(layer) -> float:
    """std(w) * sqrt(fan): for a ConvTranspose, the fan its forward pass sums over,
    in/groups * prod(kernel) / prod(stride) (initlint scales torch's kaiming std to it)."""
    import torch
    from torch_measure import weight_gain

    if isinstance(layer, torch.nn.modules.conv._ConvTransposeNd):
        fan = layer.in_channels / layer.groups * math.prod(layer.kernel_size) / math.prod(layer.stride)
        return layer.weight.detach().std().item() * math.sqrt(fan)
    return weight_gain(layer.weight)


def model_properties(generated: model_gen.Generated) -> int:
    """The fix properties, then torch: the number of fixed layers measured."""
    source = generated.source.encode()
    analysis = fix_properties(source)
    assert analysis is not None, "a generated model must be analysable"
    for finding in analysis.reported:
        assert finding.code == "INI001", finding
        assert finding.line in generated.layers, (finding, generated.source)
        path, follows, _ = generated.layers[finding.line]
        assert follows is not None, f"{path} reported, but nothing follows it:\n{generated.source}"
        assert finding.activation.split("(")[0] == follows.name, (finding, generated.source)
    import torch
    from torch_measure import load

    fixed, _ = fix_source(source)
    torch.manual_seed(0)
    model = load(fixed, "generated")[generated.build]
    count = 0
    for finding in analysis.reported:
        if not finding.fixable:
            continue
        path, follows, weights = generated.layers[finding.line]
        layer = model.get_submodule(path)
        assert layer.weight.numel() == weights
        tolerance = _tolerance(weights, normal=follows.name == "SELU")
        measured = _forward_gain(layer)
        assert measured == pytest.approx(_gain(follows), rel=tolerance), (path, follows, fixed.decode())
        count += 1
    return count


def _model_test(examples):
    @settings(**examples)
    @given(st.data())
    def run(data):
        RAN["model"] += 1
        model_properties(_model(data))

    return run


@pytest.mark.torch
def test_generated_models():
    _model_test(_examples(12))()


@pytest.mark.slow
@pytest.mark.torch
def test_generated_models_long_run():
    _model_test(dict(_examples(0), max_examples=SLOW_EXAMPLES))()
    print("examples run:", dict(RAN))


@pytest.mark.torch
def test_the_model_generator_makes_findings_and_fixes_them():
    """The generator is not vacuous: over a fixed sample, most models get fixed layers measured."""
    import random

    measured = [model_properties(model_gen.from_random(random.Random(seed))) for seed in range(8)]
    assert sum(1 for m in measured if m) >= 4, measured
