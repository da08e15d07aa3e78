""""Followed by": where each layer's output goes, through containers and ``forward`` code.

A flow is ``(site, via_norm)``: the output of a layer, possibly passed through a norm layer.
``apply`` pushes flows through one held module; Sequentials and ``forward`` bodies are
both just sequences of such applications.

A flow's source may also be a ``Squashed``: the result of a bounded activation (Tanh), followed
to see whether it reaches the model's return through arithmetic only (then it is a head); or an
``Opening``: what a class's code applies to something it need not build itself (``self.<attr>(...)``,
a parameter of ``forward``), recorded as a ``model.OpenFollow`` when it reaches an activation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Set, Tuple, Union

import libcst as cst

from .. import catalog
from .collect import Facts
from .held import (
    ACTIVATION, ANY, INSTANCE, LAYER, NORM, POOLING, SCALING, SEQUENTIAL, TRANSPARENT, Held, Resolver, sequential_items,
)
from .literals import literal
from .model import ActivationUse, Construct, Follow, LayerSite, OpenFollow, owner_scope

# A bounded activation at the very end of a model is its output range, not a hidden layer; a
# Softplus there makes a positive output (a scale, a rate: scvi-tools' decoders), not one either.
HEAD_ACTIVATIONS = frozenset(("Tanh", "Softplus"))


@dataclass(frozen=True, eq=False)
class Squashed:
    """The result of an activation (``use``) on its way: a head if it is a head activation's and
    reaches the return, or any activation's and goes into a softmax (class scores). ``sites``:
    the ids of the layers whose outputs went into it at this call (one module on ``self`` may
    be applied to several)."""

    use: ActivationUse
    sites: FrozenSet[int] = frozenset()


@dataclass(frozen=True, eq=False)
class Gated(Squashed):
    """A head activation's result weighted by a gate's (``z * torch.tanh(...)``: a GRU or LSTM
    cell's candidate): summed with other terms (``(1 - z) * h + z * h_new``) it is still the
    cell's bounded state, so a head where it reaches the return, not a residual."""


def gated(gate: Flows, value: Flows) -> Flows:
    """The flows of ``gate * value`` when ``gate`` is only gates' results and ``value`` carries
    head activations' results; else none."""
    if not gate or any(not isinstance(s, Squashed) or s.use.activation.role != catalog.GATE for s, _ in gate):
        return NONE
    return frozenset((Gated(s.use), False) for s, _ in value if isinstance(s, Squashed) and s.use.name in HEAD_ACTIVATIONS)


@dataclass(frozen=True, eq=False)
class Floored(Squashed):
    """Any activation's result plus a positive constant (``self.act(x) + 1e-8``, ``F.elu(x) + 1``):
    a strictly positive value; where it reaches the return, a scale or a rate the model outputs,
    a head as a Softplus there is (for the layers that went into it there only)."""


@dataclass(frozen=True, eq=False)
class Shifted:
    """A head activation's result added to something else (``action + scale * tanh(...)``): the
    output range again only once it is bounded (``.clamp(-1, 1)``); else a residual, not a head."""

    use: ActivationUse


@dataclass(frozen=True, eq=False)
class Opening:
    """The output of ``self.<attr>(...)`` (``attr`` set) or the ``position``-th parameter of
    ``forward`` (after self) in a method of ``cls``: whatever a subclass or a caller puts there."""

    cls: cst.ClassDef
    method: str
    attr: Optional[str] = None
    position: Optional[int] = None


Flow = Tuple[Union[LayerSite, Squashed, Opening], bool]
Flows = FrozenSet[Flow]
NONE: Flows = frozenset()


def squashed(use: ActivationUse, flows: Flows = frozenset()) -> Flows:
    """What comes out of ``use`` applied to ``flows``: followed on to see whether it is a model's output."""
    return frozenset({(Squashed(use, frozenset(id(site) for site, _ in flows if isinstance(site, LayerSite))), False)})


def rescaled(flows: Flows) -> Flows:
    """The flows of ``a * x + b`` when ``flows`` are those of its operands: a head's result stays
    one; a layer's output mixed with anything ends there (its scale is no longer the layer's)."""
    if any(not isinstance(source, Squashed) for source, _ in flows):
        return NONE
    return flows


class FollowLog:
    """The follows found so far, one per (layer, activation) pair whatever the routes.

    Routes merge independently of the order they are found in (flows are sets): the pair is
    through a norm only when every route is, and a head when any route sees the activation
    end the model (a Sequential ending in Tanh stays a head wherever it is called).
    """

    def __init__(self) -> None:
        self.follows: Dict[Tuple[int, int], Follow] = {}
        # Layers whose output does not reach the activation being emitted on this path (the last
        # layer of a ModuleList in an "all but the last" branch).
        self.excluded: FrozenSet[int] = frozenset()
        # Comprehension elements (one site for every item) whose activation on this path is for
        # every item but the last: what the fix's loop over the container leaves out.
        self.guarded: FrozenSet[int] = frozenset()
        # Inside ``if self.mask_nonlinear == "relu":``: what is applied there makes an output mask.
        self.masking = False
        # What openings reach (see Facts.attr_follows / param_follows), merged like follows.
        self.attr_follows: Dict[cst.ClassDef, Dict[str, List[OpenFollow]]] = {}
        self.param_follows: Dict[cst.ClassDef, Dict[int, List[OpenFollow]]] = {}
        # The layer outputs a class's forward returns (``return self.conv(F.pad(x, ...))``): what
        # comes out of an instance of it, for what its users apply next.
        self.returned: Dict[cst.ClassDef, Set[Tuple[LayerSite, bool]]] = {}

    def mark_head(self, use: ActivationUse, any_activation: bool = False, sites: Optional[FrozenSet[int]] = None) -> None:
        """``use`` turned out to end a model (the last item of a list made into a Sequential):
        a head if it is a head activation, or ``any_activation`` (its result goes into a softmax);
        for any activation, a head of a layer with one output unit (``Conv2d(c, 1)`` then ReLU: a
        score map). ``sites``: only for the layers with these ids (what went into ``use`` there)."""
        headed = any_activation or use.name in HEAD_ACTIVATIONS
        for key, follow in self.follows.items():
            if follow.use is use and (sites is None or id(follow.site) in sites) and (headed or follow.site.single_output):
                self.follows[key] = Follow(follow.site, use, follow.via_norm, True, follow.all_but_last, follow.unfixed)
        if headed and sites is None:
            for table in (self.attr_follows, self.param_follows):
                for by_key in table.values():
                    for opened in by_key.values():
                        for follow in opened:
                            follow.head = follow.head or follow.use is use

    def emit(self, flows: Flows, use: ActivationUse, head: bool = False, via_norm: bool = False) -> None:
        """``flows`` go into ``use`` (``via_norm``: through a norm on the way, whatever they say)."""
        if use.activation.role == catalog.OUTPUT:
            # relu(conv(x)) then log_softmax: that activation makes the class scores, an output
            for site, _ in flows:
                if isinstance(site, Squashed):
                    self.mark_head(site.use, any_activation=True)
        for site, through_norm in flows:
            if id(site) in self.excluded:
                continue
            if isinstance(site, LayerSite):
                self.add(site, use, through_norm or via_norm, head, id(site) in self.guarded)
            elif isinstance(site, Opening):
                self._open(site, use, through_norm or via_norm, head)

    def add(
        self, site: LayerSite, use: ActivationUse, via_norm: bool = False, head: bool = False, all_but_last: bool = False,
        unfixed: str = "",
    ) -> None:
        head = (head and (use.name in HEAD_ACTIVATIONS or site.single_output)) or use.mask or self.masking
        key = (id(site), id(use.node))
        seen = self.follows.get(key)
        if seen is None:
            self.follows[key] = Follow(site, use, via_norm, head, all_but_last, unfixed)
        else:
            self.follows[key] = Follow(
                site, use, seen.via_norm and via_norm, seen.head or head, seen.all_but_last and all_but_last,
                seen.unfixed if seen.unfixed and unfixed else "",
            )

    def _open(self, opening: Opening, use: ActivationUse, via_norm: bool, head: bool) -> None:
        if opening.attr is not None:
            opened = self.attr_follows.setdefault(opening.cls, {}).setdefault(opening.attr, [])
        else:
            opened = self.param_follows.setdefault(opening.cls, {}).setdefault(opening.position, [])
        head = (head and use.name in HEAD_ACTIVATIONS) or use.mask or self.masking
        for seen in opened:
            if seen.use is use:
                seen.via_norm, seen.head = seen.via_norm and via_norm, seen.head or head
                return
        opened.append(OpenFollow(use, opening.method, via_norm, head))


def apply(held: Optional[Held], flows: Flows, log: FollowLog, at_end: bool = False) -> Flows:
    """The flows that come out of ``held`` when ``flows`` go in."""
    if held is None:
        return NONE
    if held.kind == LAYER:
        return frozenset({(held.site, False)})
    if held.kind == ACTIVATION:
        log.emit(flows, held.use, head=at_end)
        return squashed(held.use, flows)
    if held.kind == NORM:
        return frozenset((site, True) for site, _ in flows if not isinstance(site, Squashed))
    if held.kind == INSTANCE:
        # What a same-file module does with its input: see MethodFlow's calls. What comes out
        # of it: the layer outputs its forward returns (a padding wrapper around a conv).
        return frozenset(log.returned.get(held.cls, ()))
    if held.kind == TRANSPARENT:
        return flows
    if held.kind == SCALING:  # Tanh then Scale(offset_scale): still the head's range
        return rescaled(flows)
    if held.kind == ANY:
        return frozenset().union(*(apply(item, flows, log) for item, _ in held.items))
    if held.kind == SEQUENTIAL:
        # The item that ends the model when the Sequential does: the last one but for trailing
        # reshapes, dropout and pooling (`nn.Tanh(), nn.AdaptiveAvgPool2d(1)` ends in a head).
        last = len(held.items) - 1
        while last > 0 and held.items[last][0] is not None and held.items[last][0].kind in (TRANSPARENT, POOLING, SCALING):
            last -= 1
        for i, (item, _) in enumerate(held.items):
            flows = apply(item, flows, log, at_end=at_end and i == last)
        return flows
    return NONE


def link_containers(facts: Facts) -> None:
    """Give every construct held by a Sequential, ModuleList or ModuleDict its container and accessors."""
    for container in facts.sequentials + facts.containers:
        items = container_items(container) or ()
        # nn.init.zeros_(self.mlp[-1].weight): the last item, while nothing appends to the container
        grown = container.ref is not None and (
            id(owner_scope(container.ref, container.function, container.owner_class, facts.module)), container.ref
        ) in facts.appended
        by_end = container in facts.sequentials and not grown and all(a[-1:] == (f"[{i}]",) for i, (a, _) in enumerate(items))
        for i, (accessors, item) in enumerate(items):
            construct = facts.constructs.get(id(item)) if isinstance(item, cst.Call) else None
            if construct is not None and construct.ref is None and construct.container is None:
                construct.container = container
                construct.accessors = accessors + ((f"[{i - len(items)}]",) if by_end else ())


def container_items(container: Construct):
    """Items of Sequential(...) / ModuleList([...]) / ModuleDict({...}) with their accessors."""
    call = container.call
    if len(call.args) == 1 and not call.args[0].star and call.args[0].keyword is None:
        value = call.args[0].value
        if isinstance(value, (cst.List, cst.Tuple)):
            return [((f"[{i}]",), e.value) for i, e in enumerate(value.elements) if not isinstance(e, cst.StarredElement)]
        if isinstance(value, cst.Dict):
            return [
                ((f"[{literal(e.key)!r}]",), e.value)
                for e in value.elements
                if isinstance(e, cst.DictElement) and isinstance(literal(e.key), str)
            ]
    return sequential_items(call, container.drops_none)


def sequential_follows(facts: Facts, resolver: Resolver, log: FollowLog) -> None:
    for container in facts.sequentials:
        if facts.skipped_at_defaults(container.call) and not facts.builds_layer(container.call):
            # `if with_bn: Sequential(conv, bn, relu) / else: Sequential(conv, relu)` with
            # with_bn=True: the conv built before is followed by what the default arm puts after it
            continue
        scope = container.function or container.owner_class or facts.module
        held = resolver.held(container.call, scope, container.owner_class)
        if held is not None:
            apply(held, NONE, log, at_end=True)
    for cls, methods in facts.methods.items():
        if cls.name.value in facts.sequential_classes:
            held = _filled_by_attributes(cls, methods, resolver)
            if held is not None:
                apply(held, NONE, log, at_end=True)


def _filled_by_attributes(cls: cst.ClassDef, methods, resolver: Resolver) -> Optional[Held]:
    """``class MLP(nn.Sequential)`` whose ``__init__`` assigns ``self.fc1 = nn.Linear(...)``,
    ``self.act = nn.GELU()``, ...: modules register in assignment order, and a Sequential with no
    ``forward`` of its own runs them in that order."""
    if any(m.name.value == "forward" for m in methods):
        return None
    init = next((m for m in methods if m.name.value == "__init__"), None)
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return None
    items = []
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue  # a branch or a loop: the order is not certain past it
        for small in statement.body:
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Attribute)
                and isinstance(small.targets[0].target.value, cst.Name)
                and small.targets[0].target.value.value == "self"
                and isinstance(small.value, cst.Call)
            ):
                items.append((resolver.held(small.value, init, cls), small.value))
    return Held(SEQUENTIAL, items=tuple(items)) if len(items) > 1 else None

