"""Framework-managed files: models whose init comes from a base class in another file.

HuggingFace's ``PreTrainedModel`` initialises every layer of the models deriving from it
(``post_init`` -> ``_init_weights``), so their layers keep no torch default. The decision reads
only a file's outline (its name, top-level relative imports and classes with their bases), which
Python's ``ast`` gives as well as libcst: the analysis decides it from ``ast`` before paying for
libcst's parse (13x ``ast.parse`` on real code), and from libcst when handed a parsed module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Set, Tuple

import libcst as cst

from ..imports import dotted


@dataclass
class Outline:
    one_dot_imports: List[str] = field(default_factory=list)  # `from .configuration_x import ...`
    classes: List[Tuple[str, Tuple[str, ...]]] = field(default_factory=list)  # (name, last names of bases)


def outline_of_cst(module: cst.Module) -> Outline:
    outline = Outline()
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            bases = tuple((dotted(base.value) or "").rsplit(".", 1)[-1] for base in statement.bases)
            outline.classes.append((statement.name.value, bases))
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and len(small.relative) == 1 and small.module is not None:
                    outline.one_dot_imports.append(dotted(small.module) or "")
    return outline


def outline_of_ast(tree: ast.Module) -> Outline:
    outline = Outline()
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            bases = tuple(_ast_dotted(base).rsplit(".", 1)[-1] for base in statement.bases)
            outline.classes.append((statement.name, bases))
        elif isinstance(statement, ast.ImportFrom) and statement.level == 1 and statement.module:
            outline.one_dot_imports.append(statement.module)
    return outline


def _ast_dotted(node: ast.expr) -> str:
    """``a.b.c`` for a name or attribute chain, as imports.dotted does for libcst; else ""."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def framework_reason(
    outline: Outline, bases: Tuple[str, ...], path: Optional[str], counts: Callable[[str], bool] = lambda base: True,
) -> str:
    """Why this file's models get their init from a framework (HuggingFace), or "". ``counts``:
    whether a base of that name is the framework's (the repository index tells a project's own
    ``PreTrainedModel`` that initialises nothing, super-image's, from HuggingFace's); asked with
    no file-level name (``""``), whether the project's helper files belong to the framework."""
    if path is not None and path.replace("\\", "/").rsplit("/", 1)[-1].startswith("modular_"):
        return "a transformers modular_* file"
    for name in outline.one_dot_imports:
        # A helper file of a transformers model package (`from .configuration_idefics import ...`):
        # its blocks are built inside the package's PreTrainedModel, which initialises them. One
        # dot: the model's own package, not the library-wide configuration_utils (which diffusers'
        # plain ModelMixin files import too).
        if name.startswith("configuration_") and name != "configuration_utils" and all(counts(b) for b in bases):
            return f"imports {name}: part of a transformers model package"
    managed: Set[str] = set()
    changed = True
    while changed:  # through same-file classes, in any order
        changed = False
        for name, class_bases in outline.classes:
            if name in managed:
                continue
            if any(base in managed or (any(base.endswith(b) for b in bases) and counts(base)) for base in class_bases):
                managed.add(name)
                changed = True
    if managed:
        return f"{sorted(managed)[0]} derives from {', '.join(bases)}"
    return ""
