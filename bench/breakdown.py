"""Child of bench/run.py: where the parse CPU lies, and what a file without a layer name costs.

    python bench/breakdown.py FILELIST [--repeat N]

A file "without any torch layer name" is one whose text contains none of the short names of the
layer classes in ``initlint.catalog.LAYERS`` (Linear, Bilinear, Conv2d, LazyConv1d, ...): it cannot
construct one whatever its imports say. For each such file this times, in process (CPU time,
``time.process_time``):

- ``libcst.parse_module`` of its bytes (once);
- ``initlint.analysis.analyze`` of its bytes (what ``initlint check`` does per file);
- the flake8 plugin on the lines flake8 has already decoded (``Plugin(tree, lines, filename).run()``);

the last two averaged over N runs when a single one is too quick to time (the pre-filter skipped
the file), else timed once.

It also reports, over all files: how many pass initlint's own pre-filter (``may_hold_layers``),
how many of those have no layer name (pre-filter false positives), how many have a layer name
but fail the pre-filter (pre-filter false negatives: a file using only ``nn.Bilinear``, say), and
the share of the total parse CPU that lies in files passing the pre-filter — a floor for
``initlint check`` as long as every such file is parsed.

And, in process, for every file passing the pre-filter: its parse CPU and the CPU of the rest of
the analysis on the parsed module (``analyze_module``), and whether it has findings; so the share
of the total parse CPU in files that pass the pre-filter, that contain ``torch`` and a layer name
(a tighter pre-filter), and that have findings (a floor for "parse with libcst only where there is
something to report").

Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time


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

    import libcst

    from initlint import catalog
    from initlint.analysis import SourceError, analyze, analyze_module, may_hold_layers
    from initlint.flake8_plugin import Plugin

    names = sorted({qualified.rsplit(".", 1)[-1].encode() for qualified in catalog.LAYERS})

    clock = time.process_time
    out = {
        "files": len(paths),
        "layer_names": [n.decode() for n in names],
        "no_layer_name": 0,
        "no_layer_name_parse_cpu": 0.0,
        "no_layer_name_analyze_cpu": 0.0,
        "no_layer_name_plugin_cpu": 0.0,
        "no_layer_name_lines": 0,
        "no_layer_name_skipped": 0,  # ... of which the pre-filter skips (never parsed)
        "no_layer_name_skipped_parse_cpu": 0.0,
        "no_layer_name_skipped_analyze_cpu": 0.0,
        "prefilter_pass": 0,
        "prefilter_pass_without_layer_name": 0,
        "layer_name_but_prefilter_fails": [],
        "parse_cpu_all": 0.0,
        "parse_cpu_prefilter_pass": 0.0,
        "parse_failed": 0,
        "own_cpu_prefilter_pass": 0.0,  # analyze_module after parsing, files passing the pre-filter
        "tight_pass": 0,  # files with "torch" and a layer name
        "parse_cpu_tight_pass": 0.0,
        "with_findings": 0,
        "parse_cpu_with_findings": 0.0,
        "findings": 0,
        "repeat": repeat,
    }
    for path in paths:
        with open(path, "rb") as handle:
            source = handle.read()
        has_name = any(name in source for name in names)
        passes = may_hold_layers(source)
        start = clock()
        try:
            module = libcst.parse_module(source)
        except Exception:
            module = None
            out["parse_failed"] += 1
        parse_cpu = clock() - start
        out["parse_cpu_all"] += parse_cpu
        if has_name and b"torch" in source:
            out["tight_pass"] += 1
            out["parse_cpu_tight_pass"] += parse_cpu
        if passes:
            out["prefilter_pass"] += 1
            out["parse_cpu_prefilter_pass"] += parse_cpu
            if module is not None:
                start = clock()
                try:
                    found = len(analyze_module(module).findings)
                except SourceError:
                    found = 0
                out["own_cpu_prefilter_pass"] += clock() - start
                out["findings"] += found
                if found:
                    out["with_findings"] += 1
                    out["parse_cpu_with_findings"] += parse_cpu
            if not has_name:
                out["prefilter_pass_without_layer_name"] += 1
        elif has_name:
            out["layer_name_but_prefilter_fails"].append(path)
        if has_name:
            continue
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError:
            continue
        lines = text.splitlines(keepends=True)  # flake8 hands the plugin these, already read
        out["no_layer_name"] += 1
        out["no_layer_name_lines"] += len(lines)
        out["no_layer_name_parse_cpu"] += parse_cpu

        def check() -> None:
            try:
                analyze(source)
            except SourceError:
                pass

        analyze_cpu = timed(check, repeat)
        out["no_layer_name_analyze_cpu"] += analyze_cpu
        if not passes:
            out["no_layer_name_skipped"] += 1
            out["no_layer_name_skipped_parse_cpu"] += parse_cpu
            out["no_layer_name_skipped_analyze_cpu"] += analyze_cpu
        out["no_layer_name_plugin_cpu"] += timed(lambda: list(Plugin(None, lines, path).run()), repeat)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
