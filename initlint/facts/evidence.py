"""Evidence in the checked file's own tree that a layer's weight is set explicitly: a write on
one of its names, a helper wrapping its construction, a framework base class.

Evidence that reaches instances rather than names (a type dispatch in an init function applied
with ``.apply``, a loop over ``self.modules()``, an ancestor's init) is recorded by the
repository index for every file alike (index/summary.py) and answered there (index/coverage.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, Optional, Set, Tuple

import libcst as cst

from .. import catalog


@dataclass
class Evidence:
    refs: Set[Tuple[int, str]] = field(default_factory=set)  # (id(owner scope), ref) whose weight is set
    # The same pairs -> the functions that write them (a method that builds self.x anew and
    # writes its weight sets that new layer's only: collect.overridden).
    written_in: Dict[Tuple[int, str], Set[int]] = field(default_factory=dict)
    wrapped: Set[int] = field(default_factory=set)  # id(Call): a construction passed to an init helper
    # (id(owner scope), ref) of a module handed to an init helper: every layer it holds is set.
    modules: Set[Tuple[int, str]] = field(default_factory=set)
    # Attribute names whose weight is set through a longer path (self.encoder.fc, model.fc).
    reached_attributes: Set[str] = field(default_factory=set)
    framework: str = ""  # why the whole file's init is managed elsewhere


def init_helper_name(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a (non-torch) call name says it initialises its argument."""
    if name in extra:
        return True
    if name.startswith("__"):  # super().__init__(...) passes layers on; it does not initialise them
        return False
    words = [w for w in re.split(r"_|(?<=[a-z0-9])(?=[A-Z])", name) if w]
    return any(w.lower() in catalog.INIT_HELPER_WORDS for w in words)


def call_name(func: cst.BaseExpression) -> Optional[str]:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None
