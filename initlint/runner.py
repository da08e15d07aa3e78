"""Running one per-file job over many files, each with its own settings, in worker processes
when there are several."""

from __future__ import annotations

import dataclasses
import difflib
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

from .analysis import SourceError, analyze
from .config import Configs
from . import verdicts
from .files import FileError, discover, read, source_text
from .findings import Finding
from .positions import physical_lines
from .index import index_for
from .notebooks import is_notebook
from .rules import BY_CODE
from .settings import Settings


@dataclass(frozen=True)
class Replacement:
    """Lines ``start`` up to (not including) ``end`` (1-based) become ``text``; an insertion
    before line ``start`` when ``start == end``."""

    start: int
    end: int
    text: str


@dataclass
class FileResult:
    path: str
    findings: List[Finding] = field(default_factory=list)  # reported ones (noqa applied)
    error: str = ""  # one line: why the file could not be handled
    changed: bool = False  # fix: the file was (or, with --diff/--check, would be) rewritten
    diff: str = ""
    fixed: int = 0  # fix: findings whose edit was applied
    # check: the text of each reported line, by line (notebooks: by (cell, line in the cell))
    lines: Dict[Union[int, Tuple[int, int]], str] = field(default_factory=dict)
    fixes: Dict[Finding, Tuple[Replacement, ...]] = field(default_factory=dict)  # check, on request
    # Notebooks: each code cell that cannot be parsed, (cell number, why); the others are checked.
    cell_errors: List[Tuple[int, str]] = field(default_factory=list)
    # Notebooks: where each finding is in the file's own text (line, column), for github and sarif.
    file_positions: Dict[Finding, Tuple[int, int]] = field(default_factory=dict)

    def error_lines(self) -> List[str]:
        """The file's error and its cells' errors, one line each (no line break)."""
        lines = [f"{self.path}: error: {self.error}"] if self.error else []
        return lines + [f"{self.path}:cell {number}: cannot parse: {why}" for number, why in self.cell_errors]

    @property
    def failed(self) -> bool:
        return bool(self.error or self.cell_errors)


File = Tuple[str, Settings]  # a path and the settings that apply to it
Job = Callable[[str, Settings], FileResult]


def line_changes(before: str, after: str, first_line: int = 1) -> Tuple[Replacement, ...]:
    """``after`` against ``before`` as line replacements, ``before`` starting at ``first_line``."""
    old, new = physical_lines(before, keepends=True), physical_lines(after, keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return tuple(
        Replacement(first_line + i1, first_line + i2, "".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )


def _replacements(module: cst.Module, finding: Finding) -> Tuple[Replacement, ...]:
    """The finding's own edit as line replacements: the fix applied alone, compared by line."""
    from .fix.apply import apply_edits  # the fix package imports this module

    return line_changes(module.code, apply_edits(module, [finding]).code)


def internal_error(error: Exception) -> str:
    """The error line for a bug in initlint (never a traceback)."""
    return f"internal error: {type(error).__name__}: {error} (please report it)"


def check_file(path: str, settings: Settings, with_fixes: bool = False) -> FileResult:
    """The file's reported findings with their lines; ``with_fixes``: each edit as replacements
    (which needs the syntax tree: never from the cache of verdicts)."""
    if is_notebook(path):  # its own reading and mapping to cells (not cached)
        from .notebooks.jobs import check_notebook

        return check_notebook(path, settings, with_fixes)
    try:
        source = read(path)
        index = index_for(path, settings)
        if with_fixes:
            analysis = analyze(source, settings, path, index=index)
            found = analysis.findings
        else:
            found = verdicts.findings(source, settings, path, index=index)
        reported = [f for f in found if not f.noqa]
        # Edits hold syntax-tree nodes: useless to the caller, costly to send between processes.
        result = FileResult(path, [dataclasses.replace(f, edit=None) for f in reported])
        if reported:
            lines = physical_lines(source_text(source)[0])
            result.lines = {f.line: lines[f.line - 1] for f in reported if f.line <= len(lines)}
        if with_fixes:
            result.fixes = {
                dataclasses.replace(f, edit=None): _replacements(analysis.module, f) for f in reported if f.fixable
            }
    except (FileError, SourceError) as error:
        return FileResult(path, error=str(error))
    except Exception as error:  # a bug in initlint: that file's error line, never a traceback
        return FileResult(path, error=internal_error(error))
    return result


def check_file_with_fixes(path: str, settings: Settings) -> FileResult:
    return check_file(path, settings, with_fixes=True)


def _selected(job: Job, path: str, settings: Settings) -> FileResult:
    """``job`` honouring ``select``/``ignore`` (the analysis runs only selected rules): a file no
    selected rule can report on is not even read."""
    if not any(settings.selects(code) for code in BY_CODE):
        return FileResult(path)
    return job(path, settings)


def default_jobs() -> int:
    return os.cpu_count() or 1


def run(job: Job, files: Sequence[File], jobs: Optional[int] = None) -> Iterator[FileResult]:
    """``job`` over ``files``, results in input order; in parallel when worth it."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(files) < 2:
        for path, settings in files:
            yield _selected(job, path, settings)
        return
    paths = [path for path, _ in files]
    settings = [s for _, s in files]
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
            chunk = max(1, min(32, len(files) // (jobs * 4)))
            for result in pool.map(_selected, [job] * len(files), paths, settings, chunksize=chunk):
                yield result
                done += 1
    except BrokenProcessPool:
        # A worker was killed (the OOM killer, a signal) or crashed in native code: the pool is
        # gone, so every file without a result gets an error line; the results so far stand.
        for path in paths[done:]:
            yield FileResult(path, error="internal error: a worker process died (killed, or out of memory): no result for this file")


def split_errors(discovered: Sequence[Tuple[str, str]]) -> Tuple[List[str], List[FileResult]]:
    """Usable paths, and a result for each path that could not be used at all."""
    paths, errors = [], []
    for path, error in discovered:
        if error:
            errors.append(FileResult(path, error=error))
        else:
            paths.append(path)
    return paths, errors


def gather(paths: Sequence[str], configs: Configs) -> Tuple[List[File], List[FileResult]]:
    """The files under ``paths`` that no ``exclude`` glob skips, each with its settings (its
    ``per_file_ignores`` applied), and a
    result for each path that could not be used. Raises ``ConfigError`` for a bad config."""
    usable, errors = split_errors(list(discover(list(paths))))
    named = set(paths)  # a notebook named on the command line is checked whatever `notebooks` says
    files = []
    for path in usable:
        config = configs.for_file(path)
        if is_notebook(path) and path not in named and not config.settings.notebooks:
            continue
        if not config.excludes(path):
            files.append((path, config.settings_for(path)))
    return files, errors
