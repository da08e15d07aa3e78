"""Child of bench/run.py: the floor for any libcst linter, ``libcst.parse_module`` over every file.

    python bench/parse_all.py FILELIST [--ast]

FILELIST holds one path a line. Each file is read as bytes (as ``initlint check`` does) and parsed;
nothing else is imported, so this process's CPU time is interpreter start + ``import libcst`` +
reading + parsing. With ``--ast`` it uses ``ast.parse`` instead (the parser flake8 already runs).
Prints one JSON line: files, parsed, failed, lines.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        paths = [line.rstrip("\n") for line in handle if line.strip()]
    use_ast = "--ast" in sys.argv[2:]
    if use_ast:
        import ast

        def parse(source: bytes) -> object:
            return ast.parse(source)
    else:
        import libcst

        parse = libcst.parse_module
    parsed = failed = lines = 0
    for path in paths:
        with open(path, "rb") as handle:
            source = handle.read()
        lines += source.count(b"\n")
        try:
            parse(source)
            parsed += 1
        except Exception:  # syntax errors, undecodable files, recursion: counted, not fatal
            failed += 1
    print(json.dumps({"files": len(paths), "parsed": parsed, "failed": failed, "lines": lines}))


if __name__ == "__main__":
    main()
