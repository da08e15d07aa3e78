"""How ``initlint check`` prints findings: text (flake8's format), json, github workflow
annotations, sarif (SARIF 2.1.0, for code scanning). Every format reads the same list."""

from __future__ import annotations

import json
import os
import pathlib
import urllib.parse
from collections import Counter
from typing import List, Mapping, TextIO, Tuple

from . import __version__
from .explain import rule_markdown
from .edits import UNNAMED
from .findings import Finding
from .rules import BY_CODE, RULES
from .runner import FileResult, Replacement

FORMATS = ("text", "json", "github", "sarif")
HOME = "https://pypi.org/project/initlint/"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

Reported = Tuple[FileResult, Finding]  # a finding with the result of its file (path, lines, fixes)

_BOLD, _RED, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[36m", "\033[0m"


def reported(results: List[FileResult]) -> List[Reported]:
    return [(r, f) for r in results for f in r.findings]


def use_colour(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    return not environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


# ------------------------------------------------------------------ text


def _caret(line: str, col: int) -> str:
    # Tabs stay tabs so the caret lines up however the terminal expands them.
    return "".join(c if c == "\t" else " " for c in line[:col]) + "^"


def _text(findings: List[Reported], out: TextIO, colour: bool, show_source: bool) -> None:
    for result, f in findings:
        if colour and f.message.startswith(f.code):
            sep = f"{_CYAN}:{_RESET}"
            where = f"{_BOLD}{result.path}{_RESET}{sep}{f.line}{sep}{f.col + 1}{sep}"
            out.write(f"{where} {_BOLD}{_RED}{f.code}{_RESET}{f.message[len(f.code):]}\n")
        else:  # exactly flake8's line: the message starts with the code
            out.write(f"{result.path}:{f.line}:{f.col + 1}: {f.message}\n")
        line = result.lines.get(f.line)
        if show_source and line is not None:
            out.write(f"{line}\n{_caret(line, f.col)}\n")


# ------------------------------------------------------------------ github


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(findings: List[Reported], out: TextIO) -> None:
    for result, f in findings:
        props = f"file={result.path},line={f.line},col={f.col + 1},title={f.code}"
        out.write(f"::warning {props}::{_github_escape(f.message)}\n")


# ------------------------------------------------------------------ sarif


def _uri(path: str) -> str:
    """A relative path stays relative (code scanning resolves it against the checkout)."""
    if os.path.isabs(path):
        return pathlib.Path(path).as_uri()
    return urllib.parse.quote(path.replace(os.sep, "/"))


def _sarif_rule(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": {"text": rule.fix, "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": "warning"},
    }


def _sarif_fix(uri: str, f: Finding, replacements: Tuple[Replacement, ...]) -> dict:
    return {
        "description": {"text": f.suggestion if f.suggestion.startswith(UNNAMED) else f"add {f.suggestion}"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri},
                "replacements": [
                    {
                        # Whole lines: from column 1 of `start` to column 1 of `end` (empty: an insertion).
                        "deletedRegion": {"startLine": r.start, "startColumn": 1, "endLine": r.end, "endColumn": 1},
                        "insertedContent": {"text": r.text},
                    }
                    for r in replacements
                ],
            }
        ],
    }


def _sarif_result(result: FileResult, f: Finding, rule_index: Mapping[str, int]) -> dict:
    uri = _uri(result.path)
    entry = {
        "ruleId": f.code,
        "level": "warning",
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": f.line, "startColumn": f.col + 1},
                }
            }
        ],
    }
    if f.code in rule_index:
        entry["ruleIndex"] = rule_index[f.code]
    replacements = result.fixes.get(f)
    if replacements:
        entry["fixes"] = [_sarif_fix(uri, f, replacements)]
    return entry


def sarif(findings: List[Reported]) -> dict:
    rule_index = {rule.code: i for i, rule in enumerate(RULES)}
    driver = {
        "name": "initlint",
        "version": __version__,
        "informationUri": HOME,
        "rules": [_sarif_rule(rule) for rule in RULES],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                # libcst counts columns in characters, not SARIF's default UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(result, f, rule_index) for result, f in findings],
            }
        ],
    }


# ------------------------------------------------------------------ front door


def write(
    results: List[FileResult], fmt: str, out: TextIO, *, colour: bool = False, show_source: bool = False
) -> None:
    findings = reported(results)
    if fmt == "json":
        json.dump([f.as_dict(result.path) for result, f in findings], out, indent=2)
        out.write("\n")
    elif fmt == "sarif":
        json.dump(sarif(findings), out, indent=2)
        out.write("\n")
    elif fmt == "github":
        _github(findings, out)
    else:
        _text(findings, out, colour, show_source)


def write_statistics(results: List[FileResult], out: TextIO) -> None:
    """flake8's ``--statistics``: per rule, the count and what the rule is."""
    counts = Counter(f.code for _, f in reported(results))
    for code in sorted(counts):
        rule = BY_CODE.get(code)
        out.write(f"{counts[code]:<5} {code} {rule.summary if rule else ''}".rstrip() + "\n")


def write_errors(results: List[FileResult], err: TextIO) -> None:
    for r in results:
        if r.error:
            err.write(f"{r.path}: error: {r.error}\n")
