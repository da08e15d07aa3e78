"""A lean walk over libcst trees: a node's child nodes that can hold code, nothing else.

libcst's visitor machinery calls hooks for every attribute of every node (whitespace, commas,
parentheses) and checks abstract base classes on the way; on real files that cost several times
the parse. The analysis needs neither: it reads a few node types and descends into the fields
that hold expressions and statements.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, Tuple, Type

import libcst as cst

# Fields that hold only formatting, names or type hints: never a layer, a call or a statement.
_SKIPPED = frozenset(
    (
        "comma", "colon", "dot", "equal", "lpar", "rpar", "lbrace", "rbrace", "lbracket", "rbracket",
        "semicolon", "leading_lines", "lines_after_decorators", "header", "footer", "trailing_whitespace",
        "newline", "indent", "empty_lines", "first_colon", "second_colon", "comment", "star", "operator",
        "default_indent", "default_newline", "encoding", "has_trailing_newline", "conversion", "relative",
        "asynchronous", "posonly_ind", "trailing_comma", "name", "asname", "attr", "keyword", "module",
        "names", "annotation", "returns", "decorators", "type_parameters",
    )
)
_FIELDS: Dict[Type[cst.CSTNode], Tuple[str, ...]] = {}


def _fields(kind: Type[cst.CSTNode]) -> Tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(kind) if f.name not in _SKIPPED and not f.name.startswith("whitespace")
        )
    return names


def child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    for name in _fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif type(value) in (list, tuple):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and everything under it, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(child_nodes(current))))
