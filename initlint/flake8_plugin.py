"""The flake8 front end: entry point ``INI``. Reports the analysis' findings; flake8 does noqa."""

from __future__ import annotations

import ast
import logging
from typing import Iterator, List, Tuple, Type

from . import __version__
from .analysis import SourceError, analyze, may_hold_layers
from .settings import DEFAULT

LOG = logging.getLogger("flake8.initlint")


class Plugin:
    name = "initlint"
    version = __version__

    # flake8 hands tree plugins the parsed `ast`; initlint needs libcst's tree, so it takes the
    # decoded lines (already read by flake8) and ignores `tree`.
    def __init__(self, tree: ast.AST, lines: List[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        source = "".join(self.lines)
        if not may_hold_layers(source):
            return
        try:
            analysis = analyze(source, DEFAULT)
        except SourceError as error:
            # flake8 reports unparseable files itself (E999); never a traceback from here.
            LOG.warning("initlint: %s: %s", self.filename, error)
            return
        for finding in analysis.findings:
            yield finding.line, finding.col, finding.message, type(self)
