"""What a rule is: a code, its documentation, its own examples, and a check over facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

from ..catalog import GATE, HIDDEN
from ..edits import EditPlanner
from ..facts.collect import Facts
from ..facts.model import Follow, LayerSite
from ..findings import Report
from ..index import MODULE_SCOPE, FileIndex, Reason
from ..positions import start_positions
from ..settings import Settings



@dataclass
class Context:
    facts: Facts
    follows: List[Follow]
    settings: Settings
    planner: EditPlanner
    index: FileIndex
    _checked: Optional[Dict[int, Follow]] = field(default=None, repr=False)
    _lines: Optional[Dict[int, int]] = field(default=None, repr=False)

    def activation_after(self, site: LayerSite) -> Optional[Follow]:
        """The first follow of ``site`` that the policy checks (design.md §3), or None."""
        if self._checked is None:
            self._checked = {}
            for follow in self.follows:
                if self.policy_checks(follow):
                    self._checked.setdefault(id(follow.site), follow)
        return self._checked.get(id(site))

    def policy_checks(self, follow: Follow) -> bool:
        activation = follow.use.activation
        if activation.role != HIDDEN and not (activation.role == GATE and self.settings.gates):
            return False
        if self.settings.activations and activation.name not in self.settings.activations:
            return False
        if follow.head:
            return False
        return self.settings.norm_in_between or not follow.via_norm

    def initialised_elsewhere(self, site: LayerSite) -> Optional[Reason]:
        """What initialises ``site``'s layer beyond a write on the layer itself, as the repository
        index sees it: an init reaching the instances of the class or function that builds it,
        or one applied to the local it is bound to. Ask only about a layer that would otherwise
        be reported: the first question reads the repository."""
        block = self.block_of(site)
        top_level_function = block is not None and site.owner_class is None
        scope = block if top_level_function else MODULE_SCOPE
        anchor = site.anchor().ref
        bound = None
        if anchor and (top_level_function or (site.function is None and site.owner_class is None)):
            bound = anchor.split(".", 1)[0].split("[", 1)[0]
        line = self.line_of(site) if site.owner_class is not None else None
        return self.index.covers_site(block, scope, bound, site.layer.name, line, _self_path(site))

    def line_of(self, site: LayerSite) -> int:
        """The line of the site's constructor call (every site's, found in one pass, once)."""
        if self._lines is None:
            found = start_positions(self.facts.module, [s.call for s in self.facts.sites])
            self._lines = {key: position[0] for key, position in found.items()}
        return self._lines.get(id(site.call), 0)

    def placeholder(self, site: LayerSite) -> Optional[Reason]:
        """A layer a base class assigns to ``self.x`` that every subclass assigns anew: dead."""
        block = self.block_of(site)
        ref = site.ref or ""
        if block is None or site.owner_class is None or not ref.startswith("self.") or ref.count(".") != 1:
            return None
        return self.index.placeholder(block, ref[len("self."):])

    def block_of(self, site: LayerSite) -> Optional[str]:
        # Only a top-level definition can be imported by name; a method's block is its class,
        # and a class defined in a function is one when the index summarised it (its name is
        # the file's only class of that name).
        top_level = self.facts.module.body
        for definition in (site.owner_class, site.function):
            if definition is not None:
                if any(statement is definition for statement in top_level):
                    return definition.name.value
                if definition is site.owner_class:
                    name = definition.name  # on the `class` line, as ast's lineno (decorators above)
                    line = start_positions(self.facts.module, [name])[id(name)][0]
                    return name.value if self.index.defines_class(name.value, line) else None
                return None
        return None


def _self_path(site: LayerSite) -> Tuple[str, ...]:
    """The attributes from ``self`` to the layer, by its first ``self.`` name (indexes left out):
    ``self.mlp.c_fc`` -> ("mlp", "c_fc"), ``self.proj[0]`` -> ("proj",)."""
    for ref in site.refs():
        if ref.startswith("self."):
            return tuple(part for part in re.sub(r"\[[^\]]*\]", "", ref).split(".")[1:] if part)
    return ()


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
