"""``initlint explain PATH:LINE``: for each layer constructed on that line, what the analysis
concluded and from where: what follows it, what initialises it (or why nothing counts), the
verdict. The same analysis and the same rule as ``check``: only the telling is added here."""

from __future__ import annotations

import os
from typing import List, Optional

from .analysis import SourceError, context, parse
from .files import FileError, python_tree, read
from .index import FileIndex, index_for
from .noqa import file_exempt, suppresses
from .positions import physical_lines, start_positions
from .prefilter import may_report, may_report_with_index
from .rules import BY_CODE
from .settings import Settings


def explain_line(path: str, line: int, settings: Settings) -> List[str]:
    """The lines of the explanation; FileError or SourceError when the file cannot be read."""
    source = read(path)
    index = index_for(path, settings) or FileIndex.alone(settings)
    index.use_text(source, python_tree(source))
    shown = os.path.relpath(path)
    if not may_report(source, settings) and not (may_report_with_index(source, settings) and index.needed()):
        return [f"{shown}:{line}: not analysed: the text names no torch layer with a checked activation or init call"]
    module = parse(source)
    ctx = context(module, settings, path, index)
    if isinstance(ctx, str):
        return [f"{shown}:{line}: not analysed: {ctx}"]
    nodes = [site.call for site in ctx.facts.sites]
    nodes += [follow.use.node for follow in ctx.follows if follow.use.node is not None]
    positions = start_positions(module, nodes)
    here = [site for site in ctx.facts.sites if positions[id(site.call)][0] == line]
    if not here:
        return [f"{shown}:{line}: no torch Linear/Conv layer is constructed on this line"]
    rule = BY_CODE["INI001"]
    out = []
    for site in here:
        row, col = positions[id(site.call)]
        out.append(f"{shown}:{row}:{col + 1}: {site.layer.name}")
        follows = [f for f in ctx.follows if f.site is site]
        for follow in follows:
            at = positions.get(id(follow.use.node), (0, 0))[0]
            note = _unchecked(ctx, follow)
            out.append(f"  followed by {follow.use.activation.name} at line {at}" + (f" ({note})" if note else ""))
        verdict = rule.verdict(ctx, site)
        if verdict.follow is None:
            out.append("  verdict: not reported: " + ("no activation the policy checks follows it" if follows else "nothing the analysis follows reaches an activation"))
            continue
        if verdict.silenced_by:
            where = f" ({index.where(verdict.reason)})" if verdict.reason else ""
            out.append(f"  silenced by: {verdict.silenced_by}{where}")
            out.append("  verdict: not reported")
            continue
        out.append(f"  silenced by: nothing: {index.gap(ctx.block_of(site), site.layer.name)}")
        out.append("  verdict: " + _noqa_verdict(module.code, row))
    return out


def _noqa_verdict(code: str, row: int) -> str:
    """INI001, unless a ``# noqa`` hides it as check and flake8 would."""
    lines = physical_lines(code)
    if file_exempt(lines):
        return "INI001, not shown: the file has `# flake8: noqa`"
    if row <= len(lines) and suppresses(lines[row - 1], "INI001"):
        return f"INI001, not shown: `# noqa` on line {row}"
    return "reported as INI001"


def _unchecked(ctx, follow) -> Optional[str]:
    """Why the policy does not check this follow, or None."""
    if ctx.policy_checks(follow):
        return None
    if follow.head:
        return "an output head: not checked"
    if follow.via_norm:
        return "through a norm layer: not checked by default"
    return f"{follow.use.activation.role} activation: not checked"


def explain_location(target: str, settings: Settings) -> int:
    import sys

    path, _, line = target.rpartition(":")
    if not path or not line.isdigit():
        sys.stderr.write(f"initlint: error: {target!r}: expected PATH:LINE\n")
        return 2
    try:
        lines = explain_line(path, int(line), settings)
    except (FileError, SourceError) as error:
        sys.stderr.write(f"initlint: error: {path}: {error}\n")
        return 2
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
