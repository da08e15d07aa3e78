"""``initlint audit --plot``: the second moment of each weight layer's output along the forward
pass, as the model was built and with initlint's recommended inits applied in memory.

The second model is a deep copy of the first with each flagged layer's weight re-drawn by the
very call the report recommends (advice.apply); the source is not touched. Both are measured by
the same forward pass (follow), on the same inputs.
"""

from __future__ import annotations

import copy
from typing import Dict, List, Tuple

import torch

from ..plot import draw
from .advice import apply
from .follow import LayerRun, follow
from .report import AuditReport

AS_BUILT, INITLINT = "as built", "initlint's init"


def _in_order(runs: List[LayerRun]) -> List[LayerRun]:
    return sorted((run for run in runs if run.reached and run.output_moment is not None), key=lambda r: r.order)


def with_recommended_inits(model: torch.nn.Module, report: AuditReport, seed: int = 0) -> torch.nn.Module:
    """A copy of ``model`` whose flagged layers carry the recommended init."""
    fixed = copy.deepcopy(model)
    torch.manual_seed(seed)
    for verdict in report.verdicts:
        if verdict.flagged:
            path = verdict.run.paths[0]
            apply(verdict.recommendation, fixed.get_submodule("" if path == "(model)" else path).weight)
    return fixed


def measure(model: torch.nn.Module, inputs: Tuple[object, ...], report: AuditReport) -> Dict[str, List[float]]:
    """``{"as built": [...], "initlint's init": [...]}``: E[y²] of each reached layer, in forward order."""
    built = [run.output_moment for run in _in_order([v.run for v in report.verdicts])]
    fixed_runs, _ = follow(with_recommended_inits(model, report), inputs)
    return {AS_BUILT: built, INITLINT: [run.output_moment for run in _in_order(fixed_runs)]}


def plot(model: torch.nn.Module, inputs: Tuple[object, ...], report: AuditReport, path: str, name: str):
    """Write the PNG; returns the figure and the plotted series."""
    series = measure(model, inputs, report)
    flagged = sum(len(row.flagged) for row in report.flagged)
    title = f"{name}: E[y²] per weight layer, as built vs initlint's init on the {flagged} flagged layer(s)"
    return draw({name: series}, path, title=title, xlabel="weight layer, in forward order"), series
