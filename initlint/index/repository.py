"""A project's Python files, their summaries (cached), and what a name in one of them refers to.

The project root of a file is the nearest folder upward holding ``pyproject.toml``,
``setup.cfg``, ``setup.py`` or ``.git``; failing that, the folder above its outermost package
(a folder of ``__init__.py`` files), or its own folder (a loose folder of scripts). Every
``.py`` file under the root is summarised, skipping what ``initlint check`` skips (hidden
folders, virtual environments, ``__pycache__``).

Names are resolved by path, as Python would find them from the importing file: relative
imports from its folder; absolute ones from its own folder (a script's ``sys.path[0]``), from
the folder above its outermost package, from the root and from ``root/src``. Re-exports
(``from .mlp import *`` in a package's ``__init__.py``) are followed.
"""

from __future__ import annotations

import ast
import hashlib
import os
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from ..files import FileError, python_tree, read, skipped_folder
from ..settings import Settings
from .cache import FOLDER, Cache, key_of
from .summary import summarize

MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
Definition = Tuple[str, str]  # (path, module-level name)
_MAX_DEPTH = 12  # re-exports of re-exports: finite for cycles


@lru_cache(maxsize=None)
def project_root(folder: str) -> str:
    current = folder
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    top = _package_top(folder)
    return os.path.dirname(top) if top is not None else folder


@lru_cache(maxsize=None)
def _package_top(folder: str) -> Optional[str]:
    """The outermost folder of the run of ``__init__.py`` folders holding ``folder``."""
    top = None
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        top = folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return top


class Repository:
    def __init__(self, root: Optional[str], settings: Settings) -> None:
        """``root`` None: a repository of the one text being checked (no files, no cache)."""
        self.root = root
        self.init_helpers = settings.init_helpers
        self.sequential_helpers = frozenset(settings.sequential_helpers)
        folder = settings.cache_dir or os.path.join(root, FOLDER) if root else None
        self.cache = Cache(folder if settings.cache else None)
        self.paths = _python_files(root) if root else set()
        self._summaries: Dict[str, Optional[dict]] = {}
        self._keys: Dict[str, str] = {}  # path -> the key of the text its summary was made from
        self._on_disk: Optional[Dict[str, str]] = None  # path -> the key of its text on disk ("" unreadable)
        self.changed_during_run = False  # a file read twice had two texts: fingerprints are void
        self._modules: Dict[Tuple[str, int, str], Optional[str]] = {}
        self._resolved: Dict[Tuple[str, str, str], Optional[Definition]] = {}
        self._visited: Optional[set] = None  # the (path, ref) pairs of the lookup under way

    # ------------------------------------------------------------------ summaries

    def summary(self, path: str) -> Optional[dict]:
        """The file's summary; None when it cannot be read or parsed (it then vouches for nothing)."""
        if path not in self._summaries:
            self._summaries[path] = self._load(path) if path in self.paths else None
        return self._summaries[path]

    def summaries_made(self) -> Dict[str, Optional[dict]]:
        return self._summaries

    def use_text(self, path: str, text: bytes, tree: Optional[ast.Module]) -> dict:
        """The checked file's summary from the text being checked (flake8's, maybe unsaved),
        not from disk; its tree when the caller has one."""
        key = key_of(text, self.init_helpers)
        if self._keys.get(path) != key:  # not the text already summarised from disk
            self._summaries[path] = self._summarise(text, tree, key)
            self._keys[path] = key
            self._resolved.clear()  # what names resolve to through it may have changed
        if path not in self.paths:
            self.paths.add(path)
            self._modules.clear()
            self._resolved.clear()
        return self._summaries[path]

    def fingerprint(self, path: str, key: str) -> str:
        """What everything the index can tell the analysis of ``path`` is a function of: the
        root, the project's files and the key of each one's text, ``key`` for ``path`` itself
        (the text being checked, perhaps unsaved). Reads every file once per run."""
        keys = self._disk_keys()
        digest = hashlib.sha256(repr((self.root, self.init_helpers)).encode("utf-8", "surrogateescape"))
        for other in sorted(keys.keys() | {path}):
            digest.update(f"\0{other}\0{key if other == path else keys[other]}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def current_key(self, path: str) -> str:
        """The key of the text the file's summary is made from (its text on disk until read)."""
        return self._keys.get(path) or self._disk_keys().get(path, "")

    def _disk_keys(self) -> Dict[str, str]:
        if self._on_disk is None:
            self._on_disk = {}
            for path in self.paths:
                try:
                    self._on_disk[path] = key_of(read(path), self.init_helpers)
                except FileError:
                    self._on_disk[path] = ""
        return self._on_disk

    def _load(self, path: str) -> Optional[dict]:
        known = (self._on_disk or {}).get(path)
        if known:  # read for the fingerprint already: no second read when the summary is cached
            found = self.cache.get(known)
            if isinstance(found, dict):
                self._keys[path] = known
                return found
        try:
            text = read(path)
        except FileError:
            return None
        self._keys[path] = key = key_of(text, self.init_helpers)
        if known is not None and key != known:
            self.changed_during_run = True
        return self._summarise(text, None, key)

    def _summarise(self, text: bytes, tree: Optional[ast.Module], key: str) -> Optional[dict]:
        found = self.cache.get(key)
        if isinstance(found, dict):
            return found
        if tree is None:
            tree = python_tree(text)
            if tree is None:
                return None
        found = summarize(tree, self.init_helpers)
        self.cache.put(key, found)
        return found

    # ----------------------------------------------------------------- resolution

    def resolve(self, path: str, ref: str, depth: int = 0, kind: str = "defs") -> Optional[Definition]:
        """The module-level class or function ``ref`` (``Block``, ``blocks.Block``) names in ``path``;
        with ``kind="tables"``, the module-level dict of activations it names (tables.py).

        One lookup visits each (module, name) once: star imports of star imports in a cycle
        (fastai's ``from .core import *`` everywhere) otherwise branch at every level, minutes
        per file. Finished lookups are kept for the run."""
        key = (path, ref, kind)
        if self._visited is not None:  # inside a lookup: a pair seen in it adds nothing
            if key in self._visited or depth > _MAX_DEPTH:
                return None
            self._visited.add(key)
            return self._resolve(path, ref, depth, kind)
        if key not in self._resolved:
            self._visited = {key}
            try:
                self._resolved[key] = self._resolve(path, ref, depth, kind)
            finally:
                self._visited = None
        return self._resolved[key]

    def _resolve(self, path: str, ref: str, depth: int, kind: str) -> Optional[Definition]:
        summary = self.summary(path)
        if summary is None:
            return None
        head, _, rest = ref.partition(".")
        if head in summary.get(kind, ()):
            return (path, head) if not rest else None
        target = summary["imports"].get(head)
        if target is not None:
            level, module, name = target
            if name is None:  # import pkg.sub as s / import pkg
                module_path = self.module_file(path, level, module)
                return self._member(module_path, rest, depth, kind) if module_path and rest else None
            module_path = self.module_file(path, level, module)
            if module_path is not None:
                found = self._member(module_path, name + ("." + rest if rest else ""), depth, kind)
                if found is not None:
                    return found
            submodule = self.module_file(path, level, (module + "." if module else "") + name)
            return self._member(submodule, rest, depth, kind) if submodule and rest else None
        for level, module in summary["stars"]:
            module_path = self.module_file(path, level, module)
            found = self._member(module_path, ref, depth, kind) if module_path else None
            if found is not None:
                return found
        return None

    def _member(self, path: str, dotted: str, depth: int, kind: str) -> Optional[Definition]:
        """``dotted`` looked up in the module at ``path``: its own definitions, its imports, its
        submodules (``pkg.sub.Name`` from ``pkg/__init__.py``)."""
        found = self.resolve(path, dotted, depth + 1, kind)
        if found is not None or not path.endswith("__init__.py"):
            return found
        head, _, rest = dotted.partition(".")
        submodule = self._file_in(os.path.dirname(path), [head])
        return self._member(submodule, rest, depth + 1, kind) if submodule and rest else None

    def module_file(self, importer: str, level: int, module: str) -> Optional[str]:
        key = (importer, level, module)
        if key not in self._modules:
            self._modules[key] = self._find_module(importer, level, module)
        return self._modules[key]

    def _find_module(self, importer: str, level: int, module: str) -> Optional[str]:
        parts = [part for part in module.split(".") if part]
        if level:
            base = os.path.dirname(importer)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return self._file_in(base, parts)
        if self.root is None:
            return None  # the text alone: no other modules
        folder = os.path.dirname(importer)
        top = _package_top(folder)
        bases = [folder, os.path.dirname(top) if top else folder, self.root, os.path.join(self.root, "src")]
        for base in dict.fromkeys(bases):
            found = self._file_in(base, parts)
            if found is not None:
                return found
        return None

    def _file_in(self, base: str, parts: List[str]) -> Optional[str]:
        stem = os.path.join(base, *parts) if parts else base
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if candidate in self.paths:
                return candidate
        return None


def _python_files(root: str) -> set:
    found = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not skipped_folder(folder, d)]
        found.update(os.path.join(folder, name) for name in files if name.endswith(".py"))
    return found


