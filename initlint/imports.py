"""A module's import table: which local names mean which torch objects.

This is all the name resolution initlint needs, and far cheaper than libcst's scope analysis:
one pass over the import statements, then dotted-name lookups. A name that the module itself
defines (class, def, assignment at module level) shadows an import of the same name, so a
user's own ``Linear`` never counts as torch's.
"""

from __future__ import annotations

from typing import Dict, Optional, Set

import libcst as cst

from .catalog import canonical, is_known


def dotted(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` as text, or None when the expression is not a plain dotted name."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _module_name(node: cst.BaseExpression) -> str:
    return dotted(node) or ""


class ImportTable:
    """Local name -> qualified torch name, for the names a module imports from torch."""

    def __init__(self) -> None:
        self.names: Dict[str, str] = {}
        self.star_modules: Set[str] = set()
        self.shadowed: Set[str] = set()
        self.aliases: Dict[str, cst.BaseExpression] = {}
        self.top_level: Set[str] = set()  # names bound by module-level imports

    @classmethod
    def of(cls, module: cst.Module) -> "ImportTable":
        table = cls()
        table._collect(module.body, top_level=True)
        for name in table.shadowed:
            table.names.pop(name, None)
        # `Conv = nn.Conv2d` at module level is an alias, not a shadow.
        for name, value in table.aliases.items():
            qualified = table.resolve(value)
            if qualified is not None:
                table.names[name] = qualified
                table.shadowed.discard(name)
        return table

    def _collect(self, body, top_level: bool) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        self._add_import(small, top_level)
                    elif isinstance(small, cst.ImportFrom):
                        self._add_import_from(small, top_level)
                    elif top_level and isinstance(small, (cst.Assign, cst.AnnAssign)):
                        targets = small.targets if isinstance(small, cst.Assign) else [small]
                        for t in targets:
                            if isinstance(t.target, cst.Name):
                                self.shadowed.add(t.target.value)
                                if small.value is not None and dotted(small.value):
                                    self.aliases[t.target.value] = small.value
            elif isinstance(stmt, (cst.ClassDef, cst.FunctionDef)):
                if top_level:
                    self.shadowed.add(stmt.name.value)
                # Imports inside functions and classes are common in real code (lazy imports).
                self._collect_block(stmt.body, top_level=False)
            elif isinstance(stmt, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
                # `try: import torch` and `if TYPE_CHECKING:` still bind at module level.
                self._collect_block(stmt.body, top_level)
                for extra in ("orelse", "finalbody"):
                    block = getattr(stmt, extra, None)
                    if block is not None:
                        self._collect_block(block if isinstance(block, cst.If) else block.body, top_level)
                for handler in getattr(stmt, "handlers", ()):
                    self._collect_block(handler.body, top_level)

    def _collect_block(self, block, top_level: bool) -> None:
        if isinstance(block, cst.If):  # elif chain
            self._collect([block], top_level)
        elif isinstance(block, cst.IndentedBlock):
            self._collect(block.body, top_level)

    def _add_import(self, node: cst.Import, top_level: bool) -> None:
        for alias in node.names:
            full = _module_name(alias.name)
            if full != "torch" and not full.startswith("torch."):
                continue
            if alias.asname is not None:
                self._bind(alias.asname.name, full, top_level)
            else:
                # `import torch.nn` binds `torch`.
                head = full.split(".", 1)[0]
                self._bind(cst.Name(head), head, top_level)

    def _add_import_from(self, node: cst.ImportFrom, top_level: bool) -> None:
        if node.relative or node.module is None:
            return
        module = _module_name(node.module)
        if module != "torch" and not module.startswith("torch."):
            return
        if isinstance(node.names, cst.ImportStar):
            self.star_modules.add(module)
            return
        for alias in node.names:
            local = alias.asname.name if alias.asname is not None else alias.name
            self._bind(local, module + "." + _module_name(alias.name), top_level)

    def _bind(self, local: cst.BaseExpression, qualified: str, top_level: bool) -> None:
        if isinstance(local, cst.Name):
            self.names[local.value] = qualified
            if top_level:
                self.top_level.add(local.value)

    def resolve(self, node: cst.BaseExpression) -> Optional[str]:
        """The canonical torch name an expression like ``nn.Linear`` refers to, or None."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.names.get(head)
        if base is None:
            if head in self.shadowed:
                return None
            if head == "torch":
                # A fully qualified use still needs `import torch` somewhere (checked by the
                # caller's pre-filter); `torch.nn.Linear` without any import is rare enough.
                return None
            for star in sorted(self.star_modules):
                candidate = canonical(star + "." + text)
                if is_known(candidate):
                    return candidate
            return None
        return canonical(base + "." + rest if rest else base)

    def spelling(self, qualified: str) -> Optional[str]:
        """How this module can name ``qualified`` (e.g. ``torch.nn.init``) with its own imports."""
        candidates = []
        for local in sorted(self.top_level):
            base = self.names.get(local)
            if base == qualified:
                return local
            if base is not None and qualified.startswith(base + "."):
                candidates.append((len(base), local + qualified[len(base):]))
        return max(candidates)[1] if candidates else None
