#!/usr/bin/env python3
"""initlint's benchmark: its cost next to libcst's parse and next to flake8, on real model code.

    python bench/run.py                              # full run (~15 min on 2 cores)
    python bench/run.py --keep /tmp/bench/wheels     # reuse downloaded wheels between runs
    python bench/run.py --quick                      # 300 files, for fast iteration
    python bench/run.py --json out.json              # also write every number as JSON

What it does, in one run on the same files:

1. Downloads the wheels of timm, torchvision and transformers (``pip download --no-deps
   --only-binary=:all:``, versions as pip resolves them unless ``--packages`` pins them) into a
   temporary folder (or ``--keep DIR``, never inside the repository) and unpacks their ``.py``
   files into a temporary folder.
2. Runs each measurement in a child process of its own, and reads that child's resource usage
   with ``os.wait4``: CPU = user + sys of the child and of every descendant it waited for (worker
   processes included), wall = elapsed time, peak RSS = ``ru_maxrss`` (the largest single process
   of that measurement, not a sum over workers). The corpus measurements are:

   - ``ast.parse`` over every file (reference: the parser flake8 already runs);
   - ``libcst.parse_module`` over every file (bench/parse_all.py: the floor for any libcst linter);
   - ``initlint check -j 1`` and ``initlint check`` (all cores);
   - ``flake8 --isolated`` with only its default checks and initlint NOT loaded
     (bench/flake8_without.py hides initlint's entry point from flake8's plugin discovery;
     ``--select`` cannot do this, flake8 runs every installed plugin whatever it selects);
   - ``flake8 --isolated --select INI`` and plain ``flake8 --isolated`` with initlint loaded.
3. A per-file cost of files without any torch layer name, in process (bench/breakdown.py).
4. Generated files of 1k, 10k and 100k lines, two shapes (one long ``nn.Sequential``; many small
   modules), each through ``initlint check -j 1`` and ``libcst.parse_module``.

Prints markdown tables with the ratios and targets of issue 6. The machine is shared and noisy:
compare ratios measured in the same run, not absolute times across runs. ``--repeat N`` runs each
corpus measurement N times and keeps the least CPU and wall (and the largest RSS).

The code measured is a copy of the repository's ``initlint/`` taken when the run starts (put first on
the children's ``PYTHONPATH``), so edits made while a long run is going do not mix into it;
``--no-snapshot`` measures the installed initlint as it is at each step instead.

Standard library only (plus initlint's own dependencies: libcst, flake8). The downloaded code is
only read, never imported or run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
PACKAGES = ("timm", "torchvision", "transformers")
QUICK_FILES = 300
SCALING_LINES = (1_000, 10_000, 100_000)

ENV = dict(os.environ)  # for every child; bench_snapshot() puts a copy of initlint first on its path

TARGETS = {
    "check_vs_parse": 0.8,  # initlint check -j 1 CPU / libcst parse CPU
    "flake8_ratio": 1.5,  # flake8 + initlint (--select INI) / flake8 alone
    "scaling": 12.0,  # 100k-line file / 10k-line file
    "peak_mb": 500.0,  # peak RSS of the 100k-line file
    "no_layer_share": 0.05,  # cost of a file without layer names / its parse time
}


# --------------------------------------------------------------------------- machine & versions


def machine() -> Dict[str, str]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info = {
        "nproc": str(os.cpu_count()),
        "cpu": cpu or platform.processor() or "?",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for dist in ("libcst", "flake8", "pyflakes", "pycodestyle", "initlint"):
        try:
            from importlib.metadata import version

            info[dist] = version(dist)
        except Exception:
            info[dist] = "not installed"
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "initlint"],
                               capture_output=True, text=True, check=True).stdout.strip()
        info["initlint_commit"] = head + (" + uncommitted changes in initlint/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        info["initlint_commit"] = "?"
    return info


# --------------------------------------------------------------------------- download & unpack


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _version_key(version: str) -> Tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.+]", version))


def find_wheel(folder: Path, requirement: str) -> Optional[Path]:
    """The newest wheel in ``folder`` that satisfies ``name`` or ``name==version``."""
    name, _, pinned = requirement.partition("==")
    wheels = [p for p in folder.glob("*.whl") if _normalise(p.name.split("-")[0]) == _normalise(name)]
    if pinned:
        wheels = [p for p in wheels if p.name.split("-")[1] == pinned]
    return max(wheels, key=lambda p: _version_key(p.name.split("-")[1])) if wheels else None


def fetch(requirements: Sequence[str], folder: Path, refresh: bool) -> List[Path]:
    """The wheels, downloaded with pip into ``folder`` unless they are already there."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [r for r in requirements if refresh or find_wheel(folder, r) is None]
    if missing:
        command = [PY, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", "-d", str(folder), *missing]
        print("$ " + " ".join(command), file=sys.stderr, flush=True)
        subprocess.run(command, check=True)
    wheels = []
    for requirement in requirements:
        wheel = find_wheel(folder, requirement)
        if wheel is None:
            raise SystemExit(f"{requirement}: no wheel in {folder} after pip download")
        wheels.append(wheel)
    return wheels


def unpack(wheels: Sequence[Path], folder: Path) -> List[str]:
    """Every ``.py`` file of the wheels under ``folder``; paths relative to it, sorted."""
    files = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.endswith(".py") and ".dist-info/" not in member:
                    archive.extract(member, folder / wheel.name.split("-")[0])
                    files.append(f"{wheel.name.split('-')[0]}/{member}")
    return sorted(files)


def subset(files: List[str], count: int) -> List[str]:
    """``count`` files spread evenly over the sorted list (so every package is represented)."""
    if count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    name: str
    command: str
    cpu: float = 0.0  # user + sys, seconds, child and waited-for descendants
    user: float = 0.0
    sys: float = 0.0
    wall: float = 0.0
    peak_mb: float = 0.0  # ru_maxrss: the largest single process
    exit: int = 0
    out_lines: int = 0
    stdout: str = ""  # kept only when small (the JSON of a helper)
    stderr_tail: str = ""
    timed_out: bool = False


def measure(name: str, argv: Sequence[str], cwd: Path, timeout: float, keep_stdout: bool = False,
            ok_exits: Sequence[int] = (0, 1)) -> Run:
    """Run ``argv`` in its own process (group) and read its resource usage with ``os.wait4``."""
    run = Run(name, " ".join(argv))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env=ENV)

        def kill() -> None:
            run.timed_out = True
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        run.wall = time.perf_counter() - start
        process.returncode = run.exit = os.waitstatus_to_exitcode(status)
        run.user, run.sys = usage.ru_utime, usage.ru_stime
        run.cpu = usage.ru_utime + usage.ru_stime
        run.peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        out.seek(0)
        data = out.read()
        run.out_lines = data.count(b"\n")
        if keep_stdout:
            run.stdout = data.decode("utf-8", "replace")
        err.seek(0)
        run.stderr_tail = err.read()[-2000:].decode("utf-8", "replace")
    if run.timed_out or run.exit not in ok_exits or "Traceback" in run.stderr_tail:
        print(f"!! {name}: exit {run.exit}{' (timed out)' if run.timed_out else ''}\n{run.stderr_tail}",
              file=sys.stderr, flush=True)
    return run


def best(runs: Sequence[Run]) -> Run:
    """Least CPU and wall, largest peak, over repetitions of one measurement."""
    result = min(runs, key=lambda r: r.cpu)
    result.wall = min(r.wall for r in runs)
    result.peak_mb = max(r.peak_mb for r in runs)
    return result


def measure_n(repeat: int, *args, **kwargs) -> Run:
    runs = []
    for _ in range(repeat):
        runs.append(measure(*args, **kwargs))
        r = runs[-1]
        print(f"   {r.name}: cpu {r.cpu:.1f}s wall {r.wall:.1f}s peak {r.peak_mb:.0f}MB exit {r.exit}",
              file=sys.stderr, flush=True)
    return best(runs)


# --------------------------------------------------------------------------- generated files


def sequential_file(lines: int) -> str:
    """One module whose ``__init__`` builds a single ``nn.Sequential`` of ~``lines`` lines."""
    head = ["import torch", "from torch import nn", "", "", "class Net(nn.Module):",
            "    def __init__(self, dim=64):", "        super().__init__()", "        self.body = nn.Sequential("]
    tail = ["        )", "", "    def forward(self, x):", "        return self.body(x)", ""]
    cycle = ["nn.Linear(dim, dim),", "nn.ReLU(),", "nn.Conv1d(dim, dim, 3, padding=1),", "nn.GELU(),",
             "nn.Linear(dim, dim),", "nn.LayerNorm(dim),", "nn.SiLU(),", "nn.Dropout(0.1),"]
    body = ["            " + cycle[i % len(cycle)] for i in range(max(0, lines - len(head) - len(tail)))]
    return "\n".join(head + body + tail)


def small_modules_file(lines: int) -> str:
    """Many small ``nn.Module`` classes (11 lines each), layers bound to attributes, used in forward."""
    out = ["import torch", "from torch import nn", "", ""]
    i = 0
    while len(out) < lines - 11:
        out += [
            f"class Block{i}(nn.Module):",
            "    def __init__(self, dim=64):",
            "        super().__init__()",
            "        self.fc1 = nn.Linear(dim, 4 * dim)",
            "        self.act = nn.GELU()" if i % 2 else "        self.act = nn.ReLU()",
            "        self.fc2 = nn.Linear(4 * dim, dim)",
            "        nn.init.zeros_(self.fc2.bias)",
            "",
            "    def forward(self, x):",
            "        return self.fc2(self.act(self.fc1(x)))",
            "",
        ]
        i += 1
    while len(out) < lines:
        out.append("")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the run


def initlint_check(*args: str) -> List[str]:
    return [PY, "-m", "initlint", "check", *args]


def flake8(*args: str, with_initlint: bool = True) -> List[str]:
    if with_initlint:
        return [PY, "-m", "flake8", *args]
    return [PY, str(HERE / "flake8_without.py"), "initlint", *args]


def snapshot(folder: Path) -> str:
    """Copy the repository's initlint/ into ``folder`` and make the children import that copy."""
    source = REPO / "initlint"
    if not source.is_dir():
        return "installed initlint (no initlint/ next to bench/)"
    shutil.copytree(source, folder / "initlint", ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH", "")]))
    return f"snapshot of {source} taken at {time.strftime('%H:%M:%S')}"


def check_flake8_plugins(work: Path) -> Tuple[str, str]:
    """flake8's own plugin list with and without the wrapper; fails loudly if hiding did not work."""
    loaded = subprocess.run(flake8("--version"), cwd=work, capture_output=True, text=True, env=ENV).stdout.strip()
    hidden = subprocess.run(flake8("--version", with_initlint=False), cwd=work, capture_output=True,
                            text=True, env=ENV).stdout.strip()
    if "initlint" not in loaded:
        raise SystemExit(f"flake8 does not load initlint (is it installed?): {loaded}")
    if "initlint" in hidden:
        raise SystemExit(f"bench/flake8_without.py failed to hide initlint: {hidden}")
    return loaded.splitlines()[0], hidden.splitlines()[0]


def corpus(files: List[str], work: Path, args: argparse.Namespace) -> Dict[str, object]:
    listing = work / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    lines = 0
    for path in files:  # also warms the page cache for every measurement alike
        lines += (work / path).read_bytes().count(b"\n")
    loaded, hidden = check_flake8_plugins(work)
    print(f"flake8 with initlint:    {loaded}\nflake8 without initlint: {hidden}", file=sys.stderr)
    where = subprocess.run([PY, "-c", "import initlint; print(initlint.__file__)"], cwd=work, capture_output=True,
                           text=True, env=ENV).stdout.strip()
    print(f"children import initlint from {where}", file=sys.stderr)
    subprocess.run(initlint_check("--help"), cwd=work, capture_output=True, env=ENV)  # warm imports / .pyc

    t = args.timeout
    jobs = [] if args.flake8_jobs is None else [f"--jobs={args.flake8_jobs}"]
    plan = [
        ("ast.parse (reference)", [PY, str(HERE / "parse_all.py"), str(listing), "--ast"], True),
        ("libcst.parse_module", [PY, str(HERE / "parse_all.py"), str(listing)], True),
        ("initlint check -j 1", initlint_check("-j", "1", *files), False),
        (f"initlint check (all {os.cpu_count()} cores)", initlint_check(*files), False),
        ("flake8 (defaults, no initlint)", flake8("--isolated", *jobs, *files, with_initlint=False), False),
        ("flake8 + initlint --select INI", flake8("--isolated", "--select", "INI", *jobs, *files), False),
        ("flake8 + initlint (default select)", flake8("--isolated", *jobs, *files), False),
    ]
    if args.skip_flake8:
        plan = [p for p in plan if "flake8" not in p[0]]
    runs: Dict[str, Run] = {}
    for name, argv, keep in plan:
        print(f"-- {name}", file=sys.stderr, flush=True)
        ok = (0, 1, 2) if name.startswith("initlint") else (0, 1)  # 2: some file did not parse
        runs[name] = measure_n(args.repeat, name, argv, work, t, keep_stdout=keep, ok_exits=ok)
        runs[name].command = _short(runs[name].command, files)

    print("-- breakdown: parse CPU by file group, files without a layer name (in process)", file=sys.stderr, flush=True)
    argv = [PY, str(HERE / "breakdown.py"), str(listing), "--repeat", str(args.inner_repeat)]
    cost = measure("breakdown", argv, work, t, keep_stdout=True, ok_exits=(0,))
    prefilter = json.loads(cost.stdout) if cost.exit == 0 else {}
    print(f"   breakdown: cpu {cost.cpu:.1f}s wall {cost.wall:.1f}s", file=sys.stderr, flush=True)
    return {"files": len(files), "lines": lines, "runs": runs, "prefilter": prefilter,
            "flake8_plugins": {"with": loaded, "without": hidden}}


def _short(command: str, files: List[str]) -> str:
    return command.replace(" ".join(files), f"<{len(files)} files>")


def scaling(work: Path, args: argparse.Namespace) -> List[Dict[str, object]]:
    folder = work / "generated"
    folder.mkdir(exist_ok=True)
    empty = folder / "empty.py"
    empty.write_text("", encoding="utf-8")
    rows = []
    startup = measure_n(args.repeat, "initlint check -j 1 (empty file)", initlint_check("-j", "1", str(empty)),
                        work, args.timeout)
    listing = folder / "empty.txt"
    listing.write_text(str(empty) + "\n", encoding="utf-8")
    parse_startup = measure_n(args.repeat, "parse empty.py", [PY, str(HERE / "parse_all.py"), str(listing)], work,
                              args.timeout)
    rows.append({"shape": "empty file (start-up)", "lines": 0, "check": startup, "parse": parse_startup})
    for shape, slug, make in (("one nn.Sequential", "sequential", sequential_file),
                              ("small modules", "modules", small_modules_file)):
        for lines in args.scaling:
            path = folder / f"{slug}_{lines}.py"
            path.write_text(make(lines), encoding="utf-8")
            listing = folder / f"{path.stem}.txt"
            listing.write_text(str(path) + "\n", encoding="utf-8")
            check = measure_n(args.repeat, f"check {path.name}", initlint_check("-j", "1", str(path)), work,
                              args.timeout)
            parse = measure_n(args.repeat, f"parse {path.name}", [PY, str(HERE / "parse_all.py"), str(listing)],
                              work, args.timeout)
            rows.append({"shape": shape, "lines": lines, "check": check, "parse": parse})
    return rows


# --------------------------------------------------------------------------- tables


def _ok(value: Optional[float], target: float) -> str:
    if value is None:
        return "n/a"
    return "yes" if value <= target else f"**no** ({value / target:.2f}x the target)"


def report(info: Dict[str, str], versions: Dict[str, str], result: Dict[str, object],
           rows: List[Dict[str, object]], args: argparse.Namespace) -> str:
    out = []
    out.append(f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']} ({info['platform']})")
    tools = ("libcst", "flake8", "pyflakes", "pycodestyle", "initlint")
    out.append("tools: " + ", ".join(f"{k} {info[k]}" for k in tools) + f" (commit {info['initlint_commit']})")
    out.append(f"measured: {info.get('measured', '?')}")
    out.append("corpus: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    if result:
        runs: Dict[str, Run] = result["runs"]  # type: ignore[assignment]
        out.append(f"files: {result['files']:,} .py files, {result['lines']:,} lines"
                   + (" (--quick subset)" if args.quick else "") + f"; best of {args.repeat}")
        out.append("")
        out.append("| measurement | CPU s (user+sys) | wall s | peak RSS MB | output lines | exit |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for run in runs.values():
            flag = " (timed out)" if run.timed_out else ""
            out.append(f"| {run.name} | {run.cpu:.1f} | {run.wall:.1f} | {run.peak_mb:.0f} | {run.out_lines:,} | "
                       f"{run.exit}{flag} |")
        out.append("")

        def cpu(name: str) -> Optional[float]:
            return runs[name].cpu if name in runs else None

        def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
            return a / b if a is not None and b else None

        parse = cpu("libcst.parse_module")
        j1 = cpu("initlint check -j 1")
        jn_name = next((n for n in runs if n.startswith("initlint check (all")), "")
        base = cpu("flake8 (defaults, no initlint)")
        sel = cpu("flake8 + initlint --select INI")
        dflt = cpu("flake8 + initlint (default select)")
        pre = result.get("prefilter") or {}
        no_layer = ratio(pre.get("no_layer_name_analyze_cpu"), pre.get("no_layer_name_parse_cpu"))
        no_layer_plugin = ratio(pre.get("no_layer_name_plugin_cpu"), pre.get("no_layer_name_parse_cpu"))
        out.append("| ratio (CPU, same run) | value | target | met |")
        out.append("|---|---:|---:|---|")
        r = ratio(j1, parse)
        out.append(f"| initlint check -j 1 / libcst.parse_module | {_fmt(r)} | ≤ {TARGETS['check_vs_parse']} | "
                   f"{_ok(r, TARGETS['check_vs_parse'])} |")
        r = ratio(sel, base)
        out.append(f"| flake8 + initlint --select INI / flake8 alone | {_fmt(r)} | ≤ {TARGETS['flake8_ratio']} | "
                   f"{_ok(r, TARGETS['flake8_ratio'])} |")
        r = ratio(dflt, base)
        out.append(f"| flake8 + initlint (default select) / flake8 alone | {_fmt(r)} | (info) | |")
        r = ratio(no_layer, 1.0)
        out.append(f"| file without a layer name: initlint check's per-file work / its parse "
                   f"({pre.get('no_layer_name', '?')} files) | {_pct(r)} | ≤ 5% | {_ok(r, TARGETS['no_layer_share'])} |")
        r = ratio(no_layer_plugin, 1.0)
        out.append(f"| file without a layer name: flake8 plugin's work / its parse | {_pct(r)} | ≤ 5% | "
                   f"{_ok(r, TARGETS['no_layer_share'])} |")
        jn_wall = runs[jn_name].wall if jn_name else None
        j1_wall = runs["initlint check -j 1"].wall if j1 is not None else None
        out.append(f"| initlint check (all cores) / -j 1, wall | {_fmt(ratio(jn_wall, j1_wall))} | (info) | |")
        out.append(f"| libcst.parse_module / ast.parse | {_fmt(ratio(parse, cpu('ast.parse (reference)')))} | (info) | |")
        out.append("")
        if pre:
            all_parse = pre.get("parse_cpu_all")
            out.append("| where initlint check stops (in process) | files | their share of the parse CPU of all files |")
            out.append("|---|---:|---:|")
            out.append(f"| all files | {pre['files']:,} | 100% |")
            out.append(f"| text pre-filter: no layer, or no checked activation or init call | {pre['text_files']:,} | "
                       f"{_pct(ratio(pre.get('text_parse_cpu'), all_parse))} |")
            out.append(f"| framework check on Python's `ast` (ast.parse: {_pct(ratio(pre.get('ast_cpu'), all_parse))}) | "
                       f"{pre['framework_files']:,} | {_pct(ratio(pre.get('framework_parse_cpu'), all_parse))} |")
            out.append(f"| parsed by libcst and analysed | {pre['parsed_files']:,} | "
                       f"{_pct(ratio(pre.get('parsed_parse_cpu'), all_parse))} |")
            out.append(f"| ... of which have findings | {pre['with_findings']:,} | "
                       f"{_pct(ratio(pre.get('parse_cpu_with_findings'), all_parse))} |")
            out.append("")
            out.append(f"initlint's own work after libcst's parse (`analyze_module`): "
                       f"{_pct(ratio(pre.get('own_cpu_parsed'), all_parse))} of the parse CPU of all files, "
                       f"{_fmt(ratio(pre.get('own_cpu_parsed'), pre.get('parsed_parse_cpu')))} x the parse of the files "
                       f"it runs on; {pre['findings']:,} findings. Findings the cheap stages would have skipped (full "
                       f"analysis of every skipped file): {pre['missed_findings']}"
                       + (f" (e.g. {pre['missed_files'][0]})" if pre['missed_files'] else "") + ".")
            out.append("")
    if rows:
        out.append("| generated file | lines | check CPU s | µs/line | µs/line net of start-up | wall s | peak RSS MB "
                   "| output lines | parse CPU s | check/parse |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        startup = rows[0]["check"].cpu if rows and not rows[0]["lines"] else 0.0  # type: ignore[union-attr]
        for row in rows:
            check: Run = row["check"]  # type: ignore[assignment]
            parse: Optional[Run] = row["parse"]  # type: ignore[assignment]
            per_line = f"{check.cpu / row['lines'] * 1e6:.0f}" if row["lines"] else ""
            net = f"{(check.cpu - startup) / row['lines'] * 1e6:.0f}" if row["lines"] else ""
            flag = " (timed out)" if check.timed_out else ""
            out.append(f"| {row['shape']} | {row['lines']:,} | {check.cpu:.2f}{flag} | {per_line} | {net} | {check.wall:.2f} | "
                       f"{check.peak_mb:.0f} | {check.out_lines:,} | {parse.cpu if parse else 0:.2f} | "
                       f"{_fmt(check.cpu / parse.cpu) if parse and parse.cpu else ''} |")
        out.append("")
        out.append("| scaling | 100k / 10k CPU | target | met | 100k peak RSS MB | target | met |")
        out.append("|---|---:|---:|---|---:|---:|---|")
        for shape in ("one nn.Sequential", "small modules"):
            by = {row["lines"]: row["check"] for row in rows if row["shape"] == shape}
            if 10_000 in by and 100_000 in by:
                r = by[100_000].cpu / by[10_000].cpu if by[10_000].cpu else None
                peak = by[100_000].peak_mb
                out.append(f"| {shape} | {_fmt(r)} | ≤ {TARGETS['scaling']:.0f} | {_ok(r, TARGETS['scaling'])} | "
                           f"{peak:.0f} | ≤ {TARGETS['peak_mb']:.0f} | {_ok(peak, TARGETS['peak_mb'])} |")
        out.append("")
    return "\n".join(out)


def _fmt(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def save(args: argparse.Namespace, command: str, info: Dict[str, str], versions: Dict[str, str],
         result: Dict[str, object], rows: List[Dict[str, object]]) -> None:
    if not args.json:
        return
    data = {
        "command": command, "machine": info, "versions": versions,
        "corpus": {k: ({n: asdict(r) for n, r in v.items()} if k == "runs" else v) for k, v in result.items()},
        "scaling": [{**row, "check": asdict(row["check"]), "parse": asdict(row["parse"]) if row["parse"] else None}
                    for row in rows],
    }
    Path(args.json).write_text(json.dumps(data, indent=2), encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="download wheels into DIR and reuse the ones there "
                        "(default: a temporary folder); never a folder inside the repository")
    parser.add_argument("--refresh", action="store_true", help="with --keep: ask pip again even if wheels are there")
    parser.add_argument("--packages", nargs="+", default=list(PACKAGES),
                        help="requirements to download, e.g. timm==1.0.31 (default: %(default)s, newest)")
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK_FILES} files, spread over the corpus")
    parser.add_argument("--files", type=int, help="only this many files (like --quick, any count)")
    parser.add_argument("--repeat", type=int, default=1, help="run each measurement N times, keep the best")
    parser.add_argument("--inner-repeat", type=int, default=20,
                        help="repetitions of the per-file analysis of files without layer names")
    parser.add_argument("--flake8-jobs", help="flake8 --jobs (default: flake8's own default, auto)")
    parser.add_argument("--skip-flake8", action="store_true", help="leave out the flake8 measurements")
    parser.add_argument("--skip-corpus", action="store_true", help="only the generated files")
    parser.add_argument("--skip-scaling", action="store_true", help="only the real corpus")
    parser.add_argument("--scaling", type=lambda text: [int(n) for n in text.split(",")], default=list(SCALING_LINES),
                        help="sizes of the generated files in lines (default: 1000,10000,100000)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measurement (default: 3600)")
    parser.add_argument("--json", metavar="FILE", help="also write every number to FILE")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="measure the installed initlint, not a copy of the repository's taken at the start")
    args = parser.parse_args(argv)

    if args.keep and Path(args.keep).resolve().is_relative_to(REPO):
        parser.error("--keep must be outside the repository")
    info = machine()
    print(f"machine: {info}", file=sys.stderr)
    command = ("python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    # `timeout` and friends send SIGTERM: leave through the `with` blocks so temporary folders go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with tempfile.TemporaryDirectory(prefix="initlint-bench-") as temp:
        temp_path = Path(temp)
        wheels_dir = Path(args.keep) if args.keep else temp_path / "wheels"
        versions: Dict[str, str] = {}
        result: Dict[str, object] = {}
        work = temp_path / "src"
        work.mkdir()
        info["measured"] = "installed initlint" if args.no_snapshot else snapshot(temp_path / "snapshot")
        if not args.skip_corpus:
            wheels = fetch(args.packages, wheels_dir, args.refresh)
            versions = {w.name.split("-")[0]: w.name.split("-")[1] for w in wheels}
            print("corpus: " + ", ".join(f"{k} {v}" for k, v in versions.items()), file=sys.stderr, flush=True)
            files = unpack(wheels, work)
            count = args.files or (QUICK_FILES if args.quick else None)
            if count:
                files = subset(files, count)
            result = corpus(files, work, args)
            # Shown (and saved) before the long scaling part, in case that part is interrupted.
            print(report(info, versions, result, [], args), file=sys.stderr, flush=True)
            save(args, command, info, versions, result, [])
        rows = [] if args.skip_scaling else scaling(work, args)
        text = report(info, versions, result, rows, args)

    print(f"\n$ {command}\n")
    print(text)
    save(args, command, info, versions, result, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
