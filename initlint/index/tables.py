"""Module-level tables of activation classes, for the files that import them: torchmd-net's
``act_class_mapping = {"silu": nn.SiLU, "tanh": nn.Tanh, ...}`` in ``models/utils.py``, looked up
as ``act_class_mapping[activation]`` in every model file. A file's own tables are read by the
per-file analysis (facts/held.py); this is what it asks the index for a name it imports.

Summarised from Python's ``ast`` (summary.py calls ``module_tables``): a table is a dict literal
bound to a module-level name whose string keys map to torch classes; only those entries are kept
(``{"ssp": ShiftedSoftplus, "silu": nn.SiLU}`` keeps ``silu``: a key that names none is no answer).
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, Optional

Table = Dict[str, str]  # key -> qualified torch name


def module_tables(tree: ast.Module, torch_name: Callable[[ast.AST], Optional[str]]) -> Dict[str, Table]:
    """The file's module-level ``NAME = {"key": torch.nn.Class, ...}`` tables, torch entries only."""
    found: Dict[str, Table] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Dict):
            continue
        table = {
            key.value: name
            for key, entry in zip(value.keys, value.values)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
            for name in (torch_name(entry),) if name is not None
        }
        if table:
            found[target.id] = table
    return found


def imported_table(repo, path: str, name: str) -> Optional[Table]:
    """The table the name ``name`` of ``path`` imports from another file of the repository."""
    summary = repo.summary(path)
    if summary is None or name in summary.get("tables", ()):
        return None  # its own table: the per-file analysis reads that from the text
    target = repo.resolve(path, name, kind="tables")
    found = repo.summary(target[0]) if target is not None else None
    return found["tables"][target[1]] if found else None
