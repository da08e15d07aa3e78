"""Which methods of a class run on its instances, so that only their init evidence counts: a
``_init_weights`` that nothing calls or applies initialises nothing.

A method runs when torch or convention runs it (catalog.RUNNING_METHODS, dunders), when a
running method of the class or of an ancestor names it on ``self`` (``self.init_weights()``,
``self.apply(self._init_weights)``, ``super().init_weights()``), or when code anywhere in the
repository names it on another object (``model.apply(model._init_weights)`` in a script,
``m.init_weights()`` in a parent, ``hasattr(m, "reset_parameters")``): by name, since what that
object is cannot be told. A class with an ancestor from outside the repository and torch (an
mmengine ``BaseModule``, HF's ``PreTrainedModel``, Lightning's ``LightningModule``) may have
any of its methods called by that framework (``init_weights``, ``_init_weights`` via
``post_init``): all of them count. So do the public methods of a class that is no torch module
(a trainer's ``train()`` that initialises the model it holds before the first step): they are
its API, run by its users.
"""

from __future__ import annotations

import builtins
import sys
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from .. import catalog
from .links import Links
from .repository import Definition, Repository
from .summary import ALL

_STANDARD = frozenset(getattr(sys, "stdlib_module_names", ("abc", "typing", "enum", "collections", "dataclasses")))
_BUILTINS = frozenset(dir(builtins))


class Liveness:
    def __init__(self, repository: Repository, links: "Links") -> None:
        self.repo = repository
        self.links = links
        self._ancestry: Dict[Definition, Tuple[List[Definition], bool]] = {}
        self._live: Dict[Tuple[Definition, bool], FrozenSet[str]] = {}
        self._outside: Optional[Set[str]] = None

    def ancestry(self, definition: Definition) -> Tuple[List[Definition], bool]:
        """The class and its ancestors in the repository (nearest first), and whether some
        ancestor comes from outside the repository and is neither torch nor the standard library."""
        if definition not in self._ancestry:
            found: List[Definition] = []
            foreign = False
            queue = [definition]
            while queue and len(found) < 64:
                current = queue.pop(0)
                if current in found:
                    continue
                summary = self.repo.summary(current[0])
                own = summary["defs"].get(current[1]) if summary else None
                if own is None or own["kind"] != "class":
                    continue
                found.append(current)
                for base in own["bases"]:
                    target = self.repo.resolve(current[0], base)
                    if target is not None:
                        queue.append(target)
                    elif not _known_outside(summary, base):
                        foreign = True
            self._ancestry[definition] = (found, foreign)
        return self._ancestry[definition]

    def runs(self, definition: Definition, method: str) -> bool:
        """Whether method ``method`` (of the class or an ancestor) runs on instances of the class.
        What the class's own code runs is asked first: naming the method anywhere else in the
        repository is the costly question (it reads every file's summary)."""
        if self.ancestry(definition)[1]:
            return True  # an ancestor from a framework: it may call any method
        if not method.startswith("_") and not self.module_class(definition):
            return True  # dive-into-graphs' JTVAE.train_rand_gen: for p in self.vae.parameters(): ...
        return method in self._running(definition, False) or method in self._running(definition, True)

    def module_class(self, definition: Definition) -> bool:
        """Whether a class derives from a torch class (``nn.Module``, ``nn.Sequential``), directly or
        through the repository's classes."""
        for path, name in self.ancestry(definition)[0]:
            summary = self.repo.summary(path)
            if any(base.split(".", 1)[0] in summary["torch"] for base in summary["defs"][name]["bases"]):
                return True
        return False

    def _running(self, definition: Definition, with_outside: bool) -> FrozenSet[str]:
        key = (definition, with_outside)
        if key not in self._live:
            records = [self.repo.summary(path)["defs"][name].get("methods", {}) for path, name in self.ancestry(definition)[0]]
            names = {method for record in records for method in record}
            outside = self.outside_references() if with_outside else set()
            live = {n for n in names if n in catalog.RUNNING_METHODS or _dunder(n) or n in outside}
            stack = list(live)
            while stack:
                method = stack.pop()
                for record in records:
                    for named in record.get(method, {}).get("refs", ()):
                        if named not in live:
                            live.add(named)
                            stack.append(named)
            self._live[key] = frozenset(live)
        return self._live[key]

    def method_covers(self, definition: Definition, method: str, layer: str) -> Optional[Tuple[str, int]]:
        """(path, line) of the type dispatch by which method ``method`` (as the class or its
        nearest ancestor defines it) initialises ``layer`` layers; None when it does not."""
        for path, name in self.ancestry(definition)[0]:
            record = self.repo.summary(path)["defs"][name].get("methods", {}).get(method)
            if record is not None:
                line = record["covers"].get(layer) or record["covers"].get(ALL)
                return (path, line) if line else None
        return None

    def outside_references(self) -> Set[str]:
        """Attribute names the repository's files use on objects other than ``self``."""
        if self._outside is None:
            self._outside = {name for links in self.links.files().values() for name in links["attributes"]}
        return self._outside


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _known_outside(summary: dict, base: str) -> bool:
    """A base from torch, the standard library or the builtins (``nn.Module``, ``ABC``, ``object``)."""
    head = base.split(".", 1)[0]
    if head in summary["torch"]:
        return True
    target = summary["imports"].get(head)
    if target is None:
        return head in _BUILTINS
    level, module, _ = target
    return level == 0 and module.split(".", 1)[0] in _STANDARD | {"typing_extensions"}
