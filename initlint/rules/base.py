"""What a rule is: a code, its documentation, its own examples, and a check over facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, List, Tuple

from ..edits import EditPlanner
from ..facts.collect import Facts
from ..facts.model import Follow
from ..findings import Report
from ..settings import Settings


@dataclass
class Context:
    facts: Facts
    follows: List[Follow]
    settings: Settings
    planner: EditPlanner


class Rule:
    """Subclasses fill in the class attributes and ``check``.

    ``valid`` and ``invalid`` are complete little modules; in ``invalid`` each line that must be
    reported ends with ``# expect: <CODE>`` (the fixture convention). The test suite runs every example, and ``initlint
    explain`` prints them, so the docs cannot drift from the behaviour.
    """

    code: str = ""
    name: str = ""
    summary: str = ""  # one line
    what: str = ""
    why: str = ""
    fix: str = ""
    settings: Tuple[Tuple[str, str], ...] = ()  # (setting, what it changes)
    valid: Tuple[str, ...] = ()
    invalid: Tuple[str, ...] = ()

    def check(self, ctx: Context) -> Iterator[Report]:
        raise NotImplementedError
