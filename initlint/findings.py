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
        }
