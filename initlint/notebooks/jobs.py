"""``check`` and ``fix`` for one notebook: the same analysis as for a ``.py`` file, run on the
notebook's code cells joined into one module, its positions mapped back to cells.

A cell that does not parse (IPython lines masked) is reported on its own line and left out of
the module; the other cells are still checked and fixed. A notebook whose kernel is not Python
is skipped.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import os
import warnings
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from .. import verdicts
from ..analysis import Analysis, SourceError, analyze, parse
from ..files import FileError, read
from ..findings import Finding
from ..fix import fix_source
from ..fix.apply import apply_edits
from ..fix.write import WriteError, replace_atomically
from ..index import FileIndex, index_for
from ..positions import physical_lines
from ..runner import FileResult, Replacement, internal_error, line_changes
from ..settings import Settings
from .document import Notebook, NotebookError, file_offsets, line_and_column, load
from .magics import mask
from .module import Joined, Part, SplitError, join, split
from .splice import changed_lines, spliced

CellErrors = List[Tuple[int, str]]


def _python_problem(text: str) -> str:
    """Why Python cannot parse a cell, or "" (top-level ``await`` is fine: IPython runs it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # JSON can spell a lone surrogate (\ud800); UTF-8 cannot
        return f"cannot encode as UTF-8: {error.reason} at line {text.count(chr(10), 0, error.start) + 1}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as error:
        return f"syntax error at {error.lineno or 1}:{error.offset or 1}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"{type(error).__name__}: {error}"
    return ""


def _parts(notebook: Notebook) -> Tuple[List[Part], CellErrors]:
    numbers = [0]  # placeholder numbers, unique in the notebook
    parts, errors = [], []
    for cell in notebook.code_cells:
        masked = mask(cell.source, numbers)
        problem = _python_problem(masked.text)
        if problem:
            errors.append((cell.number, problem))
        else:
            parts.append(Part(cell, masked))
    return parts, errors


def _libcst_problem(part: Part) -> str:
    try:
        parse(part.masked.text)
    except SourceError as error:
        return str(error)
    return ""


@dataclass
class Run:
    """A notebook and what ``run`` made of its code cells joined into one module."""

    original: bytes
    notebook: Notebook
    joined: Joined
    value: object  # what ``run`` returned
    errors: CellErrors  # the cells left out


def _run(path: str, settings: Settings, run: Callable[[bytes, Optional[FileIndex]], object]) -> Optional[Run]:
    """``run(module source, index)`` on the notebook's parsable code cells; None for a notebook
    of another language. Should libcst refuse what Python parsed, the cells it refuses are
    found one by one, reported, and the rest analysed."""
    original, notebook = _loaded(path)
    if notebook.language != "python":
        return None
    parts, errors = _parts(notebook)
    index = index_for(path, settings)
    joined = join(parts)
    try:
        return Run(original, notebook, joined, run(joined.text.encode("utf-8"), index), errors)
    except SourceError:
        refused = [(part, _libcst_problem(part)) for part in parts]
        if not any(problem for _, problem in refused):
            raise
        errors.extend((part.cell.number, problem) for part, problem in refused if problem)
        errors.sort()
        joined = join([part for part, problem in refused if not problem])
        return Run(original, notebook, joined, run(joined.text.encode("utf-8"), index), errors)


def _in_cells(joined: Joined, notebook: Notebook, findings: List[Finding], result: FileResult) -> None:
    """The findings with their cell and line in it; their lines, and where they are in the file."""
    offsets: Dict[int, List[int]] = {}
    cells = {cell.number: cell for cell in notebook.cells}
    for finding in findings:
        number, line = joined.position(finding.line)
        mapped = dataclasses.replace(finding, edit=None, cell=number, line=line)
        result.findings.append(mapped)
        result.lines[(number, line)] = joined.original_line(finding.line)
        if number not in offsets:
            offsets[number] = file_offsets(notebook, cells[number])
        start = sum(len(text) for text in physical_lines(cells[number].source, keepends=True)[: line - 1])
        at = min(start + finding.col, len(offsets[number]) - 1)
        result.file_positions[mapped] = line_and_column(notebook.text, offsets[number][at])


def _loaded(path: str) -> Tuple[bytes, Notebook]:
    data = read(path)
    try:
        return data, load(data)
    except NotebookError as error:
        raise FileError(str(error)) from None


def _fix_alone(done: Run, finding: Finding) -> Tuple[Replacement, ...]:
    """The finding's own edit, as replacements of whole lines of the notebook's file."""
    sources = split(done.joined, apply_edits(done.value.module, [finding]).code)
    changes = changed_lines(done.notebook, sources)
    return tuple(r for first, before, after in changes for r in line_changes(before, after, first))


def check_notebook(path: str, settings: Settings, with_fixes: bool = False) -> FileResult:
    """As ``runner.check_file``; ``with_fixes``: each edit as replacements of the file's lines
    (which needs the syntax tree: never from the cache of verdicts)."""

    def check(source: bytes, index: Optional[FileIndex]):
        if with_fixes:
            return analyze(source, settings, path, index=index)
        return Analysis(findings=verdicts.findings(source, settings, path, index=index))

    try:
        done = _run(path, settings, check)
        if done is None:
            return FileResult(path)
        reported = done.value.reported
        fixes = [_fix_alone(done, f) if with_fixes and f.fixable else () for f in reported]
    except (FileError, SourceError) as error:
        return FileResult(path, error=str(error))
    except SplitError:
        fixes = [() for _ in reported]  # reported all the same, without a fix to carry
    except Exception as error:  # a bug in initlint: that file's error line, never a traceback
        return FileResult(path, error=internal_error(error))
    result = FileResult(path, cell_errors=done.errors)
    _in_cells(done.joined, done.notebook, reported, result)
    result.fixes = {f: replacements for f, replacements in zip(result.findings, fixes) if replacements}
    return result


def _cell_diff(path: str, number: int, before: str, after: str) -> str:
    def lines(text: str) -> List[str]:
        return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]

    name = f"{path}:cell {number}"
    old, new = (name, name) if os.path.isabs(path) else (f"a/{name}", f"b/{name}")
    return "".join(difflib.unified_diff(lines(before), lines(after), old, new))


def fix_notebook(path: str, settings: Settings, write: bool, diff: bool) -> FileResult:
    """``write``: write the fixed notebook; ``diff``: the changed cells' diffs in the result."""
    try:
        done = _run(path, settings, lambda source, index: fix_source(source, settings, path, index))
        if done is None:
            return FileResult(path)
        fixed, analysis = done.value
        applied = any(f.edit is not None and not f.noqa for f in analysis.findings)
        sources = split(done.joined, fixed.decode("utf-8")) if applied else {}
    except (FileError, SourceError) as error:
        return FileResult(path, error=str(error))
    except SplitError as error:
        return FileResult(path, error=f"cannot split the fix back into cells ({error}): not fixed")
    except RecursionError:
        return FileResult(path, error="too deeply nested to fix")
    except Exception as error:  # one file's failure must not end the run (nor leave files half done)
        return FileResult(path, error=internal_error(error))
    reported, notebook = analysis.reported, done.notebook
    result = FileResult(path, cell_errors=done.errors, fixed=len(reported))
    _in_cells(done.joined, notebook, [f for f in reported if not f.fixable], result)
    result.fixed -= len(result.findings)
    result.changed = bool(sources)
    if diff:
        cells = {cell.number: cell for cell in notebook.cells}
        result.diff = "".join(_cell_diff(path, n, cells[n].source, sources[n]) for n in sorted(sources))
    if write and sources:
        try:
            replace_atomically(path, done.original, spliced(notebook, sources))
        except WriteError as error:
            return FileResult(path, error=str(error))
    return result
