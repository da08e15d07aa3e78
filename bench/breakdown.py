"""Child of bench/run.py: where the parse CPU lies along initlint's pipeline, whether the cheap
stages ever skip a file the full analysis reports on, and what a file without a layer name costs.

    python bench/breakdown.py FILELIST [--repeat N] [--cache-dir DIR]

In process, CPU time (``time.process_time``), for every file:

- ``libcst.parse_module`` of its bytes (once): the parse CPU;
- the stage where ``initlint.analyze`` stops: the text pre-filter (``prefilter.may_report``), the
  framework check on Python's ``ast`` (``outline_of_ast``), or libcst's parse and the analysis;
- for every file that a cheap stage skips, and that libcst can parse: the full analysis without
  those stages (``analyze_module`` on the parsed module). A finding there is a file the pre-filter
  wrongly skipped: counted as ``missed_findings`` (must be 0);
- for a file whose text holds no torch layer name (none of ``catalog.LAYERS``' short names, as
  whole words): ``analyze`` of its bytes with the file's repository index (what ``initlint
  check`` does per file) and the flake8 plugin on the lines flake8 has already decoded, each
  averaged over N runs when one run is too quick for the clock. The index's cache (``--cache-dir``,
  default a temporary folder, never the project's own) is filled by an untimed pass over those
  files first, and the in-process indexes are then forgotten: each file is timed as in a run with
  a warm cache, where the summaries it asks for are read from the cache. (Without that pass, the
  files that name a helper from another file, and so ask the index, would be charged with
  summarising the project for the first time: the cold cost, which bench/run.py measures on its
  own.)

The stages above (and the full analysis of skipped files) judge each file alone, without the
index.

Prints one JSON object.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import sys
import tempfile
import time
import warnings


def timed(job, repeat: int) -> float:
    """CPU seconds of one ``job()``: timed once, and averaged over ``repeat`` runs when it is too
    quick for the clock (a file the pre-filter skips); a file that gets parsed is timed once."""
    start = time.process_time()
    job()
    once = time.process_time() - start
    if once > 0.005 or repeat <= 1:
        return once
    start = time.process_time()
    for _ in range(repeat):
        job()
    return (time.process_time() - start) / repeat


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        paths = [line.rstrip("\n") for line in handle if line.strip()]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 20
    cache_dir = sys.argv[sys.argv.index("--cache-dir") + 1] if "--cache-dir" in sys.argv else ""
    with tempfile.TemporaryDirectory(prefix="initlint-breakdown-") as temporary:
        run(paths, repeat, cache_dir or temporary)


def run(paths, repeat: int, cache_dir: str) -> None:
    import libcst

    from initlint.analysis import SourceError, analyze, analyze_module
    from initlint.facts.framework import framework_reason, outline_of_ast
    from initlint.flake8_plugin import Plugin
    from initlint.index import index_for, reset
    from initlint.prefilter import may_hold_layers, may_report
    from initlint.settings import DEFAULT

    settings = dataclasses.replace(DEFAULT, cache_dir=cache_dir)  # the index's cache: never the project's
    Plugin.settings = settings  # what flake8's parse_options would set

    clock = time.process_time
    stages = ("text", "framework", "parsed")
    out = {
        "files": len(paths),
        "parse_cpu_all": 0.0,
        "parse_failed": 0,
        **{f"{s}_files": 0 for s in stages},  # where analyze() stops
        **{f"{s}_parse_cpu": 0.0 for s in stages},
        "ast_cpu": 0.0,  # ast.parse of the files passing the text pre-filter (the framework check)
        "own_cpu_parsed": 0.0,  # analyze_module after libcst's parse, files that reach it
        "findings": 0,
        "with_findings": 0,
        "parse_cpu_with_findings": 0.0,
        "missed_findings": 0,
        "missed_files": [],
        "no_layer_name": 0,
        "no_layer_name_lines": 0,
        "no_layer_name_parse_cpu": 0.0,
        "no_layer_name_analyze_cpu": 0.0,
        "no_layer_name_plugin_cpu": 0.0,
        "repeat": repeat,
    }
    no_layer = []  # (path, source, lines, parse CPU): timed after the loop, with a warm cache
    for path in paths:
        with open(path, "rb") as handle:
            source = handle.read()
        start = clock()
        try:
            module = libcst.parse_module(source)
        except Exception:
            module = None
            out["parse_failed"] += 1
        parse_cpu = clock() - start
        out["parse_cpu_all"] += parse_cpu

        stage = "text"
        if may_report(source, DEFAULT):
            start = clock()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    tree = ast.parse(source)
                except Exception:
                    tree = None
            out["ast_cpu"] += clock() - start
            framework = tree is not None and framework_reason(outline_of_ast(tree), DEFAULT.framework_bases, path)
            stage = "framework" if framework else "parsed"
        out[f"{stage}_files"] += 1
        out[f"{stage}_parse_cpu"] += parse_cpu
        if module is not None:
            start = clock()
            try:
                found = len(analyze_module(module, DEFAULT, path).findings)
            except SourceError:
                found = 0
            if stage == "parsed":
                out["own_cpu_parsed"] += clock() - start
                out["findings"] += found
                out["with_findings"] += bool(found)
                out["parse_cpu_with_findings"] += parse_cpu if found else 0.0
            elif found:
                out["missed_findings"] += found
                out["missed_files"].append(path)

        if may_hold_layers(source):
            continue
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError:
            continue
        lines = text.splitlines(keepends=True)  # flake8 hands the plugin these, already read
        out["no_layer_name"] += 1
        out["no_layer_name_lines"] += len(lines)
        out["no_layer_name_parse_cpu"] += parse_cpu

        no_layer.append((path, source, lines))

    def check(path: str, source: bytes) -> None:
        try:
            analyze(source, settings, path, index=index_for(path, settings))  # as runner.check_file
        except SourceError:
            pass

    for path, source, lines in no_layer:  # untimed: fills the index's cache
        check(path, source)
        list(Plugin(None, lines, path).run())
    reset()  # forget the in-process indexes: from here on, as a run with a warm cache
    for path, source, lines in no_layer:
        out["no_layer_name_analyze_cpu"] += timed(lambda: check(path, source), repeat)
    reset()
    for path, source, lines in no_layer:
        out["no_layer_name_plugin_cpu"] += timed(lambda: list(Plugin(None, lines, path).run()), repeat)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
