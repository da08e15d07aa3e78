"""The flake8 front end: entry point ``INI``. Reports the analysis' findings; flake8 does noqa.

Settings come from flake8's own configuration: every Settings field but per_file_ignores (flake8 has
``--per-file-ignores`` itself) is an option
``--initlint-<name-with-dashes>``, also read from ``[flake8]`` in setup.cfg, tox.ini or .flake8.
"""

from __future__ import annotations

import argparse
import ast
import logging
import os
import sys
from typing import Iterator, List, Tuple, Type

# Only what every flake8 run needs: the analysis (and libcst, ~0.5 s of CPU to import) is loaded
# when a file passes the pre-filter, so a run over files without torch layers never pays for it.
from . import __version__, config
from .codes import CODES
from .config import FileConfig
from .prefilter import may_report, may_report_with_index
from .settings import CHOICES, DEFAULT, MAPPINGS, Settings

LOG = logging.getLogger("flake8.initlint")
PREFIX = "initlint-"
# per_file_ignores is flake8's own --per-file-ignores: flake8 applies it to our codes like any other.
OPTIONS = tuple(name for name in Settings.names() if name not in MAPPINGS)


def _dest(name: str) -> str:
    return "initlint_" + name


class Plugin:
    name = "initlint"
    version = __version__
    settings: Settings = DEFAULT  # set by parse_options

    # flake8 hands tree plugins the parsed `ast`: the analysis uses it for its framework check
    # before paying for libcst's parse, which needs the decoded lines (already read by flake8).
    def __init__(self, tree: ast.AST, lines: List[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager) -> None:
        for name in OPTIONS:
            extra = {}
            if config.is_flag(name):
                # Not "store_true": flake8 reads those from config files with getboolean, which
                # raises a traceback at `initlint-gates = maybe`; this way the text comes here.
                extra = {"action": argparse.BooleanOptionalAction}
            elif config.is_list(name):
                extra = {"comma_separated_list": True, "metavar": config.metavar(name)}
            elif name in CHOICES:
                extra = {"metavar": config.metavar(name)}
            manager.add_option(
                f"--{PREFIX}{config.option(name)}",
                dest=_dest(name),
                default=None,
                parse_from_config=True,
                help=f"initlint: {config.HELP[name]}",
                **extra,
            )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        # Values from flake8's config files reach here unchecked (flake8 applies no `type` or
        # `choices` to them), so every value is checked here, once, the same way.
        values = {}
        for name in OPTIONS:
            raw = getattr(options, _dest(name), None)
            if raw is None:
                continue
            try:
                values[name] = config.from_text(name, raw)
            except ValueError as error:
                where = getattr(options, "config", None) or "the [flake8] config or the command line"
                sys.stderr.write(f"flake8: error: {PREFIX}{config.option(name)} ({where}): {error}\n")
                raise SystemExit(2) from None
        cls.settings = Settings(**values)

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        settings = self.settings
        if not any(settings.selects(code) for code in CODES):
            return
        # Globs are relative to where flake8 runs (its config sits there too, usually).
        if FileConfig(settings, os.getcwd()).excludes(self.filename):
            return
        source = "".join(self.lines)
        # analyze() runs this test again: checked here first so that a file that fails it never
        # imports the analysis (a second regex search on the few files that pass is cheaper).
        if not may_report(source, settings) and not may_report_with_index(source, settings):
            return
        from . import verdicts
        from .analysis import SourceError
        from .index import index_for

        try:
            tree = self.tree if isinstance(self.tree, ast.Module) else None
            findings = verdicts.findings(source, settings, self.filename, tree, index_for(self.filename, settings))
        except SourceError as error:
            # flake8 reports unparseable files itself (E999); never a traceback from here.
            LOG.warning("initlint: %s: %s", self.filename, error)
            return
        for finding in findings:  # only selected rules ran
            yield finding.line, finding.col, finding.message, type(self)
