"""Whether a reusable block's layers are initialised by the files of its package that use it.

A block such as torchvision's ``ops.misc.MLP`` or timm's ``layers.mlp.GatedMlp`` never sets its
own weights: every model that imports and builds it re-initialises all layers of that type from
its own file (``for m in self.modules(): if isinstance(m, nn.Linear): ...``). That evidence lives
in other files, so the block's file alone would be reported although no model of the package
keeps torch's default. This module answers, for a block and a layer type: does every file of the
package that uses the block re-initialise that type?

Wherever it cannot tell, it counts one more user that re-initialises nothing, so a doubt keeps
the finding. It reads other files, so the front ends build it (``users_lookup``) and hand it to
the analysis, which stays pure. Everything is cached per process, keyed by package root: a
``check`` worker, the flake8 plugin's process and the codemod each read a package at most once.
"""

from __future__ import annotations

import ast
import os
import re
from functools import lru_cache
from typing import Dict, Iterator, List, Optional, Pattern, Set, Tuple

from .analysis import SourceError, file_evidence, python_tree
from .files import FileError, read
from .prefilter import whole_words
from .rules import UsersLookup
from .settings import Settings

Import = Tuple[Optional[str], str, Optional[str]]  # (absolute module or None, name or "*", as-name)


@lru_cache(maxsize=None)
def package_root(folder: str) -> Optional[str]:
    """The outermost folder of the run of ``__init__.py`` folders holding ``folder``; None when
    ``folder`` has none (a script or a loose file: no package, no users elsewhere)."""
    root = None
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        root = folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return root


class Package:
    """The ``.py`` files under a package root, read on first use, and who uses which block."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._texts: Optional[Dict[str, bytes]] = None
        self._imports: Dict[str, Optional[List[Import]]] = {}
        self._importers: Dict[Tuple[str, str], List[str]] = {}
        self._evidence: Dict[Tuple[str, Settings], Optional[Tuple[bool, Set[str]]]] = {}

    # ------------------------------------------------------------------ files

    def texts(self) -> Dict[str, bytes]:
        if self._texts is None:
            self._texts = {}
            # os.walk never follows symlinked folders (no loops); a folder it cannot list is skipped.
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                for name in sorted(files):
                    if name.endswith(".py"):
                        path = os.path.join(folder, name)
                        try:
                            self._texts[path] = read(path)
                        except FileError:  # unreadable, a FIFO, a broken link: not part of the answer
                            pass
        return self._texts

    def module(self, path: str) -> str:
        """``/x/timm/layers/mlp.py`` -> ``timm.layers.mlp``; a package's ``__init__.py`` -> the package."""
        relative = os.path.relpath(path, os.path.dirname(self.root))[: -len(".py")]
        parts = relative.split(os.sep)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def tree(self, path: str) -> Optional[ast.Module]:
        return _python_tree(self.texts()[path])

    def imports(self, path: str) -> Optional[List[Import]]:
        """The file's from-imports, relative ones made absolute; None when it cannot be parsed."""
        if path not in self._imports:
            tree = self.tree(path)
            self._imports[path] = None if tree is None else [
                (self._absolute(path, node), alias.name, alias.asname)
                for node in _statements(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names
            ]
        return self._imports[path]

    def _absolute(self, path: str, node: ast.ImportFrom) -> Optional[str]:
        if node.level == 0:
            return node.module
        package = self.module(path).split(".")
        if not path.endswith("__init__.py"):
            package = package[:-1]
        if node.level - 1 >= len(package):
            return None  # above the package root
        base = package[: len(package) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    # ------------------------------------------------------------------ users

    def importers(self, name: str, defined_in: str) -> List[str]:
        """The other files that import the block ``name`` of ``defined_in`` (``from .mlp import
        GatedMlp``, ``from timm.layers import GatedMlp as G``, through any module that re-exports
        it) or reach it through its module (``misc.MLP``), and use it beyond the import. A file
        that only re-exports it (a package ``__init__.py``) is not one: its own importers are
        found anyway. Only files holding the name as a whole word are parsed, and files with a
        star import (a re-export that does not spell the name)."""
        key = (name, defined_in)
        if key not in self._importers:
            starred = [p for p, text in self.texts().items() if b"import *" in text]
            naming = [
                p for p, text in self.texts().items()
                if p != defined_in and _names(text, name) and (p in starred or _may_import(text, name))
            ]
            reaches = self._modules_reaching(name, defined_in, naming + starred)
            self._importers[key] = [p for p in naming if self._uses(p, name, reaches)]
        return self._importers[key]

    def _modules_reaching(self, name: str, defined_in: str, candidates: List[str]) -> Set[str]:
        """The modules ``name`` can be imported from: its own, its packages (they usually
        re-export it), and every module that imports it from one of those, until none is added."""
        parts = self.module(defined_in).split(".")
        reaches = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        added = True
        while added:
            added = False
            for path in candidates:
                module = self.module(path)
                if module not in reaches and any(
                    source in reaches and imported in (name, "*") for source, imported, _ in self.imports(path) or ()
                ):
                    reaches.add(module)
                    added = True
        return reaches

    def _uses(self, path: str, name: str, reaches: Set[str]) -> bool:
        imports = self.imports(path)
        if imports is None:
            return True  # it names the block and cannot be read: a user that vouches for nothing
        local = {as_name or name for source, imported, as_name in imports if source in reaches and imported == name}
        if any(source in reaches and imported == "*" for source, imported, _ in imports):
            local.add(name)
        if not local and not _through_module(name).search(self.texts()[path]):
            return False  # another library's class of the same name, or a mention in text
        for node in ast.walk(self.tree(path)):
            if isinstance(node, ast.Name) and node.id in local:
                return True
            # `misc_nn_ops.MLP(...)`, `timm.layers.GatedMlp`: a user all the same.
            if isinstance(node, ast.Attribute) and node.attr == name and not _is_self(node.value):
                return True
        return False

    def used_beside_its_definition(self, path: str, name: str) -> bool:
        """Whether the file that defines ``name`` also uses it elsewhere (a model, a subclass, an
        alias): a user whose file the analysis has just found not to re-initialise the layer."""
        text = self.texts().get(path)
        if text is None:
            return True  # not among the package's files (a hidden folder): cannot tell
        if len(_word(name).findall(text)) < 2:
            return False  # only the definition names it
        tree = self.tree(path)
        if tree is None:
            return True
        outside = [statement for statement in tree.body if getattr(statement, "name", None) != name]
        return any(isinstance(node, ast.Name) and node.id == name for s in outside for node in ast.walk(s))

    def reinitialises(self, path: str, layer: str, settings: Settings) -> bool:
        """Whether the file's init evidence covers every layer of type ``layer`` ("Conv2d"), or
        the evidence of a package file its classes take a base class from: a model subclassing
        another inherits its init loop (torchvision's quantized ``QuantizableMobileNetV3`` runs
        ``MobileNetV3.__init__``, whose ``self.modules()`` loop re-initialises every Conv2d)."""
        return self._own_evidence_covers(path, layer, settings) or any(
            self._own_evidence_covers(base, layer, settings) for base in self._base_class_files(path)
        )

    def _base_class_files(self, path: str) -> List[str]:
        """The package's files defining the bases of ``path``'s top-level classes, imported by
        name (``from ..mobilenetv3 import MobileNetV3``); one level, not their own bases."""
        tree, imports = self.tree(path), self.imports(path)
        if tree is None or not imports:
            return []
        origin = {as_name or name: source for source, name, as_name in imports if source and name != "*"}
        files = {self.module(other): other for other in self.texts()}
        bases = [
            base.id for node in tree.body if isinstance(node, ast.ClassDef)
            for base in node.bases if isinstance(base, ast.Name) and base.id in origin
        ]
        found = [files.get(origin[base]) for base in bases]
        return sorted({other for other in found if other is not None and other != path})

    def _own_evidence_covers(self, path: str, layer: str, settings: Settings) -> bool:
        """Whether the file's own init evidence covers every layer of type ``layer``: a type
        dispatch that writes weights, or a loop over all parameters (the analysis' own evidence,
        collect()). A file that cannot be parsed covers nothing."""
        key = (path, settings)
        if key not in self._evidence:
            try:
                evidence = file_evidence(self.texts()[path], settings)
                self._evidence[key] = (evidence.all_layers, set(evidence.layer_names))
            except SourceError:
                self._evidence[key] = None
        covered = self._evidence[key]
        return covered is not None and (covered[0] or layer in covered[1])


@lru_cache(maxsize=None)
def _word(name: str) -> Pattern[bytes]:
    return re.compile(whole_words([name]).encode())


def _names(text: bytes, name: str) -> bool:
    """Whether ``text`` holds ``name`` as a whole word (the plain search first: the regex's
    look-behind costs 40x on the many files that do not hold it at all)."""
    return name.encode() in text and _word(name).search(text) is not None


def _may_import(text: bytes, name: str) -> bool:
    """Whether the text lists ``name`` in a from-import (parenthesised, continued with a
    backslash) or reaches it as an attribute (``misc.MLP``): a test on the text that spares
    parsing the files that only mention the name or define their own."""
    return _import_listing(name).search(text) is not None or _through_module(name).search(text) is not None


@lru_cache(maxsize=None)
def _import_listing(name: str) -> Pattern[bytes]:
    # `from M import (a,  # comment (with parentheses)\n name)`, `from M import a, \\\n name`
    listed = rb"(?<![\w.])from\s+[\w.]+\s+import\s*(?:\((?:[^)#]|#[^\n]*)*?|(?:[^\n\\]|\\.)*?)"
    return re.compile(listed + whole_words([name]).encode(), re.S)


@lru_cache(maxsize=None)
def _through_module(name: str) -> Pattern[bytes]:
    return re.compile(rb"\.\s*" + re.escape(name.encode()) + rb"(?![A-Za-z0-9_])")


@lru_cache(maxsize=2)
def _python_tree(text: bytes) -> Optional[ast.Module]:
    """The analysis' ``python_tree``, the last two kept: finding a block's users reads a file's
    imports, then its uses (more would hold many big trees alive, and the garbage collector's
    passes over them cost more than parsing again)."""
    return python_tree(text)


def _statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement, at any depth (imports sit in functions, ifs and trys too), without
    descending into expressions: a fraction of ``ast.walk``'s nodes."""
    stack: List[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            stack.extend(getattr(node, block, ()))


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


_PACKAGES: Dict[str, Package] = {}


def users_lookup(path: Optional[str], settings: Settings) -> Optional[UsersLookup]:
    """The analysis' ``users`` for the file at ``path``; None when it is not in a package (or not
    a real file: flake8's stdin). Nothing is listed or read until the analysis asks."""
    if not path or not os.path.isfile(path):
        return None
    path = os.path.abspath(path)
    root = package_root(os.path.dirname(path))
    if root is None:
        return None
    package = _PACKAGES.get(root)
    if package is None:
        package = _PACKAGES[root] = Package(root)

    def initialised_by_users(block: str, layer: str) -> bool:
        # Every user must re-initialise the type, and there must be one: a block no file uses is
        # built by code outside the package, which nothing here can vouch for.
        users = package.importers(block, path)
        if not users or package.used_beside_its_definition(path, block):
            return False
        return all(package.reinitialises(user, layer, settings) for user in users)

    return initialised_by_users
