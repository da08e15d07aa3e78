"""Writing a fixed file atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import stat
import tempfile


class WriteError(Exception):
    """The fixed file could not be written; the original is untouched."""


def replace_atomically(path: str, original: bytes, data: bytes) -> None:
    """Write ``data`` to ``path`` unless the file no longer holds ``original``.

    The rename is atomic, so an interrupted run leaves the old file or the new one, never a
    half-written one. The file's permission bits are kept.
    """
    try:
        with open(path, "rb") as handle:
            if handle.read() != original:
                raise WriteError("changed on disk while being fixed: not overwritten")
        mode = stat.S_IMODE(os.stat(path).st_mode)
        # The rename would replace even a read-only file: honour the mode bits (root included).
        if not mode & 0o222 or not os.access(path, os.W_OK):
            raise WriteError("read-only file: not fixed")
        folder = os.path.dirname(os.path.abspath(path))
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".initlint-", suffix=".tmp")
    except OSError as error:
        raise WriteError((error.strerror or str(error)).lower()) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, os.path.realpath(path))
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise WriteError((error.strerror or str(error)).lower()) from None
        raise
