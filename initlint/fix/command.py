"""``initlint fix``: apply every fixable finding's edit, file by file, atomically."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import sys
from typing import List

from ..analysis import SourceError
from ..config import Configs
from ..files import FileError, read
from ..index import index_for
from ..notebooks import is_notebook
from ..runner import FileResult, gather, internal_error, run
from ..settings import Settings
from . import fix_source
from .write import WriteError, replace_atomically

WRITE, DIFF, CHECK = "write", "diff", "check"


def add_fix_parser(commands, jobs_type) -> argparse.ArgumentParser:
    fix = commands.add_parser("fix", help="insert the matching init for every fixable finding")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursing into *.py and *.ipynb)")
    what = fix.add_mutually_exclusive_group()
    what.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    what.add_argument("--check", action="store_true", help="write nothing; exit 1 when anything would change")
    fix.add_argument("-j", "--jobs", type=jobs_type, default=None, help="worker processes (default: all cores)")
    return fix


def fix_file(path: str, settings: Settings, mode: str = WRITE) -> FileResult:
    if is_notebook(path):
        from ..notebooks.jobs import fix_notebook

        return fix_notebook(path, settings, write=mode == WRITE, diff=mode == DIFF)
    try:
        original = read(path)
        fixed, analysis = fix_source(original, settings, path, index_for(path, settings))
    except (FileError, SourceError) as error:
        return FileResult(path, error=str(error))
    except RecursionError:  # writing the fixed tree back recurses as deep as the analysis did
        return FileResult(path, error="too deeply nested to fix")
    except Exception as error:  # one file's failure must not end the run (nor leave files half done)
        return FileResult(path, error=internal_error(error))
    reported = analysis.reported
    unfixed = [dataclasses.replace(f, edit=None) for f in reported if not f.fixable]
    result = FileResult(path, unfixed, fixed=len(reported) - len(unfixed))
    # Only an applied edit may change a file (never a parser's round trip on its own).
    result.changed = fixed != original and any(f.edit is not None and not f.noqa for f in analysis.findings)
    if mode == DIFF and result.changed:
        result.diff = _diff(path, analysis.module, fixed)
    if mode == WRITE and result.changed:
        try:
            replace_atomically(path, original, fixed)
        except WriteError as error:
            return FileResult(path, error=str(error))
    return result


def _diff(path: str, module, fixed: bytes) -> str:
    before = module.code.splitlines(keepends=True)
    after = fixed.decode(module.encoding).splitlines(keepends=True)
    old, new = (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    return "".join(difflib.unified_diff(before, after, old, new))


def _fix_write(path: str, settings: Settings) -> FileResult:
    return fix_file(path, settings, WRITE)


def _fix_diff(path: str, settings: Settings) -> FileResult:
    return fix_file(path, settings, DIFF)


def _fix_check(path: str, settings: Settings) -> FileResult:
    return fix_file(path, settings, CHECK)


class _Progress:
    """A one-line progress bar on a terminal, for runs over many files; silent otherwise."""

    def __init__(self, total: int, stream) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total >= 20 and stream.isatty()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.enabled and (self.done == self.total or self.done % 10 == 0):
            width = 30
            filled = width * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files")
            if self.done == self.total:
                self.stream.write("\r" + " " * (width + 30) + "\r")
            self.stream.flush()


def fix(args: argparse.Namespace, configs: Configs) -> int:
    mode = DIFF if args.diff else CHECK if args.check else WRITE
    job = {WRITE: _fix_write, DIFF: _fix_diff, CHECK: _fix_check}[mode]
    files, results = gather(args.paths, configs)
    progress = _Progress(len(files), sys.stderr)
    for result in run(job, files, args.jobs):
        progress.step()
        results.append(result)
        if result.diff:
            sys.stdout.write(result.diff)
    results.sort(key=lambda r: r.path)
    _summary(results, mode, sys.stderr)
    if any(r.failed for r in results):
        return 2
    if mode != WRITE and any(r.changed for r in results):
        return 1
    return 1 if any(r.findings for r in results) else 0


def _summary(results: List[FileResult], mode: str, err) -> None:
    changed = sum(r.changed for r in results)
    fixed = sum(r.fixed for r in results if r.changed)
    unfixed = [(r.path, f) for r in results for f in r.findings]
    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    verb, files = ("fixed", "changed") if mode == WRITE else ("would be fixed", "would change")
    err.write(
        f"initlint: {count(fixed, 'finding')} {verb}, {count(changed, 'file')} {files}, "
        f"{len(unfixed)} left unfixed\n"
    )
    for path, f in unfixed:
        err.write(f"{f.where(path)}: {f.code} {f.layer} not fixed: {f.reason}\n")
    for r in results:
        for line in r.error_lines():
            err.write(line + "\n")
