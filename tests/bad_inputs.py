"""The bad inputs of tests/test_reliability.py (and of docs/reliability.md's table), generated.

Every file holds "torch", "Linear" and "ReLU": files without a layer and an activation are never
parsed (the pre-filter), so they could not show what the parser makes of them.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional

TORCH = b"import torch\nimport torch.nn as nn\n"
LAYER = b"net = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
FLAGGED = TORCH + LAYER
INIT = b'nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")'

# Python 3.9's parser (the oldest initlint supports) words some syntax errors and places them
# differently; check and fix pass on what the running Python says. docs/reliability.md shows 3.10+.
OLD_PARSER = sys.version_info < (3, 10)
# Before 3.11, compile() raises ValueError (not SyntaxError) for a NUL byte, and flake8 itself
# then dies with a traceback before any plugin runs: files with NUL bytes stay out of its run there.
FLAKE8_SURVIVES_NUL = sys.version_info >= (3, 11)


@dataclass
class Case:
    name: str  # file name in the tree
    what: str  # the row's description
    make: Callable[[Path], None]  # creates the file (or folder, link, FIFO) at the path
    error: Optional[str] = None  # check's and fix's one-line error, or None: handled as a file
    finding: bool = False  # check reports INI001 in it (and fix fixes it)
    flake8: bool = True  # part of the flake8 run (flake8 hangs or stops on some inputs)
    flake8_code: Optional[str] = None  # what flake8 (with the plugin) reports for it, if anything


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inner.py").write_bytes(FLAGGED)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _broken(path: Path) -> None:
    os.symlink("missing_target.py", path)


def _loop(path: Path) -> None:
    os.symlink(path.name, path)


def _nested_ifs(levels: int) -> bytes:
    return TORCH + b"".join(b"    " * i + b"if x:\n" for i in range(levels)) + b"    " * levels + LAYER


CASES: List[Case] = [
    Case(
        "syntax_error.py",
        "syntax error",
        _write(TORCH + b"def f(:\n    nn.Sequential(nn.Linear(2, 2), nn.ReLU())\n"),
        "syntax error at 3:7: invalid syntax",
        flake8_code="E999",
    ),
    Case(
        "python2_print.py",
        'Python 2 code (`print "x"`)',
        _write(TORCH + b'print "x"\n' + LAYER),
        "syntax error at 3:7: Missing parentheses in call to 'print'. Did you mean print(\"x\")?"
        if OLD_PARSER
        else "syntax error at 3:1: Missing parentheses in call to 'print'. Did you mean print(...)?",
        flake8_code="E999",
    ),
    Case(
        "unterminated_string.py",
        "unterminated string",
        _write(FLAGGED + b'doc = """never closed\n\n'),
        "syntax error at 5:23: EOF while scanning triple-quoted string literal"
        if OLD_PARSER
        else "syntax error at 4:7: unterminated triple-quoted string literal (detected at line 5)",
        flake8_code="E999",
    ),
    Case(
        "tabs_and_spaces.py",
        "tabs and spaces mixed",
        _write(TORCH + b"if x:\n\tif y:\n        z = nn.Sequential(nn.Linear(2, 2), nn.ReLU())\n"),
        "syntax error at 5:1: inconsistent use of tabs and spaces in indentation",
        flake8_code="E999",
    ),
    Case(
        "too_many_indents.py",
        "101 nested blocks",
        _write(_nested_ifs(101)),
        "syntax error at 103:1: too many levels of indentation",
        flake8_code="E999",
    ),
    Case(
        "not_utf8.py",
        "not UTF-8, no coding cookie (latin-1 bytes)",
        _write(TORCH + b"s = '\xe9t\xe9'\n" + LAYER),
        "cannot decode as UTF-8 (no coding cookie): byte 0xe9 at line 3: invalid continuation byte",
        flake8_code="INI001",
    ),
    Case(
        "unknown_cookie.py",
        "unknown coding cookie",
        _write(b"# -*- coding: klingon -*-\n" + FLAGGED),
        "cannot read: unknown encoding: klingon",
        flake8_code="INI001",
    ),
    Case(
        "bom_and_cookie.py",
        "UTF-8 BOM and a latin-1 cookie",
        _write(b"\xef\xbb\xbf# coding: latin-1\n" + FLAGGED),
        "cannot read: encoding problem: utf-8 (a UTF-8 BOM and a different coding cookie)",
        flake8_code="INI001",
    ),
    Case(
        "latin1_cookie.py",
        "latin-1 with its coding cookie",
        _write(b"# -*- coding: latin-1 -*-\n" + TORCH + b"s = '\xe9t\xe9'\n" + LAYER),
        finding=True,
        flake8_code="INI001",
    ),
    Case("utf8_bom.py", "UTF-8 BOM", _write(b"\xef\xbb\xbf" + FLAGGED), finding=True, flake8_code="INI001"),
    Case("crlf.py", "CRLF line endings", _write(FLAGGED.replace(b"\n", b"\r\n")), finding=True, flake8_code="INI001"),
    Case(
        "cr_only.py", "CR line endings (classic Mac)", _write(FLAGGED.replace(b"\n", b"\r")), finding=True, flake8_code="INI001"
    ),
    Case(
        "mixed_endings.py",
        "mixed LF / CRLF / CR line endings",
        _write(b"import torch\r\nimport torch.nn as nn\n\rnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\r\nx = 1\r"),
        finding=True,
        flake8_code="INI001",
    ),
    Case(
        "trailing_indented_lines.py",
        "indented blank and comment lines at the end (libcst drops them)",
        _write(FLAGGED + b"\n  # the end\n   \n\n  "),
        finding=True,
        flake8_code="INI001",
    ),
    Case(
        "nul_byte.py",
        "NUL byte",
        _write(TORCH + b"x = 1\0\n" + LAYER),
        "NUL byte at line 3, column 6",
        flake8=FLAKE8_SURVIVES_NUL,
        flake8_code="E999",
    ),
    Case("empty.py", "empty file", _write(b"")),
    Case("blank.py", "only blank lines", _write(b"\n  \n\t\n")),
    Case(
        "utf16.py",
        "UTF-16 with BOM",
        _write(FLAGGED.decode().encode("utf-16")),  # no b"torch" in its bytes: never parsed
        flake8=FLAKE8_SURVIVES_NUL,  # flake8 reads it as latin-1: NUL bytes
        flake8_code="E999",
    ),
    Case("folder.py", "a folder named `folder.py` (holding a flagged inner.py)", _folder, flake8_code="INI001"),
    Case("fifo.py", "a FIFO named `fifo.py`", _fifo, "not a regular file (a FIFO)", flake8=False),
    Case("broken_link.py", "broken symbolic link", _broken, "broken symbolic link (to missing_target.py)", flake8_code="E902"),
    Case("link_loop.py", "symbolic link loop (a link to itself)", _loop, "symbolic link loop", flake8_code="E902"),
    Case(
        "deep_brackets.py",
        "`x = ` + `(` * 5000 + `)` * 5000",
        _write(FLAGGED + b"x = " + b"(" * 5000 + b")" * 5000 + b"\n"),
        "too deeply nested: more than 200 nested brackets at line 4",
        flake8_code="E999",
    ),
    Case(
        "deep_operators.py",
        "`x = 1+1+...` (5000 `+`)",
        _write(FLAGGED + b"x = " + b"1+" * 5000 + b"1\n"),
        "too deeply nested: expression more than 1000 levels deep at line 4",
        flake8=False,  # pyflakes dies of RecursionError on it, and flake8 stops the whole run
    ),
    Case(
        "deep_lambdas.py",
        "`lambda: ` * 5000",
        _write(FLAGGED + b"f = " + b"lambda: " * 5000 + b"1\n"),
        "too deeply nested: expression more than 1000 levels deep at line 4",
        flake8=False,  # as above
    ),
    Case(
        "deep_calls.py",
        "150 nested calls `f(f(...))`",
        _write(FLAGGED + b"x = " + b"f(" * 150 + b")" * 150 + b"\n"),
        finding=True,
        flake8_code="INI001",
    ),
    Case(
        "deep_chain.py",
        "`x = a + a + ...` (990 `+`: under the limit, yet the analysis' recursion overflows)",
        _write(FLAGGED + b"x = " + b"a + " * 990 + b"1\n"),
        "too deeply nested to analyse",
        flake8=False,  # pyflakes dies of RecursionError on it, and flake8 stops the whole run
    ),
    Case(
        "deep_but_fine.py",
        "100 nested brackets, 300 chained `+`",
        _write(FLAGGED + b"x = " + b"[" * 100 + b"]" * 100 + b"\ny = " + b"a + " * 300 + b"1\n"),
        finding=True,
        flake8_code="INI001",
    ),
]

MISSING = "does_not_exist.py"  # given on the command line, never created


def build(folder: Path, only=lambda case: True) -> List[Case]:
    """The cases' files in ``folder``, and a flagged ``good.py`` that must be handled whatever else fails."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.py").write_bytes(FLAGGED)
    made = []
    for case in CASES:
        if only(case):
            case.make(folder / case.name)
            made.append(case)
    return made


def snapshot(folder: Path) -> dict:
    """Every entry's bytes (files), target (links), inode and mtime: what "nothing written" means."""
    state = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                state[str(path)] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                state[str(path)] = ("file", path.read_bytes(), info.st_ino, info.st_mtime_ns, stat.S_IMODE(info.st_mode))
            else:
                state[str(path)] = ("other", stat.S_IFMT(info.st_mode))
    return state
