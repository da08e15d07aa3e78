#!/usr/bin/env python3
"""initlint's benchmark: its cost next to libcst's parse and next to flake8, on real model code,
with the repository index's cache cold and warm, for the whole corpus and for model-dense
packages alone.

    python bench/run.py                              # full run (~25 min on 2 shared cores)
    python bench/run.py --keep /tmp/bench/wheels     # reuse downloaded wheels between runs
    python bench/run.py --quick                      # ~300 files, every measurement, for iteration
    python bench/run.py --profile                    # also cProfile initlint check -j 1, cold and warm
    python bench/run.py --profile-only --profile-flake8 --skip-scaling   # only the profiles
    python bench/run.py --json out.json              # also write every number as JSON

What it does, in one run:

1. Downloads the wheels of timm, torchvision and transformers (``pip download --no-deps
   --only-binary=:all:``, versions as pip resolves them unless ``--packages`` pins them) into a
   temporary folder (or ``--keep DIR``, never inside the repository) and unpacks each wheel's
   ``.py`` files into a folder of its own (``<work>/timm/timm/...``). A wheel has no
   pyproject.toml, so the repository index takes the folder above the outermost package as the
   project root: each package is a project of its own, and the run checks that it is
   (``project_root`` of one file of each, run with the measured initlint) before measuring.
2. Splits the files in two groups: the **model-dense** packages (``--dense``, default timm and
   torchvision: most of their files define models, and most pass initlint's pre-filter) and the
   rest (transformers, whose thousands of framework-managed files are skipped cheaply and
   flatter an average). Every measurement runs on each group; the **whole corpus** figures are
   the sums of the two (CPU and wall added, peak RSS the larger): one more interpreter start-up
   than a single run over everything, and the same per-project index, since the index never
   crosses a project.
3. Runs each measurement in a child process of its own, and reads that child's resource usage
   with ``os.wait4``: CPU = user + sys of the child and of every descendant it waited for (worker
   processes included), wall = elapsed time, peak RSS = ``ru_maxrss`` (the largest single process
   of that measurement, not a sum over workers). Per group, in this order, in rounds
   (``--repeat N`` rounds, ``--dense-repeat N`` for the model-dense group; the least CPU and wall
   of each measurement are kept, and the largest RSS):

   - ``ast.parse`` over every file (reference: the parser flake8 already runs);
   - ``libcst.parse_module`` over every file (bench/parse_all.py: the floor for any libcst linter);
   - ``initlint check -j 1`` with a **cold** cache (``--cache-dir`` a new, empty folder), then
     again with the same folder (**warm**), then with ``--no-repository`` (each file alone: the
     index's cost is the difference), then ``initlint check`` on all cores, warm;
   - ``flake8 --isolated`` with only its default checks and initlint NOT loaded
     (bench/flake8_without.py hides initlint's entry point from flake8's plugin discovery;
     ``--select`` cannot do this, flake8 runs every installed plugin whatever it selects);
   - ``flake8 --isolated --select INI`` with initlint loaded, cold (``--initlint-cache-dir`` a
     new, empty folder), then warm (the same folder); with ``--flake8-default``, also plain
     ``flake8 --isolated`` with initlint loaded, warm.

   Every cache folder is a new folder under the run's temporary folder, outside the projects
   and never in the repository; a warm run is the second run on the cache of the first.
4. A per-file cost of files without any torch layer name, in process (bench/breakdown.py), with
   the index on and its cache warm (a cache folder of its own, filled by an untimed pass).
5. **One edited file** (``--edit-file``, default timm's ``models/resnet.py``): checked once with
   the index on and an empty cache (which summarises what that file's questions reach in its
   project), once more (warm, unedited), then ``--edit-repeat`` times: append a new comment line
   to it, ``initlint check -j 1 --cache-dir WARM FILE``, and ``initlint check -j 1
   --no-repository FILE`` on the same text. The baseline is the file checked alone: what
   checking it costs without the index, everything else equal (same process start-up, same
   parse and analysis of the file); the difference is what the index adds to a re-check after
   an edit (the project's walk, the cached summaries read back, the edited file summarised
   again, the cross-file questions). The file is restored afterwards.
6. Generated files of 1k, 10k and 100k lines (``--quick``: 1k and 10k), two shapes (one long
   ``nn.Sequential``; many small modules), each in a folder of its own (so each is a project of one file), each through
   ``initlint check -j 1`` (empty cache) and ``libcst.parse_module``.
7. With ``--profile``: ``initlint check -j 1`` over the model-dense files under cProfile, cold
   then warm (bench/profile_check.py: top functions by own time, and the pipeline's stages by
   cumulative share); ``--profile-flake8`` does the same for ``flake8 -j 1 --select INI``.

Prints markdown tables: the targets of issue 13 (and of issue 6) with the measured ratio and
pass/miss, for the whole corpus and for the model-dense packages alone, then every measurement.
The machine is shared and noisy: compare ratios measured in the same run, not absolute times
across runs.

``--quick`` (or ``--files N``) unpacks only ~300 (N) files, half from each group, spread evenly
over each group's sorted files, plus the edited file and the ``__init__.py`` files of their
packages (so the packages and the project roots stay as in the wheels); every measurement above
then runs on those files, and the index of each project holds only them.

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
from typing import Callable, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
PACKAGES = ("timm", "torchvision", "transformers")
DENSE = ("timm", "torchvision")
EDIT_FILE = "timm/timm/models/resnet.py"  # relative to the folder the wheels are unpacked in
QUICK_FILES = 300
EDIT_REPEAT = 10
SCALING_LINES = (1_000, 10_000, 100_000)
QUICK_SCALING_LINES = (1_000, 10_000)
GROUPS = ("dense", "other")

ENV = dict(os.environ)  # for every child; snapshot() puts a copy of initlint first on its path

TARGETS = {
    # issue 13: the repository index
    "flake8_warm": 1.25,  # flake8 + initlint (--select INI) / flake8 alone, warm cache, CPU
    "check_warm_vs_parse": 0.8,  # initlint check -j 1 / libcst parse, warm cache, CPU
    "flake8_cold": 1.5,  # flake8 + initlint (--select INI) / flake8 alone, cold cache, CPU
    "edited_file": 1.1,  # one edited file re-checked in a warm repository / that file alone, CPU
    # issue 6
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
        "date": time.strftime("%Y-%m-%d"),
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


def members(wheels: Sequence[Path]) -> Dict[str, Tuple[Path, str]]:
    """Every ``.py`` file of the wheels: its path under the work folder -> (wheel, member). Each
    wheel goes into a folder named after its distribution, so each package is a project of its
    own (the folder above its outermost package) and no index reaches into another's files."""
    found = {}
    for wheel in wheels:
        dist = wheel.name.split("-")[0]
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.endswith(".py") and ".dist-info/" not in member:
                    found[f"{dist}/{member}"] = (wheel, member)
    return found


def group_of(path: str, dense: Sequence[str]) -> str:
    return "dense" if _normalise(path.split("/", 1)[0]) in dense else "other"


def subset(files: List[str], count: int) -> List[str]:
    """``count`` files spread evenly over the sorted list (so every package is represented)."""
    if count >= len(files):
        return files
    if count <= 0:
        return []
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def choose(available: Sequence[str], count: int, dense: Sequence[str], always: Sequence[str]) -> List[str]:
    """``count`` files, half from each group (all of one group if the other is empty), spread
    evenly over each; plus ``always`` and the ``__init__.py`` files of every chosen file's
    package folders, so that the packages (and so the project roots) stay as in the wheels."""
    everything = set(available)
    by_group = {g: sorted(p for p in available if group_of(p, dense) == g) for g in GROUPS}
    half = count // 2 if all(by_group.values()) else count
    chosen = set(subset(by_group["dense"], half if by_group["other"] else count))
    chosen |= set(subset(by_group["other"], count - len(chosen)))
    chosen |= {p for p in always if p in everything}
    for path in list(chosen):
        folder = os.path.dirname(path)
        while "/" in folder:  # below <dist>/: the package folders
            init = f"{folder}/__init__.py"
            if init not in everything:
                break
            chosen.add(init)
            folder = os.path.dirname(folder)
    return sorted(chosen)


def extract(found: Dict[str, Tuple[Path, str]], paths: Sequence[str], folder: Path) -> None:
    by_wheel: Dict[Path, List[str]] = {}
    for path in paths:
        by_wheel.setdefault(found[path][0], []).append(path)
    for wheel, chosen in by_wheel.items():
        with zipfile.ZipFile(wheel) as archive:
            for path in chosen:
                archive.extract(found[path][1], folder / path.split("/", 1)[0])


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
    runs: int = 1  # repetitions this is the best of


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
    print(f"   {run.name}: cpu {run.cpu:.1f}s wall {run.wall:.1f}s peak {run.peak_mb:.0f}MB exit {run.exit}",
          file=sys.stderr, flush=True)
    return run


def best(runs: Sequence[Run]) -> Run:
    """Least CPU and wall, largest peak, over repetitions of one measurement."""
    result = min(runs, key=lambda r: r.cpu)
    result.wall = min(r.wall for r in runs)
    result.peak_mb = max(r.peak_mb for r in runs)
    result.runs = len(runs)
    return result


def combined(name: str, parts: Sequence[Optional[Run]]) -> Optional[Run]:
    """The whole corpus from its groups: CPU, wall and output added, the largest peak."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return Run(name, " ; ".join(p.command for p in parts), cpu=sum(p.cpu for p in parts),
               user=sum(p.user for p in parts), sys=sum(p.sys for p in parts), wall=sum(p.wall for p in parts),
               peak_mb=max(p.peak_mb for p in parts), exit=max(p.exit for p in parts),
               out_lines=sum(p.out_lines for p in parts), timed_out=any(p.timed_out for p in parts),
               runs=min(p.runs for p in parts))


@dataclass
class Step:
    key: str
    label: str
    argv: Callable[[int], List[str]]  # round -> command
    keep_stdout: bool = False
    ok_exits: Tuple[int, ...] = (0, 1)


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


def check_projects(work: Path, files: Sequence[str]) -> Dict[str, str]:
    """The project root the measured initlint finds for one file of each package: it must be the
    package's own folder under ``work`` (else one index would hold another's files, or a marker
    file above the temporary folder would make everything one project)."""
    first = {}
    for path in files:
        first.setdefault(path.split("/", 1)[0], path)
    code = ("import os, sys\nfrom initlint.index.repository import project_root\n"
            "for p in sys.argv[1:]:\n    print(project_root(os.path.dirname(os.path.abspath(p))))\n")
    out = subprocess.run([PY, "-c", code, *first.values()], cwd=work, capture_output=True, text=True, env=ENV,
                         check=True).stdout.split("\n")
    roots = dict(zip(first, out))
    for dist, root in roots.items():
        if Path(root) != work / dist:
            raise SystemExit(f"{first[dist]}: project root {root}, expected {work / dist} (a marker file above "
                             f"the temporary folder?): each package must be indexed as a project of its own")
    return roots


def group_steps(group: str, files: List[str], listing: Path, caches: Path, args: argparse.Namespace) -> List[Step]:
    def cache(tool: str) -> Callable[[int], str]:
        return lambda round_: str(caches / f"{group}-{tool}-{round_}")

    check_cache, flake8_cache = cache("check"), cache("flake8")

    def fresh(folder: Callable[[int], str]) -> Callable[[int], str]:
        def new(round_: int) -> str:
            path = folder(round_)
            if os.path.exists(path):
                raise SystemExit(f"{path}: a cold cache folder must be new")
            return path

        return new

    jobs = [] if args.flake8_jobs is None else [f"--jobs={args.flake8_jobs}"]
    check_ok = (0, 1, 2)  # 2: some file did not parse
    steps = [
        Step("ast", "ast.parse (reference)", lambda r: [PY, str(HERE / "parse_all.py"), str(listing), "--ast"], True),
        Step("libcst", "libcst.parse_module", lambda r: [PY, str(HERE / "parse_all.py"), str(listing)], True),
        Step("check_cold", "initlint check -j 1, cold cache",
             lambda r: initlint_check("-j", "1", "--cache-dir", fresh(check_cache)(r), *files), ok_exits=check_ok),
        Step("check_warm", "initlint check -j 1, warm cache",
             lambda r: initlint_check("-j", "1", "--cache-dir", check_cache(r), *files), ok_exits=check_ok),
        Step("check_alone", "initlint check -j 1 --no-repository",
             lambda r: initlint_check("-j", "1", "--no-repository", *files), ok_exits=check_ok),
        Step("check_all", f"initlint check (all {os.cpu_count()} cores), warm cache",
             lambda r: initlint_check("--cache-dir", check_cache(r), *files), ok_exits=check_ok),
    ]
    if not args.skip_flake8:
        steps += [
            Step("flake8_alone", "flake8 (defaults, no initlint)",
                 lambda r: flake8("--isolated", *jobs, *files, with_initlint=False)),
            Step("flake8_cold", "flake8 + initlint --select INI, cold cache",
                 lambda r: flake8("--isolated", "--select", "INI", *jobs, "--initlint-cache-dir",
                                  fresh(flake8_cache)(r), *files)),
            Step("flake8_warm", "flake8 + initlint --select INI, warm cache",
                 lambda r: flake8("--isolated", "--select", "INI", *jobs, "--initlint-cache-dir", flake8_cache(r),
                                  *files)),
        ]
        if args.flake8_default:
            steps.append(Step("flake8_default", "flake8 + initlint (default select), warm cache",
                              lambda r: flake8("--isolated", *jobs, "--initlint-cache-dir", flake8_cache(r), *files)))
    return steps


def measure_group(group: str, files: List[str], work: Path, caches: Path, args: argparse.Namespace,
                  rounds: int) -> Dict[str, object]:
    listing = work / f"files-{group}.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    lines = 0
    for path in files:  # also warms the page cache for every measurement alike
        lines += (work / path).read_bytes().count(b"\n")
    steps = group_steps(group, files, listing, caches, args)
    measured: Dict[str, List[Run]] = {step.key: [] for step in steps}
    for round_ in range(rounds):
        for step in steps:
            print(f"-- {group} [{round_ + 1}/{rounds}]: {step.label}", file=sys.stderr, flush=True)
            run = measure(step.label, step.argv(round_), work, args.timeout, step.keep_stdout, step.ok_exits)
            run.command = _short(run.command, files)
            measured[step.key].append(run)
    runs = {key: best(found) for key, found in measured.items()}

    print(f"-- {group}: breakdown: parse CPU by file group, files without a layer name (in process)",
          file=sys.stderr, flush=True)
    argv = [PY, str(HERE / "breakdown.py"), str(listing), "--repeat", str(args.inner_repeat),
            "--cache-dir", str(caches / f"{group}-breakdown")]
    cost = measure("breakdown", argv, work, args.timeout, keep_stdout=True, ok_exits=(0,))
    prefilter = json.loads(cost.stdout) if cost.exit == 0 else {}
    packages = sorted({path.split("/", 1)[0] for path in files})
    return {"files": len(files), "lines": lines, "packages": packages, "runs": runs, "prefilter": prefilter,
            "listing": str(listing)}


def _short(command: str, files: List[str]) -> str:
    return command.replace(" ".join(files), f"<{len(files)} files>")


def edited_file(path: str, work: Path, caches: Path, args: argparse.Namespace) -> Dict[str, object]:
    """Target 4: one file of a warm repository re-checked after an edit, against the file alone."""
    target = work / path
    original = target.read_bytes()
    cache = str(caches / "edit")
    with_index = initlint_check("-j", "1", "--cache-dir", cache, path)
    alone = initlint_check("-j", "1", "--no-repository", path)
    runs: Dict[str, Run] = {}
    print(f"-- one edited file: {path}", file=sys.stderr, flush=True)
    runs["cold"] = measure("one file, index on, empty cache (the first check of its project)", with_index, work,
                           args.timeout)
    runs["unedited"] = measure("one file, index on, warm cache, unedited", with_index, work, args.timeout)
    edited: List[Run] = []
    by_itself: List[Run] = []
    start = original if original.endswith(b"\n") else original + b"\n"
    try:
        for round_ in range(args.edit_repeat):
            # The file with one comment line appended, a new one each round: a text never seen, so
            # its summary is made again (the rest of the repository stays cached).
            target.write_bytes(start + f"# initlint benchmark: edit {round_ + 1}\n".encode())
            edited.append(measure("one file, index on, warm cache, after an edit", with_index, work, args.timeout))
            by_itself.append(measure("one file, --no-repository (the file alone)", alone, work, args.timeout))
    finally:
        target.write_bytes(original)
    runs["edited"] = best(edited)
    runs["alone"] = best(by_itself)
    return {"file": path, "lines": original.count(b"\n"), "runs": runs}


def profiles(listing: str, work: Path, caches: Path, args: argparse.Namespace) -> Dict[str, dict]:
    """cProfile of ``initlint check -j 1`` (and with --profile-flake8 of flake8 -j 1) on the
    model-dense files: cold (an empty cache folder), then warm (the same folder again)."""
    found: Dict[str, dict] = {}
    tools = [("check", [])] + ([("flake8", ["--flake8"])] if args.profile_flake8 else [])
    for tool, extra in tools:
        cache = str(caches / f"profile-{tool}")
        for state in ("cold", "warm"):
            print(f"-- profile: {tool}, {state} cache", file=sys.stderr, flush=True)
            argv = [PY, str(HERE / "profile_check.py"), listing, "--cache-dir", cache, "--top", str(args.profile_top),
                    *extra]
            run = measure(f"cProfile {tool} {state}", argv, work, args.timeout, keep_stdout=True, ok_exits=(0,))
            if run.exit == 0:
                found[f"{tool}_{state}"] = {**json.loads(run.stdout), "cpu": run.cpu}
    return found


def scaling(work: Path, caches: Path, args: argparse.Namespace) -> List[Dict[str, object]]:
    """Each generated file in a folder of its own (a project of one file), checked with an empty
    cache each time: the cost of a first check of a new file, the index included."""
    base = work / "generated"
    rows = []

    def place(name: str, text: str) -> Path:
        folder = base / Path(name).stem
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        (folder / "files.txt").write_text(str(path) + "\n", encoding="utf-8")
        return path

    def both(label: str, path: Path) -> Tuple[Run, Run]:
        checks, parses = [], []
        for round_ in range(args.repeat):
            cache = str(caches / f"scaling-{path.stem}-{round_}")
            checks.append(measure(f"check {label}", initlint_check("-j", "1", "--cache-dir", cache, str(path)), work,
                                  args.timeout))
            parses.append(measure(f"parse {label}", [PY, str(HERE / "parse_all.py"), str(path.parent / "files.txt")],
                                  work, args.timeout))
        return best(checks), best(parses)

    check, parse = both("empty.py", place("empty.py", ""))
    rows.append({"shape": "empty file (start-up)", "lines": 0, "check": check, "parse": parse})
    for shape, slug, make in (("one nn.Sequential", "sequential", sequential_file),
                              ("small modules", "modules", small_modules_file)):
        for lines in args.scaling:
            path = place(f"{slug}_{lines}.py", make(lines))
            check, parse = both(path.name, path)
            rows.append({"shape": shape, "lines": lines, "check": check, "parse": parse})
    return rows


# --------------------------------------------------------------------------- tables


def _ok(value: Optional[float], target: float) -> str:
    if value is None:
        return "n/a"
    return "pass" if value <= target else f"**miss** ({value / target:.2f}x the target)"


def _fmt(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


class Scopes:
    """The runs of the whole corpus and of the model-dense group, by measurement key."""

    def __init__(self, groups: Dict[str, Dict[str, object]]) -> None:
        self.groups = groups
        keys: List[str] = []
        for group in groups.values():
            keys += [k for k in group["runs"] if k not in keys]  # type: ignore[union-attr]
        self.keys = keys
        self.by: Dict[str, Dict[str, Run]] = {"dense": {}, "other": {}, "whole": {}}
        for key in keys:
            parts = [groups[g]["runs"].get(key) for g in GROUPS if g in groups]  # type: ignore[union-attr]
            for g in GROUPS:
                if g in groups and key in groups[g]["runs"]:  # type: ignore[operator]
                    self.by[g][key] = groups[g]["runs"][key]  # type: ignore[index]
            whole = combined(next(p.name for p in parts if p is not None), parts)
            if whole is not None:
                self.by["whole"][key] = whole

    def cpu(self, scope: str, key: str) -> Optional[float]:
        run = self.by[scope].get(key)
        return run.cpu if run is not None else None

    def wall(self, scope: str, key: str) -> Optional[float]:
        run = self.by[scope].get(key)
        return run.wall if run is not None else None

    def ratio(self, scope: str, a: str, b: str) -> Optional[float]:
        return _ratio(self.cpu(scope, a), self.cpu(scope, b))

    def prefilter(self, scope: str) -> Dict[str, object]:
        """breakdown.py's numbers for a scope (the whole corpus: the groups' added up)."""
        parts = [self.groups[g].get("prefilter") or {} for g in GROUPS if g in self.groups
                 and (scope == "whole" or g == scope)]
        out: Dict[str, object] = {}
        for part in parts:
            for key, value in part.items():  # type: ignore[union-attr]
                if key == "repeat":
                    out[key] = value
                elif isinstance(value, list):
                    out[key] = list(out.get(key, [])) + value  # type: ignore[arg-type]
                elif isinstance(value, (int, float)):
                    out[key] = out.get(key, 0) + value  # type: ignore[operator]
        return out


def targets_table(scopes: Optional[Scopes], edit: Dict[str, object], rows: List[Dict[str, object]],
                  dense_name: str) -> List[str]:
    out = [f"| target | limit | whole corpus | met | {dense_name} | met |", "|---|---:|---:|---|---:|---|"]

    def both(text: str, value: Callable[[str], Optional[float]], target: float, pct: bool = False) -> None:
        show = _pct if pct else _fmt
        whole, dense = value("whole"), value("dense")
        limit = f"≤ {target * 100:.0f}%" if pct else f"≤ {target}"
        out.append(f"| {text} | {limit} | {show(whole)} | {_ok(whole, target)} | {show(dense)} | "
                   f"{_ok(dense, target)} |")

    if scopes is not None:
        both("1. flake8 + initlint --select INI / flake8 alone, warm cache (CPU)",
             lambda s: scopes.ratio(s, "flake8_warm", "flake8_alone"), TARGETS["flake8_warm"])
        both("2. initlint check -j 1 / libcst.parse_module, warm cache (CPU)",
             lambda s: scopes.ratio(s, "check_warm", "libcst"), TARGETS["check_warm_vs_parse"])
        both("3. flake8 + initlint --select INI / flake8 alone, cold cache (CPU)",
             lambda s: scopes.ratio(s, "flake8_cold", "flake8_alone"), TARGETS["flake8_cold"])
    if scopes is not None:
        def no_layer(key: str) -> Callable[[str], Optional[float]]:
            return lambda s: _ratio(scopes.prefilter(s).get(key), scopes.prefilter(s).get("no_layer_name_parse_cpu"))

        both("issue 6: file without a layer name: initlint check's per-file work / its parse",
             no_layer("no_layer_name_analyze_cpu"), TARGETS["no_layer_share"], pct=True)
        both("issue 6: file without a layer name: flake8 plugin's work / its parse",
             no_layer("no_layer_name_plugin_cpu"), TARGETS["no_layer_share"], pct=True)
    if len(out) == 2:
        out = []
    else:
        out.append("")
    single = ["| target (one measurement) | limit | measured | met |", "|---|---:|---:|---|"]
    if edit:
        runs: Dict[str, Run] = edit["runs"]  # type: ignore[assignment]
        value = _ratio(runs["edited"].cpu, runs["alone"].cpu)
        single.append(f"| 4. re-check of one edited file in a warm repository / that file alone ({edit['file']}, "
                      f"CPU) | ≤ {TARGETS['edited_file']} | {_fmt(value)} | {_ok(value, TARGETS['edited_file'])} |")
    for shape in ("one nn.Sequential", "small modules"):
        by = {row["lines"]: row["check"] for row in rows if row["shape"] == shape}
        if 10_000 in by and 100_000 in by:
            r = _ratio(by[100_000].cpu, by[10_000].cpu)  # type: ignore[union-attr]
            peak = by[100_000].peak_mb  # type: ignore[union-attr]
            single.append(f"| issue 6: generated {shape}: 100k-line / 10k-line file (CPU) | ≤ {TARGETS['scaling']:.0f} "
                          f"| {_fmt(r)} | {_ok(r, TARGETS['scaling'])} |")
            single.append(f"| issue 6: generated {shape}: peak RSS of the 100k-line file, MB | "
                          f"≤ {TARGETS['peak_mb']:.0f} | {peak:.0f} | {_ok(peak, TARGETS['peak_mb'])} |")
    if len(single) > 2:
        out += single + [""]
    return out


def report(info: Dict[str, str], versions: Dict[str, str], result: Dict[str, object],
           rows: List[Dict[str, object]], args: argparse.Namespace) -> str:
    out = []
    out.append(f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']} ({info['platform']})")
    tools = ("libcst", "flake8", "pyflakes", "pycodestyle", "initlint")
    out.append("tools: " + ", ".join(f"{k} {info[k]}" for k in tools) + f" (commit {info['initlint_commit']})")
    out.append(f"measured: {info.get('measured', '?')}, {info['date']}")
    out.append("corpus: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    groups: Dict[str, Dict[str, object]] = result.get("groups", {})  # type: ignore[assignment]
    edit: Dict[str, object] = result.get("edit", {})  # type: ignore[assignment]
    dense_name = "model-dense (" + ", ".join(args.dense) + ")"
    names = {"dense": dense_name, "other": "the rest", "whole": "whole corpus"}
    scopes = Scopes(groups) if groups else None
    if groups:
        for g, group in groups.items():
            out.append(f"{names[g]}: {', '.join(group['packages'])}: {group['files']:,} .py files, "  # type: ignore
                       f"{group['lines']:,} lines; best of {args.dense_repeat if g == 'dense' else args.repeat} "
                       f"round(s)" + (" (--quick subset)" if args.quick or args.files else ""))
    out.append("")
    if scopes is not None or edit or rows:
        out.append("Targets (ratios of measurements of this run):")
        out.append("")
        out += targets_table(scopes, edit, rows, dense_name)

    if scopes is not None:
        present = [g for g in ("dense", "other") if g in groups] + ["whole"]
        head = " | ".join(f"CPU s {names[g]}" for g in present)
        out.append(f"| measurement | {head} | wall s whole | peak RSS MB | output lines (whole) | exit |")
        out.append("|---|" + "---:|" * (len(present) + 4))
        for key in scopes.keys:
            whole = scopes.by["whole"][key]
            cells = " | ".join(f"{scopes.by[g][key].cpu:.1f}" if key in scopes.by[g] else "" for g in present)
            flag = " (timed out)" if whole.timed_out else ""
            out.append(f"| {whole.name} | {cells} | {whole.wall:.1f} | {whole.peak_mb:.0f} | {whole.out_lines:,} | "
                       f"{whole.exit}{flag} |")
        out.append("")
        out.append(f"| more ratios (CPU unless said, same run) | whole corpus | {dense_name} |")
        out.append("|---|---:|---:|")

        def row(text: str, value: Callable[[str], Optional[float]], pct: bool = False) -> None:
            show = _pct if pct else _fmt
            out.append(f"| {text} | {show(value('whole'))} | {show(value('dense'))} |")

        row("initlint check -j 1, cold cache / libcst.parse_module", lambda s: scopes.ratio(s, "check_cold", "libcst"))
        row("initlint check -j 1 --no-repository / libcst.parse_module",
            lambda s: scopes.ratio(s, "check_alone", "libcst"))
        row("initlint check -j 1: warm cache / --no-repository (the index's cost, warm)",
            lambda s: scopes.ratio(s, "check_warm", "check_alone"))
        row("initlint check -j 1: cold cache / --no-repository (the index's cost, cold)",
            lambda s: scopes.ratio(s, "check_cold", "check_alone"))
        row("initlint check (all cores) / -j 1, warm cache, wall",
            lambda s: _ratio(scopes.wall(s, "check_all"), scopes.wall(s, "check_warm")))
        row("flake8 + initlint --select INI: cold / warm cache",
            lambda s: scopes.ratio(s, "flake8_cold", "flake8_warm"))
        if "flake8_default" in scopes.keys:
            row("flake8 + initlint (default select), warm cache / flake8 alone",
                lambda s: scopes.ratio(s, "flake8_default", "flake8_alone"))
        row("(flake8 + initlint, warm - flake8 alone) / initlint check -j 1, warm: initlint in flake8 vs on its own",
            lambda s: _ratio(None if scopes.cpu(s, "flake8_warm") is None else
                             scopes.cpu(s, "flake8_warm") - scopes.cpu(s, "flake8_alone"), scopes.cpu(s, "check_warm")))
        row("libcst.parse_module / flake8 alone (the parse alone, next to flake8)",
            lambda s: scopes.ratio(s, "libcst", "flake8_alone"))
        row("libcst.parse_module / ast.parse", lambda s: scopes.ratio(s, "libcst", "ast"))
        out.append("")
    if edit:
        runs: Dict[str, Run] = edit["runs"]  # type: ignore[assignment]
        out.append(f"One edited file: {edit['file']} ({edit['lines']:,} lines); "
                   f"best of {runs['edited'].runs} edits for the last two rows")
        out.append("")
        out.append("| measurement | CPU s | wall s | peak RSS MB | output lines | / the file alone (CPU) |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for key in ("cold", "unedited", "edited", "alone"):
            run = runs[key]
            out.append(f"| {run.name} | {run.cpu:.2f} | {run.wall:.2f} | {run.peak_mb:.0f} | {run.out_lines} | "
                       f"{_fmt(_ratio(run.cpu, runs['alone'].cpu))} |")
        out.append("")
    if scopes is not None:
        pre = {s: scopes.prefilter(s) for s in ("whole", "dense")}
        if pre["whole"]:
            out.append(f"| where initlint check stops (in process, no index) | files, whole | share of its parse CPU "
                       f"| files, {dense_name} | share of its parse CPU |")
            out.append("|---|---:|---:|---:|---:|")

            def stage(text: str, files_key: Optional[str], cpu_key: str) -> None:
                cells = []
                for s in ("whole", "dense"):
                    p = pre[s]
                    count = p.get(files_key, 0) if files_key else p.get("files", 0)
                    cells += [f"{count:,}", _pct(_ratio(p.get(cpu_key), p.get("parse_cpu_all")))]
                out.append(f"| {text} | " + " | ".join(cells) + " |")

            stage("all files", None, "parse_cpu_all")
            stage("text pre-filter: no layer, or no checked activation or init call", "text_files", "text_parse_cpu")
            stage("framework check on Python's `ast`", "framework_files", "framework_parse_cpu")
            stage("parsed by libcst and analysed", "parsed_files", "parsed_parse_cpu")
            stage("... of which have findings", "with_findings", "parse_cpu_with_findings")
            out.append("")
            for s in ("whole", "dense"):
                p = pre[s]
                if not p:
                    continue
                out.append(f"{names[s]}: initlint's own work after libcst's parse (`analyze_module`, no index): "
                           f"{_pct(_ratio(p.get('own_cpu_parsed'), p.get('parse_cpu_all')))} of the parse CPU of all "
                           f"files, {_fmt(_ratio(p.get('own_cpu_parsed'), p.get('parsed_parse_cpu')))} x the parse of "
                           f"the files it runs on; ast.parse of the files passing the pre-filter: "
                           f"{_pct(_ratio(p.get('ast_cpu'), p.get('parse_cpu_all')))}; "
                           f"{p.get('findings', 0):,} findings; "
                           f"findings the cheap stages would have skipped: {p.get('missed_findings', 0)}"
                           + (f" (e.g. {p['missed_files'][0]})" if p.get("missed_files") else "") + ".")
            out.append("")
    for name, prof in (result.get("profile") or {}).items():  # type: ignore[union-attr]
        tool, state = name.split("_")
        what = "initlint check -j 1" if tool == "check" else "flake8 -j 1 --select INI"
        out.append(f"cProfile of `{what}` over the {dense_name} files, {state} cache: {prof['total']:.1f} s profiled "
                   f"({prof['cpu']:.1f} s CPU with the profiler)")
        out.append("")
        out.append("| stage (cumulative, stages nest) | share |")
        out.append("|---|---:|")
        for item in prof["stages"]:
            out.append(f"| {item['stage']} | {_pct(item['share'])} |")
        out.append("")
        out.append("| function (most own time) | calls | own | cumulative |")
        out.append("|---|---:|---:|---:|")
        for item in prof["top"]:
            out.append(f"| `{item['function']}` | {item['calls']:,} | {_pct(item['own_share'])} | "
                       f"{_pct(item['cumulative_share'])} |")
        out.append("")
    if rows:
        out.append("| generated file (a project of its own, empty cache) | lines | check CPU s | µs/line | µs/line net "
                   "of start-up | wall s | peak RSS MB | output lines | parse CPU s | check/parse |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        startup = rows[0]["check"].cpu if rows and not rows[0]["lines"] else 0.0  # type: ignore[union-attr]
        for r in rows:
            check: Run = r["check"]  # type: ignore[assignment]
            parse: Run = r["parse"]  # type: ignore[assignment]
            per_line = f"{check.cpu / r['lines'] * 1e6:.0f}" if r["lines"] else ""
            net = f"{(check.cpu - startup) / r['lines'] * 1e6:.0f}" if r["lines"] else ""
            flag = " (timed out)" if check.timed_out else ""
            out.append(f"| {r['shape']} | {r['lines']:,} | {check.cpu:.2f}{flag} | {per_line} | {net} | "
                       f"{check.wall:.2f} | {check.peak_mb:.0f} | {check.out_lines:,} | {parse.cpu:.2f} | "
                       f"{_fmt(_ratio(check.cpu, parse.cpu))} |")
        out.append("")
    return "\n".join(out)


def save(args: argparse.Namespace, command: str, info: Dict[str, str], versions: Dict[str, str],
         result: Dict[str, object], rows: List[Dict[str, object]]) -> None:
    if not args.json:
        return

    def plain(value: object) -> object:
        if isinstance(value, Run):
            return asdict(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    data = {"command": command, "machine": info, "versions": versions, "targets": TARGETS,
            "result": plain(result), "scaling": plain(rows)}
    Path(args.json).write_text(json.dumps(data, indent=2), encoding="utf-8")


def _newest(folder: Path) -> Optional[float]:
    """The newest modification time of anything in ``folder``; None when it does not exist."""
    if not folder.exists():
        return None
    return max([folder.stat().st_mtime] + [p.stat().st_mtime for p in folder.rglob("*")])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="download wheels into DIR and reuse the ones there "
                        "(default: a temporary folder); never a folder inside the repository")
    parser.add_argument("--refresh", action="store_true", help="with --keep: ask pip again even if wheels are there")
    parser.add_argument("--packages", nargs="+", default=list(PACKAGES),
                        help="requirements to download, e.g. timm==1.0.31 (default: %(default)s, newest)")
    parser.add_argument("--dense", type=lambda text: [_normalise(n) for n in text.split(",") if n],
                        default=list(DENSE), help="the model-dense packages, by distribution name "
                        "(default: %(default)s); the other packages are 'the rest'")
    parser.add_argument("--quick", action="store_true",
                        help=f"only ~{QUICK_FILES} files, half from each group (plus their packages' __init__.py)")
    parser.add_argument("--files", type=int, help="only ~this many files (like --quick, any count)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the measurements of the rest, and of the "
                        "generated files; the best of each measurement is kept (default: 1)")
    parser.add_argument("--dense-repeat", type=int, help="rounds of the model-dense group's measurements "
                        "(default: 3, or --repeat if larger)")
    parser.add_argument("--edit-file", default=EDIT_FILE,
                        help="the file edited for target 4, relative to the unpacked wheels (default: %(default)s)")
    parser.add_argument("--edit-repeat", type=int, default=EDIT_REPEAT,
                        help="edits of that file, each re-checked with the index and alone (default: %(default)s)")
    parser.add_argument("--inner-repeat", type=int, default=20,
                        help="repetitions of the per-file analysis of files without layer names")
    parser.add_argument("--flake8-jobs", help="flake8 --jobs (default: flake8's own default, auto)")
    parser.add_argument("--flake8-default", action="store_true",
                        help="also flake8 + initlint with flake8's default selection (warm cache)")
    parser.add_argument("--skip-flake8", action="store_true", help="leave out the flake8 measurements")
    parser.add_argument("--skip-corpus", action="store_true", help="only the generated files")
    parser.add_argument("--skip-scaling", action="store_true", help="only the real corpus")
    parser.add_argument("--scaling", type=lambda text: [int(n) for n in text.split(",")],
                        help="sizes of the generated files in lines (default: 1000,10000,100000; "
                        "with --quick or --files: 1000,10000)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile initlint check -j 1 over the model-dense files, cold and warm")
    parser.add_argument("--profile-flake8", action="store_true", help="with --profile: flake8 -j 1 --select INI too")
    parser.add_argument("--profile-only", action="store_true",
                        help="only the profiles (and the generated files unless --skip-scaling): no other measurement")
    parser.add_argument("--profile-top", type=int, default=15, help="functions listed per profile (default: 15)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measurement (default: 3600)")
    parser.add_argument("--json", metavar="FILE", help="also write every number to FILE")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="measure the installed initlint, not a copy of the repository's taken at the start")
    args = parser.parse_args(argv)
    if args.dense_repeat is None:
        args.dense_repeat = max(3, args.repeat)
    if args.scaling is None:
        args.scaling = list(QUICK_SCALING_LINES if args.quick or args.files else SCALING_LINES)
    args.profile = args.profile or args.profile_flake8 or args.profile_only

    if args.keep and Path(args.keep).resolve().is_relative_to(REPO):
        parser.error("--keep must be outside the repository")
    info = machine()
    print(f"machine: {info}", file=sys.stderr)
    command = ("python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    # `timeout` and friends send SIGTERM: leave through the `with` blocks so temporary folders go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    repo_cache = REPO / ".initlint_cache"  # must not change: every measurement has a cache folder of its own
    cache_before = _newest(repo_cache)

    with tempfile.TemporaryDirectory(prefix="initlint-bench-") as temp:
        temp_path = Path(temp)
        if temp_path.resolve().is_relative_to(REPO):
            raise SystemExit(f"{temp}: the temporary folder is inside the repository (TMPDIR?)")
        wheels_dir = Path(args.keep) if args.keep else temp_path / "wheels"
        versions: Dict[str, str] = {}
        result: Dict[str, object] = {}
        work = temp_path / "src"
        work.mkdir()
        caches = temp_path / "caches"  # every --cache-dir of the run: outside the projects and the repository
        caches.mkdir()
        info["measured"] = "installed initlint" if args.no_snapshot else snapshot(temp_path / "snapshot")
        if not args.skip_corpus:
            wheels = fetch(args.packages, wheels_dir, args.refresh)
            versions = {w.name.split("-")[0]: w.name.split("-")[1] for w in wheels}
            print("corpus: " + ", ".join(f"{k} {v}" for k, v in versions.items()), file=sys.stderr, flush=True)
            found = members(wheels)
            files = sorted(found)
            count = args.files or (QUICK_FILES if args.quick else None)
            if count:
                files = choose(files, count, args.dense, [args.edit_file])
            extract(found, files, work)
            roots = check_projects(work, files)
            print("project roots: " + ", ".join(f"{d}: {r}" for d, r in roots.items()), file=sys.stderr)
            loaded, hidden = check_flake8_plugins(work)
            print(f"flake8 with initlint:    {loaded}\nflake8 without initlint: {hidden}", file=sys.stderr)
            where = subprocess.run([PY, "-c", "import initlint; print(initlint.__file__)"], cwd=work,
                                   capture_output=True, text=True, env=ENV).stdout.strip()
            print(f"children import initlint from {where}", file=sys.stderr)
            subprocess.run(initlint_check("--help"), cwd=work, capture_output=True, env=ENV)  # warm imports / .pyc
            groups: Dict[str, Dict[str, object]] = {}
            for group in GROUPS if not args.profile_only else ():
                chosen = [p for p in files if group_of(p, args.dense) == group]
                if chosen:
                    rounds = args.dense_repeat if group == "dense" else args.repeat
                    groups[group] = measure_group(group, chosen, work, caches, args, rounds)
            result["groups"] = groups
            result["flake8_plugins"] = {"with": loaded, "without": hidden}
            if args.profile_only:
                pass
            elif args.edit_file in files:
                result["edit"] = edited_file(args.edit_file, work, caches, args)
            else:
                print(f"!! {args.edit_file}: not in the corpus, no edited-file measurement", file=sys.stderr)
            dense_files = [p for p in files if group_of(p, args.dense) == "dense"]
            if args.profile and dense_files:
                listing = work / "files-dense-profile.txt"
                listing.write_text("\n".join(dense_files) + "\n", encoding="utf-8")
                result["profile"] = profiles(str(listing), work, caches, args)
            # Shown (and saved) before the long scaling part, in case that part is interrupted.
            print(report(info, versions, result, [], args), file=sys.stderr, flush=True)
            save(args, command, info, versions, result, [])
        rows = [] if args.skip_scaling else scaling(work, caches, args)
        text = report(info, versions, result, rows, args)
        if _newest(repo_cache) != cache_before:
            print(f"!! {repo_cache}: written during the run: a measurement put a cache into the repository",
                  file=sys.stderr)

    elapsed = time.perf_counter() - started
    print(f"\n$ {command}\n\n(the whole run: {elapsed / 60:.1f} min wall)\n")
    print(text)
    save(args, command, info, versions, result, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
