"""Each file's links into the rest of its project, the names it uses resolved: the repository's
classes and functions it builds or calls, the classes it subclasses, the functions it applies,
the classes it hands an activation, and the attribute names it uses on other objects. The
index's project-wide questions (who builds this class, who subclasses it, is this function
applied anywhere) are answered from them.

A file's links are a function of its own summary and of what its names resolve to, which
depends on the other files only through their interfaces (the names they define, their imports
and star imports) and on which files the project has. So the project's links are cached as one
entry that keeps, per file, the key of the text they were made from and that text's interface.
The entry is reused when the project has the same files and each file has either the same key
or a new text with the same interface; only the files with new texts are then linked again
(an edit inside a function: one file's links, not every summary read back). Any other change
(a file added or removed, a name defined, imported or removed) links the whole project again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

from .. import catalog
from .cache import _CODE
from .repository import Definition, Repository
from .summary import MODULE_SCOPE, applied_refs
from .tables import registered

# (path, "class" | "scope" | TRYOUT, the class's or function's name, line, bound name, handed to, called)
Creation = Tuple[str, str, str, int, Optional[str], Optional[str], bool]
TRYOUT = "tryout"  # a build in the `if __name__ == "__main__":` block of the file defining the class
_OWN_CODE = hashlib.sha256(b"".join(
    Path(__file__).with_name(name).read_bytes() for name in ("links.py", "repository.py", "tables.py")
)).hexdigest()[:16]


def is_test_file(path: str) -> bool:
    """Whether ``path`` (relative to the project root) is test code."""
    *folders, name = path.replace(os.sep, "/").split("/")
    return (
        name in catalog.TEST_FILE_NAMES
        or name.startswith(catalog.TEST_FILE_PREFIXES)
        or name.endswith(catalog.TEST_FILE_SUFFIXES)
        or any(folder in catalog.TEST_FOLDERS for folder in folders)
    )


def _library_imports(repo: Repository) -> Set[str]:
    """The project's files that some file other than test code imports from (made once per
    repository, when a file named like a test is first linked). An import that changes
    changes its file's interface, so every file is linked anew (Links)."""
    found = getattr(repo, "_library_imports", None)
    if found is None:
        found = set()
        for importer in sorted(repo.paths):
            if is_test_file(os.path.relpath(importer, repo.root) if repo.root else importer):
                continue
            for level, module, name in ((repo.summary(importer) or {}).get("imports") or {}).values():
                for candidate in (module, f"{module}.{name}" if module and name else name if level else None):
                    target = repo.module_file(importer, level, candidate) if candidate else None
                    if target is not None and target != importer:
                        found.add(target)
        repo._library_imports = found
    return found


def interface(summary: Optional[dict]) -> str:
    """What resolving a name through this file reads of it (repository.Repository.resolve), and
    what a construction through one of its registries builds (tables.registered)."""
    if summary is None:
        return ""
    shape = [sorted(summary["defs"]), summary["imports"], summary["stars"], summary.get("registries", {})]
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def link(repo: Repository, path: str) -> dict:
    """The file's links as plain data: ``[target path, target name, ...]`` rows, the target's
    path relative to the project root (a tenth of the entry's size in a model zoo)."""
    summary = repo.summary(path)
    links: Dict[str, list] = {"builds": [], "bases": [], "applies": [], "hands": [], "attributes": []}
    if summary is None:
        return links
    if not is_test_file(os.path.relpath(path, repo.root) if repo.root else path) or path in _library_imports(repo):
        # test code builds blocks to check them, not to train them; a file named like a test
        # that the library imports from is library code (py-feat's MTCNN_test.py holds MTCNN)
        for name, definition in summary["defs"].items():
            if definition["kind"] == "class":
                for ref, line, bound, handed, called in definition["builds"]:
                    _build(repo, links, path, ref, "class", name, line, bound, handed, called)
        mains = summary.get("main", ())
        for scope_name, scope in summary["scopes"].items():
            for ref, line, bound, handed, called in scope["builds"]:
                # class Generator ...; if __name__ == "__main__": Generator()(x): the file trying
                # out its own class (coverage.py: it vouches when initialised, else it is ignored)
                tryout = scope_name == MODULE_SCOPE and ref in summary["defs"] and any(
                    first <= line <= last for first, last in mains)
                _build(repo, links, path, ref, TRYOUT if tryout else "scope", scope_name, line, bound, handed, called)
    for name, definition in summary["defs"].items():
        for base in definition["bases"]:
            target = repo.resolve(path, base)
            if target is not None and target != (path, name):
                links["bases"].append([_relative(repo, target[0]), target[1], name])
    refs = [fn for d in summary["defs"].values() for fn in applied_refs(d)]
    refs += [a[1] for s in summary["scopes"].values() for a in s["applies"] if a[1]]
    handed = [ref for entries in summary.get("passes", {}).values() for ref, _ in entries]
    for kind, named in (("applies", refs), ("hands", handed)):
        for target in (repo.resolve(path, ref) for ref in named):
            if target is not None:
                links[kind].append([_relative(repo, target[0]), target[1]])
    links["attributes"] = list(summary.get("attributes", ()))
    return links


def _build(repo: Repository, links: dict, path: str, ref: str, *creation) -> None:
    targets = registered(repo, path, ref) if "[" in ref else [repo.resolve(path, ref)]  # MODELS[*]: tables.py
    for target in targets:
        if target is not None and target != (path, creation[1]):  # recursion is no creation
            links["builds"].append([_relative(repo, target[0]), target[1], *creation])


def _relative(repo: Repository, path: str) -> str:
    prefix = repo.root + os.sep if repo.root else ""
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


class Links:
    """The project's links, each file's made at most once per run and cached across runs."""

    def __init__(self, repository: Repository) -> None:
        self.repo = repository
        self._files: Optional[Dict[str, dict]] = None

    def files(self) -> Dict[str, dict]:
        """Every project file's links, by path."""
        if self._files is None:
            self._files = self._load()
        return self._files

    def rows(self, kind: str) -> Iterator[Tuple[str, Definition, list]]:
        """``(path, target, rest of the row)`` of every file's links of ``kind``, files in path
        order, the target a (path, name) definition."""
        prefix = self.repo.root + os.sep if self.repo.root else ""
        for path, links in sorted(self.files().items()):
            for target_path, target_name, *rest in links[kind]:
                if prefix and not os.path.isabs(target_path):
                    target_path = prefix + target_path
                yield path, (target_path, target_name), rest

    def creations(self) -> Dict[Definition, List[Creation]]:
        found: Dict[Definition, List[Creation]] = {}
        for path, target, creation in self.rows("builds"):
            found.setdefault(target, []).append((path, *creation))
        return found

    def _paths(self) -> List[str]:
        return sorted(self.repo.paths | set(self.repo.summaries_made()))

    def _load(self) -> Dict[str, dict]:
        paths = self._paths()
        if self.repo.cache.folder is None or self.repo.root is None:
            return {path: link(self.repo, path) for path in paths}
        keys = {path: self.repo.current_key(path) for path in paths}
        entry_key = hashlib.sha256(repr((_CODE, _OWN_CODE, self.repo.root, self.repo.init_helpers)).encode(
            "utf-8", "surrogateescape")).hexdigest()
        stored = self.repo.cache.get(entry_key, "links")
        files = stored if _well_formed(stored) and sorted(stored) == paths else {}
        changed = [path for path in paths if files.get(path, [None])[0] != keys[path]]
        if not changed:
            return {path: files[path][2] for path in paths}
        faces = {path: interface(self.repo.summary(path)) for path in changed}
        if not files or any(faces[path] != files[path][1] for path in changed):
            faces.update({path: interface(self.repo.summary(path)) for path in paths if path not in faces})
            changed = paths  # what other files' names resolve to may have changed: link them all
        for path in changed:
            made = link(self.repo, path)
            files[path] = [self.repo.current_key(path), faces[path], made]  # the key of the text linked
        if not self.repo.changed_during_run:
            self.repo.cache.put(entry_key, files, "links")
        return {path: files[path][2] for path in paths}


def _well_formed(stored: object) -> bool:
    return isinstance(stored, dict) and all(
        isinstance(value, list) and len(value) == 3 and isinstance(value[2], dict)
        and all(isinstance(value[2].get(kind), list) for kind in ("builds", "bases", "applies", "hands", "attributes"))
        for value in stored.values()
    )
