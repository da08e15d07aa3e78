"""Module-level dicts that name classes, read across files. Two kinds:

- tables of activation classes, for the files that import them: torchmd-net's
  ``act_class_mapping = {"silu": nn.SiLU, "tanh": nn.Tanh, ...}`` in ``models/utils.py``, looked
  up as ``act_class_mapping[activation]`` in every model file. A file's own tables are read by the
  per-file analysis (facts/held.py); this is what it asks the index for a name it imports;
- registries of the repository's own classes, functions or modules: tabpfn's ``ARCHITECTURES =
  {"tabpfn_v2": tabpfn_v2, ...}`` called as ``ARCHITECTURES[name].get_architecture(config)``
  builds what any entry's ``get_architecture`` builds (a construction ref
  ``ARCHITECTURES[*].get_architecture``; ``HEADS["decoder"]()`` builds that entry only: ``HEADS[decoder]``).

Summarised from Python's ``ast`` (summary.py calls ``module_tables``): a table is a dict literal
bound to a module-level name whose string keys map to torch classes; only those entries are kept
(``{"ssp": ShiftedSoftplus, "silu": nn.SiLU}`` keeps ``silu``: a key that names none is no answer).
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Dict, List, Optional

Table = Dict[str, str]  # key -> qualified torch name
ANY_KEY = "*"  # MODELS[*]: a construction ref through a registry, by a key not known statically
_REF = re.compile(r"^([^.\[\]]+)\[([^.\[\]]+)\](.*)$")  # MODELS[key].rest


def module_tables(tree: ast.Module, torch_name: Callable[[ast.AST], Optional[str]]) -> Dict[str, Table]:
    """The file's module-level ``NAME = {"key": torch.nn.Class, ...}`` tables, torch entries only."""
    found: Dict[str, Table] = {}
    for name, entries in module_dicts(tree):
        table = {key: qualified for key, entry in entries for qualified in (torch_name(entry),) if qualified is not None}
        if table:
            found[name] = table
    return found


def module_registries(tree: ast.Module, named: Callable[[ast.AST], Optional[str]]) -> Dict[str, Dict[str, str]]:
    """The file's module-level ``NAME = {"key": Class_or_module, ...}`` dicts of names that may be
    the repository's (``named``: summary's test, torch names excluded): name -> {key: ref}."""
    found: Dict[str, Dict[str, str]] = {}
    for name, entries in module_dicts(tree):
        refs = {key: ref for key, entry in entries if isinstance(entry, (ast.Name, ast.Attribute)) for ref in (named(entry),) if ref}
        if refs:
            found[name] = refs
    return found


def module_dicts(tree: ast.Module):
    """``(name, [(key, value node)])`` for each module-level dict literal with string keys."""
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Dict):
            yield target.id, [
                (key.value, entry) for key, entry in zip(value.keys, value.values)
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            ]


def registry_ref(node: ast.AST) -> Optional[str]:
    """``MODELS[*]`` for ``MODELS[name]``, ``MODELS[small]`` for ``MODELS["small"]``,
    ``MODELS[*].build`` for ``MODELS[name].build``: the construction ref of a call through a
    subscript of a module-level name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return None
    key = node.slice.value if isinstance(node.slice, ast.Constant) else None  # Python >= 3.9: no ast.Index
    key = key if isinstance(key, str) and key and not set(key) & set(".[]") else ANY_KEY
    return ".".join([f"{node.value.id}[{key}]", *reversed(parts)])


def registered(repo, path: str, ref: str) -> list:
    """The definitions a registry construction ref of ``path`` (``ARCHITECTURES[*].get_architecture``)
    may call: that member of each entry of the registry it names (of the one entry its key names),
    in whichever file defines it."""
    found = _REF.match(ref)
    head, key, rest = found.groups() if found else (ref, ANY_KEY, "")
    table = repo.resolve(path, head, kind="registries")
    summary = repo.summary(table[0]) if table is not None else None
    if summary is None:
        return []
    entries = summary["registries"][table[1]]
    chosen = entries.values() if key == ANY_KEY else [entries[key]] if key in entries else []
    targets = (repo.resolve(table[0], entry + rest) for entry in chosen)
    return [target for target in targets if target is not None]


def imported_table(repo, path: str, name: str) -> Optional[Table]:
    """The table of activation classes the name ``name`` of ``path`` imports from another file."""
    summary = repo.summary(path)
    if summary is None or name in summary.get("tables", ()):
        return None  # its own table: the per-file analysis reads that from the text
    target = repo.resolve(path, name, kind="tables")
    found = repo.summary(target[0]) if target is not None else None
    return found["tables"][target[1]] if found else None
