"""The repository index: every Python file of a project summarised as plain data (summary.py),
cached by content (cache.py), resolved by path (repository.py), and the questions that cross
files (coverage.py). The per-file analysis asks it through a ``FileIndex``, the index as seen
from the one file being checked; it never reads other files itself.

Front ends build one with ``index_for(path, settings)``; ``analyze(text)`` without a path gets
``FileIndex.alone()``: the same questions, answered from that text only. Indexes live for the
process (a flake8 worker, a ``check`` worker, the codemod); ``reset()`` starts a new run.
"""

from __future__ import annotations

import ast
import os
from typing import Dict, FrozenSet, List, Optional, Tuple

from ..settings import DEFAULT, Settings
from .cache import Cache, key_of
from .coverage import Index, Reason
from .passed import receivers, supplied
from .repository import Repository, project_root
from .summary import MODULE_SCOPE
from .tables import imported_table

__all__ = ["FileIndex", "MODULE_SCOPE", "Reason", "index_for", "reset"]

_INDEXES: Dict[Tuple, Index] = {}
_ALONE = "<source>"


class FileIndex:
    def __init__(self, index: Index, path: str) -> None:
        self.index = index
        self.path = path
        self._factories: Optional[Dict[str, List[str]]] = None
        self._text = None

    @classmethod
    def alone(cls, settings: Settings = DEFAULT) -> "FileIndex":
        return cls(Index(Repository(None, settings)), _ALONE)

    def use_text(self, text, tree: Optional[ast.Module]) -> None:
        """Summarise the checked file from the text being checked (not from disk)."""
        if self._text is text:
            return  # summarised already (the pre-filter's second chance asked first)
        self._text = text
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        self.index.repo.use_text(self.path, data, tree)

    @property
    def cache(self) -> Cache:
        return self.index.repo.cache

    def fingerprint(self, text: bytes) -> str:
        """What the index could tell this file's analysis, checking ``text``, is a function of."""
        return self.index.repo.fingerprint(self.path, key_of(text, self.index.repo.init_helpers))

    def unchanged_during_run(self) -> bool:
        """No project file was seen with two different texts in this run (an edit mid-run)."""
        return not self.index.repo.changed_during_run

    def has_summary(self) -> bool:
        return self.path in self.index.repo.summaries_made()

    def covers_site(
        self, block: Optional[str], scope: str, bound: Optional[str], layer: str, line: Optional[int] = None,
        path: Tuple[str, ...] = (),
    ) -> Optional[Reason]:
        """What initialises a ``layer`` built in the module-level class or function ``block``
        (None: at module level), in ``scope``, as the local ``bound`` (or None), on ``line`` (where
        in the class's instances it is kept: evidence on another attribute does not reach it),
        as ``self.<path>`` (for writes through a longer path: ``block.mlp.c_fc.weight``)."""
        if bound is not None:
            reason = self.index.applied_in_scope(self.path, scope, bound, layer)
            if reason is not None:
                return reason
        if block is not None:
            held = self.index.holders_of((self.path, block), line) if line is not None else None
            return self.index.covered((self.path, block), layer, held=held, path=path)
        return self.index.file_wide(self.path, layer)

    def framework_base(self, name: str) -> bool:
        """Whether the base class ``name`` of this file can be a framework's (HuggingFace's
        ``PreTrainedModel``): not when it resolves to a class of the project none of whose
        ancestors in it defines ``post_init`` or ``_init_weights`` (super-image's own
        ``PreTrainedModel(nn.Module)``). A base from outside the project can."""
        return self.index.framework_base(self.path, name)

    def defines_class(self, name: str, line: int) -> bool:
        """Whether the index summarised the class ``name`` defined on ``line`` of this file
        (a nested class is summarised when its name is the file's only one: summary.py)."""
        summary = self.index.repo.summary(self.path)
        found = summary["defs"].get(name) if summary else None
        return bool(found) and found["kind"] == "class" and found["line"] == line

    def placeholder(self, block: str, attribute: str) -> Optional[Reason]:
        """Whether ``self.<attribute>`` of class ``block`` is replaced by every subclass before use."""
        return self.index.replaced_everywhere((self.path, block), attribute)

    def needed(self) -> bool:
        """Whether the file may have findings its text alone does not show (the pre-filter's
        second chance): it calls another file's layer factories, or some construction in the
        project hands one of its classes an activation."""
        return bool(self.factories()) or bool(receivers(self.index).get(self.path))

    def supplied(self, block: str, name: str, position: Optional[int]) -> Optional[list]:
        """The activation (or layer class, or layer factory) every construction of class ``block``
        passes for its constructor's parameter ``name`` (passed.py), as a descriptor; None when
        they do not all pass one."""
        found = supplied(self.index, (self.path, block), name, position)
        if found is not None and found[0] == "factory":
            return self._spelled_factory(found[1], found[2])
        return found

    def _spelled_factory(self, path: str, name: str) -> Optional[list]:
        """A layer factory of the project as this file can name it (``["spelled", "default_conv"]``),
        or None when it cannot: its own function, or one the file calls by a name."""
        if path == self.path:
            return ["spelled", name]
        spellings = [ref for ref in self.factories() if self.index.repo.resolve(self.path, ref) == (path, name)]
        return ["spelled", spellings[0]] if spellings else None

    def gap(self, block: Optional[str], layer: str) -> str:
        """Why no init reaches a ``layer`` built in ``block``, in words (``initlint explain``)."""
        return self.index.gap((self.path, block) if block else None, layer, self.where)

    def activation_table(self, name: str) -> Optional[Dict[str, str]]:
        """The table of activation classes (key -> qualified torch name) that the file's name
        ``name`` imports from another file of the project (tables.py), or None."""
        return imported_table(self.index.repo, self.path, name)

    def chooser(self, ref: str) -> Optional[dict]:
        """What the project's class ``ref`` (as this file spells it) picks by its argument, when
        its forward applies one module its ``__init__`` chooses by a string (choices.py)."""
        target = self.index.repo.resolve(self.path, ref)
        summary = self.index.repo.summary(target[0]) if target is not None else None
        return summary["defs"][target[1]].get("chooses") if summary else None

    def container_helpers(self) -> Dict[str, bool]:
        return self.index.container_helpers(self.path)

    def tensor_inits(self) -> FrozenSet[str]:
        return self.index.tensor_inits(self.path)

    def factories(self) -> Dict[str, List[str]]:
        if self._factories is None:
            self._factories = self.index.factories(self.path)
        return self._factories

    def where(self, reason: Reason) -> str:
        root = self.index.repo.root
        return reason.where(root) if root else f"line {reason.line}"


def index_for(path: Optional[str], settings: Settings) -> Optional[FileIndex]:
    """The index of the project holding the file at ``path``; None when it is not a real file
    (flake8's stdin) or the setting is off: the file is then judged alone."""
    if not settings.repository or not path or not os.path.isfile(path):
        return None
    path = os.path.abspath(path)
    root = project_root(os.path.dirname(path))
    key = (root, settings.init_helpers, settings.sequential_helpers, settings.cache, settings.cache_dir)
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = Index(Repository(root, settings))
    return FileIndex(index, path)


def reset() -> None:
    """Forget every index: the next question reads the files again (cached summaries stay)."""
    _INDEXES.clear()
