"""``initlint audit TARGET``: build, audit, compare with the static analysis, print; exit 1 when a
layer keeps torch's default init before a checked activation. The parser is cli.py's."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..plot import PlotUnavailable
from . import audit
from .compare import compare
from .target import TargetError, load

EXIT_CLEAN, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2


def run(args: argparse.Namespace) -> int:
    try:
        model, inputs = load(args.target, args.input_shape, args.example)
    except TargetError as error:
        sys.stderr.write(f"initlint audit: error: {error}\n")
        return EXIT_ERROR
    try:
        report = audit(model, *inputs, static=False)
    except Exception as error:  # the user's forward pass: its error in one line
        sys.stderr.write(f"initlint audit: error: the forward pass failed: {type(error).__name__}: {error}\n")
        return EXIT_ERROR
    if args.compare:
        for line in compare(report):
            sys.stderr.write(f"initlint audit: static analysis: {line}\n")
    if args.format == "json":
        json.dump(report.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.text(os.getcwd()))
    if args.plot:
        from .plot import plot

        try:
            plot(model, inputs, report, args.plot, args.target.rpartition(":")[2])
        except PlotUnavailable as error:
            sys.stderr.write(f"initlint audit: error: --plot {error}\n")
            return EXIT_ERROR
    return EXIT_FLAGGED if report.flagged else EXIT_CLEAN
