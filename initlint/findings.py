"""What the analysis reports: one Finding per problem, the same for every front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst

from .edits import Edit, Rewrite


@dataclass(frozen=True)
class Report:
    """A rule's verdict on one node, before positions are known."""

    code: str
    node: cst.CSTNode
    message: str
    layer: str
    activation: str
    suggestion: str
    reason: str = ""  # why it is not auto-fixable ("" when it is)
    edit: Optional[Union[Edit, Rewrite]] = None


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based
    col: int  # 0-based, as flake8 wants it
    code: str
    message: str
    layer: str
    activation: str
    suggestion: str
    fixable: bool
    reason: str = ""
    noqa: bool = False  # silenced by a `# noqa` comment on its line
    edit: Optional[Union[Edit, Rewrite]] = field(default=None, compare=False, repr=False)
    cell: Optional[int] = None  # notebooks: the code cell (1-based among all cells); ``line`` is in it

    def where(self, path: str) -> str:
        """``path:line:col``, and for a notebook ``path:cell N:line:col`` (as ruff writes it)."""
        cell = "" if self.cell is None else f"cell {self.cell}:"
        return f"{path}:{cell}{self.line}:{self.col + 1}"

    def as_dict(self, path: str) -> dict:
        return {
            "path": path,
            "line": self.line,
            "col": self.col + 1,
            "code": self.code,
            "message": self.message,
            "layer": self.layer,
            "activation": self.activation,
            "suggestion": self.suggestion,
            "fixable": self.fixable,
            "reason": self.reason,
            # Only for notebooks (a .py file's findings have no "cell" key).
            **({} if self.cell is None else {"cell": self.cell}),
        }
