"""The fix as a libcst codemod command:

    python -m libcst.tool codemod -x initlint.fix.codemod.AddInitCommand PATH

libcst's own runner then brings its ``-j``, ``--unified-diff`` and progress output.
"""

from __future__ import annotations

import argparse
from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

from ..analysis import SourceError, analyze_module, parse
from ..files import FileError, TextError, read, source_text
from ..index import index_for
from ..settings import CHOICES, Settings
from .apply import apply_edits


class AddInitCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = "Insert the torch.nn.init call that matches the activation after each Linear/Conv layer."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        for name, choices in CHOICES.items():
            arg_parser.add_argument(f"--{name}", choices=choices, default=getattr(Settings(), name))

    def __init__(self, context: CodemodContext, **options: str) -> None:
        super().__init__(context)
        self.settings = Settings(**{k: v for k, v in options.items() if k in CHOICES})

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        path = self.context.filename
        tree = _as_written(tree, path)
        analysis = analyze_module(tree, self.settings, path, index=index_for(path, self.settings))
        return apply_edits(tree, analysis.findings)


def _as_written(tree: cst.Module, path: Optional[str]) -> cst.Module:
    """The module as the file holds it. libcst's runner parses with libcst alone, which drops a
    file's last lines when they are indented blanks or comments (its output would delete them,
    even with nothing to fix); initlint's own parse keeps them."""
    if not path:
        return tree
    try:
        source = read(path)
        if tree.code != source_text(source)[0]:
            return parse(source)
    except (FileError, TextError, SourceError):
        pass
    return tree
