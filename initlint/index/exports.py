"""What a package offers its users to build themselves: the names in a module's ``__all__``
(its own definitions, or a package ``__init__``'s re-exports). torchaudio's pipelines build
``WaveRNN`` and load a checkpoint into it, every time; ``torchaudio.models.WaveRNN`` is also
exported for users to build and train. Weights the package's own builders load cover only what
those builders build, so they do not cover an exported class (coverage.py); an init they apply
still does, as it always did (a training script's ``apply`` is what the model is built with).
"""

from __future__ import annotations

import ast
from typing import FrozenSet, List


def module_exports(tree: ast.Module) -> List[str]:
    """The string names of the module-level ``__all__ = [...]`` (and ``+= [...]``), in order."""
    names: List[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets):
            value = statement.value
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name) and statement.target.id == "__all__":
            value = statement.value
        else:
            continue
        if isinstance(value, (ast.List, ast.Tuple)):
            names += [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return list(dict.fromkeys(names))


def exported_definitions(repo) -> FrozenSet[tuple]:
    """Every (path, name) definition some module of the project lists in its ``__all__``."""
    found = set()
    for path in sorted(repo.paths):
        summary = repo.summary(path)
        for name in (summary or {}).get("exports", ()):
            target = repo.resolve(path, name)
            if target is not None:
                found.add(target)
    return frozenset(found)
