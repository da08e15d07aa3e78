"""One pass over the module: layer constructions, containers, module attributes, init evidence."""

from __future__ import annotations

import re
from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from .. import catalog
from ..imports import ImportTable, dotted
from ..settings import Settings
from .comprehended import EVERY_ITEM, comprehension_container, looped_items
from .evidence import Evidence, call_name, init_helper_name
from .guards import star_guards
from .prehooks import first_parameter, registration, written_through
from .literals import bind_args, literal, module_arguments, parameter_default, ref_text, weight_owner
from .named import none_tested, setting_equality
from .defaults import Condition, tested_setting, untaken
from .local_classes import local_layer_classes, splatting_classes
from .walk import child_nodes, descendants
from .model import ActivationUse, Construct, InitCall, LayerSite, OpenFollow, Scope, owner_scope

# Inside these, hoisting a construction out to a statement of its own would change when (or
# whether) it runs, so the fix cannot bind it to a name.
_UNHOISTABLE = frozenset(
    (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.IfExp, cst.BooleanOperation)
)
# Statements whose parts are not a plain statement line: a construction in a block header or a
# one-line block has no line of its own after which an init could go.
_OPAQUE_STATEMENTS = frozenset(
    (cst.If, cst.For, cst.While, cst.With, cst.Try, cst.TryStar, cst.Match, cst.FunctionDef, cst.ClassDef,
     cst.SimpleStatementSuite)
)
_HOOKS: Dict[type, tuple] = {}  # node type -> (visit, leave, is a statement, is unhoistable)


class Facts:
    """Everything the rules need to know about one module."""

    def __init__(
        self, module: cst.Module, imports: ImportTable, settings: Settings, factories: Optional[Dict[str, List[str]]] = None
    ) -> None:
        self.module = module
        # Refs of other files' helpers that return a torch layer -> the layers it may return (index).
        self.factories: Dict[str, List[str]] = factories or {}
        # Names of repository functions that write the tensor they are handed (index): glorot.
        self.tensor_inits: FrozenSet[str] = frozenset()
        self.imports = imports
        self.settings = settings
        self.sites: List[LayerSite] = []
        self.constructs: Dict[int, Construct] = {}  # id(call) -> layer site or container
        self.sequentials: List[Construct] = []  # Sequential(...) calls and Sequential subclasses' super().__init__
        self.containers: List[Construct] = []  # ModuleList / ModuleDict: items by index or key, no order
        self.modules: Dict[int, Tuple[str, Optional[ActivationUse]]] = {}  # id(call) -> (kind, use)
        self.class_attrs: Dict[cst.ClassDef, Dict[str, List[cst.BaseExpression]]] = {}
        self.locals: Dict[Scope, Dict[str, List[cst.BaseExpression]]] = {}
        self.methods: Dict[cst.ClassDef, List[cst.FunctionDef]] = {}
        self.functions: List[cst.FunctionDef] = []
        self.functions_by_name: Dict[str, List[cst.FunctionDef]] = {}
        self.enclosing_class: Dict[cst.FunctionDef, Optional[cst.ClassDef]] = {}
        # A function defined inside another's body -> that function (its closure's names)
        self.enclosing_function: Dict[cst.FunctionDef, cst.FunctionDef] = {}
        self.sequential_classes: Set[str] = set()  # names of same-file nn.Sequential subclasses
        # Same-file classes whose __init__(self, *layers) stores nn.Sequential(*layers) on self
        # (cebra's _OffsetModel: self.net): name -> that attribute (splatting_classes)
        self.splatting_classes: Dict[str, str] = {}
        self.appended: Dict[Tuple[int, str], List[cst.BaseExpression]] = {}  # (owner, ref).append(value)
        self.appended_in_loop: Set[int] = set()  # id(value) appended inside a loop: it stands for several items
        self.appended_under_if: Set[int] = set()  # id(value) appended under an if
        self.value_scope: Dict[int, Scope] = {}  # id(assigned value) -> the scope of the assignment
        self.local_layers: Dict[str, catalog.Layer] = {}  # class MyLinear(nn.Linear) without reset_parameters
        # def Sequential(*mods): return nn.Sequential(*filter(exists, mods)): name -> drops None items
        # Calls of container helpers, this file's or another's (index): ref -> whether it drops None items.
        self.container_helpers: Dict[str, bool] = {}
        # Another file's table of activation classes a name imports (index): name -> {key: qualified}.
        self.imported_table: Callable[[str], Optional[Dict[str, str]]] = lambda name: None
        # The project's classes that pick their one module by a string argument (index/choices.py):
        # ref -> their record, or None.
        self.chooser: Callable[[str], Optional[dict]] = lambda ref: None
        # Filled in by the data flow (dataflow.method_follows), see model.OpenFollow: per class, the
        # activations that `self.<attr>(...)` outputs go into, by attribute name, whatever the class
        # builds there; and those that forward's parameters go into, by position after self.
        self.attr_follows: Dict[cst.ClassDef, Dict[str, List[OpenFollow]]] = {}
        self.param_follows: Dict[cst.ClassDef, Dict[int, List[OpenFollow]]] = {}
        self.init_calls: List[InitCall] = []
        self.init_scales: Dict[int, float] = {}  # id(init call) -> k in `call.data.mul_(k)`
        self.statement_calls: Set[int] = set()  # id(call) of calls that are a whole statement
        self._sites_by_ref: Optional[Dict[Tuple[int, str], LayerSite]] = None
        self.evidence = Evidence()
        # id(element) -> the constant indices by which forward code takes items of the container
        # its comprehension builds (``self.layers[0]`` of ``nn.ModuleList([... for _ in range(2)])``)
        self.indexed_items: Dict[int, Set[int]] = {}
        # id(value assigned to self.<attr>) -> the ``if <setting> == <value>:`` arms it is assigned
        # under: forward code under another value of the same setting never uses it (pypots' TOTEM)
        self.value_arms: Dict[int, Tuple[Tuple[str, object], ...]] = {}
        # id(value bound, or container built) -> the ``if <setting>:`` arms it is under (see
        # defaults.py: an arm the defaults skip builds what the default model does not have)
        self.conditions: Dict[int, Tuple[Condition, ...]] = {}

    def builds_layer(self, node: cst.CSTNode) -> bool:
        """Whether a layer is constructed in ``node`` (itself, or inside it): what an arm the
        defaults skip builds is still built when the user flips the setting."""
        return any(isinstance(self.constructs.get(id(n)), LayerSite) for n in (node, *descendants(node)))

    def skipped_at_defaults(self, node: cst.CSTNode, equality: bool = True) -> bool:
        """Whether ``node`` (a bound value or a container's call) is in an arm the defaults skip
        (``equality``: judging ``setting == value`` tests too, not only flags and None tests)."""
        conditions = self.conditions.get(id(node))
        return bool(conditions) and untaken(conditions, lambda function: self.locals.get(function, {}), equality)


class Collector:
    """One walk over the module (see walk.py): ``visit_<Node>`` before the children, ``leave_<Node>`` after."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.imports = facts.imports
        self.classes: List[cst.ClassDef] = []
        self.functions: List[Optional[cst.FunctionDef]] = [None]
        self.statements: List[Optional[cst.SimpleStatementLine]] = [None]
        self.unhoistable = 0
        self.self_loops: Set[Tuple[int, str]] = set()  # (id(function), name) of loops over self's items
        # Functions that write weights through their first parameter (a hook's module): id -> paths
        # from it (``""``, ``"[0]"``); registering one as a forward pre-hook writes that layer's weight.
        self.parameter_writes: Dict[int, Set[str]] = {}
        # Registrations, resolved after the walk (the hook may be defined later in the file): the
        # scope of the ref, the ref the hook's module is (``self.fc``, ``self.blocks[*][0]``), its name.
        self.registered_hooks: List[Tuple[int, str, str]] = []
        # Bodies of ifs that run only when a caller asks (see opt_in), and how many hold the walk.
        self.opt_in_bodies: Set[int] = set()
        self.opt_in = 0
        self.loop_depth = 0  # for/while loops the walk is in
        self.if_depth = 0  # ifs the walk is in
        # Per loop the walk is in: whether its body has skipped the rest of an iteration under an
        # if (`if is_last: continue`): what it appends after that is appended conditionally.
        self.loop_skips: List[bool] = []
        # Bodies of ``if <setting> == <value>:`` and the arms the walk is in (Facts.value_arms).
        self.arm_bodies: Dict[int, Tuple[str, object]] = {}
        self.arms: List[Tuple[str, object]] = []
        # Likewise for ``if <setting>:`` / ``if <setting> is not None:`` (Facts.conditions).
        self.condition_bodies: Dict[int, Condition] = {}
        self.conditions: List[Condition] = []

    # ---------------------------------------------------------------- the walk

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node)
        hooks = _HOOKS.get(kind)
        if hooks is None:
            hooks = _HOOKS[kind] = (
                getattr(Collector, "visit_" + kind.__name__, None),
                getattr(Collector, "leave_" + kind.__name__, None),
                kind is cst.SimpleStatementLine or kind in _OPAQUE_STATEMENTS,
                kind in _UNHOISTABLE,
            )
        visit, leave, statement, unhoistable = hooks
        if statement:
            self.statements.append(node if kind is cst.SimpleStatementLine else None)
        if unhoistable:
            self.unhoistable += 1
        if visit is None or visit(self, node) is not False:
            for child in child_nodes(node):
                self.walk(child)
        if leave is not None:
            leave(self, node)
        if statement:
            self.statements.pop()
        if unhoistable:
            self.unhoistable -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)
        if any(self.imports.resolve(base.value) == catalog.SEQUENTIAL for base in node.bases):
            self.facts.sequential_classes.add(node.name.value)
        self.facts.class_attrs.setdefault(node, {})
        self.facts.methods.setdefault(node, [])
        self.functions.append(None)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.pop()
        self.functions.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        cls = self.classes[-1] if self.classes and self.functions[-1] is None else None
        if cls is not None:
            self.facts.methods[cls].append(node)
        self.facts.enclosing_class[node] = self.classes[-1] if self.classes else None
        if self.functions[-1] is not None:
            self.facts.enclosing_function[node] = self.functions[-1]
        self.facts.functions.append(node)
        self.facts.functions_by_name.setdefault(node.name.value, []).append(node)
        self.functions.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.pop()

    def leave_If(self, node: cst.If) -> None:
        self.if_depth -= 1

    def visit_If(self, node: cst.If) -> None:
        self.if_depth += 1
        if self.loop_skips and _skips_iteration(node.body):
            self.loop_skips[-1] = True
        if opt_in(node.test, self.functions[-1]):
            self.opt_in_bodies.add(id(node.body))
        equality = setting_equality(node.test)
        if equality is not None:
            self.arm_bodies[id(node.body)] = equality
        if tested_setting(node.test):
            self.condition_bodies[id(node.body)] = (node.test, True, self.functions[-1])
            if isinstance(node.orelse, cst.Else):
                self.condition_bodies[id(node.orelse.body)] = (node.test, False, self.functions[-1])

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.opt_in += id(node) in self.opt_in_bodies
        arm = self.arm_bodies.get(id(node))
        if arm is not None:
            self.arms.append(arm)
        condition = self.condition_bodies.get(id(node))
        if condition is not None:
            self.conditions.append(condition)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.opt_in -= id(node) in self.opt_in_bodies
        if id(node) in self.arm_bodies:
            self.arms.pop()
        if id(node) in self.condition_bodies:
            self.conditions.pop()

    visit_SimpleStatementSuite = visit_IndentedBlock  # if weight_std is not None: conv.weight.data.normal_()
    leave_SimpleStatementSuite = leave_IndentedBlock

    @property
    def scope(self) -> Scope:
        return self.functions[-1] or (self.classes[-1] if self.classes else self.facts.module)

    def _layer_parameter(self, func: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """The default of the enclosing function's parameter ``func`` names, when that default is
        a torch layer class or a layer factory (``conv=default_conv``, ``layer=nn.Conv2d``, as
        EDSR and its descendants take their conv): a call of the parameter builds that layer.
        A setting, as an activation parameter's default is; a caller passing another factory
        still passes a layer."""
        function = self.functions[-1]
        if function is None or not isinstance(func, cst.Name):
            return None
        default = parameter_default(function, func.value)
        if default is None or not isinstance(default, (cst.Name, cst.Attribute)):
            return None
        if catalog.LAYERS.get(self.imports.resolve(default) or "") is not None or self.facts.factories.get(dotted(default) or ""):
            return default
        return None

    def owner_of(self, ref: str) -> Scope:
        return owner_scope(ref, self.functions[-1], self.classes[-1] if self.classes else None, self.facts.module)

    # ---------------------------------------------------------------- constructions

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.imports.resolve(node.func)
        local = self.facts.local_layers.get(node.func.value) if isinstance(node.func, cst.Name) else None
        func = self._layer_parameter(node.func) if qualified is None and local is None else None
        if func is not None:  # conv(3, n_feats, 3) in `def __init__(self, conv=default_conv)`
            qualified = self.imports.resolve(func)
        if qualified is None and local is None and self.facts.factories:
            # linear(64, 256) with util.py's `def linear(*a, **k): return nn.Linear(*a, **k)`
            layers = self.facts.factories.get(dotted(func or node.func) or "")
            if layers:
                site = LayerSite(call=node, **self._context(), layer=_factory_layer(layers, node), args={})
                self.facts.sites.append(site)
                self.facts.constructs[id(node)] = site
                return
        if qualified is None and local is None:
            helper = self.facts.container_helpers.get(dotted(node.func) or "")
            if helper is not None:  # its arguments are a Sequential's items
                self._container(node, self.facts.sequentials).drops_none = helper
            self._other_call(node)
            return
        layer = local or catalog.LAYERS.get(qualified)
        if layer is not None:
            site = LayerSite(
                call=node, **self._context(), layer=layer, args=bind_args(node.args, layer.params)
            )
            self.facts.sites.append(site)
            self.facts.constructs[id(node)] = site
        elif qualified == catalog.SEQUENTIAL:
            self._container(node, self.facts.sequentials)
        elif qualified in (catalog.MODULE_LIST, catalog.MODULE_DICT):
            self._container(node, self.facts.containers)
        elif qualified in catalog.ACTIVATION_MODULES:
            activation = catalog.ACTIVATION_MODULES[qualified]
            params, unresolved, defaulted = module_arguments(activation, node, self.functions[-1])
            use = ActivationUse(activation, node, params, unresolved)
            if defaulted:  # nn.LeakyReLU(**act_params), act_params a parameter with a default dict
                use = star_guards(use, node, self.functions[-1])
            self.facts.modules[id(node)] = ("activation", use)
        elif qualified in catalog.NORM_MODULES:
            self.facts.modules[id(node)] = ("norm", None)
        elif qualified in catalog.TRANSPARENT_MODULES:
            self.facts.modules[id(node)] = ("transparent", None)
        elif qualified in catalog.POOLING_MODULES:
            self.facts.modules[id(node)] = ("pooling", None)
        elif qualified.startswith(catalog.INIT_MODULE + "."):
            self._init_call(node, qualified)

    def _init_call(self, node: cst.Call, qualified: str) -> None:
        names = catalog.KAIMING_FUNCTIONS.get(qualified) or (
            catalog.CALCULATE_GAIN_PARAMS if qualified == catalog.CALCULATE_GAIN else (catalog.INIT_TENSOR_PARAM,)
        )
        args = bind_args(node.args, names)
        tensor = args.get(catalog.INIT_TENSOR_PARAM)
        target = weight_owner(tensor) if tensor is not None else None
        self._note_evidence(target if target is not None else any_item_owner(tensor))
        owner = id(self.owner_of(target)) if target is not None else 0
        scale = self.facts.init_scales.get(id(node), 1.0)
        self.facts.init_calls.append(InitCall(node, qualified, args, target, owner, self.functions[-1], scale))

    def _note_scale(self, node: cst.Call, receiver: cst.BaseExpression) -> None:
        """``<init call>.data.mul_(k)``: the init's gain is k times its own (see INI002)."""
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "data":
            receiver = receiver.value
        if isinstance(receiver, cst.Call) and call_name(node.func) == "mul_" and len(node.args) == 1:
            value = literal(node.args[0].value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.facts.init_scales[id(receiver)] = float(value)

    def _container(self, node: cst.Call, into: List[Construct]) -> Construct:
        container = Construct(call=node, **self._context())
        into.append(container)
        if self.conditions:
            self.facts.conditions[id(node)] = tuple(self.conditions)
        self.facts.constructs[id(node)] = container
        return container

    def _other_call(self, node: cst.Call) -> None:
        """A call that is not torch's: weight writes, init helpers, add_module, super().__init__."""
        func = node.func
        name = call_name(func)
        if name is None:
            return
        if name in catalog.WEIGHT_WRITING_METHODS and isinstance(func, cst.Attribute):
            self._note_evidence(weight_owner(func.value) or any_item_owner(func.value))
            self._note_scale(node, func.value)
        elif name == "post_init":
            self.facts.evidence.framework = self.facts.evidence.framework or "calls post_init()"
        elif name == "__init__" and self._in_sequential_subclass(func):
            # class Block(nn.Sequential): super().__init__(conv, relu) -- the items of `self`.
            container = Construct(call=node, **self._context(), ref="self")
            self.facts.sequentials.append(container)
            self.facts.constructs[id(node)] = container
        elif name == "__init__" and (stored_in := self._splatting_base(func)) is not None:
            # class Net(_OffsetModel): super().__init__(nn.Linear(...), nn.GELU(), ...), whose
            # __init__(self, *layers) stores nn.Sequential(*layers) as self.net: its items, in order
            container = Construct(call=node, **self._context(), ref=f"self.{stored_in}")
            self.facts.sequentials.append(container)
            self.facts.constructs[id(node)] = container
        elif node.args and (name in self.facts.tensor_inits or self._init_lambda_parameter(func)):
            self._note_evidence(weight_owner(node.args[0].value))  # glorot(self.lin1.weight)
        elif node.args and weight_owner(node.args[0].value) is not None and (
            init_helper_name(name, self.facts.settings.init_helpers) or catalog.INITIALIZER_NAME.search(name)
        ):
            # weights_initializer = initializer_registry[name]; weights_initializer(fc.weight)
            # (ludwig's FCLayer): a call named for an init, handed a weight, writes it
            self._note_evidence(weight_owner(node.args[0].value))
        elif init_helper_name(name, self.facts.settings.init_helpers):
            for arg in node.args:
                # default_init_weights([self.conv1, self.conv2], 0.1): each listed layer
                values = arg.value.elements if isinstance(arg.value, (cst.List, cst.Tuple)) else [arg.value]
                for value in values:
                    ref = ref_text(value.value if isinstance(value, cst.BaseElement) else value)
                    self._note_evidence(ref)
                    if ref is not None:  # _xavier_init(extra): every layer extra holds
                        self.facts.evidence.modules.add((id(self.owner_of(ref)), ref))

    def _init_lambda_parameter(self, func: cst.BaseExpression) -> bool:
        """``w_init_(self.linear.weight.data)`` with ``w_init_=lambda w: nn.init.kaiming_normal_(w,
        ...)`` (torchtuples' DenseVanillaBlock): a parameter whose default is a lambda that hands its
        argument to a torch init function, so the call writes the weight (a caller passing its
        own function passes an init too)."""
        function = self.functions[-1]
        if function is None or not isinstance(func, cst.Name):
            return False
        default = parameter_default(function, func.value)
        if not isinstance(default, cst.Lambda) or not isinstance(default.body, cst.Call) or not default.body.args:
            return False
        params = default.params.params
        first = default.body.args[0].value
        return (
            bool(params) and isinstance(first, cst.Name) and first.value == params[0].name.value
            and (self.imports.resolve(default.body.func) or "").startswith(catalog.INIT_MODULE + ".")
        )

    def leave_Call(self, node: cst.Call) -> None:
        # Runs after the arguments' own visit_Call, so their constructs exist by now.
        name = call_name(node.func)
        if name is None or self.imports.resolve(node.func) is not None:
            return
        if name == "add_module" and len(node.args) >= 2 and isinstance(node.func, cst.Attribute):
            key, value = literal(node.args[0].value), node.args[1].value
            construct = self.facts.constructs.get(id(value))
            base = ref_text(node.func.value)
            if construct is not None and base is not None and isinstance(key, str) and key.isidentifier():
                construct.ref = construct.ref or f"{base}.{key}"
                if base == "self" and self.classes:
                    self.facts.class_attrs[self.classes[-1]].setdefault(key, []).append(value)
        elif name == "append" and len(node.args) == 1 and isinstance(node.func, cst.Attribute):
            base = ref_text(node.func.value)
            if base is not None:
                key = (id(self.owner_of(base)), base)
                self.facts.appended.setdefault(key, []).append(node.args[0].value)
                if self.conditions:  # `if norm == "batch": self.layers.append(nn.BatchNorm2d(c))`
                    self.facts.conditions.setdefault(id(node.args[0].value), tuple(self.conditions))
                if self.loop_depth:  # one construction standing for many items
                    self.facts.appended_in_loop.add(id(node.args[0].value))
                # which item is last depends on the arm taken (or on `if is_last: continue` before)
                if self.if_depth or (self.loop_skips and self.loop_skips[-1]):
                    self.facts.appended_under_if.add(id(node.args[0].value))
        elif registration(node) is not None:
            base, hook = registration(node)
            self.registered_hooks.append((id(self.owner_of(base)), base, hook))
        elif init_helper_name(name, self.facts.settings.init_helpers) and not name.startswith("__"):
            for arg in node.args:
                if isinstance(arg.value, cst.Call) and id(arg.value) in self.facts.constructs:
                    self.facts.evidence.wrapped.add(id(arg.value))  # zero_module(nn.Conv2d(...))

    def note_hook_writes(self) -> None:
        """After the walk: a registered forward pre-hook that writes its module's weight writes the
        weight of the layer it is registered on (any function of that name in the file)."""
        for owner, base, hook in self.registered_hooks:
            for function in self.facts.functions_by_name.get(hook, ()):
                for path in self.parameter_writes.get(id(function), ()):
                    self.facts.evidence.refs.add((owner, base + path))

    def _in_sequential_subclass(self, func: cst.BaseExpression) -> bool:
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Call)
            and call_name(func.value.func) == "super"
            and bool(self.classes)
            and self.classes[-1].name.value in self.facts.sequential_classes
        )

    def _splatting_base(self, func: cst.BaseExpression) -> Optional[str]:
        """For ``super().__init__`` in a class whose first base (mixins may follow: cebra's
        ``ConvolutionalModelMixin``) is a splatting class of the file: the attribute that base
        stores its Sequential in."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)
                and call_name(func.value.func) == "super" and self.classes and self.classes[-1].bases):
            return None
        first = self.classes[-1].bases[0].value
        return self.facts.splatting_classes.get(first.value) if isinstance(first, cst.Name) else None

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            self.facts.statement_calls.add(id(node.value))

    def visit_While(self, node: cst.While) -> None:
        self.loop_depth += 1
        self.loop_skips.append(False)

    def leave_While(self, node: cst.While) -> None:
        self.loop_depth -= 1
        self.loop_skips.pop()

    def leave_For(self, node: cst.For) -> None:
        self.loop_depth -= 1
        self.loop_skips.pop()

    def visit_For(self, node: cst.For) -> None:
        """``for m in [self.p6, self.p7]: nn.init.kaiming_uniform_(m.weight, a=1)``: a write on
        each listed layer's weight."""
        self.loop_depth += 1
        self.loop_skips.append(False)
        if not isinstance(node.target, cst.Name):
            for name, iterated in _zipped(node):  # for q, w in zip(self.q_linears, self.w_linears)
                self._loop_over(node, name, iterated)
            return
        name = node.target.value
        if not isinstance(node.iter, (cst.List, cst.Tuple)):
            self._loop_over(node, name, node.iter)
            return
        if any(weight_owner(n) == name for n in descendants(node.body) if isinstance(n, cst.Attribute)):
            for element in node.iter.elements:
                self._note_evidence(ref_text(element.value))

    def _loop_over(self, node: cst.For, name: str, iterated: cst.BaseExpression) -> None:
        items = looped_items(iterated)
        if items is not None and (ref_text(items) or "").startswith(("self.", "self[")):
            self.self_loops.add((id(self.functions[-1]), name))  # for block in self.blocks
        self._note_items_evidence(node, name, iterated)

    def _note_items_evidence(self, node: cst.For, name: str, iterated: cst.BaseExpression) -> None:
        """``for block in self.blocks: nn.init.kaiming_uniform_(block[0].weight, ...)`` (or over
        ``self.blocks[:-1]``): a write on ``self.blocks[*][0]``, the items a comprehension built."""
        items = looped_items(iterated)
        container = ref_text(items) if items is not None else None
        if container is None:
            return
        for n in descendants(node.body):
            owner = weight_owner(n) if isinstance(n, cst.Attribute) else None
            if owner is not None and written_through(owner, name) is not None:
                self._note_evidence(container + EVERY_ITEM + owner[len(name):])
            hooked = registration(n) if isinstance(n, cst.Call) else None
            if hooked is not None and written_through(hooked[0], name) is not None:  # a hook on block[0]
                ref = container + EVERY_ITEM + hooked[0][len(name):]
                self.registered_hooks.append((id(self.owner_of(ref)), ref, hooked[1]))

    def _context(self) -> dict:
        return dict(
            statement=self.statements[-1],
            owner_class=self.classes[-1] if self.classes else None,
            function=self.functions[-1],
            hoistable=self.unhoistable == 0,
        )

    # ------------------------------------------------------------------ bindings

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            self._bind_each(target, value)
            return
        self._note_evidence(weight_owner(target))
        ref = ref_text(target)
        if ref is None:
            base = ref_text(target.value) if isinstance(target, cst.Subscript) else None
            if base is not None:  # self.convs[level] = nn.Conv2d(...): an item of self.convs
                self.facts.appended.setdefault((id(self.owner_of(base)), base), []).append(value)
            return
        # `self.fc = nn.Linear(d, h) if gated else nn.Linear(d, 2 * h)`: bound to either layer, as
        # an if/else binding each would be (what follows one follows the other).
        # `self.mlp = nn.Sequential(...) if cond else None`: bound to the Sequential, when it is not None.
        unless_none = _unless_none(value, self.facts.constructs)
        values = _layer_branches(value, self.facts.constructs) or unless_none or [value]
        for value in values:
            self.facts.value_scope[id(value)] = self.scope
            if self.conditions:
                self.facts.conditions[id(value)] = tuple(self.conditions)
            construct = self.facts.constructs.get(id(value)) if isinstance(value, cst.Call) else None
            if construct is not None and construct.ref is None:
                construct.ref = ref
                construct.unless_none = bool(unless_none)
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
                owner = self.owner_of(ref)
                if isinstance(owner, cst.ClassDef):
                    self.facts.class_attrs[owner].setdefault(target.attr.value, []).append(value)
                    if self.arms:
                        self.facts.value_arms[id(value)] = tuple(self.arms)
            elif isinstance(target, cst.Name):
                self.facts.locals.setdefault(self.scope, {}).setdefault(target.value, []).append(value)

    def _bind_each(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``a, b = x, y``, and ``self.convs, self.fcs, dim = self._add_conv_fc_branch(...)`` with
        the method's one ``return convs, fcs, dim`` (mmdet's and mmtrack's heads): each name bound
        to its element, read in the scope that wrote it."""
        names = [element.value for element in target.elements]
        if any(isinstance(element, cst.StarredElement) for element in target.elements):
            return
        scope, parts = self.scope, _tuple_parts(value)
        if parts is None:
            returned = self._returned_tuple(value)
            if returned is None:
                return
            scope, parts = returned
        if len(parts) != len(names):
            return
        for name, part in zip(names, parts):
            self._bind(name, part)
            self.facts.value_scope[id(part)] = scope  # where the element's own names are bound

    def _returned_tuple(self, value: cst.BaseExpression):
        """``(method, elements)`` of the one ``return a, b, c`` of ``self.<method>(...)``."""
        cls = self.classes[-1] if self.classes else None
        func = value.func if isinstance(value, cst.Call) else None
        if cls is None or not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"):
            return None
        methods = [m for m in cls.body.body if isinstance(m, cst.FunctionDef) and m.name.value == func.attr.value]
        if len(methods) != 1:
            return None
        returns = [n for n in descendants(methods[0].body) if isinstance(n, cst.Return)]
        parts = _tuple_parts(returns[0].value) if len(returns) == 1 and returns[0].value is not None else None
        return (methods[0], parts) if parts is not None else None

    # ------------------------------------------------------------------ evidence

    def _note_evidence(self, ref: Optional[str]) -> None:
        if self.opt_in:
            return  # an init its callers must ask for (weight_std=None by default) leaves torch's by default
        parameter = first_parameter(self.functions[-1])
        path = written_through(ref, parameter) if ref is not None and parameter is not None else None
        if path is not None:
            self.parameter_writes.setdefault(id(self.functions[-1]), set()).add(path)
        if ref is not None:
            self.facts.evidence.refs.add((id(self.owner_of(ref)), ref))
            self.facts.evidence.written_in.setdefault((id(self.owner_of(ref)), ref), set()).add(id(self.functions[-1]))
            head, _, tail = ref.rpartition(".")
            # Through self (self.encoder.fc, block.mlp.c_fc for a block of self.blocks): the
            # repository index follows the path to the instances it reaches (index/coverage.py).
            root = re.split(r"[.\[]", head, maxsplit=1)[0]
            if head and root != "self" and (id(self.functions[-1]), root) not in self.self_loops and tail.isidentifier():
                self.facts.evidence.reached_attributes.add(tail)


def opt_in(test: cst.BaseExpression, function: Optional[cst.FunctionDef]) -> bool:
    """Whether ``test`` holds only when a caller of ``function`` asks for it: a parameter that
    defaults to None tested ``is not None``, or one that defaults to None, False or 0 tested as a
    truth value (``if weight_std is not None:``, ``if init_zeros:``)."""
    if function is None:
        return False
    tested = none_tested(test)
    if tested is not None:
        name, is_none = tested
        if is_none:
            return False
        allowed = ("None",)
    elif isinstance(test, cst.Name):
        name, allowed = test, ("None", "False", "0")
    else:
        return False
    default = parameter_default(function, name.value)
    return isinstance(default, (cst.Name, cst.Integer)) and default.value in allowed


def _factory_layer(layers: List[str], call: cst.Call) -> catalog.Layer:
    """The layer a factory call builds: ``conv_nd(2, ...)`` the Conv2d of the Conv1d/2d/3d it
    may return, by its literal first argument; otherwise the first the helper returns."""
    candidates = [catalog.LAYERS[q] for q in layers]
    first = literal(call.args[0].value) if call.args and call.args[0].keyword is None else None
    chosen = [layer for layer in candidates if isinstance(first, int) and layer.spatial_dims == first]
    return chosen[0] if len(candidates) > 1 and chosen else candidates[0]


def collect(
    module: cst.Module, imports: ImportTable, settings: Settings, factories: Optional[Dict[str, List[str]]] = None,
    tensor_inits: FrozenSet[str] = frozenset(), container_helpers: Optional[Dict[str, bool]] = None,
) -> Facts:
    facts = Facts(module, imports, settings, factories)
    facts.tensor_inits = tensor_inits
    facts.local_layers = local_layer_classes(module, imports)
    facts.splatting_classes = splatting_classes(module, imports)
    facts.container_helpers = container_helpers or {}
    collector = Collector(facts)
    collector.walk(module)
    collector.note_hook_writes()
    return facts


def _tuple_parts(value: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
    if isinstance(value, (cst.Tuple, cst.List)) and not any(isinstance(e, cst.StarredElement) for e in value.elements):
        return [element.value for element in value.elements]
    return None


def _skips_iteration(body: cst.BaseSuite) -> bool:
    """``continue`` (or ``break``) as the whole body of an ``if``."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if len(statements) != 1:
        return False
    line = statements[0]
    small = line.body if isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    return len(small) == 1 and isinstance(small[0], (cst.Continue, cst.Break))


def _layer_branches(value: cst.BaseExpression, constructs: dict) -> List[cst.BaseExpression]:
    """Both branches of a conditional expression whose branches are both layer constructions."""
    if not isinstance(value, cst.IfExp):
        return []
    branches = [value.body, value.orelse]
    if all(isinstance(b, cst.Call) and isinstance(constructs.get(id(b)), LayerSite) for b in branches):
        return branches
    return []


def _unless_none(value: cst.BaseExpression, constructs: dict) -> List[cst.BaseExpression]:
    """The construction of ``X if cond else None`` or ``None if cond else X`` (X a layer or a container)."""
    if not isinstance(value, cst.IfExp):
        return []
    for branch, other in ((value.body, value.orelse), (value.orelse, value.body)):
        if isinstance(other, cst.Name) and other.value == "None" and isinstance(branch, cst.Call) and id(branch) in constructs:
            return [branch]
    return []


def _written_only_when_rebuilt(facts: Facts, site: LayerSite, ref: str, owner: int) -> bool:
    """``self.x.weight`` is written only by methods that assign ``self.x`` anew (RepVGG's
    ``switch_to_deploy``: ``self.conv_fused = nn.Conv2d(...)``, then ``self.conv_fused.weight.data
    = kernel``), and ``site`` is built elsewhere: the writes set their own layer, not this one."""
    if site.owner_class is None or not ref.startswith("self.") or ref.count(".") != 1:
        return False
    writers = facts.evidence.written_in.get((owner, ref), set())
    values = facts.class_attrs.get(site.owner_class, {}).get(ref[len("self."):], [])
    rebuilding = {id(facts.value_scope.get(id(value))) for value in values}
    return bool(writers) and writers <= rebuilding and id(site.function) not in writers


def overridden(facts: Facts, site: LayerSite) -> str:
    """How the file sets this layer's weight itself ("" when it does not): a write on the layer by
    one of its names, or an init helper wrapping it. (Type dispatches, parameter loops and applied
    init functions reach instances, in any file: the repository index answers for those.)"""
    evidence = facts.evidence
    node = site
    while node is not None:  # the construction, or a container holding it, wrapped by an init helper
        if id(node.call) in evidence.wrapped:
            return "its construction is wrapped by an init helper"
        node = node.container
    for ref in site.refs():
        owner = owner_scope(ref, site.function, site.owner_class, facts.module)
        if (id(owner), ref) in evidence.refs and not _written_only_when_rebuilt(facts, site, ref, id(owner)):
            return f"this file writes {ref}.weight"
        for held_by in _containers_of(ref):
            if (id(owner_scope(held_by, site.function, site.owner_class, facts.module)), held_by) in evidence.modules:
                return f"this file hands {held_by}, which holds it, to an init helper"
        # Reached from elsewhere in the file: `nn.init.zeros_(self.encoder.fc.weight)` in the owning
        # model, or `model.fc.weight.data.normal_()` at module level.
        tail = ref.rsplit(".", 1)[-1]
        if "." in ref and tail in evidence.reached_attributes:
            return f"this file writes the weight of some ….{tail}"
        for listing in _listing_containers(facts, ref, site.owner_class):
            if (id(owner), listing + EVERY_ITEM) in evidence.refs:
                return f"a loop over {listing}, which lists {ref}, writes each item's weight"
    anchor = site.anchor()
    for (owner, base), values in facts.appended.items():  # extra.append(nn.Sequential(...)); _xavier_init(extra)
        position = next((i for i, value in enumerate(values) if value is anchor.call), None)
        if position is None:
            continue
        for held_by in (base, *_containers_of(base)):
            if (owner, held_by) in evidence.modules:
                return f"this file hands {held_by}, which holds it, to an init helper"
        path = site.path_from_anchor() or ""
        for written_owner, ref in sorted(evidence.refs, key=lambda pair: (EVERY_ITEM in pair[1], pair[1])):
            if written_owner == owner and _item_written(ref, base, position, path):
                return f"this file writes {ref.replace(EVERY_ITEM, '[...]')}.weight"
    container = comprehension_container((*facts.containers, *facts.sequentials), site.anchor())
    path = site.path_from_anchor()
    if container is not None and container.ref is not None and path is not None:
        ref = container.ref + EVERY_ITEM + path
        if (id(owner_scope(container.ref, container.function, container.owner_class, facts.module)), ref) in evidence.refs:
            return f"a loop over {container.ref} writes each item's weight"
    return ""


def _zipped(node: cst.For) -> List[Tuple[str, cst.BaseExpression]]:
    """``[("q", self.q_linears), ("w", self.w_linears)]`` for ``for q, w in zip(self.q_linears,
    self.w_linears):`` (LibRecommender's PinSage); [] for any other target."""
    target, iterated = node.target, node.iter
    if not (isinstance(target, cst.Tuple) and isinstance(iterated, cst.Call) and call_name(iterated.func) == "zip"):
        return []
    names = [element.value for element in target.elements]
    if len(names) != len(iterated.args) or not all(isinstance(n, cst.Name) for n in names):
        return []
    if any(arg.star or arg.keyword is not None for arg in iterated.args):
        return []
    return [(n.value, arg.value) for n, arg in zip(names, iterated.args)]


def _listing_containers(facts: Facts, ref: str, cls: Optional[cst.ClassDef]) -> List[str]:
    """The refs of the class's containers that list ``ref`` among their items
    (``self.layers = nn.ModuleList([self.q_in, self.p_out])``, recpack's MultiVAE): a loop over
    them writes this layer's weight too."""
    if cls is None or not ref.startswith("self."):
        return []
    found = []
    for container in (*facts.containers, *facts.sequentials):
        if container.owner_class is not cls or container.ref is None or not container.call.args:
            continue
        listed = container.call.args[0].value
        elements = listed.elements if isinstance(listed, (cst.List, cst.Tuple)) else container.call.args
        if any(ref_text(getattr(element, "value", None)) == ref for element in elements):
            found.append(container.ref)
    return found


def any_item_owner(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """``self.v[*]`` for ``self.v[i].weight`` (``.data``): the weight of an item of ``self.v`` taken
    by an index that is not a constant, in a write (an item appended in the same loop, usually)."""
    while isinstance(node, cst.Attribute) and node.attr.value == "data":
        node = node.value
    if not (isinstance(node, cst.Attribute) and node.attr.value == "weight" and isinstance(node.value, cst.Subscript)):
        return None
    item = node.value
    base = ref_text(item.value)
    return base + EVERY_ITEM if base is not None and len(item.slice) == 1 and ref_text(item) is None else None


def _item_written(ref: str, base: str, position: int, path: str) -> bool:
    """Whether a write on ``ref`` sets the ``position``-th item appended to ``base`` (or the layer
    at ``path`` inside it): ``self.v[0]`` the first; ``self.v[i]``, ``self.v[-1]`` each one
    (``self.v.append(nn.Linear(...)); nn.init.xavier_uniform_(self.v[i].weight)`` in a loop)."""
    if not ref.startswith(base + "[") or not ref.endswith(path):
        return False
    index = ref[len(base) + 1:len(ref) - len(path)]
    if not index.endswith("]") or "[" in index or "]" in index[:-1]:
        return False
    index = index[:-1].strip()
    return int(index) == position if index.isdigit() else True


def _containers_of(ref: str) -> List[str]:
    """``extra[0]``, ``extra`` for ``extra[0][0]``; ``self.head`` for ``self.head.fc``: the refs of
    what holds the layer (not ``self`` itself: an init helper handed ``self`` reaches instances,
    which the index answers for)."""
    found = []
    for cut in range(len(ref) - 1, 0, -1):
        if ref[cut] in ".[" and ref[:cut] != "self":
            found.append(ref[:cut])
    return found


def site_of(facts: Facts, owner: int, ref: str) -> Optional[LayerSite]:
    """The layer a ref (in a scope) names, if the file builds it."""
    index = facts._sites_by_ref
    if index is None:
        index = facts._sites_by_ref = {
            (id(owner_scope(r, site.function, site.owner_class, facts.module)), r): site
            for site in facts.sites
            for r in site.refs()
        }
    return index.get((owner, ref))
