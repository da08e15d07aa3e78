"""Entries on disk, keyed by what they are a function of, so a key either finds the entry made
from exactly those inputs or nothing: a cache can be stale only by being absent. Two kinds:
``summaries`` (a file's summary: its bytes, the summariser's code, the settings it reads) and
``verdicts`` (a file's findings: see verdicts.py).

One small JSON file per entry under ``<root>/.initlint_cache/`` (with its own ``.gitignore``
and ``CACHEDIR.TAG``, as ruff and mypy keep theirs), or under the ``cache_dir`` setting. Writes
go to a temporary file renamed into place, so concurrent flake8 workers never see half an
entry; an entry that does not parse, or whose stored key is not the one asked for (a foreign
or corrupt file), is ignored and rebuilt. A folder that cannot be written means no cache, not
an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

from .. import __version__
from . import methods as _methods_module
from . import choices as _choices_module
from . import passed as _passed_module
from . import exports as _exports_module
from . import loading as _loading_module
from . import summary as _summary_module
from . import tables as _tables_module

FOLDER = ".initlint_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# initlint's cache (https://bford.info/cachedir/)\n"
# The summariser's own source (summary.py, methods.py, passed.py, tables.py, exports.py,
# loading.py, choices.py) is part of every key: a changed summariser never reads old entries.
_CODE = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (
        _summary_module, _methods_module, _passed_module, _tables_module, _exports_module, _loading_module,
        _choices_module,
    )) + __version__.encode()
).hexdigest()[:16]


def key_of(text: bytes, init_helpers: tuple) -> str:
    digest = hashlib.sha256(_CODE.encode())
    digest.update(repr(init_helpers).encode())
    digest.update(b"\0")
    digest.update(text)
    return digest.hexdigest()


class Cache:
    def __init__(self, folder: Optional[str]) -> None:
        self.folder = folder  # None: no cache
        self._prepared = False

    def get(self, key: str, kind: str = "summaries") -> Any:
        """The entry's value (JSON data), or None: absent, unreadable, or not made for ``key``."""
        if self.folder is None:
            return None
        try:
            with open(self._path(kind, key), "rb") as stream:
                entry = json.loads(stream.read())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("value")

    def put(self, key: str, value: Any, kind: str = "summaries") -> None:
        if self.folder is None or not self._prepare():
            return
        path = self._path(kind, key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    # dumps, not dump: json.dump to a stream runs the pure-Python encoder (5x slower)
                    stream.write(json.dumps({"key": key, "value": value}, separators=(",", ":")))
                os.replace(temporary, path)
            except BaseException:
                _remove(temporary)
                raise
        except OSError:
            self.folder = None  # read-only, full, gone: run on without a cache

    def _path(self, kind: str, key: str) -> str:
        return os.path.join(self.folder, kind, key[:2], key[2:] + ".json")

    def _prepare(self) -> bool:
        if self._prepared:
            return True
        try:
            os.makedirs(self.folder, exist_ok=True)
            for name, text in ((".gitignore", "# initlint's cache: nothing here belongs in git\n*\n"), ("CACHEDIR.TAG", _TAG)):
                path = os.path.join(self.folder, name)
                if not os.path.exists(path):
                    with open(path, "w", encoding="utf-8") as stream:
                        stream.write(text)
        except OSError:
            self.folder = None
            return False
        self._prepared = True
        return True


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
