"""A runtime layer and its activation, handed to the linter's own ``recommend``.

``recommend`` reads an ``ActivationUse`` (activation and resolved parameters) and, for a
ConvTranspose's forward fan, a ``LayerSite``'s constructor arguments as syntax: both are built
here from the live modules, so the runtime and the linter give the same advice from one code.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst
import torch

from ..facts.model import ActivationUse, LayerSite
from ..recommend import Recommendation, recommend
from ..settings import Settings
from .follow import LayerRun
from .ops import Use

INIT = "torch.nn.init"


def _site(run: LayerRun) -> LayerSite:
    module = run.module
    args = {}
    for name in ("in_channels", "out_channels", "stride"):
        value = getattr(module, name, None)
        if value is not None:
            args[name] = cst.parse_expression(repr(tuple(value) if isinstance(value, (list, tuple)) else value))
    call = cst.parse_expression(f"nn.{run.layer.name}()")
    return LayerSite(call, None, None, None, False, layer=run.layer, args=args)


def advice(run: LayerRun, use: Use, settings: Settings) -> Recommendation:
    activation_use = ActivationUse(use.activation, cst.Name(use.name), dict(use.params))
    return recommend(activation_use, settings, _site(run))


def weight_expression(path: str, model: str = "model") -> str:
    """``model.net[0].weight`` for the module path ``net.0``."""
    if path == "(model)":
        return f"{model}.weight"
    parts = [f"[{p}]" if p.isdigit() else f".{p}" for p in path.split(".")]
    return model + "".join(parts) + ".weight"


def rendered(run: LayerRun, rec: Recommendation) -> str:
    return rec.render(INIT, weight_expression(run.paths[0]))


def apply(rec: Recommendation, weight: torch.Tensor) -> None:
    """Write the recommended init into ``weight`` in memory: the same call ``rendered`` shows."""
    function = getattr(torch.nn.init, rec.function)
    kwargs = {name: ast.literal_eval(value) for name, value in rec.kwargs}
    with torch.no_grad():
        function(weight, **kwargs)
        if rec.scale is not None:
            weight.mul_(rec.scale)


def flagged_use(run: LayerRun, settings: Settings) -> Optional[Use]:
    """The activation the layer feeds that the linter's policy checks, or None."""
    for consumer in run.consumers:
        use = consumer.use
        if use.kind != "activation" or (consumer.via_norm and not settings.norm_in_between):
            continue
        if use in run.heads:  # its result is the model's output: an output range, not a hidden layer
            continue
        role = use.activation.role
        if role == "hidden" or (role == "gate" and settings.gates):
            if not settings.activations or use.name in settings.activations:
                return use
    return None
