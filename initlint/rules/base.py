"""What a rule is: a code, its documentation, its own examples, and a check over facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from ..catalog import GATE, HIDDEN
from ..edits import EditPlanner
from ..facts.collect import Facts
from ..facts.model import Follow, LayerSite
from ..findings import Report
from ..settings import Settings

# (block name, layer name) -> whether every user of this file's module-level class or function
# ``block``, in the other files of its package, re-initialises layers of that type ("Conv2d").
UsersLookup = Callable[[str, str], bool]


@dataclass
class Context:
    facts: Facts
    follows: List[Follow]
    settings: Settings
    planner: EditPlanner
    users: Optional[UsersLookup] = None  # None: the file is judged alone
    _checked: Optional[Dict[int, Follow]] = field(default=None, repr=False)

    def activation_after(self, site: LayerSite) -> Optional[Follow]:
        """The first follow of ``site`` that the policy checks (design.md §3), or None."""
        if self._checked is None:
            self._checked = {}
            for follow in self.follows:
                if self._policy_checks(follow):
                    self._checked.setdefault(id(follow.site), follow)
        return self._checked.get(id(site))

    def _policy_checks(self, follow: Follow) -> bool:
        activation = follow.use.activation
        if activation.role != HIDDEN and not (activation.role == GATE and self.settings.gates):
            return False
        if self.settings.activations and activation.name not in self.settings.activations:
            return False
        if follow.head:
            return False
        return self.settings.norm_in_between or not follow.via_norm

    def initialised_by_users(self, site: LayerSite) -> bool:
        """Whether the block that builds ``site`` (the module-level class or function around it) is
        only used by files that re-initialise its layer type. Reading other files costs: ask
        only about a layer that would otherwise be reported."""
        if self.users is None:
            return False
        block = self._block(site)
        return block is not None and self.users(block, site.layer.name)

    def _block(self, site: LayerSite) -> Optional[str]:
        # Only a top-level definition can be imported by name; a method's block is its class.
        top_level = self.facts.module.body
        for definition in (site.owner_class, site.function):
            if definition is not None:
                return definition.name.value if any(statement is definition for statement in top_level) else None
        return None


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
