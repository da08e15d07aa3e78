#!/usr/bin/env python3
"""Where ``initlint check -j 1`` spends its time, on the same corpus as bench/run.py.

    python bench/profile_check.py --keep /tmp/bench/wheels [--files N] [--out prof.pstats] [--top 25]

Two passes over the same files, in this process:

1. Phases, without a profiler (so the numbers are not inflated by it), CPU time per phase:
   the pre-filter (``may_hold_layers``), ``libcst`` parsing of the files that pass it, and the rest
   of the analysis on the parsed module (``analyze_module``: import table, collector, flows,
   rules, positions, findings).
2. ``cProfile`` of ``initlint check -j 1`` itself (``initlint.cli.main``), printed sorted by
   cumulative and by own time, plus the cumulative time of initlint's main steps. cProfile
   charges every Python call, so it inflates the pure-Python visitor far more than the native
   parser: read its split of initlint's own work, and take the parse/own ratio from pass 1.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402  (bench/run.py: download and unpack)

# (label, file name suffix, function name): initlint's steps, and libcst's, by where they live.
STEPS = [
    ("read files", "initlint/files.py", "read"),
    ("pre-filter may_hold_layers", "initlint/analysis.py", "may_hold_layers"),
    ("libcst parse (analysis.parse)", "initlint/analysis.py", "parse"),
    ("analysis after parse (_findings)", "initlint/analysis.py", "_findings"),
    ("  import table (ImportTable.of)", "initlint/imports.py", "of"),
    ("  collector (facts.collect)", "initlint/facts/collect.py", "collect"),
    ("  link_containers", "initlint/facts/flows.py", "link_containers"),
    ("  sequential_follows", "initlint/facts/flows.py", "sequential_follows"),
    ("  method_follows", "initlint/facts/dataflow.py", "method_follows"),
    ("  positions (MetadataWrapper.resolve)", "libcst/metadata/wrapper.py", "resolve"),
    ("  libcst deepcopy (any)", "copy.py", "deepcopy"),
    ("  CSTNode.visit (all visitors)", "libcst/_nodes/base.py", "visit"),
    ("output (write)", "initlint/output.py", "write"),
]


def phases(paths):
    from initlint.analysis import SourceError, analyze_module, may_hold_layers, parse

    clock = time.process_time
    totals = {"read": 0.0, "prefilter": 0.0, "parse": 0.0, "own": 0.0}
    passed = findings = 0
    for path in paths:
        start = clock()
        with open(path, "rb") as handle:
            source = handle.read()
        mid = clock()
        ok = may_hold_layers(source)
        end = clock()
        totals["read"] += mid - start
        totals["prefilter"] += end - mid
        if not ok:
            continue
        passed += 1
        start = clock()
        try:
            module = parse(source)
        except SourceError:
            continue
        mid = clock()
        try:
            findings += len(analyze_module(module).findings)
        except SourceError:
            pass
        end = clock()
        totals["parse"] += mid - start
        totals["own"] += end - mid
    return totals, passed, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="wheel folder (as for bench/run.py)")
    parser.add_argument("--files", type=int, help="only this many files, spread over the corpus")
    parser.add_argument("--out", help="write the raw cProfile stats here (for snakeviz, pstats)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="initlint-profile-") as temp:
        temp_path = Path(temp)
        wheels = bench.fetch(list(bench.PACKAGES), Path(args.keep) if args.keep else temp_path / "wheels", False)
        files = bench.unpack(wheels, temp_path / "src")
        if args.files:
            files = bench.subset(files, args.files)
        os.chdir(temp_path / "src")
        print(f"{len(files)} files: " + ", ".join(w.name for w in wheels))

        totals, passed, findings = phases(files)
        all_cpu = sum(totals.values())
        print("\n## phases without a profiler (CPU s)\n")
        print("| phase | CPU s | share |\n|---|---:|---:|")
        for name, value in totals.items():
            print(f"| {name} | {value:.2f} | {100 * value / all_cpu:.1f}% |")
        print(f"| total | {all_cpu:.2f} | |")
        print(f"\n{passed} files pass the pre-filter; {findings} findings; own work / parse of those files = "
              f"{totals['own'] / totals['parse']:.2f}")

        from initlint.cli import main as cli

        profile = cProfile.Profile()
        with contextlib.redirect_stdout(io.StringIO()):
            profile.enable()
            try:
                cli(["check", "-j", "1", *files])
            except SystemExit:
                pass
            profile.disable()
        if args.out:
            profile.dump_stats(args.out)
        stats = pstats.Stats(profile)
        total = max(ct for (_, _, _, ct, _) in stats.stats.values())
        print(f"\n## cProfile of `initlint check -j 1` (total {total:.1f} s under the profiler)\n")
        print("| step | cumulative s | share |\n|---|---:|---:|")
        for label, suffix, name in STEPS:
            cum = sum(ct for (file, _, func), (_, _, _, ct, _) in stats.stats.items()
                      if func == name and file.replace(os.sep, "/").endswith(suffix))
            print(f"| {label} | {cum:.1f} | {100 * cum / total:.1f}% |")
        for key in ("cumulative", "tottime"):
            buffer = io.StringIO()
            pstats.Stats(profile, stream=buffer).strip_dirs().sort_stats(key).print_stats(args.top)
            print(f"\n## top {args.top} by {key}\n")
            print(buffer.getvalue().split("\n", 6)[-1].rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
