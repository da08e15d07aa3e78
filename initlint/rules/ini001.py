"""INI001: a layer followed by an activation keeps torch's default init."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from ..facts.collect import overridden
from ..facts.model import Follow, LayerSite
from ..findings import Report
from ..index import Reason
from ..recommend import recommend
from .base import Context, Rule


@dataclass
class Verdict:
    site: LayerSite
    follow: Optional[Follow]  # the activation the policy checks after it; None: nothing to report
    silenced_by: str = ""  # what initialises it, in words
    reason: Optional[Reason] = None  # where, when the repository index found it

    @property
    def reported(self) -> bool:
        return self.follow is not None and not self.silenced_by


class DefaultInitBeforeActivation(Rule):
    code = "INI001"
    name = "default-init-before-activation"
    summary = "Linear/Conv layer followed by an activation keeps torch's default init"
    what = (
        "Reports an `nn.Linear`, `nn.Bilinear`, `nn.Conv*` or `nn.ConvTranspose*` layer whose output goes "
        "straight into an activation (next in an `nn.Sequential`, or through `forward`) while nothing in "
        "the file sets its weight explicitly. The message names the `torch.nn.init` call that matches the "
        "activation; an activation squared at once (`torch.relu(h).square()`, `relu(h) ** 2`) is judged as "
        "that function (ReLUSquared, gain sqrt(2/3)). Heads are not reported: a Tanh ending a Sequential or "
        "reaching forward's return through arithmetic only (`self.max_action * torch.tanh(...)`, a GRU or "
        "LSTM cell's gated candidate `(1 - z) * h + z * torch.tanh(...)`), and a Softplus in those places, "
        "making a positive output (`F.softplus(self.scale(h)) + eps` returned as a distribution's scale), "
        "as is any activation whose result plus a positive constant is returned (`self.act(self.sigma(h)) + "
        "1e-8`; the same module applied to a hidden layer still follows that one). "
        "Gates are not hidden activations: a Sigmoid whose result multiplies another value, and a gated "
        "unit made of one layer's two halves (`a, g = self.proj(x).chunk(2, -1); a * F.silu(g)`). A SiLU "
        "or GELU on one layer's output that then multiplies another layer's output "
        "(`self.w2(F.silu(self.w1(x)) * self.w3(x))`) is followed: `w1` sets the activation's operating "
        "range and is reported, `w3` is not. "
        "Init evidence counts wherever in the repository it "
        "is written, for the instances it reaches, when it runs by default (not under `if weight_std is not "
        "None:` with `weight_std=None`): the class's own methods and its ancestors' in any file "
        "(a type dispatch, a `self.modules()` loop, `self.apply(fn)` with an init function from any file), "
        "the classes and functions that build it, and scripts that build the model and apply an init to it "
        "(`generator.apply(weights_init)`); a HuggingFace-style model whose `__init__` calls `post_init()` "
        "initialises every module it builds, from any file. A conv-norm-act block's fused inference path "
        "(`fuseforward`, `forward_fuse`) runs only after the norm is folded into the weight: not followed. "
        "A class every builder of which is covered is not reported; one "
        "nothing in the repository builds keeps its finding. `initlint explain PATH:LINE` says what was "
        "concluded and from where."
    )
    why = (
        "torch initialises these layers with `kaiming_uniform_(w, a=math.sqrt(5))`: gain 1/sqrt(3), weight "
        "variance 1/(3*fan_in). That is the old U(-1/sqrt(fan_in), 1/sqrt(fan_in)) scheme, not a "
        "recommendation. Before a ReLU, He initialisation wants 2/fan_in, six times more: through plain "
        "layers the signal's second moment shrinks about six-fold per layer (a 50-layer ReLU MLP ends near "
        "1e-39 of where it started). The gain that keeps it is 1/sqrt(E[f(z)^2]) for the activation f."
    )
    fix = (
        "`initlint fix` inserts the matching call right after the statement that binds the layer, naming "
        "the layer as the code does (`self.fc.weight`, `self.net[0].weight`); an unnamed layer is bound to "
        "a local first, and the message, naming no variable the code does not have, says so in words "
        "(`bind the Sequential returned here to a name, then init its item 0 with ...`). The items a "
        "comprehension builds into a named container get a loop right after it (`for block in self.blocks: "
        "...(block[0].weight, ...)`, over `self.layers[:-1]` when the forward leaves the last one out). "
        "When the class's `reset_parameters()` resets its layers, the init goes at its end too (only there "
        "when `__init__` calls it after building the layer). Activations torch has a `nonlinearity` for get "
        "the plain kaiming call (always with `a=` for leaky ones: `\"leaky_relu\"` without `a` means slope "
        "0); the others (GELU, SiLU, ...) get a unit-gain kaiming call scaled by the exact gain. A Lazy "
        "layer's init goes in a forward pre-hook that materialises it first (a module-level `def "
        "init_encoder_fc(module, args): ...`, registered with `prepend=True`); a layer bound as `X if cond else None` is inited under "
        "`if X is not None:`. Layers built in lambdas, other conditional expressions or comprehensions "
        "nothing names, and activations with non-constant parameters are reported without an automatic edit."
    )
    settings = (
        ("norm_in_between", "also report a layer whose output reaches the activation through a norm layer"),
        ("gates", "also report layers followed by Sigmoid, Hardsigmoid, LogSigmoid or GLU"),
        ("distribution", "uniform (default) or normal: kaiming_uniform_ or kaiming_normal_"),
        ("mode", "fan_in (default) or fan_out"),
        ("bias", "keep (default) or zeros: also zero the layer's bias"),
        ("gain", "exact (default) or torch: nearest torch nonlinearity where torch has no exact one"),
        ("repository", "true (default) or false: judge each file alone, without the repository's other files"),
    )
    valid = (
        # Explicitly initialised.
        "import torch.nn as nn\n"
        "\n"
        "class MLP(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(512, 512)\n"
        "        nn.init.kaiming_uniform_(self.fc.weight, nonlinearity=\"relu\")\n"
        "\n"
        "    def forward(self, x):\n"
        "        return nn.functional.relu(self.fc(x))\n",
        # A norm layer in between makes the forward signal independent of the weight scale.
        "from torch import nn\n"
        "\n"
        "block = nn.Sequential(nn.Conv2d(3, 64, 3), nn.BatchNorm2d(64), nn.ReLU())\n",
        # Output layers are not followed by a hidden activation.
        "from torch import nn\n"
        "\n"
        "head = nn.Sequential(nn.Linear(512, 10), nn.Softmax(dim=-1))\n",
    )
    invalid = (
        "import torch.nn as nn\n"
        "\n"
        "class MLP(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(512, 512)  # expect: INI001\n"
        "\n"
        "    def forward(self, x):\n"
        "        return nn.functional.relu(self.fc(x))\n",
        "from torch import nn\n"
        "\n"
        "net = nn.Sequential(\n"
        "    nn.Linear(784, 256),  # expect: INI001\n"
        "    nn.LeakyReLU(0.2),\n"
        "    nn.Linear(256, 10),\n"
        ")\n",
    )

    def verdict(self, ctx: Context, site: LayerSite) -> Verdict:
        """What the analysis concludes about one layer, and from what (``initlint explain``)."""
        follow = ctx.activation_after(site)
        if follow is None:
            return Verdict(site, None)
        written = overridden(ctx.facts, site)
        if written:
            return Verdict(site, follow, written)
        replaced = ctx.placeholder(site)
        if replaced is not None:
            return Verdict(site, follow, replaced.text, replaced)
        reason = ctx.initialised_elsewhere(site)
        return Verdict(site, follow, reason.text if reason else "", reason)

    def check(self, ctx: Context) -> Iterator[Report]:
        for site in ctx.facts.sites:
            verdict = self.verdict(ctx, site)
            if not verdict.reported:
                continue
            follow = verdict.follow
            use = follow.use
            rec = recommend(use, ctx.settings, site)
            plan = ctx.planner.plan(site, rec, use, follow.all_but_last, follow.unfixed)
            message = (
                f"{self.code} {site.layer.name} followed by {rec.label} keeps torch's default init "
                f"({self._mismatch(site, rec)}): {plan.advice}"
            )
            note = plan.note or rec.note
            if note:
                message += f" ({note})"
            if plan.guarded_for:
                message += f" ({plan.guarded_for})"
            if plan.reason:
                message += f" (not auto-fixed: {plan.reason})"
            yield Report(
                self.code, site.call, message, site.layer.name, rec.label, plan.suggestion, plan.reason, plan.edit
            )

    @staticmethod
    def _mismatch(site, rec) -> str:
        if site.layer.family == "bilinear":
            # Bilinear's default bound is 1/sqrt(in1_features): it ignores in2_features entirely.
            return "scaled by in1_features only, not in1_features * in2_features"
        return f"{rec.default_shortfall:.1f}x too little weight variance"
