"""The notebook fixtures (fixtures/notebooks/*.ipynb) and what the tests read from them."""

import json
import re

from conftest import FIXTURES
from expectations import expected

NOTEBOOKS = FIXTURES / "notebooks"
CASES = sorted(NOTEBOOKS.glob("*.ipynb"))


def document(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return json.loads(data)


def joined(source):
    return source if isinstance(source, str) else "".join(source)


def code_cells(nb):
    """``(cell number among all cells, source text)`` of each code cell."""
    return [(i, joined(c["source"])) for i, c in enumerate(nb["cells"], start=1) if c["cell_type"] == "code"]


def marked(path):
    """``(cell, line in cell, code)`` for each ``# expect: CODE`` mark in the notebook's code cells."""
    return {(cell, line, code) for cell, source in code_cells(document(path)) for line, code in expected(source)}


_PYTHON_CELL_MAGICS = ("capture", "time", "timeit")
_IPYTHON_LINE = re.compile(r"\s*(?:[%!?]|\w+ = [%!])|.*\?$")


def without_ipython(source):
    """Plain Python for a cell, written independently of initlint's masking: IPython lines become
    ``pass`` (a continued one takes its next line along); a non-Python cell magic, nothing."""
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        if lines[0][2:].split()[0] not in _PYTHON_CELL_MAGICS:
            return ""
        lines = lines[1:]
    out, continued = [], False
    for line in lines:
        if continued or _IPYTHON_LINE.match(line):
            indent = "" if continued else line[: len(line) - len(line.lstrip())]
            out.append(indent + "pass")
            continued = line.endswith("\\")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def runnable(nb):
    """The notebook's code cells in order, as one Python program."""
    return "".join(without_ipython(source) for _, source in code_cells(nb))
