"""What an expression holds when it is used as a module: a layer, an activation, a norm, ..."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from .. import catalog
from ..imports import dotted
from .collect import Facts
from .comprehended import comprehension_of
from .guards import UNGUARDABLE, equals_default, given, is_class, is_instance, not_given, parameter_of, star_guards
from .restate import changed_in
from .walk import descendants
from .literals import bind_args, chosen_string, is_known, literal, module_arguments, parameter_annotation, parameter_default, parameter_names, ref_text
from .model import ActivationUse, Construct, LayerSite, Scope, owner_scope
from .named import (
    builds_named_norm, exclusive_arms, getattr_expression, getter_argument, named_activation, none_tested, unless_given,
)
from .written import activation_of_forward, activation_of_helper, passes_through

LAYER, ACTIVATION, NORM, TRANSPARENT, SEQUENTIAL = "layer", "activation", "norm", "transparent", "sequential"
SCALING = "scaling"  # a module of the file that only scales its input (``x * self.scale``)
ANY = "any"  # one of several modules (an element of a ModuleList, in a loop)
INSTANCE = "instance"  # a module of a class the file defines (``ResBlock(...)``)
POOLING = "pooling"  # ends a follow; after a model's last activation, it still ends the model
_MAX_DEPTH = 8  # names bound to names bound to ...: enough for real code, finite for cycles
_MAX_CHOICES = 8  # branches of a setting's choice of activation worth resolving one by one


@dataclass(eq=False)
class Held:
    kind: str
    site: Optional[LayerSite] = None
    use: Optional[ActivationUse] = None
    items: Tuple[Tuple[Optional["Held"], cst.BaseExpression], ...] = ()  # a Sequential's items, or ANY's
    cls: Optional[cst.ClassDef] = None  # an INSTANCE's class
    # An ACTIVATION known only as the one the settings' defaults assign (the other arms assign
    # no hidden activation): a layer built only in an arm the defaults skip is not followed by it.
    at_defaults: bool = False


Accessors = Tuple[str, ...]


@dataclass(eq=False)
class Elements:
    """The modules a loop over a container visits, in order, and the one that is certainly its
    last (None when a comprehension's element stands for the last item and the others alike)."""

    items: List[Optional[Held]]
    last: Optional[Held]


def sequential_items(call: cst.Call, drops_none: bool = False) -> Optional[List[Tuple[Accessors, cst.BaseExpression]]]:
    """``(accessors, item)`` for each item of ``nn.Sequential(...)``; None when not static.

    Positional items are reached by index; ``OrderedDict([("fc1", layer), ...])`` items by key
    first, by index as well. ``drops_none``: a helper's call that leaves None items out; after
    one that is or may be None (not a call), the index is not certain: no accessors.
    """
    values = _positional_values(call.args)
    if values is None:
        return None
    if drops_none:
        return _present_items(values)
    if len(values) == 1 and isinstance(values[0], cst.Call):
        inner = values[0]
        name = inner.func.attr.value if isinstance(inner.func, cst.Attribute) else getattr(inner.func, "value", "")
        if name == "OrderedDict":
            return _ordered_dict_items(inner)
    return [((f"[{i}]",), value) for i, value in enumerate(values)]


def _positional_values(args: Sequence[cst.Arg]) -> Optional[List[cst.BaseExpression]]:
    """The items the arguments pass, a splatted literal list spelled out
    (``*([nn.Linear(d, d)] + [nn.ReLU(), nn.Dropout()])``); None when they are not static."""
    values: List[cst.BaseExpression] = []
    for arg in args:
        if arg.star == "**":
            return None
        if arg.keyword is not None:
            continue  # super().__init__(*layers, num_output=n) of a splatting base: a setting, no item
        if not arg.star:
            values.append(arg.value)
            continue
        spelled = _literal_elements(arg.value)
        if spelled is None:
            return None
        values.extend(spelled)
    return values


def _literal_elements(expr: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
    """The elements of a list or tuple display, or of a ``+`` of such displays."""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        left, right = _literal_elements(expr.left), _literal_elements(expr.right)
        return None if left is None or right is None else left + right
    if isinstance(expr, (cst.List, cst.Tuple)) and not any(isinstance(e, cst.StarredElement) for e in expr.elements):
        return [element.value for element in expr.elements]
    return None


def _present_items(values: List[cst.BaseExpression]) -> List[Tuple[Accessors, cst.BaseExpression]]:
    items: List[Tuple[Accessors, cst.BaseExpression]] = []
    certain = True
    for value in values:
        if isinstance(value, cst.Name) and value.value == "None":
            certain = False
            continue
        items.append(((f"[{len(items)}]",) if certain else (), value))
        certain = certain and isinstance(value, cst.Call)  # a name may hold None
    return items


def _ordered_dict_items(call: cst.Call) -> Optional[List[Tuple[Accessors, cst.BaseExpression]]]:
    if len(call.args) != 1 or not isinstance(call.args[0].value, (cst.List, cst.Tuple)):
        return None
    items = []
    for i, element in enumerate(call.args[0].value.elements):
        pair = element.value
        if not isinstance(pair, cst.Tuple) or len(pair.elements) != 2:
            return None
        key = literal(pair.elements[0].value)
        by_key = (f".{key}",) if isinstance(key, str) and key.isidentifier() else ()
        items.append((by_key + (f"[{i}]",), pair.elements[1].value))
    return items


SETTING_DECIDES = "a setting decides whether an activation follows; its default takes this one"


class Resolver:
    """Classifies expressions as held modules, as seen from one scope of one class."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._returns: Dict[int, List[cst.Return]] = {}
        self._named_functions: Dict[str, Optional[cst.FunctionDef]] = {}  # _callee_function's by name
        self._classes: Optional[Dict[str, List[cst.ClassDef]]] = None
        # A same-file class: the activation its forward is, TRANSPARENT (a slice or view), or None.
        self._activation_classes: Dict[int, object] = {}
        # The ``if <setting> == <value>:`` arms the code being followed is in (facts.value_arms).
        self.arms: List[Tuple[str, object]] = []

    def held(self, expr: cst.BaseExpression, scope: Scope, cls: Optional[cst.ClassDef], depth: int = 0) -> Optional[Held]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Call):
            construct = self.facts.constructs.get(id(expr))
            if isinstance(construct, LayerSite):
                return Held(LAYER, site=construct)
            if construct is not None:
                return self._sequential(construct, scope, cls, depth) if construct in self.facts.sequentials else None
            module = self.facts.modules.get(id(expr))
            if module is not None:
                kind, use = module
                return Held(kind, use=use)
            return self._call_result(expr, scope, cls, depth)
        if isinstance(expr, cst.Subscript):
            return self._lookup(expr, None, scope) or self._any_item(expr, scope, cls, depth)
        fallback = unless_given(expr, scope)
        if fallback is not None:  # last_activation if last_activation else activation
            held = self.held(fallback, scope, cls, depth + 1)
            return self._unless_passed(held, expr, scope)
        if isinstance(expr, cst.IfExp):
            taken = _type_test_at_default(expr.test, scope)
            if taken is not None:  # getattr(F, act_fn) if isinstance(act_fn, str) else act_fn, act_fn="silu"
                return self.held(expr.body if taken else expr.orelse, scope, cls, depth + 1)
            resolve = lambda branch: self.held(branch, scope, cls, depth + 1)  # noqa: E731
            chosen = _with_branches(self._choice(_branches(expr, scope), resolve), expr, scope, resolve)
            picked = _picked(expr, scope) if chosen is None else None
            held = resolve(picked) if picked is not None else None
            if held is not None and (held.kind in (NORM, TRANSPARENT) or (held.kind == SEQUENTIAL and not held.items)):
                # nn.BatchNorm2d(c) if use_bn else nn.Sequential(), use_bn=False: nothing in between
                return held
            if held is not None and held.kind == ACTIVATION and held.use.activation.role == catalog.HIDDEN:
                # nn.ReLU(True) if non_negative else nn.Identity(), non_negative=True: judged at the default
                return dataclasses.replace(held, use=given(held.use, None, SETTING_DECIDES))
            return chosen
        function = self._activation_function(expr)
        if function is not None:
            return function
        values = self._bound_values(expr, scope, cls)
        if len(values) == 1:
            value = values[0]
            held = self.held(value, self.facts.value_scope.get(id(value), scope), cls, depth + 1)
            if held is not None and held.kind == ACTIVATION and len(self._bindings(expr, scope, cls)) > 1:
                # if glu: act = GEGLU() / else: act = nn.GELU(), glu=False: judged at the default
                return dataclasses.replace(held, use=given(held.use, None, SETTING_DECIDES))
            return held
        if len(values) > 1:  # if swish: act = nn.SiLU() / else: act = nn.GELU()
            resolve = lambda value: self.held(value, self.facts.value_scope.get(id(value), scope), cls, depth + 1)  # noqa: E731
            taken = self._taken_value(values)
            values = self._default_last(values)
            chosen = self._choice(values, resolve) or self._one_of_modules(values, resolve)
            held = resolve(taken) if chosen is None and taken is not None else None
            if held is not None and held.kind == ACTIVATION and held.use.activation.role == catalog.HIDDEN:
                # if activation == "swiglu": self.act = nn.Identity() / else: self.act =
                # getattr(F, activation.lower()), activation="SiLU": judged at the default
                return dataclasses.replace(held, use=given(held.use, None, SETTING_DECIDES), at_defaults=True)
            return chosen
        if not values and isinstance(expr, cst.Name) and isinstance(scope, cst.FunctionDef):
            outer = self.facts.enclosing_function.get(scope)
            if outer is not None and expr.value not in parameter_names(scope):
                # def block(a, b): return nn.Sequential(nn.Linear(a, b), activation) inside
                # __init__(..., activation=nn.GELU()): the closure's name (fairseq's quantizer)
                return self.held(expr, outer, cls, depth + 1)
            default = parameter_default(scope, expr.value)  # activation=nn.ReLU()
            if isinstance(default, cst.Call) and id(default) not in self.facts.modules:
                held = self._supplied_instance(default, expr)
            else:  # activation=nn.ReLU, or a function: activation=torch.tanh
                held = (self._activation_class(default, None) or self._activation_function(default)) if default is not None else None
            if held is not None:  # callers may pass another one
                guard = is_instance(expr, scope, held.use) if isinstance(default, cst.Call) else is_class(expr, scope)
                return dataclasses.replace(held, use=given(held.use, guard, UNGUARDABLE))
        return None

    def _supplied_instance(self, default: cst.Call, name: cst.Name) -> Optional[Held]:
        """An activation instance every builder passes (facts/supplied.py: not in this module's
        tree, so the collector never saw it), used where ``name`` reads it."""
        activation = catalog.ACTIVATION_MODULES.get(self.facts.imports.resolve(default.func) or "")
        if activation is None:
            return None
        params, unresolved, _ = module_arguments(activation, default, None)
        return Held(ACTIVATION, use=ActivationUse(activation, name, params, unresolved))

    def _any_item(self, subscript: cst.Subscript, scope, cls, depth: int = 0) -> Optional[Held]:
        """``self.feat_conv[level]`` with a key that is not a constant: any of the container's items."""
        if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return None
        key = literal(subscript.slice[0].slice.value)
        if is_known(key):
            return self._item_at(subscript.value, key, scope, cls)
        elements = self.elements(subscript.value, scope, cls, depth + 1)
        if elements is None or not elements.items or any(item is None for item in elements.items):
            return None
        return Held(ANY, items=tuple((item, subscript) for item in elements.items))

    def _item_at(self, container_expr, key: object, scope, cls) -> Optional[Held]:
        """``self.layers[1]`` of ``nn.ModuleList([a, b, c])`` / ``nn.Sequential(a, b, c)`` built from a
        literal list (nothing appended later): that item."""
        if not isinstance(key, int) or isinstance(key, bool):
            return None
        values = self._bound_values(container_expr, scope, cls)
        container = self.facts.constructs.get(id(values[0])) if len(values) == 1 else None
        if container is None or isinstance(container, LayerSite) or not container.call.args:
            return None
        ref = ref_text(container_expr)
        if ref is None or self.facts.appended.get((id(owner_scope(ref, None, cls, self.facts.module)), ref)):
            return None
        first = container.call.args[0].value
        comprehension = comprehension_of(container.call)
        if comprehension is not None:
            # nn.ModuleList([nn.Linear(d, d) for _ in range(2)])[0]: one of the element's instances,
            # unless the file initialises that item (then the others' flows are not this one's)
            owner = id(owner_scope(ref, None, cls, self.facts.module))
            length = _comprehension_length(comprehension)
            if any(_may_be_item(written, ref, key, length) for scope_id, written in self.facts.evidence.refs if scope_id == owner):
                return None
            element = self.facts.constructs.get(id(comprehension.elt))
            if element is not None:
                self.facts.indexed_items.setdefault(id(element), set()).add(key)
            return self.held(comprehension.elt, self.facts.value_scope.get(id(values[0]), scope), cls)
        if len(container.call.args) == 1 and isinstance(first, (cst.List, cst.Tuple)):
            if any(isinstance(e, cst.StarredElement) for e in first.elements):
                return None
            items = [e.value for e in first.elements]
        elif container in self.facts.sequentials:
            listed = sequential_items(container.call, container.drops_none)
            items = [item for _, item in listed] if listed is not None and not container.drops_none else []
        else:
            return None
        if not -len(items) <= key < len(items):
            return None
        where = self.facts.value_scope.get(id(values[0]), scope)
        return self.held(items[key], where, cls)

    def _one_of_modules(
        self, values: Sequence[cst.BaseExpression], resolve: Callable[[cst.BaseExpression], Optional[Held]]
    ) -> Optional[Held]:
        """A name bound to a layer or a Sequential in each branch (``if in_dim: first =
        nn.Linear(...)`` / ``else: first = nn.LazyLinear(...)``; wav2letter's two acoustic models):
        it holds one of them."""
        options = [resolve(value) for value in values[:_MAX_CHOICES + 1]]
        if len(options) > _MAX_CHOICES or any(o is None or o.kind not in (LAYER, SEQUENTIAL) for o in options):
            return None
        return Held(ANY, items=tuple(zip(options, values)))

    def _activation_function(self, expr: cst.BaseExpression) -> Optional[Held]:
        """``F.relu`` held as a value (``self.act = F.relu``): the activation it applies, with defaults."""
        if not isinstance(expr, (cst.Name, cst.Attribute)):
            return None
        qualified = self.facts.imports.resolve(expr)
        function = catalog.ACTIVATION_FUNCTIONS.get(qualified) if qualified else None
        if function is None:
            return None
        activation = function[0]
        return Held(ACTIVATION, use=ActivationUse(activation, expr, dict(activation.params)))

    def _default_last(self, values: List[cst.BaseExpression]) -> List[cst.BaseExpression]:
        """``values`` with the one the settings' defaults assign last (the choice's default):
        ``if activation == "relu": self.act = nn.ReLU()`` / ``elif ...`` with ``activation="relu"``.
        Unchanged when no value, or more than one, is known to be the one assigned."""
        taken = self._taken_value(values)
        return values if taken is None else [v for v in values if v is not taken] + [taken]

    def _taken_value(self, values: List[cst.BaseExpression]) -> Optional[cst.BaseExpression]:
        """The one of ``values`` the settings' defaults assign, if exactly one is known to be."""
        if len(values) > _MAX_CHOICES:
            return None
        taken = [v for v in values if _taken_at_defaults(v, self.facts.value_scope.get(id(v))) is True]
        return taken[0] if len(taken) == 1 else None

    def _choice(
        self, options: Sequence[cst.BaseExpression], resolve: Callable[[cst.BaseExpression], Optional[Held]]
    ) -> Optional[Held]:
        """One of several hidden activations chosen by a setting; the last option is the default.
        None unless every option is one (an Identity, a Sigmoid, None or anything unknown among
        them: the layer may well not be followed by a hidden activation)."""
        if len(options) > _MAX_CHOICES:
            return None
        uses = []
        for option in options:
            held = resolve(option)
            if held is None or held.kind != ACTIVATION or held.use.activation.role != catalog.HIDDEN:
                return None
            uses.extend((*held.use.alternatives, held.use))
        default = uses[-1]
        same = (default.name, default.params, default.unresolved)
        others = tuple(use for use in uses[:-1] if (use.name, use.params, use.unresolved) != same)
        chosen = dataclasses.replace(default, alternatives=others)
        if any(use.parametric for use in uses[:-1]):  # the default's guard does not cover the others
            chosen = given(chosen, None, "a setting chooses among activations some of which callers may pass")
        return Held(ACTIVATION, use=chosen)

    def _bound_values(self, expr, scope, cls) -> List[cst.BaseExpression]:
        values = self._bindings(expr, scope, cls)
        if len(values) > 1 and not any(isinstance(self.facts.constructs.get(id(v)), LayerSite) for v in values):
            # `if glu: act = GEGLU() / else: act = nn.GELU()` with glu=False: the default's choice.
            # A layer bound in either arm stays: each alternative is a layer the user may build.
            values = [value for value in values if not self.facts.skipped_at_defaults(value, equality=False)] or values
            # `if activation == "leakyrelu": act = ... / elif activation == "elu": ...`: the arm the
            # default takes last, the one _choice reads as the default, the others its alternatives
            chosen = [value for value in values if not self.facts.skipped_at_defaults(value)]
            return [value for value in values if value not in chosen] + chosen if chosen else values
        return values

    def _bindings(self, expr, scope, cls) -> List[cst.BaseExpression]:
        if isinstance(expr, cst.Name):
            return self.facts.locals.get(scope, {}).get(expr.value, [])
        if (
            cls is not None
            and isinstance(expr, cst.Attribute)
            and isinstance(expr.value, cst.Name)
            and expr.value.value == "self"
        ):
            values = self.facts.class_attrs.get(cls, {}).get(expr.attr.value, [])
            # What __init__ assigns is what the model is built with; other methods' assignments
            # (timm's prune_intermediate_layers: `self.act2 = nn.Identity()`) replace it on request.
            built = [v for v in values if _in_init(self.facts.value_scope.get(id(v)))] or values
            if self.arms:  # under `if compression_factor == 12:` only what that arm of __init__ builds
                built = [v for v in built if not exclusive_arms(self.facts.value_arms.get(id(v), ()), self.arms)]
            for index, value in enumerate(built):
                if isinstance(value, cst.Call) and any(node is expr for node in descendants(value)):
                    # self.mu = nn.Sequential(self.mu, nn.Hardtanh()): the self.mu it wraps is one
                    # assigned before, not one a later statement (another arm) assigns
                    return built[:index]
            return built
        return []

    def _sequential(self, construct: Construct, scope, cls, depth: int) -> Optional[Held]:
        items = sequential_items(construct.call, construct.drops_none)
        if items is None:
            return None
        return Held(SEQUENTIAL, items=tuple((self.held(item, scope, cls, depth + 1), item) for _, item in items))

    # --------------------------------------------- calls that build a module indirectly

    def _call_result(self, call: cst.Call, scope, cls, depth: int) -> Optional[Held]:
        """``act_layer()``, ``ACTS["gelu"]()``, ``block(64)`` / ``self._make_layer()``: what it builds."""
        func = call.func
        if isinstance(func, cst.Subscript):
            return self._lookup(func, call, scope)
        if (isinstance(func, cst.Attribute) and func.attr.value == "get" and isinstance(func.value, cst.Name)
                and call.args and call.args[0].keyword is None and not call.args[0].star):
            entry = self._table_entry(func.value, call.args[0].value, call, None, scope)
            if entry is not None:  # ACT.get(act_fn, None): the entry, as ACT[act_fn] would be
                return entry
        named = getattr_expression(call, scope)
        if named is not None:  # getattr(self, "act", nn.ReLU()): what self.act holds
            attribute, _ = named
            held = self.held(attribute, scope, cls, depth + 1)
            if held is None and len(call.args) > 2:
                held = self.held(call.args[2].value, scope, cls, depth + 1)
            return held
        if builds_named_norm(call, scope):  # build_norm("bn2d", num_features=c)
            return Held(NORM)
        argument = getter_argument(call)
        if argument is not None:  # get_activation(act_fn), create_act_layer(act_layer, inplace=True)
            return self._got(argument, call, scope, cls, depth)
        wrapped = self._wrapped_module(call)
        if wrapped is not None:  # TimeDistributed(nn.Linear(...)): the module it applies, reshaped
            return self.held(wrapped, scope, cls, depth + 1)
        chosen = self._chosen(call, scope)
        if chosen is not None:  # Activation(act_func) with grelu's string-keyed Activation class
            return chosen
        if isinstance(func, cst.Call) and getter_argument(func) is not None:  # get_layer(activation)()
            return self._got(getter_argument(func), call, scope, cls, depth)
        if isinstance(func, cst.Call):
            named = getattr_expression(func, scope)
            if named is not None:  # getattr(torch.nn, nonlinear_activation)(**params)
                attribute, chosen = named
                held = self._module_class(attribute, call, scope, cls, depth + 1)
                if held is not None and held.use is not None and chosen:
                    guard = equals_default(func.args[1].value, scope)
                    held = dataclasses.replace(held, use=given(held.use, guard, UNGUARDABLE))
                return held
        if isinstance(func, (cst.Name, cst.Attribute)):
            positional = call.args[0] if call.args and not call.args[0].star and call.args[0].keyword is None else None
            if positional is not None and self._keeps_init(func, scope, cls, depth):
                return self.held(positional.value, scope, cls, depth + 1)  # weight_norm(nn.Conv1d(...))
            held = self._rebound_class(func, call, scope, cls, depth)
            if held is not None:
                return held
        function = self._callee_function(func, cls) or self._parameter_function(func, scope)
        if function is None:
            built = self.local_class(func) or self._partial_class(func, scope)
            return self._instance(built, call) if built is not None else None
        returns = self._returns_of(function)
        if len(returns) != 1 or returns[0].value is None:
            return None
        held = self.held(returns[0].value, function, self.facts.enclosing_class.get(function), depth + 1)
        if held is not None and held.kind == ACTIVATION and held.use.unresolved and isinstance(func, cst.Name):
            return Held(ACTIVATION, use=_as_called(held.use, function, call))
        return held

    def _got(self, argument: cst.BaseExpression, call: cst.Call, scope, cls, depth: int) -> Optional[Held]:
        """What an activation getter returns for ``argument``: the activation a string names, or
        the class passed through (``get_act_layer(act_layer)`` with ``act_layer=nn.ReLU``)."""
        named = named_activation(argument, scope)
        if named is None:
            held = self._module_class(argument, None, scope, cls, depth + 1)
            return held if held is not None and held.kind == ACTIVATION else None
        activation, params, chosen = named
        use = ActivationUse(activation, call, params, mask=bool(catalog.MASK_SETTING.search(dotted(argument) or "")))
        return Held(ACTIVATION, use=given(use, equals_default(argument, scope), UNGUARDABLE) if chosen else use)

    def _wrapped_module(self, call: cst.Call) -> Optional[cst.BaseExpression]:
        """The module handed to a project class that only applies it (index/choices.py)."""
        ref = dotted(call.func)
        record = self.facts.chooser(ref) if ref else None
        if record is None or not record.get("wraps"):
            return None
        return _argument_for(call, record["parameter"], record["position"])

    def _chosen(self, call: cst.Call, scope, ref: Optional[str] = None) -> Optional[Held]:
        """``Activation(act_func)`` of a project class that picks the module its forward applies
        by that argument (index/choices.py): the module the argument's arm picks, read like a
        table's entry (a parameter's default is a setting: guarded by it); ``ReluLayer()`` of one
        whose forward is an activation: that activation. ``ref``: the class, when ``call``'s
        callee is a name bound to it (``relu = helper_layers.ReluLayer`` ... ``relu()``)."""
        ref = ref or dotted(call.func)
        record = self.facts.chooser(ref) if ref else None
        if record is None:
            return None
        descriptor, argument, chosen = record.get("always"), None, False
        if descriptor is None:
            argument = _argument_for(call, record["parameter"], record["position"])
            if argument is None:
                return None
            if isinstance(argument, cst.Name) and argument.value == "None":
                key = None
            else:
                key, chosen = chosen_string(argument, scope)
                if key is None:
                    return None
            descriptor = next((d for k, d in record["arms"] if k == key), None)
        if descriptor is None or descriptor[0] == "other":
            return None
        if descriptor[0] == TRANSPARENT:
            return Held(TRANSPARENT)
        if descriptor[0] == NORM:
            return Held(NORM)
        activation = catalog.ACTIVATION_MODULES.get(descriptor[1])
        if activation is None:
            return None
        use = ActivationUse(activation, call, {**dict(activation.params), **descriptor[2]})
        return Held(ACTIVATION, use=given(use, equals_default(argument, scope), UNGUARDABLE) if chosen else use)

    def _keeps_init(self, func: cst.BaseExpression, scope, cls, depth: int) -> bool:
        """Whether ``func`` is (or may be, by a setting) a weight-norm wrapper: torch's, or a name
        bound to one (``norm_f = weight_norm if not use_spectral_norm else spectral_norm``)."""
        if depth > _MAX_DEPTH:
            return False
        if isinstance(func, cst.IfExp):
            return any(self._keeps_init(branch, scope, cls, depth + 1) for branch in _branches(func))
        qualified = self.facts.imports.resolve(func)
        if qualified is not None:
            return qualified in catalog.WEIGHT_NORMS
        function = self.module_function(func) if isinstance(func, cst.Name) else None
        if function is not None and self._hands_back_layer(function):
            return True
        values = self._bound_values(func, scope, cls)
        return any(self._keeps_init(value, scope, cls, depth + 1) for value in values)

    def _hands_back_layer(self, function: cst.FunctionDef) -> bool:
        """``def _maybe_spectral_norm(layer, enable): if enable: return spectral_norm(layer);
        return layer`` (physicsnemo): every return is the first parameter, or a torch weight
        wrapper of it; the layer it is handed keeps its init."""
        params = [*function.params.posonly_params, *function.params.params]
        returns = self._returns_of(function)
        if not params or not returns:
            return False
        first = params[0].name.value

        def handed_back(value) -> bool:
            if isinstance(value, cst.Name):
                return value.value == first
            return (
                isinstance(value, cst.Call) and bool(value.args) and value.args[0].keyword is None
                and self.facts.imports.resolve(value.func) in catalog.LAYER_WRAPPERS
                and isinstance(value.args[0].value, cst.Name) and value.args[0].value.value == first
            )

        return all(handed_back(r.value) for r in returns)

    def _instance(self, built: cst.ClassDef, call: cst.Call) -> Held:
        """A module of a same-file class: an activation when its forward is one (``ReluSquared()``),
        transparent when its forward only slices or reshapes (``Chomp1d``)."""
        key = id(built)
        if key not in self._activation_classes:
            found = self.method_of(built, "forward")
            forward = found[1] if found else None
            self._activation_classes[key] = activation_of_forward(forward, self.facts.imports) if forward else None
            if forward is not None and self._activation_classes[key] is None and passes_through(forward, self.facts.imports):
                self._activation_classes[key] = TRANSPARENT
            elif forward is not None and self._activation_classes[key] is None and passes_through(forward, self.facts.imports, scaled=True):
                self._activation_classes[key] = SCALING
        activation = self._activation_classes[key]
        if activation in (TRANSPARENT, SCALING):
            return Held(activation)
        if activation is None:
            return Held(INSTANCE, cls=built)
        return Held(ACTIVATION, use=ActivationUse(activation[0], call, dict(activation[1])))

    def local_class(self, expr: cst.BaseExpression) -> Optional[cst.ClassDef]:
        """The class a name means when the file defines exactly one class of that name."""
        if self._classes is None:
            self._classes = {}
            for defined in self.facts.class_attrs:
                self._classes.setdefault(defined.name.value, []).append(defined)
        found = self._classes.get(expr.value, []) if isinstance(expr, cst.Name) else []
        return found[0] if len(found) == 1 else None

    def _partial_class(self, func: cst.BaseExpression, scope) -> Optional[cst.ClassDef]:
        """``block_klass(dim, ...)`` with ``block_klass = partial(ResnetBlock, groups=8)`` bound
        once in the scope: an instance of that class of the file."""
        if not isinstance(func, cst.Name):
            return None
        bound = self.facts.locals.get(scope, {}).get(func.value, [])
        if len(bound) != 1 or not isinstance(bound[0], cst.Call) or not bound[0].args:
            return None
        qualified = self.facts.imports.resolve(bound[0].func) or dotted(bound[0].func)
        if qualified not in ("functools.partial", "partial"):
            return None
        return self.local_class(bound[0].args[0].value)

    def ancestors(self, cls: cst.ClassDef) -> List[cst.ClassDef]:
        """``cls``'s base classes defined in this file, transitively, nearest first, left to right
        (Python's method order wherever a hierarchy has no diamond)."""
        found: List[cst.ClassDef] = []
        pending = [cls]
        while pending and len(found) < _MAX_DEPTH:
            current = pending.pop(0)
            bases = [self.local_class(base.value) for base in current.bases if base.keyword is None]
            for base in bases:
                if base is not None and base is not cls and base not in found:
                    found.append(base)
                    pending.append(base)
        return found

    def helper_method(self, cls: cst.ClassDef, name: str, call: cst.Call) -> Optional[Held]:
        """``self.gelu(h)`` with a method ``gelu`` that applies one activation to its argument."""
        found = self.method_of(cls, name)
        written = activation_of_helper(found[1], self.facts.imports) if found else None
        return Held(ACTIVATION, use=ActivationUse(written[0], call, dict(written[1]))) if written else None

    def method_of(self, cls: cst.ClassDef, name: str) -> Optional[Tuple[cst.ClassDef, cst.FunctionDef]]:
        """Where ``cls``'s method ``name`` is defined in this file: the class and the function."""
        for owner in [cls] + self.ancestors(cls):
            defined = [m for m in self.facts.methods.get(owner, []) if m.name.value == name]
            if defined:
                return (owner, defined[0]) if len(defined) == 1 else None
        return None

    def module_function(self, func: cst.Name) -> Optional[cst.FunctionDef]:
        """The file's one module-level function named ``func`` (pasted twice with the same code
        counts once)."""
        function = self._callee_function(func, None)
        return function if function is not None and self.facts.enclosing_class.get(function) is None else None

    def _parameter_function(self, func, scope) -> Optional[cst.FunctionDef]:
        """``conv(...)`` with ``conv`` a parameter whose default (or the factory every builder
        passes: facts/supplied.py) is a module-level function of this file (EDSR's
        ``default_conv``): that function, whose returns say what the call builds."""
        if not isinstance(func, cst.Name) or not isinstance(scope, cst.FunctionDef):
            return None
        default = parameter_default(scope, func.value)
        return self.module_function(default) if isinstance(default, cst.Name) and default.value != func.value else None

    def _callee_function(self, func, cls) -> Optional[cst.FunctionDef]:
        if isinstance(func, cst.Name):
            if func.value not in self._named_functions:
                candidates = self.facts.functions_by_name.get(func.value, [])
                # a helper pasted twice (phenaki's `def leaky_relu(p=0.1)`) is still one helper
                same = candidates and all(_same_code(c, candidates[0]) for c in candidates[1:])
                self._named_functions[func.value] = candidates[0] if same else None
            return self._named_functions[func.value]
        if cls is not None and isinstance(func, cst.Attribute) and getattr(func.value, "value", None) == "self":
            methods = [m for m in self.facts.methods.get(cls, []) if m.name.value == func.attr.value]
            return methods[0] if len(methods) == 1 else None
        return None

    def _returns_of(self, function: cst.FunctionDef) -> List[cst.Return]:
        found = self._returns.get(id(function))
        if found is None:
            collector = _Returns()
            function.body.visit(collector)
            found = self._returns[id(function)] = collector.returns
        return found

    def _module_class(self, expr: cst.BaseExpression, call: cst.Call, scope, cls, depth: int) -> Optional[Held]:
        """What ``call`` builds when its callee is bound to ``expr``: a torch module class held in a
        name or an attribute (``act = nn.SiLU``), a name bound to one in turn, or a choice of them
        (``nn.SiLU if swish else nn.GELU``)."""
        if depth > _MAX_DEPTH:
            return None
        fallback = unless_given(expr, scope)
        if fallback is not None:  # activation = default(activation, nn.GELU) ... activation()
            return self._unless_passed(self._module_class(fallback, call, scope, cls, depth + 1), expr, scope)
        if isinstance(expr, cst.IfExp) and self._torch_has(expr.test):
            # nn.GELU if hasattr(nn, "GELU") else GELU_: a fallback for old torch versions
            return self._module_class(expr.body, call, scope, cls, depth + 1)
        if isinstance(expr, cst.IfExp):
            resolve = lambda branch: self._module_class(branch, call, scope, cls, depth + 1)  # noqa: E731
            chosen = _with_branches(self._choice(_branches(expr, scope), resolve), expr, scope, resolve)
            picked = _picked(expr, scope) if chosen is None else None
            if picked is not None:  # nn.BatchNorm2d if batch_norm else nn.Identity, batch_norm=False
                held = resolve(picked)
                if held is not None and held.kind in (NORM, TRANSPARENT):
                    return held
            return chosen
        qualified = self.facts.imports.resolve(expr)
        if qualified in catalog.ACTIVATION_MODULES:
            return self._activation_class(expr, call, scope=scope)
        if qualified in catalog.NORM_MODULES:
            return Held(NORM)
        if qualified in catalog.TRANSPARENT_MODULES:
            return Held(TRANSPARENT)
        if qualified in catalog.POOLING_MODULES:
            return Held(POOLING)
        if qualified is None and isinstance(expr, (cst.Name, cst.Attribute)):
            chosen = self._chosen(call, scope, dotted(expr)) if call is not None else None
            return chosen or self._rebound_class(expr, call, scope, cls, depth)
        if isinstance(expr, cst.Subscript):  # act_class = act_class_mapping[activation] ... act_class()
            return self._lookup(expr, call, scope)
        argument = getter_argument(expr) if isinstance(expr, cst.Call) else None
        if argument is not None:  # act_layer = get_act_layer(act_layer) ... act_layer(inplace=True)
            return self._got(argument, expr, scope, cls, depth)
        return None

    def _unless_passed(self, held: Optional[Held], expr: cst.BaseExpression, scope) -> Optional[Held]:
        """The fallback activation of ``unless_given`` (``a or b``, ``a if a is not None else b``,
        ``default(a, b)``), guarded by ``a`` not being given: callers may pass another one."""
        if held is None or held.kind != ACTIVATION:
            return held
        passed = _given_name(expr)
        guard = not_given(passed, scope, none_test=not _truth_tested(expr)) if passed is not None else None
        return dataclasses.replace(held, use=given(held.use, guard, UNGUARDABLE))

    def _torch_has(self, test: cst.BaseExpression) -> bool:
        """``hasattr(nn, "GELU")`` naming a module torch has (catalog): true on any torch today."""
        if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "hasattr"):
            return False
        if len(test.args) != 2 or not isinstance(literal(test.args[1].value), str):
            return False
        owner = self.facts.imports.resolve(test.args[0].value)
        name = f"{owner}.{literal(test.args[1].value)}" if owner else None
        return name in catalog.ACTIVATION_MODULES or name in catalog.NORM_MODULES

    def _rebound_class(self, expr, call: cst.Call, scope, cls, depth: int) -> Optional[Held]:
        """The module class a name or attribute holds when ``call`` calls it: a parameter's default
        (``act_layer=nn.GELU``) or, with none, the class it is annotated with (``activation_class:
        nn.ReLU``), or its one binding (``act = nn.SiLU``, ``self.act_cls = nn.ReLU``)."""
        if isinstance(expr, cst.Name) and isinstance(scope, cst.FunctionDef):
            default = parameter_default(scope, expr.value)
            if default is None:
                default = parameter_annotation(scope, expr.value)
            held = self._activation_class(default, call, scope=scope) if default is not None else None
            if held is not None:  # callers may pass another class
                return dataclasses.replace(held, use=given(held.use, is_class(expr, scope), UNGUARDABLE))
            # else a default like "relu", which a binding may turn into a class
        values = self._bound_values(expr, scope, cls)
        if not values and isinstance(expr, cst.Name) and scope is not self.facts.module and not parameter_of(expr, scope):
            # GELU = nn.GELU if hasattr(nn, "GELU") else GELU_ at module level, read in a method
            values = self.facts.locals.get(self.facts.module, {}).get(expr.value, [])
            scope = self.facts.module
        if len(values) > 1:
            where = self.facts.value_scope
            return self._choice(
                values, lambda value: self._module_class(value, call, where.get(id(value), scope), cls, depth + 1)
            )
        if not values:
            return None
        where = self.facts.value_scope.get(id(values[0]), scope)
        return self._module_class(values[0], call, where, cls, depth + 1)

    def _activation_class(
        self, expr: cst.BaseExpression, call: Optional[cst.Call], scope=None, qualified: Optional[str] = None,
    ) -> Optional[Held]:
        """``nn.GELU`` used as a class (a parameter default, a dict value, a name's value), maybe
        called. Callers that read it from a default or a lookup mark it ``given``. ``scope``: where
        ``call`` is, for its ``**params`` (a parameter's default dict). ``qualified``: the class's
        torch name when another file writes it (an imported table's entry, looked up by ``expr``)."""
        qualified = qualified or self.facts.imports.resolve(expr)
        activation = catalog.ACTIVATION_MODULES.get(qualified) if qualified else None
        if activation is None:
            if isinstance(expr, cst.Call):  # activation=nn.ReLU() as the default
                module = self.facts.modules.get(id(expr))
                if module is not None and module[0] == ACTIVATION:
                    return Held(ACTIVATION, use=module[1])
            return None
        if call is None:
            return Held(ACTIVATION, use=ActivationUse(activation, expr, dict(activation.params)))
        params, unresolved, defaulted = module_arguments(activation, call, scope)
        use = ActivationUse(activation, call, params, unresolved)
        return Held(ACTIVATION, use=star_guards(use, call, scope) if defaulted else use)  # callers may pass others

    def _lookup(self, subscript: cst.Subscript, call: Optional[cst.Call], scope=None) -> Optional[Held]:
        """``ACTIVATIONS["gelu"]`` in a dict of torch activations (module-level, local or written
        inline), or ``{...}[nonlinear]`` keyed by a parameter whose default names the entry."""
        if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return None
        return self._table_entry(subscript.value, subscript.slice[0].slice.value, subscript, call, scope)

    def _table_entry(self, table_expr, key_expr, node, call: Optional[cst.Call], scope) -> Optional[Held]:
        """The entry ``key_expr`` names in the table ``table_expr`` (``node``: the lookup,
        ``ACTS[key]`` or ``ACTS.get(key, None)``)."""
        key, chosen = chosen_string(key_expr, scope)
        table, registry, imported = table_expr, False, None
        if isinstance(table, cst.Name):
            values = self.facts.locals.get(scope, {}).get(table.value, []) if scope is not None else []
            registry = not values  # a module's table: other code may add to it or change it
            values = values or self.facts.locals.get(self.facts.module, {}).get(table.value, [])
            if not values and key is not None:  # from .utils import act_class_mapping: another file's table
                imported = self.facts.imported_table(table.value)
            table = values[0] if len(values) == 1 else None
        if key is None or not (isinstance(table, cst.Dict) or imported):
            return None
        items = [(key, node)] if imported else [(literal(i.key), i.value) for i in table.elements if isinstance(i, cst.DictElement)]
        for item_key, value in items:
            if item_key == key:
                held = self._activation_class(value, call, scope=scope, qualified=imported.get(key) if imported else None)
                if held is None:
                    return None
                if registry:
                    why = f"the activation is looked up in {ref_text(table_expr)}, which other code may change"
                    return dataclasses.replace(held, use=given(held.use, None, why))
                if chosen:  # a key a parameter's default gives: guarded by it
                    return dataclasses.replace(held, use=given(held.use, equals_default(key_expr, scope), UNGUARDABLE))
                return held
        return None

    # ------------------------------------------------------------------- containers

    def elements(self, expr: cst.BaseExpression, scope, cls, depth: int = 0) -> Optional[Elements]:
        """The modules a loop over ``expr`` (a ModuleList, ModuleDict or Sequential) visits, in order
        (``depth``: how deep in ``held`` this is asked, as a container's items may name the
        container again: ``self.nets.append(self.nets[i])``)."""
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("values", "items"):
            expr = expr.func.value
        bound = self._bound_container(expr, scope, cls)
        if bound is None:
            return None
        container, where, expr, scope = bound
        items = [self.held(item, where, cls, depth) for item in self._container_items(container.call, where, cls)]
        ref = ref_text(expr)
        appended = []
        if ref is not None:
            function = scope if isinstance(scope, cst.FunctionDef) and not ref.startswith("self") else None
            key = (id(owner_scope(ref, function, cls, self.facts.module)), ref)
            values = self.facts.appended.get(key, [])
            # Arms that build a layer: a layer built there is still one to report, with what the
            # arm appends after it; a norm or an activation appended in another arm the defaults
            # skip (`if norm == "batch":` with norm=None) is not there.
            layer_arms = {self.facts.conditions.get(id(v)) for v in values if self.facts.builds_layer(v)}
            appended = [
                self.held(v, where, cls, depth) for v in values
                # self.obs_nets[k] = self.obs_nets[other]: another name for one of its items
                if not (isinstance(v, cst.Subscript) and ref_text(v.value) == ref)
                and not (self.facts.skipped_at_defaults(v) and self.facts.conditions.get(id(v)) not in layer_arms)
            ]
        items += appended
        # A comprehension's element stands for every item but the last as well.
        repeated = not appended and comprehension_of(container.call) is not None
        return Elements(items, items[-1] if items and not repeated else None)

    def inner_elements(self, expr: cst.BaseExpression, scope, cls) -> Optional[Elements]:
        """For a container of containers (``nn.ModuleList([convs() for _ in bands])`` with
        ``convs = lambda: nn.ModuleList([...])``, DAC's and BigVGAN's band discriminators): the
        modules a loop over one of its items visits. None unless every item is a container built
        here whose modules are known."""
        bound = self._bound_container(expr, scope, cls)
        if bound is None:
            return None
        outer, where, _, _ = bound
        inner = [self._built_container(item, where) for item in self._container_items(outer.call, where, cls)]
        if not inner or any(call is None for call in inner):
            return None
        items: List[Optional[Held]] = []
        for call, call_scope in inner:
            items += [self.held(item, call_scope, cls) for item in self._container_items(call, call_scope, cls)]
        last = items[-1] if len(inner) == 1 and items and comprehension_of(inner[0][0]) is None else None
        return Elements(items, last) if items and all(item is not None for item in items) else None

    def _bound_container(self, expr: cst.BaseExpression, scope, cls):
        """``(container, scope its items are read in, the name bound to it, that name's scope)``
        for the one container construction ``expr`` holds, through a method's local it is bound
        to (``self.convs, self.fcs = self._branch(...)``); None when it is not one."""
        values = self._bound_values(expr, scope, cls)
        if len(values) == 1 and isinstance(values[0], cst.Name) and values[0] is not expr:
            where = self.facts.value_scope.get(id(values[0]), scope)
            if where is not scope:
                return self._bound_container(values[0], where, cls)
        if len(values) != 1 or not isinstance(values[0], cst.Call):
            return None
        container = self.facts.constructs.get(id(values[0]))
        if container is None or isinstance(container, LayerSite):
            return None
        return container, self.facts.value_scope.get(id(values[0]), scope), expr, scope

    def _built_container(self, expr: cst.BaseExpression, scope) -> Optional[Tuple[cst.Call, object]]:
        """The ModuleList/Sequential call ``expr`` builds, directly or through a helper (a local
        ``lambda:`` or a ``def`` of this file), and the scope its items are read in."""
        if not isinstance(expr, cst.Call):
            return None
        construct = self.facts.constructs.get(id(expr))
        if construct is not None:
            return None if isinstance(construct, LayerSite) else (expr, scope)
        if not isinstance(expr.func, cst.Name):
            return None
        bound = self.facts.locals.get(scope, {}).get(expr.func.value, [])
        if len(bound) == 1 and isinstance(bound[0], cst.Lambda):
            return self._built_container(bound[0].body, scope)
        function = self._callee_function(expr.func, None)
        returns = self._returns_of(function) if function is not None else []
        if len(returns) == 1 and returns[0].value is not None:
            return self._built_container(returns[0].value, function)
        return None

    def last_appended(self, expr: cst.BaseExpression, cls) -> Optional[str]:
        """How the last item appended to the container ``expr`` names is known: "loop" when it is a
        construction in a loop (``for ...: self.lins.append(nn.Linear(...))``: it stands for
        several items), "arm" when some item is appended under an if (which one is last depends on
        the arm taken), "" when it is certain, None when nothing is appended."""
        ref = ref_text(expr)
        values = self.facts.appended.get((id(owner_scope(ref, None, cls, self.facts.module)), ref), []) if ref else []
        if not values:
            return None
        if any(id(value) in self.facts.appended_under_if for value in values):
            return "arm"
        return "loop" if id(values[-1]) in self.facts.appended_in_loop else ""

    def _container_items(self, call: cst.Call, scope, cls) -> List[cst.BaseExpression]:
        if not call.args:
            return []
        arg = call.args[0].value  # nn.Sequential(*layers) too: the list's elements
        if isinstance(arg, (cst.List, cst.Tuple)):
            return [element.value for element in arg.elements if not isinstance(element, cst.StarredElement)]
        comprehension = comprehension_of(call)
        if comprehension is not None:
            return [comprehension.elt]
        if isinstance(arg, cst.Dict):
            return [e.value for e in arg.elements if isinstance(e, cst.DictElement)]
        if isinstance(arg, cst.Name):
            values = self.facts.locals.get(scope, {}).get(arg.value, [])
            listed = [e.value for v in values if isinstance(v, (cst.List, cst.Tuple)) for e in v.elements]
            return listed + self.facts.appended.get((id(scope), arg.value), [])
        if len(call.args) > 1 or call.args[0].keyword is None:
            return [a.value for a in call.args if a.keyword is None and not a.star]
        return []

    def layer_sites(self, expr, scope, cls) -> List[LayerSite]:
        """The layers an attribute may hold when it is assigned in several places (if/else)."""
        held = self.held(expr, scope, cls)
        if held is not None and held.kind == ANY:
            return [item.site for item, _ in held.items if item is not None and item.kind == LAYER]
        if held is not None:
            return [held.site] if held.kind == LAYER else []
        sites = []
        for value in self._bound_values(expr, scope, cls):
            if isinstance(value, cst.Name) and value.value == "None":
                continue  # self.linear1 = None in the arm that uses no linear1: a call never gets it
            inner = self.held(value, scope, cls) if isinstance(value, cst.Call) else None
            if inner is None or inner.kind != LAYER:
                return []
            sites.append(inner.site)
        return sites


def _in_init(scope: object) -> bool:
    return isinstance(scope, cst.FunctionDef) and scope.name.value == "__init__"


def _branches(choice: cst.IfExp, scope: object = None) -> List[cst.BaseExpression]:
    """``a if x else b if y else c`` -> [a, b, c], the default last: the branch the tests pick when
    they compare ``scope``'s parameters with their defaults (``F.relu if activation == "relu"
    else F.gelu`` with ``activation="relu"``: F.relu), else the final ``else``."""
    branches, picked = [], None
    while True:
        branches.append(choice.body)
        if picked is None:
            picked = _true_at_defaults(choice.test, scope)
            picked = len(branches) - 1 if picked else (None if picked is False else -1)
        if not isinstance(choice.orelse, cst.IfExp):
            break
        choice = choice.orelse
    branches.append(choice.orelse)
    if picked is not None and picked >= 0:
        branches.append(branches.pop(picked))
    return branches


def _as_called(use: ActivationUse, function: cst.FunctionDef, call: cst.Call) -> ActivationUse:
    """``use``, built by the helper ``function`` from its own parameters (``def leaky_relu(p=0.1):
    return nn.LeakyReLU(p)``), with the values ``call`` gives them where they are literal
    (``leaky_relu()``: 0.1, ``leaky_relu(0.2)``: 0.2)."""
    if not isinstance(use.node, cst.Call) or any(arg.star for arg in call.args):
        return use
    given = bind_args(use.node.args, [name for name, _ in use.activation.params])
    params = function.params
    names = [param.name.value for param in (*params.posonly_params, *params.params)]
    passed = bind_args(call.args, names)
    resolved, unresolved = dict(use.params), []
    for name in use.unresolved:
        expr = given.get(name)
        parameter = expr.value if isinstance(expr, cst.Name) and expr.value in names else None
        value = None
        if parameter is not None and not changed_in(function, parameter):
            value = literal(passed[parameter] if parameter in passed else parameter_default(function, parameter))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            resolved[name] = float(value)
        else:
            unresolved.append(name)
    return dataclasses.replace(use, params=resolved, unresolved=tuple(unresolved))


def _with_branches(
    held: Optional[Held], choice: cst.IfExp, scope, resolve: Callable[[cst.BaseExpression], Optional[Held]]
) -> Optional[Held]:
    """``held``, a setting's choice of activation, with the chain of ``choice``'s tests and the
    activation of each branch, when each branch is one plain activation (no choice of its own,
    nothing callers may pass) and the choice is made in a function."""
    if held is None or held.kind != ACTIVATION or not isinstance(scope, cst.FunctionDef) or held.use.parametric:
        return held
    chain: List[Tuple[Optional[cst.BaseExpression], ActivationUse]] = []
    while True:
        for test, branch in ((choice.test, choice.body), (None, choice.orelse)):
            if test is None and isinstance(branch, cst.IfExp):
                continue
            option = resolve(branch)
            if option is None or option.use is None or option.use.alternatives or option.use.parametric:
                return held
            chain.append((test, option.use))
        if not isinstance(choice.orelse, cst.IfExp):
            break
        choice = choice.orelse
    return dataclasses.replace(held, use=dataclasses.replace(held.use, branches=tuple(chain), chosen_in=scope))


def _taken_at_defaults(value: cst.CSTNode, scope: object) -> Optional[bool]:
    """Whether the statement assigning ``value`` runs when ``scope``'s parameters keep their
    defaults: every ``if`` around it (``elif`` arms included) taken the way that reaches it.
    None when some test cannot be told."""
    if not isinstance(scope, cst.FunctionDef):
        return None
    for node in descendants(scope.body):
        if not isinstance(node, cst.If):
            continue
        in_body = any(inner is value for inner in descendants(node.body))
        in_else = not in_body and node.orelse is not None and any(inner is value for inner in descendants(node.orelse))
        if not (in_body or in_else):
            continue
        taken = _true_at_defaults(node.test, scope)
        if taken is None:
            return None
        if taken != in_body:
            return False
    return True


def _picked(choice: cst.IfExp, scope: object) -> Optional[cst.BaseExpression]:
    """The branch of ``a if x else b if y else c`` that ``scope``'s parameters take at their
    defaults; None when some test on the way cannot be told."""
    while True:
        taken = _true_at_defaults(choice.test, scope)
        if taken is None:
            return None
        if taken:
            return choice.body
        if not isinstance(choice.orelse, cst.IfExp):
            return choice.orelse
        choice = choice.orelse


def _true_at_defaults(test: cst.BaseExpression, scope: object) -> Optional[bool]:
    """``name == "relu"`` / ``!=`` / ``in ("relu", "gelu")`` with ``name`` a parameter of ``scope``
    whose default is a string, or ``flag`` / ``not flag`` with a bool default, nothing rebinding
    either: the test's value at that default; None when it cannot be told."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _true_at_defaults(test.expression, scope)
        return None if inner is None else not inner
    if isinstance(test, cst.Name) and isinstance(scope, cst.FunctionDef):
        flag = literal(parameter_default(scope, test.value) or cst.Name("None"))
        return flag if isinstance(flag, bool) and not changed_in(scope, test.value) else None
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    left, defaulted = chosen_string(test.left, scope)
    operator = type(target.operator).__name__
    if left is None or not defaulted:
        return None
    if operator in ("Equal", "NotEqual"):
        right, _ = chosen_string(target.comparator, scope)
        return None if right is None else (left == right) == (operator == "Equal")
    if operator in ("In", "NotIn") and isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)):
        options = [literal(e.value) for e in target.comparator.elements]
        if all(isinstance(option, str) for option in options):
            return (left in options) == (operator == "In")
    return None


def _given_name(expr: cst.BaseExpression) -> Optional[cst.Name]:
    """The name ``unless_given`` tested: ``a`` of ``default(a, b)``, ``a or b``, ``a if ... else b``."""
    if isinstance(expr, cst.Call):
        return expr.args[0].value
    if isinstance(expr, cst.BooleanOperation):
        return expr.left
    if isinstance(expr, cst.IfExp):
        tested = none_tested(expr.test)
        return tested[0] if tested else expr.test if isinstance(expr.test, cst.Name) else None
    return None


def _truth_tested(expr: cst.BaseExpression) -> bool:
    """``a or b`` / ``a if a else b``: ``a`` is tested for truth, not against None."""
    return isinstance(expr, cst.BooleanOperation) or (isinstance(expr, cst.IfExp) and none_tested(expr.test) is None)


def _same_code(a: cst.FunctionDef, b: cst.FunctionDef) -> bool:
    """Whether two definitions are the same code, comments and layout aside."""
    if a.deep_equals(b):
        return True
    try:
        render = cst.Module([]).code_for_node
        return ast.dump(ast.parse(textwrap.dedent(render(a)))) == ast.dump(ast.parse(textwrap.dedent(render(b))))
    except SyntaxError:
        return False


class _Returns(cst.CSTVisitor):
    """The return statements of one function body (not of functions nested in it)."""

    def __init__(self) -> None:
        self.returns: List[cst.Return] = []

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _comprehension_length(comprehension) -> Optional[int]:
    """How many items ``[... for _ in range(2)]`` builds; None when that is not a constant."""
    loop = comprehension.for_in
    if loop.inner_for_in is not None or loop.ifs or not isinstance(loop.iter, cst.Call):
        return None
    if dotted(loop.iter.func) != "range" or not 1 <= len(loop.iter.args) <= 2:
        return None
    bounds = [literal(arg.value) for arg in loop.iter.args]
    if not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
        return None
    return max(0, bounds[-1] - (bounds[0] if len(bounds) == 2 else 0))


def _may_be_item(written: str, container: str, key: int, length: Optional[int]) -> bool:
    """Whether an init written on ``written`` (``self.layers[-1]``, ``self.layers[0].fc``) may be
    on item ``key`` of a container of ``length`` items (None: unknown)."""
    if not written.startswith(container + "["):
        return False
    index = written[len(container) + 1:].split("]", 1)[0].strip()
    if not index.lstrip("-").isdigit():
        return True  # self.layers[i]: any item
    written_key = int(index)
    if length is not None:
        return written_key % length == key % length if length else False
    return written_key == key or (written_key < 0) != (key < 0)


_TESTED_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def _type_test_at_default(test: cst.BaseExpression, scope) -> Optional[bool]:
    """``isinstance(act_fn, str)`` with ``act_fn="silu"`` a parameter of ``scope``: whether the
    default passes it (the default takes that arm); None for any other test."""
    if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance"
            and len(test.args) == 2 and isinstance(test.args[0].value, cst.Name) and isinstance(scope, cst.FunctionDef)):
        return None
    kind = _TESTED_TYPES.get(getattr(test.args[1].value, "value", None))
    default = parameter_default(scope, test.args[0].value.value)
    value = literal(default) if default is not None else None
    if kind is None or default is None or not is_known(value):
        return None
    return isinstance(value, kind)


def _argument_for(call: cst.Call, name: str, position: int) -> Optional[cst.BaseExpression]:
    """The argument ``call`` gives the parameter ``name`` (at ``position`` after ``self``)."""
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
        if arg.keyword is None and i == position:
            return arg.value
    return None
