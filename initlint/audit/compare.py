"""The runtime's verdicts beside the static analysis of the files the layers were built in.

initlint's own check (runner.check_file, the same findings as flake8 and the CLI) runs on each
file holding a construction site; its INI001 findings are matched to sites by path and line.
- both: the runtime flags the site and the static analysis reports it;
- runtime only: the runtime flags it, the static analysis does not (a string registry, a config,
  ``getattr`` dispatch: what is only known once the model is built);
- static only: the static analysis reports a site the runtime does not flag: the forward pass
  never reached it, or they disagree (the note says what the runtime saw);
- findings in those files on lines where this model built no layer are counted apart.
"""

from __future__ import annotations

import os
from typing import Dict, List, Mapping, Optional, Tuple

from ..config import Configs
from ..runner import check_file, gather
from .report import AuditReport

INI001 = "INI001"


Position = Tuple[str, int, int]  # path, line, 0-based column


def static_findings(
    paths: List[str], overrides: Optional[Mapping[str, object]] = None
) -> Tuple[Dict[Position, str], List[str]]:
    """``{(path, line, col): message}`` of the INI001 findings in ``paths`` (each file's settings as
    ``initlint check`` reads them, ``overrides`` on top), and one error line per bad file."""
    files, bad = gather(paths, Configs(overrides))
    findings: Dict[Position, str] = {}
    errors = [f"{r.path}: {r.error}" for r in bad]
    for path, settings in files:
        result = check_file(path, settings)
        if result.error:
            errors.append(f"{path}: {result.error}")
        for finding in result.findings:
            if finding.code == INI001:
                findings[(os.path.abspath(path), finding.line, finding.col)] = finding.message
    return findings, errors


def _key(location: str) -> Tuple[str, int]:
    path, _, line = location.rpartition(":")
    return path, int(line)


def compare(report: AuditReport, overrides: Optional[Mapping[str, object]] = None) -> List[str]:
    """Fill in each row's ``static`` verdict; returns the files the static analysis could not read.
    ``overrides``: settings for the static analysis (``{"repository": False}``: each file alone)."""
    rows = [row for row in report.rows if row.location != "?" and _key(row.location)[0].endswith(".py")]
    paths = sorted({_key(row.location)[0] for row in rows if os.path.isfile(_key(row.location)[0])})
    findings, errors = static_findings(paths, overrides)
    seen = set()
    for row in rows:
        path, line = _key(row.location)
        # Matched by column too where Python gives it (several layers on one line), else by line.
        keys = [k for k in findings if k[:2] == (path, line) and (row.col is None or k[2] == row.col)]
        static = findings[keys[0]] if keys else None
        seen.update(keys)
        if row.flagged:
            row.static = "both" if static else "runtime only"
            if not static:
                row.static_note = "the static analysis does not see this activation or layer"
        elif static:
            row.static = "static only"
            if not row.reached:
                row.static_note = "the forward pass never reached it"
            else:
                states = row.states()
                row.static_note = f"disagreement: the runtime sees {row.follows()}; init: {states}"
    report.static_not_built = sorted(
        (path, line, message) for (path, line, _), message in findings.items() if (path, line, _) not in seen
    )
    return errors
