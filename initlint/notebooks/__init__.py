"""Jupyter notebooks: each code cell, in order, analysed as one module (as Jupyter runs them).

``document`` reads the notebook's JSON and where each cell's ``source`` sits in the file's text;
``magics`` masks IPython syntax so libcst can parse a cell, and restores it; ``module`` joins the
cells into one module with a map from its lines back to cells, and splits a fixed module back;
``splice`` writes changed sources into the original text (every other byte kept); ``jobs`` are
the per-file check and fix the runner calls for a ``.ipynb`` path. Nothing here runs for ``.py``.
"""

SUFFIX = ".ipynb"


def is_notebook(path: str) -> bool:
    return path.endswith(SUFFIX)
