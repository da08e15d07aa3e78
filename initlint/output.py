"""How findings are printed: text (flake8's format), json, github workflow annotations."""

from __future__ import annotations

import json
from typing import List, TextIO

from .runner import FileResult

FORMATS = ("text", "json", "github")


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def write(results: List[FileResult], fmt: str, out: TextIO) -> None:
    findings = [(r.path, f) for r in results for f in r.findings]
    if fmt == "json":
        json.dump([f.as_dict(path) for path, f in findings], out, indent=2)
        out.write("\n")
    elif fmt == "github":
        for path, f in findings:
            props = f"file={path},line={f.line},col={f.col + 1},title={f.code}"
            out.write(f"::warning {props}::{_github_escape(f.message)}\n")
    else:
        for path, f in findings:
            out.write(f"{path}:{f.line}:{f.col + 1}: {f.message}\n")


def write_errors(results: List[FileResult], err: TextIO) -> None:
    for r in results:
        if r.error:
            err.write(f"{r.path}: error: {r.error}\n")
