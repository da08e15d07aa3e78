"""The audit's result: one row per construction site, as text or JSON."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..recommend import Recommendation
from ..settings import Settings
from .advice import advice, flagged_use, rendered
from .follow import LayerRun
from .ops import Use
from .state import InitState, init_state


@dataclass(frozen=True)
class LayerVerdict:
    """One layer: how it was used, its init, and (when flagged) the call that fixes it."""

    run: LayerRun
    state: InitState
    use: Optional[Use]  # the checked activation it feeds, if any
    recommendation: Optional[Recommendation]
    call: str = ""  # the recommended call, rendered on the layer's path

    @property
    def flagged(self) -> bool:
        """Keeps torch's default init before a checked activation."""
        return self.use is not None and self.state.is_default


def judge(run: LayerRun, settings: Settings) -> LayerVerdict:
    state = init_state(run.module, run.layer)
    use = flagged_use(run, settings)
    rec = advice(run, use, settings) if use is not None else None
    return LayerVerdict(run, state, use, rec, rendered(run, rec) if rec is not None else "")


def _ratio(top: Optional[float], bottom: Optional[float]) -> Optional[float]:
    if top is None or not bottom:
        return None
    return top / bottom


@dataclass
class SiteRow:
    """A construction site (file:line) and every layer built there; or one layer with no known site."""

    location: str  # "path:line", or "?" when the model was not built under recording()
    col: Optional[int] = None  # 0-based, where known: several constructor calls on one line
    layers: List[LayerVerdict] = field(default_factory=list)
    static: str = ""  # comparison with the static analysis: "both", "runtime only", "static only", ""
    static_note: str = ""

    @property
    def flagged(self) -> List[LayerVerdict]:
        return [v for v in self.layers if v.flagged]

    @property
    def reached(self) -> bool:
        return any(v.run.reached for v in self.layers)

    @property
    def paths(self) -> List[str]:
        return [p for v in self.layers for p in v.run.paths]

    def follows(self) -> str:
        """What the layers' outputs went into, with counts when they differ (a loop's last layer)."""
        counts: Dict[str, int] = {}
        for verdict in self.layers:
            run = verdict.run
            described = [c.describe() + (" (head)" if c.use in run.heads else "") for c in run.consumers]
            text = ", ".join(described) if run.reached else "not reached"
            counts[text] = counts.get(text, 0) + 1
        if len(counts) == 1:
            return next(iter(counts))
        return "; ".join(f"{text} (x{n})" for text, n in counts.items())

    def states(self) -> str:
        counts: Dict[str, int] = {}
        for verdict in self.layers:
            counts[verdict.state.verdict] = counts.get(verdict.state.verdict, 0) + 1
        if len(counts) == 1:
            return next(iter(counts))
        return ", ".join(f"{state} (x{n})" for state, n in counts.items())

    def first_reached(self) -> Optional[LayerVerdict]:
        reached = [v for v in self.layers if v.run.reached]
        return min(reached, key=lambda v: v.run.order) if reached else None

    def as_dict(self) -> dict:
        first = self.first_reached()
        flagged = self.flagged
        return {
            "site": self.location,
            "paths": self.paths,
            "layer": self.layers[0].run.layer.name,
            "follows": self.follows(),
            "init": self.states(),
            "flagged": bool(flagged),
            "flagged_paths": [p for v in flagged for p in v.run.paths],
            "input_moment": first.run.input_moment if first else None,
            "output_moment": first.run.output_moment if first else None,
            "layer_ratio": _ratio(first.run.output_moment, first.run.input_moment) if first else None,
            "activation_ratio": _ratio(first.run.activation_moment, first.run.input_moment) if first else None,
            "recommended": flagged[0].call if flagged else "",
            "note": flagged[0].recommendation.note if flagged else "",
            "static": self.static,
            "static_note": self.static_note,
        }


@dataclass
class AuditReport:
    rows: List[SiteRow]
    verdicts: List[LayerVerdict]
    settings: Settings
    static_not_built: List[Tuple[str, int, str]] = field(default_factory=list)  # static findings: no layer built

    @property
    def flagged(self) -> List[SiteRow]:
        return [row for row in self.rows if row.flagged]

    @property
    def ok(self) -> bool:
        return not self.flagged

    def compared(self) -> bool:
        return any(row.static for row in self.rows)

    def counts(self) -> Dict[str, int]:
        counts = {"both": 0, "runtime only": 0, "static only": 0}
        for row in self.rows:
            if row.static in counts:
                counts[row.static] += 1
        counts["static only, not built"] = len(self.static_not_built)
        return counts

    def as_dict(self) -> dict:
        data = {"sites": [row.as_dict() for row in self.rows], "flagged": len(self.flagged)}
        if self.compared() or self.static_not_built:
            data["static"] = self.counts()
            data["static_not_built"] = [
                {"site": f"{path}:{line}", "message": message} for path, line, message in self.static_not_built
            ]
        return data

    def text(self, root: Optional[str] = None) -> str:
        lines = []
        for row in self.rows:
            data = row.as_dict()
            location = _short(row.location, root)
            paths = ", ".join(data["paths"][:3]) + (f", ... ({len(data['paths'])})" if len(data["paths"]) > 3 else "")
            head = "FLAG" if data["flagged"] else "ok  "
            line = f"{head} {location}  {data['layer']} [{paths}] -> {data['follows']}; init: {data['init']}"
            moments = []
            if data["layer_ratio"] is not None:
                moments.append(f"E[y²]/E[x²] {data['layer_ratio']:.3g}")
            if data["activation_ratio"] is not None:
                moments.append(f"through the activation {data['activation_ratio']:.3g}")
            if moments:
                line += "; " + ", ".join(moments)
            if data["recommended"]:
                line += f"\n     add: {data['recommended']}" + (f" ({data['note']})" if data["note"] else "")
            if row.static:
                line += f"\n     static analysis: {row.static}" + (f" ({row.static_note})" if row.static_note else "")
            lines.append(line)
        flagged = self.flagged
        lines.append(
            f"{len(flagged)} of {len(self.rows)} construction sites keep torch's default init before an activation"
        )
        if self.compared() or self.static_not_built:
            counts = self.counts()
            lines.append(
                f"static analysis of the same files: {counts['both']} both flag, {counts['runtime only']} runtime only, "
                f"{counts['static only']} static only, {counts['static only, not built']} static findings on layers "
                "this model did not build"
            )
        return "\n".join(lines) + "\n"

    def failure_message(self) -> str:
        lines = [f"{len(self.flagged)} layer construction site(s) keep torch's default init before an activation:"]
        for row in self.flagged:
            verdict = row.flagged[0]
            paths = [p for v in row.flagged for p in v.run.paths]
            lines.append(
                f"  {row.location}: {verdict.run.layer.name} {', '.join(paths)} followed by "
                f"{verdict.recommendation.label}: add {verdict.call}"
            )
        return "\n".join(lines)


def _short(location: str, root: Optional[str]) -> str:
    if root and location.startswith(root + os.sep):
        return location[len(root) + 1:]
    return location


def build_report(runs: List[LayerRun], settings: Settings) -> AuditReport:
    verdicts = [judge(run, settings) for run in runs]
    rows: Dict[tuple, SiteRow] = {}
    for verdict in verdicts:
        site = verdict.run.site
        key = (site.path, site.line, site.col) if site is not None else ("?", verdict.run.paths[0])
        if key not in rows:
            rows[key] = SiteRow(site.location if site is not None else "?", col=site.col if site is not None else None)
        rows[key].layers.append(verdict)

    # In forward order; the sites the forward pass never reached last.
    def order(row: SiteRow) -> Tuple[bool, int]:
        first = row.first_reached()
        return (first is None, first.run.order if first is not None else 0)

    ordered = sorted(rows.values(), key=order)
    return AuditReport(ordered, verdicts, settings)
