"""Writing a fixed file atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from typing import Set

# Temporary files are hidden and do not end in .py: discovery never picks one up. A run killed
# between writing one and renaming it leaves it behind; the name holds the writer's process id,
# and a later run writing into the same folder deletes those whose writer is gone.
TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".initlint-", ".tmp"
_TEMPORARY = re.compile(re.escape(TEMPORARY_PREFIX) + r"(\d+)-\w+" + re.escape(TEMPORARY_SUFFIX))
_cleaned: Set[str] = set()  # folders this process has already cleaned


class WriteError(Exception):
    """The fixed file could not be written; the original is untouched."""


def _message(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _same_file(before: os.stat_result, after: os.stat_result) -> bool:
    keys = ("st_ino", "st_dev", "st_size", "st_mtime_ns")
    return all(getattr(before, key) == getattr(after, key) for key in keys)


def replace_atomically(path: str, original: bytes, data: bytes) -> None:
    """Write ``data`` to ``path`` unless the file no longer holds ``original``.

    The rename is atomic, so an interrupted run leaves the old file or the new one, never a
    half-written one. The file's permission bits (and, where allowed, its owner and group) are
    kept; a symbolic link stays a link and its target is written. Hard links are not kept: the
    path gets a new file.
    """
    target = os.path.realpath(path)
    try:
        with open(target, "rb") as handle:
            if handle.read() != original:
                raise WriteError("changed on disk while being fixed: not overwritten")
            before = os.fstat(handle.fileno())
        mode = stat.S_IMODE(before.st_mode)
        # The rename would replace even a read-only file: honour the mode bits (root included).
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise WriteError("read-only file: not fixed")
        # The same folder as the file itself (not the link's): a rename cannot cross file systems.
        folder = os.path.dirname(target)
        _clean_stale_temporaries(folder)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=TEMPORARY_SUFFIX)
    except OSError as error:
        raise WriteError(_message(error)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if hasattr(os, "geteuid") and (before.st_uid, before.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except OSError:  # only root may give a file away; the mode is kept all the same
                pass
        # A last look, just before the rename: the file is still the one that was read.
        if not _same_file(before, os.stat(target)):
            raise WriteError("changed on disk while being fixed: not overwritten")
        os.replace(temporary, target)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise WriteError(_message(error)) from None
        raise
    _sync_folder(folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and belongs to someone else
        return True
    return True


def _clean_stale_temporaries(folder: str) -> None:
    """Delete the temporary files that killed runs left in ``folder`` (their writer is gone)."""
    if os.name != "posix" or folder in _cleaned:  # Windows' os.kill(pid, 0) would send Ctrl-C
        return
    _cleaned.add(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.fullmatch(name)
        if match and not _alive(int(match.group(1))):
            path = os.path.join(folder, name)
            try:
                if stat.S_ISREG(os.lstat(path).st_mode):
                    os.unlink(path)
            except OSError:
                pass


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
