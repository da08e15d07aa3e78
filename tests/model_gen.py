"""Generated torch models, for the property tests and the kill test.

Two shapes: an ``nn.Sequential`` stack (positional or ``OrderedDict``, possibly nested) and an
``nn.Module`` class whose ``forward`` is drawn from a small grammar (nested calls, functional
activations, tensor methods, rebinding through dropout and ``view``). Every layer constructor
sits on a line of its own; the generator records, per such line, the layer's path in the built
model and the activation that (by initlint's documented rules) follows it, or None.

The generator draws through two callables, so hypothesis (shrinkable) and ``random.Random``
(the kill test) drive the same code: ``pick(options)`` returns one option, ``count(lo, hi)`` an
int in [lo, hi].
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

Pick = Callable[[Sequence], object]
Count = Callable[[int, int], int]


@dataclass(frozen=True)
class Act:
    name: str  # the class name, as a finding names it
    module: str  # constructor text after the nn prefix
    function: Optional[str] = None  # functional call after the F prefix, with {x}
    method: Optional[str] = None  # tensor method, e.g. "relu"

    def build(self):
        from torch import nn

        return eval("nn." + self.module, {"nn": nn})


ACTS = (
    Act("ReLU", "ReLU()", "relu({x})", "relu"),
    Act("ReLU", "ReLU(inplace=True)", "relu({x}, inplace=True)"),
    Act("ReLU6", "ReLU6()", "relu6({x})"),
    Act("LeakyReLU", "LeakyReLU()", "leaky_relu({x})"),
    Act("LeakyReLU", "LeakyReLU(0.2)", "leaky_relu({x}, 0.2)"),
    Act("LeakyReLU", "LeakyReLU(negative_slope=0.1)", "leaky_relu({x}, negative_slope=0.1)"),
    Act("PReLU", "PReLU()"),
    Act("RReLU", "RReLU()"),
    Act("Tanh", "Tanh()", "tanh({x})", "tanh"),
    Act("SELU", "SELU()", "selu({x})"),
    Act("ELU", "ELU()", "elu({x})"),
    Act("ELU", "ELU(alpha=0.5)", "elu({x}, alpha=0.5)"),
    Act("CELU", "CELU()", "celu({x})"),
    Act("GELU", "GELU()", "gelu({x})"),
    Act("GELU", 'GELU(approximate="tanh")', 'gelu({x}, approximate="tanh")'),
    Act("SiLU", "SiLU()", "silu({x})"),
    Act("Mish", "Mish()", "mish({x})"),
    Act("Hardswish", "Hardswish()", "hardswish({x})"),
    Act("Softplus", "Softplus()", "softplus({x})"),
    Act("Hardtanh", "Hardtanh()", "hardtanh({x})"),
)

# (constructor template, weights per (in, out)); Linear sizes from WIDTHS, conv ones from CHANNELS.
LINEAR = ("Linear({i}, {o})", "Linear({i}, {o}, bias=False)", "Linear(in_features={i}, out_features={o})")
CONV = (
    ("Conv1d({i}, {o}, 5)", 5),
    ("Conv2d({i}, {o}, 3, padding=1)", 9),
    ("Conv2d({i}, {o}, kernel_size=3, stride=2, bias=False)", 9),
    ("Conv3d({i}, {o}, 3)", 27),
    ("ConvTranspose2d({i}, {o}, 4, stride=2)", 16),
)
WIDTHS = (64, 96, 128, 256)
CHANNELS = (32, 64)  # with WIDTHS: every layer has at least 4096 weights
TRANSPARENT = ("Dropout(0.1)", "Identity()", "Dropout(p=0.2)")
NORMS = ("LayerNorm({o})", "BatchNorm1d({o})")

HEADERS = (  # (import lines, nn prefix, functional prefix)
    ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n", "nn.", "F."),
    ("import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n", "nn.", "F."),
    ("import torch\nimport torch.nn as tnn\nimport torch.nn.functional as TF\n", "tnn.", "TF."),
    ("import torch\n", "torch.nn.", "torch.nn.functional."),
)


@dataclass
class Generated:
    source: str
    # line of a layer constructor -> (path in the built model, following activation or None, weights)
    layers: Dict[int, Tuple[str, Optional[Act], int]]
    build: str  # expression that builds the model in the module's namespace


def _layer(pick: Pick) -> Tuple[str, int]:
    if pick((True, False)):
        i, o = pick(WIDTHS), pick(WIDTHS)
        return pick(LINEAR).format(i=i, o=o), i * o
    template, kernel = pick(CONV)
    i, o = pick(CHANNELS), pick(CHANNELS)
    return template.format(i=i, o=o), i * o * kernel


def sequential(pick: Pick, count: Count) -> Generated:
    header, nn, _ = pick(HEADERS)
    named, nested = pick((False, True)), pick((False, True))
    blocks = []  # each block: [(kind, constructor text, weights, activation)]
    for _ in range(count(1, 4)):
        layer, weights = _layer(pick)
        items = [("layer", layer, weights, None)]
        extra = pick(("", "transparent", "norm", "none"))
        if extra == "transparent":
            items.append(("transparent", pick(TRANSPARENT), 0, None))
        elif extra == "norm":
            items.append(("norm", pick(NORMS).format(o=8), 0, None))
        if extra != "none":
            act = pick(ACTS)
            items.append(("act", act.module, 0, act))
        blocks.append(items)
    containers = blocks if nested else [[item for block in blocks for item in block]]
    lines = (["from collections import OrderedDict"] if named else []) + header.splitlines()
    lines += ["", "", f"model = {nn}Sequential("]
    layers: Dict[int, Tuple[str, Optional[Act], int]] = {}
    pending: List[Tuple[int, str, int]] = []  # layers waiting for what follows them

    def settle(act: Optional[Act]) -> None:
        for line, path, weights in pending:
            layers[line] = (path, act, weights)
        pending.clear()

    indent = "        " if nested else "    "
    for c, items in enumerate(containers):
        if nested:
            lines.append(f"    {nn}Sequential(" + ("OrderedDict([" if named else ""))
        elif named:
            lines.append("    OrderedDict([")
        for k, (kind, text, weights, act) in enumerate(items):
            name = f"{kind}{k}"
            path = (f"{c}." if nested else "") + (name if named else str(k))
            lines.append(f'{indent}("{name}", {nn}{text}),' if named else f"{indent}{nn}{text},")
            if kind == "layer":
                settle(None)
                pending.append((len(lines), path, weights))
            elif kind == "norm":
                settle(None)  # not reported by default (norm_in_between is off)
            elif kind == "act":
                settle(act)
        settle(None)
        if nested:
            lines.append("    " + ("]))," if named else "),"))
        elif named:
            lines.append("    ])")
    lines.append(")")
    return Generated("\n".join(lines) + "\n", layers, "model")


FORMS = ("module", "functional", "method", "rebind", "rebind_dropout", "rebind_view", "none")


def module_class(pick: Pick, count: Count) -> Generated:
    header, nn, fn = pick(HEADERS)
    lines = header.splitlines() + ["", "", f"class Model({nn}Module):", "    def __init__(self):", "        super().__init__()"]
    layers: Dict[int, Tuple[str, Optional[Act], int]] = {}
    forward: List[str] = ["", "    def forward(self, x):"]
    uses_dropout = False
    for i in range(count(1, 4)):
        layer, weights = _layer(pick)
        form = pick(FORMS)
        act = pick(ACTS)
        if form == "method" and act.method is None:
            form = "module"
        if form in ("functional", "rebind", "rebind_dropout", "rebind_view") and act.function is None:
            form = "module"
        initialised = pick((False, False, False, True))
        lines.append(f"        self.l{i} = {nn}{layer}")
        line = len(lines)
        follows: Optional[Act] = act
        if form == "module" or (form.startswith("rebind") and pick((True, False))):
            lines.append(f"        self.a{i} = {nn}{act.module}")
            apply = f"self.a{i}(" + "{x})"
        else:
            apply = fn + (act.function or "")
        if initialised:
            lines.append(f"        {nn}init.xavier_uniform_(self.l{i}.weight)")
            follows = None
        call = f"self.l{i}(x)"
        if form == "module":
            forward.append(f"        x = self.a{i}({call})")
        elif form == "functional":
            forward.append("        x = " + apply.format(x=call))
        elif form == "method":
            forward.append(f"        x = {call}.{act.method}()")
        elif form == "none":
            forward.append(f"        x = {call}")
            follows = None
        else:
            forward.append(f"        x = {call}")
            if form == "rebind_dropout":
                forward.append("        x = self.drop(x)")
                uses_dropout = True
            elif form == "rebind_view":
                forward.append("        x = x.view(x.size(0), -1)")
            forward.append("        x = " + apply.format(x="x"))
        layers[line] = (f"l{i}", follows, weights)
    if uses_dropout:
        lines.append(f"        self.drop = {nn}Dropout(0.1)")
    lines += forward + ["        return x", "", "", "model = Model()"]
    return Generated("\n".join(lines) + "\n", layers, "model")


def model(pick: Pick, count: Count) -> Generated:
    return (sequential if pick((True, False)) else module_class)(pick, count)


def from_random(rng: random.Random) -> Generated:
    return model(lambda options: rng.choice(list(options)), rng.randint)
