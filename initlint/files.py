"""Finding the Python files under the given paths, and reading them as bytes."""

from __future__ import annotations

import os
from typing import Iterator, List, Tuple

# Folders that hold no code of the project's own.
_SKIP = frozenset(("__pycache__", "node_modules", "site-packages", "venv"))


class FileError(Exception):
    """A path that cannot be read; the message is one line."""


def _skipped(folder: str, name: str) -> bool:
    if name.startswith(".") or name in _SKIP:
        return True
    # Any virtual environment, whatever its name.
    return os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))


def discover(paths: List[str]) -> Iterator[Tuple[str, str]]:
    """``(path, error)`` for every file to check: ``*.py`` under folders, given files as they are.

    ``error`` is "" for a usable path, else why it cannot be used (the run goes on).
    """
    for path in paths:
        if not os.path.lexists(path):
            yield path, "no such file or directory"
        elif os.path.isdir(path):
            # os.walk does not follow symlinked folders, so symlink loops cannot trap it.
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _skipped(folder, d))
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(folder, name), ""
        elif os.path.islink(path) and not os.path.exists(path):
            yield path, "broken symbolic link"
        else:
            yield path, ""


def read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise FileError("is a directory") from None
    except OSError as error:
        raise FileError((error.strerror or str(error)).lower()) from None
