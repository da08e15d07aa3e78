"""Finding the Python files under the given paths, reading them as bytes, and the checks on their
text that must run before libcst sees it (decoding, NUL bytes, nesting deep enough to overflow
libcst's native parser)."""

from __future__ import annotations

import ast
import codecs
import errno
import io
import os
import re
import stat
import tokenize
import warnings
from typing import Iterator, List, Optional, Tuple, Union

SOURCE_SUFFIXES = (".py", ".ipynb")  # what folders are searched for

# Folders that hold no code of the project's own.
_SKIP = frozenset(("__pycache__", "node_modules", "site-packages", "venv"))


class FileError(Exception):
    """A path that cannot be read; the message is one line."""


def skipped_folder(folder: str, name: str) -> bool:
    if name.startswith(".") or name in _SKIP:
        return True
    # Any virtual environment, whatever its name.
    return os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))


def _unusable(path: str) -> str:
    """Why a path given on the command line cannot be used, or "" (it is a file or a folder)."""
    try:
        os.stat(path)
    except OSError as error:
        if not os.path.lexists(path):
            return "no such file or directory"
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if error.errno == errno.ENOENT and os.path.islink(path):
            return f"broken symbolic link (to {os.readlink(path)})"
        return _message(error)
    return ""


def discover(paths: List[str]) -> Iterator[Tuple[str, str]]:
    """``(path, error)`` for every file to check: ``*.py`` and ``*.ipynb`` under folders (the
    ``notebooks`` setting may drop the latter, see runner.gather), given files as they are.

    ``error`` is "" for a usable path, else why it cannot be used (the run goes on). Inside
    folders, hidden folders are skipped (and the fix's ``.initlint-*.tmp`` files are not ``*.py``).
    """
    for path in paths:
        problem = _unusable(path)
        if problem:
            yield path, problem
        elif os.path.isdir(path):
            # os.walk does not follow symlinked folders, so symlink loops cannot trap it. A folder
            # it cannot list is an error (os.walk would skip it silently).
            unlisted: List[OSError] = []
            for folder, dirs, files in os.walk(path, onerror=unlisted.append):
                dirs[:] = sorted(d for d in dirs if not skipped_folder(folder, d))
                for name in sorted(files):
                    if name.endswith(SOURCE_SUFFIXES):
                        yield os.path.join(folder, name), ""
                while unlisted:
                    error = unlisted.pop(0)
                    yield error.filename or folder, f"cannot list folder: {_message(error)}"
            for error in unlisted:
                yield error.filename or path, f"cannot list folder: {_message(error)}"
        else:
            yield path, ""


def _message(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def read(path: str) -> bytes:
    """The file's bytes. Only regular files are read: a FIFO or a device would block or never end."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on regular files.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileError("symbolic link loop") from None
        if error.errno == errno.ENOENT and os.path.islink(path):
            raise FileError(f"broken symbolic link (to {os.readlink(path)})") from None
        if error.errno == errno.EISDIR:
            raise FileError("is a directory") from None
        raise FileError(_message(error)) from None
    try:
        kind = os.fstat(fd).st_mode
        if stat.S_ISDIR(kind):
            raise FileError("is a directory")
        if not stat.S_ISREG(kind):
            raise FileError(f"not a regular file ({_KINDS.get(stat.S_IFMT(kind), 'special file')})")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read()
    except OSError as error:
        raise FileError(_message(error)) from None
    finally:
        if fd >= 0:
            os.close(fd)


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


# ------------------------------------------------------------------------------- source text
# Pure functions on the source (no I/O): the analysis calls them before handing it to libcst.


class TextError(ValueError):
    """The source text cannot be handed to libcst; the message is one line."""


def source_text(source: Union[str, bytes]) -> Tuple[str, str]:
    """The source as text, decoded as Python (and libcst) decode it: UTF-8 BOM, coding cookie, else
    UTF-8; and that encoding (``utf-8-sig`` for a BOM, ``utf-8`` for text)."""
    encoding = "utf-8"
    if isinstance(source, str):
        text = source
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            line = text.count("\n", 0, error.start) + 1
            raise TextError(f"cannot encode as UTF-8: {error.reason} at line {line}") from None
    else:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        except SyntaxError as error:  # an unknown coding cookie, or a BOM with a non-UTF-8 cookie
            if not error.msg.startswith("invalid or missing encoding declaration"):
                bom = " (a UTF-8 BOM and a different coding cookie)" if source.startswith(codecs.BOM_UTF8) else ""
                raise TextError(f"cannot read: {error.msg}{bom}") from None
            encoding = "utf-8"  # not UTF-8 in its first two lines, and no cookie: say where below
        try:
            text = source.decode(encoding)
        except UnicodeDecodeError as error:
            line = source.count(b"\n", 0, error.start) + 1
            byte = source[error.start : error.start + 1].hex()
            how = f"as {encoding} (its coding cookie)" if _has_cookie(source) else "as UTF-8 (no coding cookie)"
            raise TextError(f"cannot decode {how}: byte 0x{byte} at line {line}: {error.reason}") from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise TextError(f"NUL byte at line {line}, column {nul - (text.rfind(chr(10), 0, nul) + 1) + 1}")
    return text, encoding


_BLANK_OR_COMMENT = re.compile(r"[ \t\f]*(?:#[^\r\n]*)?")


def trailing_lines(text: str) -> Tuple[int, List[Tuple[str, str]]]:
    """Where the run of blank and comment-only lines that ends the text begins, and its lines as
    ``(line, line break)`` pairs (the last break may be "")."""
    lines = []
    start = len(text)
    while start > 0:
        if text.endswith("\r\n", 0, start):
            end = start - 2
        elif text[start - 1] in "\r\n":
            end = start - 1
        else:
            end = start
        cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
        if not _BLANK_OR_COMMENT.fullmatch(text, cut, end):
            break
        lines.append((text[cut:end], text[end:start]))
        start = cut
    lines.reverse()
    return start, lines


def _has_cookie(source: bytes) -> bool:
    head = source.split(b"\n", 2)[:2]
    return any(re.match(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", line) for line in head)


# CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses"): no
# valid program goes deeper, and libcst's native parser overflows its stack (SIGSEGV, no
# exception) at a few thousand.
MAX_BRACKETS = 200
# Operator and keyword chains without brackets (`1+1+...`, `not not ...`, `lambda: lambda: ...`)
# nest the tree as deeply: libcst slows down quadratically on them (1000 `+`: about a second,
# 3000: half a minute) and overflows at some thousands (`lambda:` between 3000 and 10000);
# CPython 3.11 gives up between 1000 and 3000.
MAX_DEPTH = 1000

_TOKENS = re.compile(
    r"""
    [ \t\f:=]*  # blanks (and what never nests) before a token: fewer, longer matches
    (?:
      (?P<string> (?i:[rbuf]|[rb][rbf]|fr|u)?
        (?: \'\'\'[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:\'\'\'|\Z)
          | \"\"\"[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)
          | '[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'?
          | "[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"? ))
    | (?P<name> [^\W\d]\w* | \d[\w.]* )
    | (?P<op> \*\*|//|<<|>>|[<>=!]=|[-+*/%@&|^~<>.] )
    | (?P<open> [(\[{] ) | (?P<close> [)\]}] )
    | (?P<sep> [,;] ) | (?P<newline> \r\n|\r|\n )
    | (?P<skip> \#[^\r\n]* | \\\r?\n | \\\r )  # comments, line continuations
    )
    """,
    re.VERBOSE,
)


# Binding strength of the operators and keywords that nest expressions (low to high). A chain
# of one strength nests as deep as it is long; a weaker operator closes the stronger chains
# before it (`a*b + c*d` is two deep in `+`, one in `*`).
_STRENGTH = {
    "lambda": 0, "if": 1, "else": 1, "or": 2, "and": 3, "not": 4, "in": 5, "is": 5,
    "<": 5, ">": 5, "<=": 5, ">=": 5, "==": 5, "!=": 5, "|": 6, "^": 7, "&": 8, "<<": 9, ">>": 9,
    "+": 10, "-": 10, "*": 11, "/": 11, "//": 11, "%": 11, "@": 11, "~": 12, "**": 13,
    "await": 14, ".": 15, "(": 15, "[": 15, "{": 15,
}


def nesting_problem(text: str) -> str:
    """Why ``text`` nests too deeply for libcst's parser, or "".

    A cheap estimate of the syntax tree's depth, from the tokens: open brackets, plus in each
    open bracket's current item the chains of operators and nesting keywords (``1+1+1`` is two
    deep, ``a.b[0](x)`` three; a comma starts a new item, a new logical line starts afresh).
    """
    line, brackets, depth = 1, 0, 0
    items = [[]]  # per open bracket: the current item's chains, [strength, length] weakest first
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        token = match.group(kind)
        if kind == "name":
            if token not in _STRENGTH:
                continue
            kind = "word"  # a keyword that nests expressions
        if kind == "op" or kind == "word" or kind == "open":
            strength = _STRENGTH[token]
            chains = items[-1]
            while chains and chains[-1][0] > strength:
                depth -= chains.pop()[1]
            if chains and chains[-1][0] == strength:
                chains[-1][1] += 1
            else:
                chains.append([strength, 1])
            depth += 1
            if kind == "open":
                brackets += 1
                depth += 1
                items.append([])
                if brackets > MAX_BRACKETS:
                    return f"too deeply nested: more than {MAX_BRACKETS} nested brackets at line {line}"
            if depth > MAX_DEPTH:
                return f"too deeply nested: expression more than {MAX_DEPTH} levels deep at line {line}"
        elif kind == "close":
            if brackets:
                depth -= sum(length for _, length in items.pop()) + 1
                brackets -= 1
        elif kind == "sep":
            depth -= sum(length for _, length in items[-1])
            items[-1] = []
        elif kind == "newline":
            line += 1
            if brackets == 0:
                depth, items[0] = 0, []
        elif kind == "skip":
            if token.startswith("\\"):
                line += 1
        else:  # a string: an f-string's replacement fields nest too, count their brackets
            if "{" in token and re.match(r"(?i)[rb]?f", token):
                inner = _fstring_depth(token)
                if brackets + inner > MAX_BRACKETS:
                    return f"too deeply nested: more than {MAX_BRACKETS} nested brackets at line {line}"
                if depth + 2 * inner > MAX_DEPTH:
                    return f"too deeply nested: expression more than {MAX_DEPTH} levels deep at line {line}"
            line += token.count("\n") + token.count("\r") - token.count("\r\n")
    return ""


def _fstring_depth(token: str) -> int:
    deepest = level = 0
    for char in token:
        if char in "([{":
            level += 1
            deepest = max(deepest, level)
        elif char in ")]}":
            level = max(0, level - 1)
    return deepest


def python_tree(source: Union[str, bytes]) -> Optional[ast.Module]:
    """Python's own tree, or None where Python cannot parse the source (libcst then says why)."""
    if isinstance(source, str) and source.startswith("\ufeff"):
        source = source[1:]  # Python reads a BOM in bytes only
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are flake8's to report
            return ast.parse(source)
    except Exception:  # SyntaxError, ValueError (null bytes), RecursionError, MemoryError
        return None
