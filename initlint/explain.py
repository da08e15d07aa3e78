"""``initlint explain``: the rules' docs and the gain table, from the one source they live in.

``docs/rules.md`` is this module's ``rules_markdown()``; a test keeps the file in step.
"""

from __future__ import annotations

import argparse
import sys

from .config import Configs
from .catalog import ACTIVATION_LIST, HIDDEN, WRITTEN_OUT
from .facts.model import ActivationUse
from .notebooks import SUFFIX as NOTEBOOK
from .recommend import recommend
from .rules import BY_CODE, RULES, Rule
from .settings import DEFAULT


def rule_markdown(rule: Rule) -> str:
    parts = [
        f"## {rule.code}: {rule.name}",
        rule.summary + ".",
        "### What it does",
        rule.what,
        "### Why",
        rule.why,
        "### Example",
        "```python\n" + rule.invalid[0].rstrip() + "\n```",
        "Not reported:",
        "```python\n" + rule.valid[0].rstrip() + "\n```",
        "### Fix",
        rule.fix,
    ]
    if rule.settings:
        parts += ["### Settings", "\n".join(f"- `{name}`: {text}" for name, text in rule.settings)]
    return "\n\n".join(parts) + "\n"


def gains_markdown() -> str:
    rows = [
        "| activation | init call initlint writes | exact gain | torch default keeps, per layer |",
        "|---|---|---|---|",
    ]
    for activation in (*ACTIVATION_LIST, *WRITTEN_OUT):
        if activation.role != HIDDEN:
            continue
        use = ActivationUse(activation, None, dict(activation.params))
        rec = recommend(use, DEFAULT)
        call = rec.render("nn.init", "w")
        rows.append(f"| {rec.label} | `{call}` | {rec.exact:.4f} | {1 / rec.default_shortfall:.3f} of the variance |")
    return "\n".join(rows) + "\n"


def rules_markdown() -> str:
    head = "# Rules\n\nGenerated from `initlint/rules/` by `initlint explain --markdown`; do not edit by hand.\n"
    return "\n".join([head] + [rule_markdown(rule) for rule in RULES] + ["## Gains\n", gains_markdown()])


def explain(args: argparse.Namespace, configs: Configs) -> int:
    if args.plot:
        return _plot(args.plot, [a.strip() for a in args.activations.split(",") if a.strip()])
    if args.markdown:
        sys.stdout.write(rules_markdown())
        return 0
    if args.gains:
        sys.stdout.write(gains_markdown())
        return 0
    if args.code is not None and ":" in args.code:
        from .why import explain_location

        if f"{NOTEBOOK}:" in args.code:  # `nb.ipynb:5`, `nb.ipynb:cell 2:5`
            notebook = args.code[: args.code.index(f"{NOTEBOOK}:") + len(NOTEBOOK)]
            sys.stderr.write(f"initlint: error: {notebook}: explain PATH:LINE reads .py files only (not notebooks)\n")
            return 2

        return explain_location(args.code, configs.for_file(args.code.rpartition(":")[0]).settings)
    if args.code is None:
        for rule in RULES:
            sys.stdout.write(f"{rule.code}  {rule.summary}\n")
        return 0
    rule = BY_CODE.get(args.code.upper())
    if rule is None:
        sys.stderr.write(f"initlint: error: unknown rule {args.code!r} (known: {', '.join(BY_CODE)})\n")
        return 2
    sys.stdout.write(rule_markdown(rule))
    return 0


def _plot(path: str, activations) -> int:
    from .catalog import ACTIVATIONS
    from .plot import PlotUnavailable, draw, measure

    unknown = [a for a in activations if a not in ACTIVATIONS or ACTIVATIONS[a].role != HIDDEN]
    if unknown or not activations:
        sys.stderr.write(f"initlint: error: --activations: not a checked torch activation: {', '.join(unknown)}\n")
        return 2
    try:
        draw(measure(activations), path)
    except PlotUnavailable as error:
        sys.stderr.write(f"initlint: error: --plot {error}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"initlint: error: {path}: {(error.strerror or str(error)).lower()}\n")
        return 2
    sys.stdout.write(f"{path}: second moment per layer for {', '.join(activations)}\n")
    return 0
