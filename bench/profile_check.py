"""Child of bench/run.py: where ``initlint check -j 1`` spends its time, from cProfile.

    python bench/profile_check.py --cache-dir DIR [--top N] [--stats FILE] [--flake8] FILELIST

Runs ``initlint.cli.main(["check", "-j", "1", "--cache-dir", DIR, *files])`` in this process
under ``cProfile`` (its output thrown away); with ``--flake8``, flake8 instead
(``flake8 --isolated -j 1 --select INI --initlint-cache-dir DIR``: one process, so that the
plugin's share is seen). Prints one JSON object:

- ``total``: the profiled seconds (cProfile's own clock; profiling roughly doubles the run time,
  so shares are what to read, not seconds);
- ``top``: the N functions with the most time of their own (``tottime``), with their share of
  the total and their cumulative share;
- ``stages``: cumulative shares of the pipeline's main steps (libcst's parse, Python's parse,
  the repository index's summarising, its cache, its cross-file questions, the analysis after
  the parse). Stages nest (the analysis holds the index's questions), so they do not add up.

A cold run is the same command on an empty ``DIR``, a warm one a second run on the same ``DIR``.
``--stats FILE`` also saves the raw profile (``pstats``) for a closer look.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import sys

# (label, end of the file's path, function name): cumulative time of each, summed over matches.
STAGES = (
    ("libcst.parse_module (libcst's parse)", "libcst/_parser/entrypoints.py", "parse_module"),
    ("files.python_tree (Python's ast.parse)", "initlint/files.py", "python_tree"),
    ("prefilter.may_report (text pre-filter)", "initlint/prefilter.py", "may_report"),
    ("prefilter.may_build_through_helpers (text test for helpers)", "initlint/prefilter.py",
     "may_build_through_helpers"),
    ("framework.outline_of_ast (framework check)", "initlint/facts/framework.py", "outline_of_ast"),
    ("analysis.analyze_module (all work after libcst's parse)", "initlint/analysis.py", "analyze_module"),
    ("index: Repository.__init__ (walk of the project)", "initlint/index/repository.py", "__init__"),
    ("index: Repository.summary (load or make a summary)", "initlint/index/repository.py", "summary"),
    ("index: Repository.use_text (the checked file's summary)", "initlint/index/repository.py", "use_text"),
    ("index: summary.summarize (summarising a tree)", "initlint/index/summary.py", "summarize"),
    ("index: cache.key_of (hashing the text)", "initlint/index/cache.py", "key_of"),
    ("index: Cache.get (reading an entry)", "initlint/index/cache.py", "get"),
    ("index: Cache.put (writing an entry)", "initlint/index/cache.py", "put"),
    ("index: Repository.resolve (names across files)", "initlint/index/repository.py", "resolve"),
    ("index: Index.creations (who builds whom, whole project)", "initlint/index/coverage.py", "creations"),
    ("index: Index.subclasses", "initlint/index/coverage.py", "subclasses"),
    ("index: Index.applied_functions", "initlint/index/coverage.py", "applied_functions"),
    ("index: Index.covered (the coverage question)", "initlint/index/coverage.py", "covered"),
    ("index: Index.factories", "initlint/index/coverage.py", "factories"),
    ("json.loads (cache entries)", "json/__init__.py", "loads"),
    ("flake8: initlint's Plugin.run (all of initlint in flake8)", "initlint/flake8_plugin.py", "run"),
    ("flake8: pyflakes (FlakesChecker.__init__)", "flake8/plugins/pyflakes.py", "__init__"),
    ("flake8: pycodestyle's logical-line checks", "flake8/plugins/pycodestyle.py", "pycodestyle_logical"),
    ("flake8: pycodestyle's physical-line checks", "flake8/plugins/pycodestyle.py", "pycodestyle_physical"),
    ("flake8: tokenize (generate_tokens)", "flake8/processor.py", "generate_tokens"),
)


def _name(func: tuple) -> str:
    path, line, name = func
    if path == "~":
        return name  # a built-in: "<built-in method builtins.compile>"
    parts = path.replace(os.sep, "/").split("/")
    for anchor in ("initlint", "libcst", "json", "ast.py"):
        if anchor in parts:
            path = "/".join(parts[parts.index(anchor):])
            break
    else:
        path = "/".join(parts[-2:])
    return f"{path}:{line}({name})"


def _cumulative(stats: dict, suffix: str, function: str) -> float:
    """Cumulative time of the functions matching (cProfile counts a recursive function's time
    once, at its outermost call)."""
    return sum(entry[3] for (path, _, name), entry in stats.items()
               if name == function and path.replace(os.sep, "/").endswith(suffix))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("listing")
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--stats")
    parser.add_argument("--flake8", action="store_true", help="profile flake8 -j 1 --select INI instead")
    args = parser.parse_args()
    with open(args.listing, encoding="utf-8") as handle:
        paths = [line.rstrip("\n") for line in handle if line.strip()]

    if args.flake8:
        from flake8.main.cli import main as run

        argv = ["--isolated", "-j", "1", "--select", "INI", "--initlint-cache-dir", args.cache_dir, *paths]
    else:
        from initlint.cli import main as run

        argv = ["check", "-j", "1", "--cache-dir", args.cache_dir, *paths]
    profile = cProfile.Profile()
    # To the null device, through a text stream with a .buffer (flake8 writes to sys.stdout.buffer).
    with open(os.devnull, "wb") as null, contextlib.redirect_stdout(io.TextIOWrapper(null, write_through=True)):
        profile.enable()
        try:
            code = run(argv)
        except SystemExit as stop:
            code = stop.code
        profile.disable()
    if args.stats:
        profile.dump_stats(args.stats)
    stats = pstats.Stats(profile).stats  # func -> (calls, primitive calls, tottime, cumtime, callers)
    total = sum(entry[2] for entry in stats.values())
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[: args.top]
    out = {
        "files": len(paths),
        "exit": code,
        "total": total,
        "top": [
            {"function": _name(func), "calls": entry[1], "own": entry[2], "own_share": entry[2] / total,
             "cumulative_share": entry[3] / total}
            for func, entry in ranked
        ],
        "stages": [
            {"stage": label, "seconds": seconds, "share": seconds / total}
            for label, suffix, function in STAGES
            for seconds in [_cumulative(stats, suffix, function)]
            if seconds > 0 or not label.startswith("flake8")
        ],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    main()
