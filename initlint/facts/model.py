"""The facts the collectors gather: what was built, where, how it can be named, what follows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple, Union

import libcst as cst

from ..catalog import Activation, Layer

Scope = Union[cst.Module, cst.ClassDef, cst.FunctionDef]


def owner_scope(
    ref: str, function: Optional[cst.FunctionDef], cls: Optional[cst.ClassDef], module: cst.Module
) -> Scope:
    """The scope a ref lives in: ``self.*`` in the class, plain names in the function."""
    if cls is not None and (ref == "self" or ref.startswith(("self.", "self["))):
        return cls
    return function or cls or module


@dataclass(eq=False)
class Construct:
    """A constructor call initlint cares about: a weight layer or a container of layers.

    ``ref`` is the expression that names it after its statement (``self.fc``, ``net``); a
    construct held by a container is named through it (``container_ref + accessor``).
    """

    call: cst.Call
    statement: Optional[cst.SimpleStatementLine]  # None: not in a plain statement (a header)
    owner_class: Optional[cst.ClassDef]
    function: Optional[cst.FunctionDef]
    hoistable: bool  # False inside lambdas, comprehensions, conditional expressions, boolean ops
    ref: Optional[str] = None
    container: Optional["Construct"] = None
    accessors: Tuple[str, ...] = ()  # "[0]", ".fc1": how the container reaches it (first is preferred)
    # A same-file helper's Sequential (``def Sequential(*mods): return nn.Sequential(*filter(exists,
    # mods))``): its None items are left out, so an item's index may not be its argument's.
    drops_none: bool = False
    # Bound as ``self.mlp = nn.Sequential(...) if cond else None`` (or ``None if cond else ...``):
    # its ref may be None, so an init after the statement goes under ``if self.mlp is not None:``.
    unless_none: bool = False

    def refs(self) -> List[str]:
        """Every expression that names this construct (an OrderedDict item by key and by index)."""
        if self.ref is not None:
            return [self.ref]
        if self.container is None:
            return []
        return [base + acc for base in self.container.refs() for acc in self.accessors]

    def anchor(self) -> "Construct":
        """The outermost construct that must be bound to a name for this one to be named."""
        node = self
        while node.ref is None and node.container is not None:
            node = node.container
        return node

    def path_from_anchor(self) -> Optional[str]:
        """``[0].fc1``: how the anchor reaches this construct; None where an index is not certain."""
        parts = []
        node = self
        while node.ref is None and node.container is not None:
            if not node.accessors:
                return None
            parts.append(node.accessors[0])
            node = node.container
        return "".join(reversed(parts))


@dataclass(eq=False)
class LayerSite(Construct):
    layer: Optional[Layer] = None
    args: Mapping[str, cst.BaseExpression] = field(default_factory=dict)

    @property
    def bias(self) -> bool:
        """Whether the layer has a bias, as far as its arguments say (torch's default: True)."""
        value = self.args.get("bias")
        return not (isinstance(value, cst.Name) and value.value == "False")

    @property
    def single_output(self) -> bool:
        """Whether the layer makes one output unit (``nn.Linear(d, 1)``, ``nn.Conv2d(c, 1, 1)``):
        what an activation then makes of it, if the model returns that, is a score, an output.
        Also a parameter whose default is 1 (pyiqa's ``nn.Linear(d, num_outputs)``, ``num_outputs=1``)."""
        value = self.args.get("out_features", self.args.get("out_channels"))
        if isinstance(value, cst.Name) and self.function is not None:
            params = self.function.params
            value = next(
                (p.default for p in (*params.params, *params.kwonly_params) if p.name.value == value.value), None
            )
        return isinstance(value, cst.Integer) and value.value == "1"


@dataclass(frozen=True, eq=False)
class Guard:
    """A test in the code's own words, true exactly when a parametric activation is the one the
    analysis read (``act_layer is nn.GELU``, ``activation == "relu"``): the fix puts its init under
    it, so callers that pass another activation keep torch's default."""

    test: str
    name: str  # the parameter of ``scope`` it reads (the init must be in ``scope`` too)
    scope: cst.FunctionDef
    default: str  # what the message says the fix is for: ``act_layer=nn.GELU`` (its default)


@dataclass(eq=False)
class ActivationUse:
    """An activation applied somewhere, with its parameters as far as they are literal."""

    activation: Activation
    node: cst.CSTNode
    params: Dict[str, object]
    unresolved: Tuple[str, ...] = ()  # parameters given as non-literal expressions
    # Given as a parameter default (act_layer=nn.GELU) or looked up in a dict: callers may pass
    # another activation, so the finding stands but the fix is left to a person.
    parametric: bool = False
    # When parametric: the tests under which it is this one (all must hold), or why none can be
    # written (a lookup keyed by an expression, a default spread over lines, ...).
    guards: Tuple[Guard, ...] = ()
    unguarded: str = ""
    # Chosen by a setting (``F.relu if act == "relu" else F.gelu``, an if/elif/else binding the
    # same name): this is the default branch's (the else, the last one), these the others'.
    alternatives: Tuple["ActivationUse", ...] = ()
    # The same choice as a chain, in source order, when a conditional expression in the function
    # ``chosen_in`` makes it: ``(test, use)`` per branch, the final else's test None. A fix may
    # restate the tests there, each branch with its own init.
    branches: Tuple[Tuple[Optional[cst.BaseExpression], "ActivationUse"], ...] = ()
    chosen_in: Optional[cst.FunctionDef] = None
    # Chosen by a mask setting (``activations.get(mask_act)``, catalog.MASK_SETTING): it makes a
    # separator's output mask, an output wherever forward sends it.
    mask: bool = False

    @property
    def name(self) -> str:
        return self.activation.name


@dataclass(eq=False)
class Follow:
    """``site``'s output goes into ``use`` (possibly through a norm layer, or as a head)."""

    site: LayerSite
    use: ActivationUse
    via_norm: bool = False
    head: bool = False
    # ``site`` is a comprehension's element (one site for every item of its container) and the
    # activation follows every item but the last (``if i < len(self.layers) - 1``).
    all_but_last: bool = False
    # Why the fix is left to a person though the finding stands ("" when it is not).
    unfixed: str = ""


@dataclass(eq=False)
class OpenFollow:
    """A class's code feeds something it need not build into ``use``: the output of
    ``self.<attr>(...)`` in ``method`` (``Facts.attr_follows``: a subclass that builds the attribute
    as a layer inherits the follow), or a parameter of ``forward`` (``Facts.param_follows``: a layer
    whose output a caller passes there is followed). Plain data, keyed by attribute name or by
    position, so that a pass over several files can match it to the classes of other files."""

    use: ActivationUse
    method: str
    via_norm: bool = False
    head: bool = False


@dataclass(eq=False)
class InitCall:
    """A ``torch.nn.init`` call: which function, on which layer's weight, with which arguments."""

    call: cst.Call
    function: str  # qualified: "torch.nn.init.kaiming_uniform_"
    args: Mapping[str, cst.BaseExpression]
    target: Optional[str]  # the ref whose weight it writes (``self.fc``), if it is a weight
    owner: int  # id of the scope the target ref lives in
    in_function: Optional[cst.FunctionDef]
    scale: float = 1.0  # kaiming_uniform_(w, ...).data.mul_(scale): what initlint itself writes
