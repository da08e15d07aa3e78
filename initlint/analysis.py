"""The analysis: source text in, findings out. Pure: no files, no torch, one libcst parse.

Cheap before expensive: text that cannot produce a finding is never parsed (prefilter.py);
framework-managed files are recognised on Python's own tree, before libcst's; positions are
computed only when there is something to report (positions.py).
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

import libcst as cst

from .edits import EditPlanner
from .facts.collect import collect
from .facts.dataflow import method_follows
from .facts.framework import framework_reason, outline_of_ast, outline_of_cst
from .facts.flows import FollowLog, link_containers, sequential_follows
from .facts.held import Resolver
from .facts.literals import supplying
from .facts.supplied import passed_by_every_call, supplied_defaults
from .files import TextError, nesting_problem, python_tree, source_text, trailing_lines
from .findings import Finding
from .imports import ImportTable
from .noqa import file_exempt, suppresses
from .prefilter import may_report, may_report_with_index
from .positions import physical_lines, start_positions
from .index import FileIndex
from .rules import RULES, Context
from .settings import DEFAULT, Settings

Source = Union[str, bytes]


class SourceError(Exception):
    """The source could not be analysed; the message is one line, fit for a report."""


@dataclass
class Analysis:
    module: cst.Module = None  # None when the pre-filter skipped the file
    findings: List[Finding] = field(default_factory=list)

    @property
    def reported(self) -> List[Finding]:
        """Findings not silenced by ``# noqa``."""
        return [f for f in self.findings if not f.noqa]


def parse(source: Source) -> cst.Module:
    """The libcst module, or SourceError with a one-line reason. Never a crash: text that would
    overflow libcst's native parser (a SIGSEGV, not an exception) is refused before it gets there.
    The module's code is the source, byte for byte (see _keeping_last_lines)."""
    text, encoding = _decoded(source)
    return _parse(source, text, encoding)


def _decoded(source: Source) -> Tuple[str, str]:
    try:
        text, encoding = source_text(source)
    except TextError as error:
        raise SourceError(str(error)) from None
    problem = nesting_problem(text)
    if problem:
        raise SourceError(problem)
    return text, encoding


def _parse(source: Source, text: str, encoding: str) -> cst.Module:
    try:
        return _keeping_last_lines(source, text, encoding)
    except cst.ParserSyntaxError as error:
        raise SourceError(_syntax_error(text, error)) from None
    except RecursionError:
        raise SourceError("too deeply nested to parse") from None
    except Exception as error:  # libcst's own limits on valid code (e.g. node validation)
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise SourceError(f"libcst cannot parse this file: {type(error).__name__}: {detail}") from None


def _keeping_last_lines(source: Source, text: str, encoding: str) -> cst.Module:
    """The module, its code exactly ``text``. libcst (1.9) drops lines from the end of a file whose
    last lines are indented blanks or comments (`x\\n #c\\n ` comes back as `x\\n `), which the fix
    would then delete: such a file is parsed without those lines, and they become the module's
    footer as they were."""
    start, lines = trailing_lines(text)
    if start == 0 or not any(line[:1] in (" ", "\t", "\f") for line, _ in lines):
        module = cst.parse_module(source)
        if not module.has_trailing_newline and text.endswith(("\r", "\n")):
            # A last line break unlike the first one (`x\\ny\\r`): libcst drops it unless told.
            module = module.with_changes(has_trailing_newline=True)
        return module
    module = cst.parse_module(text[:start])
    footer = []
    for line, end in lines:
        comment = line.lstrip(" \t\f")
        footer.append(
            cst.EmptyLine(
                indent=False,
                whitespace=cst.SimpleWhitespace(line[: len(line) - len(comment)]),
                comment=cst.Comment(comment) if comment else None,
                newline=cst.Newline(None if end in ("", module.default_newline) else end),
            )
        )
    return module.with_changes(footer=(*module.footer, *footer), has_trailing_newline=lines[-1][1] != "", encoding=encoding)


def _syntax_error(text: str, error: cst.ParserSyntaxError) -> str:
    """One line: CPython's message and position where CPython agrees it is an error (its messages
    are the ones flake8's E999 shows), else libcst's, shortened."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<initlint>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as python:
        if python.lineno:
            return f"syntax error at {python.lineno}:{python.offset or 1}: {python.msg}"
        return f"syntax error: {python.msg}"
    except Exception:  # MemoryError, RecursionError, ValueError: keep libcst's message
        pass
    message = error.message
    where = re.match(r"(?:parser|tokenizer) error: (?:error at (\d+):(\d+): )?", message)
    line, col = error.raw_line, error.raw_column + 1
    if where:
        message = message[where.end():]
        if where.group(1):
            line, col = int(where.group(1)), int(where.group(2)) + 1
    expected = re.match(r"expected one of (.*)", message)
    if expected and expected.group(1).count(", ") > 6:
        message = "expected one of " + ", ".join(expected.group(1).split(", ")[:6]) + ", ..."
    return f"syntax error at {line}:{col}: {message} (libcst; Python parses it)"


def analyze(
    source: Source,
    settings: Settings = DEFAULT,
    path: Optional[str] = None,
    tree: Optional[ast.Module] = None,
    index: Optional[FileIndex] = None,
) -> Analysis:
    """``path`` only names the file (some policies go by file name); nothing is read from it.
    ``tree`` is Python's ``ast`` of the source when the caller has it (flake8 does). ``index``
    is the repository index as seen from this file (the front ends build it with
    ``index_for``, since it reads other files); None: the source is judged alone.

    Cheap before expensive: a text pre-filter, then the framework check on Python's own tree,
    and only then libcst's parse (13x ``ast.parse``)."""
    if not may_report(source, settings):
        # A file whose layers all come from another file's helpers names no layer itself.
        if index is None or not may_report_with_index(source, settings):
            return Analysis()
        tree = tree or python_tree(source)
        index.use_text(source, tree)
        if not index.needed():
            return Analysis()
    text, encoding = _decoded(source)
    if tree is None:
        tree = python_tree(source)
    index = index or FileIndex.alone(settings)
    index.use_text(source, tree)  # the summary of this very text, from the tree at hand
    if tree is not None and framework_reason(outline_of_ast(tree), settings.framework_bases, path, index.framework_base):
        return Analysis()
    del tree  # not needed any more: do not hold it next to libcst's tree (~10x its size)
    return analyze_module(_parse(source, text, encoding), settings, path, text, index)


def analyze_module(
    module: cst.Module,
    settings: Settings = DEFAULT,
    path: Optional[str] = None,
    code: Optional[str] = None,
    index: Optional[FileIndex] = None,
) -> Analysis:
    """The analysis of an already parsed module (the libcst codemod hands one over). ``code``, when
    known, is ``module.code``: it spares generating it again. ``index``: as for ``analyze``; one
    given here must already have this file's summary, else it is made from ``module``."""
    if index is None or not index.has_summary():
        index = index or FileIndex.alone(settings)
        index.use_text(module.code if code is None else code, None)
    try:
        return Analysis(module, _findings(module, settings, path, code, index))
    except RecursionError:
        raise SourceError("too deeply nested to analyse") from None


def context(module: cst.Module, settings: Settings, path: Optional[str], index: FileIndex) -> Union[Context, str]:
    """What the rules read about the module, or why there is nothing to check in it."""
    imports = ImportTable.of(module)
    if not imports.names and not imports.star_modules:
        return "the file imports nothing from torch"
    framework = framework_reason(outline_of_cst(module), settings.framework_bases, path, index.framework_base)
    if framework:
        return f"framework-managed: {framework}"  # the models' init comes from a framework base class
    # Every reading of the module's parameter defaults happens in here (the rules read facts).
    with supplying({**supplied_defaults(module, imports, index), **passed_by_every_call(module, imports)}):
        facts = collect(module, imports, settings, index.factories(), index.tensor_inits(), index.container_helpers())
        if not facts.sites:
            return "the file constructs no torch Linear/Conv layer"
        if facts.evidence.framework:
            return f"framework-managed: {facts.evidence.framework}"
        facts.imported_table = index.activation_table
        facts.chooser = index.chooser
        resolver = Resolver(facts)
        log = FollowLog()
        link_containers(facts)
        # forwards first: what a same-file module returns is known when a Sequential holds one
        method_follows(facts, resolver, log)
        sequential_follows(facts, resolver, log)
    return Context(facts, list(log.follows.values()), settings, EditPlanner(facts, settings), index)


def _findings(
    module: cst.Module, settings: Settings, path: Optional[str], code: Optional[str], index: FileIndex
) -> List[Finding]:
    ctx = context(module, settings, path, index)
    if isinstance(ctx, str):
        return []
    reports = [report for rule in RULES if settings.selects(rule.code) for report in rule.check(ctx)]
    if not reports:
        return []
    positions = start_positions(module, [report.node for report in reports])
    lines = physical_lines(module.code if code is None else code)
    findings = []
    exempt = bool(reports) and file_exempt(lines)
    for report in reports:
        line, column = positions[id(report.node)]
        line_text = lines[line - 1] if line <= len(lines) else ""
        findings.append(
            Finding(
                line=line,
                col=column,
                code=report.code,
                message=report.message,
                layer=report.layer,
                activation=report.activation,
                suggestion=report.suggestion,
                fixable=report.edit is not None,
                reason=report.reason,
                noqa=exempt or suppresses(line_text, report.code),
                edit=report.edit,
            )
        )
    findings.sort(key=lambda f: (f.line, f.col, f.code))
    return findings
