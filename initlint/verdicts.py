"""A file's findings, cached by everything they are a function of, so that checking an unchanged
repository again costs a read and a hash per file instead of a libcst parse (ruff and mypy cache
per-file results the same way).

The key holds initlint's own code (every module of the package, and the libcst and Python
versions, which decide what parses and how), the settings, the file's path and text, and the
repository index's fingerprint: the key of every project file's text, because the verdict on a
layer can turn on an init in any of them. Editing ``train.py`` changes the key of every file of
its project: the cache can miss more often than it must, never answer from a stale verdict.

Only findings are cached, never edits: ``initlint fix``, ``explain`` and SARIF's fixes analyse.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from typing import List, Optional

from . import __version__
from .analysis import Source, analyze
from .findings import Finding
from .index import FileIndex
from .prefilter import may_report, may_report_with_index
from .settings import Settings

KIND = "verdicts"
_FIELDS = tuple(f.name for f in dataclasses.fields(Finding) if f.name != "edit")


@lru_cache(maxsize=None)
def _code() -> bytes:
    """initlint's own code and what it runs on: any change, and old verdicts are never read."""
    import libcst

    package = Path(__file__).parent
    digest = hashlib.sha256(f"{__version__}\0{getattr(libcst, '__version__', '')}\0{sys.version_info[:2]}".encode())
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
    return digest.digest()


def _key(source: Source, settings: Settings, index: FileIndex) -> str:
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    digest = hashlib.sha256(_code())
    for part in (repr(settings), index.path, index.fingerprint(data)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _from_entry(value: object) -> Optional[List[Finding]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) and tuple(item) == _FIELDS for item in value):
        return None  # not an entry this code wrote: rebuilt
    return [Finding(**item) for item in value]


def findings(
    source: Source,
    settings: Settings,
    path: Optional[str],
    tree=None,
    index: Optional[FileIndex] = None,
) -> List[Finding]:
    """``analyze(...).findings`` (``noqa`` marked, no edits), from the cache when it has them."""
    cache = index.cache if index is not None and path else None
    cacheable = cache is not None and cache.folder is not None
    # Text the pre-filter turns away costs less to analyse than to key: never cached.
    if not cacheable or not (may_report(source, settings) or may_report_with_index(source, settings)):
        return [dataclasses.replace(f, edit=None) for f in analyze(source, settings, path, tree, index).findings]
    key = _key(source, settings, index)
    found = _from_entry(cache.get(key, KIND))
    if found is None:
        found = [dataclasses.replace(f, edit=None) for f in analyze(source, settings, path, tree, index).findings]
        if index.unchanged_during_run():
            cache.put(key, [{name: getattr(f, name) for name in _FIELDS} for f in found], KIND)
    return found
