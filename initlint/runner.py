"""Running one per-file job over many files, in worker processes when there are several."""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from .analysis import SourceError, analyze
from .files import FileError, read
from .findings import Finding
from .settings import Settings


@dataclass
class FileResult:
    path: str
    findings: List[Finding] = field(default_factory=list)  # reported ones (noqa applied)
    error: str = ""  # one line: why the file could not be handled
    changed: bool = False  # fix: the file was (or, with --diff/--check, would be) rewritten
    diff: str = ""
    fixed: int = 0  # fix: findings whose edit was applied


def check_file(path: str, settings: Settings) -> FileResult:
    try:
        analysis = analyze(read(path), settings)
    except (FileError, SourceError) as error:
        return FileResult(path, error=str(error))
    # Edits hold syntax-tree nodes: useless to the caller, costly to send between processes.
    return FileResult(path, [dataclasses.replace(f, edit=None) for f in analysis.reported])


Job = Callable[[str, Settings], FileResult]


def default_jobs() -> int:
    return os.cpu_count() or 1


def run(job: Job, paths: Sequence[str], settings: Settings, jobs: Optional[int] = None) -> Iterator[FileResult]:
    """``job`` over ``paths``, results in input order; in parallel when worth it."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(paths) < 2:
        for path in paths:
            yield job(path, settings)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        chunk = max(1, min(32, len(paths) // (jobs * 4)))
        yield from pool.map(job, paths, [settings] * len(paths), chunksize=chunk)


def split_errors(discovered: Sequence[Tuple[str, str]]) -> Tuple[List[str], List[FileResult]]:
    """Usable paths, and a result for each path that could not be used at all."""
    paths, errors = [], []
    for path, error in discovered:
        if error:
            errors.append(FileResult(path, error=error))
        else:
            paths.append(path)
    return paths, errors
