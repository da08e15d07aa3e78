"""Data flow through a function body: which layer outputs reach which activations.

A small abstract interpreter: each local name holds the set of layer outputs (flows) it may
carry. ``x = self.fc(x)`` makes ``x`` carry fc's output; a later ``x = F.relu(x)`` is then a
follow; any other use (``x + y``, an unknown call) ends the flow. Branches merge by union.

A list being built (``layers.append(m)``, ``layers += [...]``) is the same thing seen from the
other side: its name carries the flows at its tail, and appending a module applies it.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from .. import catalog
from ..imports import dotted
from .collect import Facts
from .flows import NONE, Floored, FollowLog, Flows, Gated, Opening, Shifted, Squashed, apply, gated, rescaled, squashed
from .held import ACTIVATION, ANY, INSTANCE, LAYER, NORM, SEQUENTIAL, TRANSPARENT, Elements, Held, Resolver
from .written import is_two, squared_operand
from .literals import activation_params, bind_args, is_known, literal, parameter_default, parameter_names, ref_text
from .model import ActivationUse, LayerSite, OpenFollow
from .named import setting_equality
from .defaults import taken_at_default
from .comprehended import looped_items
from .walk import child_nodes, descendants

Env = Dict[str, Flows]


def _output_holder(func: cst.BaseExpression) -> bool:
    """``self.output_act``, ``self.final_activation``: named for the model's output nonlinearity."""
    return isinstance(func, cst.Attribute) and func.attr.value.lower().startswith(catalog.OUTPUT_ACTIVATION_HOLDERS)


def _merge(a: Env, b: Env) -> Env:
    return {name: a.get(name, NONE) | b.get(name, NONE) for name in a.keys() | b.keys()}


_LIST_EXTENDERS = ("append", "extend", "add_module")


class _Loop:
    """A loop over a container of modules: ``for i, layer in enumerate(self.layers)``, or over
    its indices, ``for i in range(len(self.layers))``: then ``self.layers[i]`` is the item."""

    def __init__(
        self, index: Optional[str], container: cst.BaseExpression, elements: Elements, all_but_last: bool = False
    ) -> None:
        self.index = index
        # ``for lin in self.lins[:-1]`` over items one construction stands for: every activation
        # in the body is for all of them but the last
        self.all_but_last = all_but_last
        self.container = ref_text(container)  # what the index subscripts (``self.layers``), if named
        self.item = Held(ANY, items=tuple((e, container) for e in elements.items))
        last = elements.last
        self.last_sites = frozenset({id(last.site)} if last is not None and last.kind == LAYER else ())
        # A comprehension's element stands for every item: its last instance is not a site of its own.
        self.repeated_sites = frozenset(
            id(e.site) for e in elements.items if last is None and e is not None and e.kind == LAYER
        )

    def indexed(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` is ``<container>[<index>]``."""
        if self.index is None or self.container is None or not isinstance(node, cst.Subscript):
            return False
        element = node.slice[0].slice if len(node.slice) == 1 else None
        return (
            isinstance(element, cst.Index)
            and isinstance(element.value, cst.Name)
            and element.value.value == self.index
            and ref_text(node.value) == self.container
        )


class MethodFlow:
    def __init__(
        self, facts: Facts, resolver: Resolver, log: FollowLog, method: cst.FunctionDef, methods: "_Methods"
    ) -> None:
        self.facts = facts
        self.resolver = resolver
        self.log = log
        self.method = method
        self.methods = methods
        self.cls = facts.enclosing_class.get(method)
        # A method of the class itself (not a function nested in one): its `self.<attr>(...)` calls
        # and forward's parameters are openings (see flows.Opening).
        self.own = self.cls if self.cls is not None and method in facts.methods.get(self.cls, ()) else None
        self.returning: Optional[cst.BaseExpression] = None
        self.modules: Dict[str, Held] = {}  # loop variables bound to a container's elements
        self.loops: List[_Loop] = []
        self.inner: Dict[str, Elements] = {}  # loop names bound to an item of a container of containers
        self.last_appended: Dict[str, Optional[ActivationUse]] = {}
        self.first_items: Dict[str, Optional[Held]] = {}  # a list's first module: where a prepended one flows
        self.squared: Set[int] = set()  # ids of calls whose result the code squares at once
        self.output_named: Set[int] = set()  # ids of uses called through an output-named attribute
        self.parameters = parameter_names(method)

    def run(self) -> None:
        self.block(self.method.body, self._inputs())

    def _inputs(self) -> Env:
        """forward's parameters after self, each carrying what a caller passes there."""
        if self.own is None or self.method.name.value != "forward":
            return {}
        params = self.method.params
        positional = [*params.posonly_params, *params.params][1:]
        return {
            param.name.value: frozenset({(Opening(self.own, "forward", position=i), False)})
            for i, param in enumerate(positional)
        }

    # ----------------------------------------------------------------- statements

    def block(self, block: cst.BaseSuite, env: Env) -> Env:
        for stmt in block.body:
            env = self.statement(stmt, env)
        return env

    def statement(self, stmt: cst.CSTNode, env: Env) -> Env:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                env = self.small(small, env)
            return env
        if isinstance(stmt, cst.If):
            self.expr(stmt.test, env)
            flag = self._flag_at_default(stmt.test)
            if flag is not None:  # `if batch_norm:` with batch_norm=True: the defaults take one arm
                arm = stmt.body if flag else stmt.orelse
                if isinstance(arm, cst.If):
                    return self.statement(arm, env)
                return self.block(arm if flag else arm.body, env) if arm is not None else env
            equality = setting_equality(stmt.test)
            with self._guard(stmt.test):
                if equality:  # under `if compression_factor == 12:` (held.Resolver.arms)
                    self.resolver.arms.append(equality)
                try:
                    taken = self.block(stmt.body, dict(env))
                finally:
                    if equality:
                        self.resolver.arms.pop()
            if self._holds_norm(stmt.test):  # `if self.norm:` with a norm built there: it runs
                return taken
            if isinstance(stmt.orelse, cst.If):
                other = self.statement(stmt.orelse, dict(env))
            elif isinstance(stmt.orelse, cst.Else):
                other = self.block(stmt.orelse.body, dict(env))
            else:
                other = env
            return _merge(taken, other)
        if isinstance(stmt, (cst.For, cst.While)):
            self.expr(stmt.iter if isinstance(stmt, cst.For) else stmt.test, env)
            chain = self._chain(stmt) if isinstance(stmt, cst.For) else None
            if chain is not None:  # the container applied in order, as a Sequential would be
                name, held = chain
                env = dict(env)
                env[name] = apply(held, env.get(name, NONE), self.log)
                return env
            loop = self._bind_loop(stmt) if isinstance(stmt, cst.For) else None
            if loop is not None:
                self.loops.append(loop)
            guarded = self.log.guarded
            if loop is not None and loop.all_but_last:
                self.log.guarded = guarded | loop.repeated_sites
            looped = self.block(stmt.body, dict(env))
            self.log.guarded = guarded
            if isinstance(stmt, cst.While):  # a for loop over modules or a range runs: what it rebinds is rebound
                looped = _merge(env, looped)
            if loop is not None:
                self.loops.pop()
            return self.block(stmt.orelse.body, looped) if stmt.orelse else looped
        if isinstance(stmt, cst.With):
            for item in stmt.items:
                self.expr(item.item, env)
            return self.block(stmt.body, env)
        if isinstance(stmt, cst.Try):
            env = self.block(stmt.body, env)
            for handler in stmt.handlers:
                env = _merge(env, self.block(handler.body, dict(env)))
            for extra in (stmt.orelse, stmt.finalbody):
                if extra is not None:
                    env = self.block(extra.body, env)
            return env
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return env
        self.walk(stmt, env)
        return env

    def small(self, node: cst.BaseSmallStatement, env: Env) -> Env:
        if isinstance(node, (cst.Assign, cst.AnnAssign)) and isinstance(node.value, (cst.List, cst.Tuple, cst.BinaryOperation)):
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            name = _list_name(targets[0]) if len(targets) == 1 else None
            if name is not None:  # layers = [conv, relu], or on self: self.linear = [fc, relu]
                env = dict(env)
                env[name] = self._list_value(node.value, env, name)
                return env
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            flows = self.expr(node.value, env) if node.value is not None else NONE
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            env = dict(env)
            for target in targets:
                if isinstance(target, cst.Name):
                    env[target.value] = flows
                else:
                    self._unbind(target, env)
            return env
        if isinstance(node, cst.AugAssign):
            env = dict(env)
            if isinstance(node.target, cst.Name) and isinstance(node.value, (cst.List, cst.Tuple)):
                name = node.target.value  # layers += [conv, relu]
                env[name] = self._extend(name, [e.value for e in node.value.elements], env.get(name, NONE), env)
                return env
            self.expr(node.value, env)
            carried = env.get(node.target.value, NONE) if isinstance(node.target, cst.Name) else NONE
            self._unbind(node.target, env)  # x += y: x no longer carries a pure layer output
            if carried and _rescales(node.operator) and self._constant(node.value):
                env[node.target.value] = rescaled(carried)  # ... but a head's result rescaled is still one
            return env
        if isinstance(node, cst.Return):
            if node.value is not None:
                self.returning = node.value
                # return mean, log_std: each element is an output of the model
                parts = _returned_parts(node.value, self.facts.imports)
                for part in parts:
                    flows = self.expr(part, env)
                    self._returned(flows)
                    if self.own is not None and self.method.name.value == "forward" and len(parts) == 1:
                        self.log.returned.setdefault(self.own, set()).update(
                            (site, via_norm) for site, via_norm in flows if isinstance(site, LayerSite)
                        )
                self.returning = None
            return env
        self.walk(node, env)
        return env

    def _constant(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` is a constant for this call of the method: a number, a module-level name,
        an attribute (``self.max_action``), arithmetic of those. Not an input or a local (a tensor)."""
        if is_known(literal(node)):
            return True
        if isinstance(node, cst.Attribute):
            return isinstance(node.value, (cst.Name, cst.Attribute)) and (
                getattr(node.value, "value", None) == "self" or self._constant(node.value)
            )
        if isinstance(node, cst.Name):
            return node.value not in self.facts.locals.get(self.method, {}) and node.value not in self.parameters
        if isinstance(node, cst.BinaryOperation):
            return self._constant(node.left) and self._constant(node.right)
        if isinstance(node, cst.UnaryOperation):
            return self._constant(node.expression)
        return False

    def _returned(self, flows: Flows) -> None:
        """``flows`` reach the return: a head activation's result among them is the output range,
        and so is any activation's that an output-named attribute (``self.output_act``) applied, or
        that the forward of a class named for a mask returns (``MaskNet``)."""
        masking = (
            self.own is not None and self.method.name.value == "forward" and catalog.MASK_CLASS.search(self.own.name.value)
        )
        for source, _ in flows:
            if isinstance(source, Floored):
                self.log.mark_head(source.use, any_activation=True, sites=source.sites)
            elif isinstance(source, Squashed):
                self.log.mark_head(source.use, any_activation=bool(masking) or id(source.use) in self.output_named)

    def _unbind(self, target: cst.BaseExpression, env: Env) -> None:
        if isinstance(target, cst.Name):
            env[target.value] = NONE
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._unbind(element.value, env)
        else:
            self.walk(target, env)

    # ---------------------------------------------------------------- expressions

    def expr(self, node: cst.BaseExpression, env: Env) -> Flows:
        if isinstance(node, cst.Name):
            return env.get(node.value, NONE)
        if isinstance(node, cst.Call):
            return self.call(node, env)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            # [F.elu(head(x)) for head in self.heads.values()]: the element, once per container item
            comp = node.for_in
            self.expr(comp.iter, env)
            loop = self._bind_target(comp.target, comp.iter)
            self.loops += [loop] if loop is not None else []
            self.expr(node.elt, env)
            self.loops = self.loops[:-1] if loop is not None else self.loops
            return NONE
        if (
            isinstance(node, cst.BinaryOperation)
            and isinstance(node.operator, cst.Power)
            and is_two(node.right)
            and isinstance(node.left, cst.Call)
        ):
            self.squared.add(id(node.left))  # relu(h) ** 2
        if isinstance(node, cst.BinaryOperation):
            left, right = self.expr(node.left, env), self.expr(node.right, env)
            if not _rescales(node.operator):
                return NONE
            floor = right if _positive(node.right) else left if _positive(node.left) else None
            if isinstance(node.operator, cst.Add) and floor is not None:  # self.act(x) + 1e-8: a positive scale
                other = left if floor is right else right
                floored = frozenset((Floored(s.use, s.sites), False) for s, _ in other if isinstance(s, Squashed) and s.sites)
                if floored:
                    return floored
            if self._constant(node.right):
                return rescaled(left)
            if self._constant(node.left):
                return rescaled(right)
            if type(node.operator).__name__ in catalog.SHIFTING_OPERATORS:
                # action + scale * tanh(...): an output again once clamped (see _bounded); a gated
                # candidate stays one ((1 - z) * h + z * tanh(...))
                return frozenset(
                    (s if isinstance(s, Gated) else Shifted(s.use), False) for s, _ in _heads(left) | _heads(right)
                )
            if isinstance(node.operator, cst.Multiply):  # z * tanh(...), with z a sigmoid's result
                return gated(left, right) or gated(right, left) or _masked(left, right) or _masked(right, left)
            return NONE
        if isinstance(node, cst.UnaryOperation):
            operand = self.expr(node.expression, env)
            return rescaled(operand) if _rescales(node.operator) else NONE
        if isinstance(node, cst.Subscript):
            # self.conv(x)[..., :n], self.fc(x)[:, 0]: a layer's output is one tensor, and a slice
            # or an index of it keeps its scale. (A tuple comes from a non-layer: its flows end.)
            for element in node.slice:
                self.walk(element, env)
            flows = self.expr(node.value, env)
            # A slice of what a caller passes in (x[..., :half] in a SwiGLU module) is part of a
            # gated unit, not the caller's whole output: the caller's layer is not followed by it.
            return frozenset(flow for flow in flows if not (isinstance(flow[0], Opening) and flow[0].position is not None))
        if isinstance(node, cst.Dict):
            # ret = {"logit": {"mu": mu, "sigma": self.act(x) + 1e-8}}; return ret: the activations'
            # results it holds are what the model hands out (a layer's output in it ends there)
            found = NONE
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self.expr(element.key, env)
                    found |= _heads(self.expr(element.value, env))
                else:  # **other: what it holds is not known here
                    self.expr(element.value, env)
            return found
        if isinstance(node, cst.IfExp):
            self.expr(node.test, env)
            with self._guard(node.test):
                body = self.expr(node.body, env)
            orelse = self.expr(node.orelse, env)
            present = self._module_present(node.test)
            # out = self.norm1(out) if self.norm1 else out, with the default building the norm
            return body if present else orelse if present is False else body | orelse
        self.walk(node, env)
        return NONE

    def walk(self, node: cst.CSTNode, env: Env) -> None:
        """Visit sub-expressions for the layer calls inside them; their outputs end here."""
        for child in child_nodes(node):
            if isinstance(child, cst.BaseExpression):
                self.expr(child, env)
            elif not isinstance(child, (cst.BaseSuite, cst.FunctionDef, cst.ClassDef)):
                self.walk(child, env)

    def call(self, node: cst.Call, env: Env) -> Flows:
        operand = squared_operand(node, self.facts.imports)
        if isinstance(operand, cst.Call):
            self.squared.add(id(operand))
        func = node.func
        receiver = _list_name(func.value) if isinstance(func, cst.Attribute) and func.attr.value in _LIST_EXTENDERS else None
        if receiver is not None and (func.attr.value == "add_module" or receiver in env or "." not in receiver):
            # layers.append(m); on self, a list this method started (self.linear.append(fc)) or
            # a container (self.encoder.add_module("fc0", nn.Linear(...)), then ("act0", act))
            if self._list_operation(node, receiver, func.attr.value, env):
                return NONE
        for arg in node.args:
            star = _list_name(arg.value) if arg.star == "*" else None
            if star is not None:  # nn.Sequential(*layers): its end is known
                use = self.last_appended.get(star)
                if use is not None and not self._guarded_in_loop(use):
                    self.log.mark_head(use)
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        # F.relu(input=h): torch's functions name their tensor argument `input`
        named = [arg for arg in node.args if arg.keyword is not None and arg.keyword.value == "input"]
        first = positional[0].value if positional else named[0].value if named else None
        held = self.callee(node)
        opening = self._opening(node.func, held)
        if held is not None:
            if id(node) in self.squared and held.kind == ACTIVATION:
                held = Held(ACTIVATION, use=_squared(held.use))
            if held.kind == ACTIVATION and _output_holder(node.func):
                self.output_named.add(id(held.use))
            flows = self.expr(first, env) if first is not None else NONE
            if held.at_defaults:  # if swiglu: self.w_in = Linear(d, 2h); self.act = Identity() / else: ...
                flows = frozenset(f for f in flows if not (isinstance(f[0], LayerSite) and self.facts.skipped_at_defaults(f[0].call)))
            children = _instance_classes(held)
            if children:
                self._into_children(node, children, flows, env)
            else:
                self._rest(node, first, env)
            return apply(held, flows, self.log, at_end=node is self.returning) | opening
        sites = self.resolver.layer_sites(node.func, self.method, self.cls) if self.cls else []
        if sites:  # an attribute that holds one of several layers (if/else in __init__)
            self._rest(node, None, env)
            return frozenset((site, False) for site in sites) | opening
        if opening:
            self._rest(node, None, env)
            return opening
        func = node.func
        called = self._called_parameter(func)
        if called:  # W(node_vec) in a helper handed W: where its output goes, W's callers learn
            self._rest(node, None, env)
            return called
        if isinstance(func, cst.Name):
            self._into_helper(node, func)
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            activation = catalog.ACTIVATION_METHODS.get(method)
            if activation is not None:
                flows = self.expr(func.value, env)
                self._rest(node, None, env)
                use = ActivationUse(activation, node, dict(activation.params))
                if id(node) in self.squared:
                    use = _squared(use)
                self.log.emit(flows, use, head=node is self.returning)
                return squashed(use, flows)
            if method in catalog.BOUNDING_METHODS:  # (...).clamp(-1, 1): a head's result stays one
                flows = self.expr(func.value, env)
                self._rest(node, None, env)
                return _bounded(flows)
            if method in catalog.TRANSPARENT_METHODS:
                flows = self.expr(func.value, env)
                self._rest(node, None, env)
                return flows
        self.expr(func, env)
        self._rest(node, None, env)
        return NONE

    def _opening(self, func: cst.BaseExpression, held: Optional[Held]) -> Flows:
        """``self.<attr>(...)`` in a method of the class: an opening, unless the attribute holds
        something other than a layer here (a subclass may build a layer there: Facts.attr_follows)."""
        if (
            self.own is None
            or not isinstance(func, cst.Attribute)
            or not isinstance(func.value, cst.Name)
            or func.value.value != "self"
            or (held is not None and held.kind not in (LAYER, ANY))
            or any(m.name.value == func.attr.value for m in self.facts.methods.get(self.own, ()))
        ):
            return NONE
        return frozenset({(Opening(self.own, self.method.name.value, attr=func.attr.value), False)})

    def _called_parameter(self, func: cst.BaseExpression) -> Flows:
        """``W(x)`` in a module-level function whose parameter ``W`` (with no default) is called:
        an opening, keyed by the function (Facts.attr_follows), that ``_into_helper`` closes."""
        if (
            self.cls is not None
            or not isinstance(func, cst.Name)
            or func.value not in self.parameters
            or parameter_default(self.method, func.value) is not None
            or self.facts.locals.get(self.method, {}).get(func.value)
        ):
            return NONE
        return frozenset({(Opening(self.method, self.method.name.value, attr=func.value), False)})

    def _into_helper(self, node: cst.Call, func: cst.Name) -> None:
        """``node_aggregate(h, self.embedding, self.W)`` with ``def node_aggregate(h, emb, W): ...
        return nn.ReLU()(W(v))`` in the file (dive-into-graphs' JTNN encoder): the layer handed in
        is followed by what the helper feeds ``W(...)`` into."""
        helper = self.resolver.module_function(func)
        if helper is None or helper is self.method:
            return
        self.methods.run(helper)
        opened = self.log.attr_follows.get(helper, {})
        if not opened:
            return
        names = [p.name.value for p in (*helper.params.posonly_params, *helper.params.params)]
        for position, arg in enumerate(node.args):
            if arg.star:
                break
            name = arg.keyword.value if arg.keyword is not None else names[position] if position < len(names) else None
            for follow in opened.get(name, ()) if name is not None else ():
                for site in self.resolver.layer_sites(arg.value, self.method, self.cls):
                    self.log.add(site, follow.use, follow.via_norm, follow.head)

    def _into_children(self, node: cst.Call, children: List[cst.ClassDef], first: Flows, env: Env) -> None:
        """``block(h, emb)`` on modules of same-file classes: what reaches each of their forward's
        parameters goes where that parameter goes first (Facts.param_follows)."""
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        passed = {0: first} if positional else {}
        for i, arg in enumerate(positional[1:], start=1):
            passed[i] = self.expr(arg.value, env)
        keywords = {arg.keyword.value: self.expr(arg.value, env) for arg in node.args if arg.keyword is not None}
        for arg in node.args:
            if arg.star:
                self.expr(arg.value, env)
        for child in children:
            follows, names = self.methods.param_follows(child)
            for name, flows in keywords.items():
                if name in names:
                    passed[names.index(name)] = flows
            for position, flows in passed.items():
                for follow in follows.get(position, ()):
                    self.log.emit(flows, follow.use, via_norm=follow.via_norm)

    def _rest(self, node: cst.Call, skip: Optional[cst.BaseExpression], env: Env) -> None:
        for arg in node.args:
            if arg.value is not skip:
                self.expr(arg.value, env)

    def callee(self, node: cst.Call) -> Optional[Held]:
        """What ``node.func`` applies: a torch function or a module held by name or built inline."""
        qualified = self.facts.imports.resolve(node.func)
        if qualified is not None:
            function = catalog.ACTIVATION_FUNCTIONS.get(qualified)
            if function is not None:
                activation, names = function
                params, unresolved = activation_params(activation, bind_args(node.args, names, skip=1))
                return Held(ACTIVATION, use=ActivationUse(activation, node, params, unresolved))
            if qualified in catalog.NORM_FUNCTIONS:
                return Held(NORM)
            if qualified in catalog.TRANSPARENT_FUNCTIONS:
                return Held(TRANSPARENT)
            return None
        if isinstance(node.func, cst.Name) and node.func.value in self.modules:
            return self.modules[node.func.value]
        for loop in reversed(self.loops):
            if loop.indexed(node.func):  # self.layers[i](x) in a loop over the indices of self.layers
                return loop.item
        held = self.resolver.held(node.func, self.method, self.cls)
        if held is None and self.cls is not None and isinstance(node.func, cst.Attribute) and dotted(node.func.value) == "self":
            return self.resolver.helper_method(self.cls, node.func.attr.value, node)  # self.gelu(h)
        return held

    # ------------------------------------------------------------------------ lists

    def _list_operation(self, node: cst.Call, name: str, operation: str, env: Env) -> bool:
        """``layers.append(m)``, ``layers.extend([...])``, ``seq.add_module("k", m)``: True if handled."""
        args = [arg.value for arg in node.args]
        if operation == "append" and len(args) == 1:
            items = args
        elif operation == "extend" and len(args) == 1 and isinstance(args[0], (cst.List, cst.Tuple)):
            items = [element.value for element in args[0].elements]
        elif operation == "add_module" and len(args) == 2:
            items = args[1:]
        else:
            return False
        env[name] = self._extend(name, items, env.get(name, NONE), env)
        return True

    def _list_value(self, value: cst.BaseExpression, env: Env, name: str) -> Flows:
        """``[conv, relu]``, ``layers + [conv, relu]`` or ``[conv, relu] + layers`` assigned to a name."""
        if isinstance(value, (cst.List, cst.Tuple)):
            items = [e.value for e in value.elements]
            first = items[0] if items and not isinstance(items[0], cst.StarredElement) else None
            self.first_items[name] = self.resolver.held(first, self.method, self.cls) if first is not None else None
            return self._extend(name, items, NONE, env)
        if (
            isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and isinstance(value.left, (cst.List, cst.Tuple))
            and isinstance(value.right, cst.Name)
            and value.right.value in self.first_items
        ):
            rest = value.right.value
            last, following = self.last_appended.get(rest), self.first_items[rest]
            apply(following, self._list_value(value.left, env, name), self.log)  # into the old first item
            self.last_appended[name] = last
            return env.get(rest, NONE)
        if (
            isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and isinstance(value.right, (cst.List, cst.Tuple))
        ):
            head = self._list_value(value.left, env, name) if not isinstance(value.left, cst.Name) else env.get(value.left.value, NONE)
            return self._extend(name, [e.value for e in value.right.elements], head, env)
        return self.expr(value, env)  # not a list after all (`relu(h) ** 2`): an expression like any other

    def _guarded_in_loop(self, use: ActivationUse) -> bool:
        """An activation appended in a loop under a guard (``if i < n - 1:``, or after ``if
        is_last: continue``): the all-but-last pattern, so the list ends in what came before it."""
        node = use.node
        return id(node) in self.facts.appended_in_loop and id(node) in self.facts.appended_under_if

    def _extend(self, name: str, items: List[cst.BaseExpression], tail: Flows, env: Env) -> Flows:
        for item in items:
            if isinstance(item, cst.StarredElement):
                tail = NONE
                continue
            held = self.resolver.held(item, self.method, self.cls)
            if held is None:
                self.expr(item, env)
            guarded = self.log.guarded
            if held is not None and held.kind == ACTIVATION and self._guarded_in_loop(held.use):
                # the layers before it get it in every iteration but the last: an init written at
                # the layer's construction would reach the last one too (edits: not auto-fixed)
                self.log.guarded = guarded | {id(site) for site, _ in tail if isinstance(site, LayerSite)}
            tail = apply(held, tail, self.log)
            self.log.guarded = guarded
            self.last_appended[name] = held.use if held is not None and held.kind == ACTIVATION else None
        return tail

    # ------------------------------------------------------------------------ loops

    def _chain(self, node: cst.For) -> Optional[Tuple[str, Held]]:
        """``for layer in self.layers: x = layer(x)`` and nothing else: each item's output goes
        into the next, as in a Sequential of the items (a ModuleList filled by ``append``)."""
        body = node.body.body
        if node.orelse or len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
            return None
        assign = body[0].body[0]
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or not isinstance(node.target, cst.Name):
            return None
        target, call = assign.targets[0].target, assign.value
        if not (
            isinstance(target, cst.Name)
            and isinstance(call, cst.Call)
            and isinstance(call.func, cst.Name)
            and call.func.value == node.target.value
            and len(call.args) == 1
            and call.args[0].keyword is None
            and not call.args[0].star
            and isinstance(call.args[0].value, cst.Name)
            and call.args[0].value.value == target.value
        ):
            return None
        elements = self.resolver.elements(node.iter, self.method, self.cls)
        if not elements or elements.last is None:  # a comprehension's one element stands for all
            return None
        return target.value, Held(SEQUENTIAL, items=tuple((item, node.iter) for item in elements.items))

    def _bind_loop(self, node: cst.For) -> Optional[_Loop]:
        return self._bind_target(node.target, node.iter)

    def _bind_target(self, target: cst.BaseExpression, iterated: cst.BaseExpression) -> Optional[_Loop]:
        """``for layer in self.layers`` / ``for i, layer in enumerate(...)`` / ``.items()`` /
        ``for i in range(len(self.layers))``."""
        counted = _counted(iterated)
        if counted is not None and isinstance(target, cst.Name):
            elements = self.resolver.elements(counted, self.method, self.cls)
            return _Loop(target.value, counted, elements) if elements else None
        index = None
        if _is_builtin_call(iterated, "zip") and isinstance(target, cst.Tuple):
            # for c1, c2, gamma in zip(self.convs1, self.convs2, self.gamma): each name an item of its own
            bound = None
            for name, zipped in zip(target.elements, iterated.args):
                if isinstance(name.value, cst.Name) and not zipped.star and zipped.keyword is None:
                    elements = self.resolver.elements(zipped.value, self.method, self.cls)
                    if elements:
                        bound = bound or _Loop(None, zipped.value, elements)
                        self.modules[name.value.value] = _Loop(None, zipped.value, elements).item
                    self._bind_inner(name.value.value, zipped.value)
            return bound
        if isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Name) and iterated.func.value == "enumerate":
            if not iterated.args or not isinstance(target, cst.Tuple) or len(target.elements) != 2:
                return None
            iterated = iterated.args[0].value
            first, target = target.elements[0].value, target.elements[1].value
            index = first.value if isinstance(first, cst.Name) else None
        elif isinstance(target, cst.Tuple) and len(target.elements) == 2:  # for name, layer in d.items()
            target = target.elements[1].value
        if not isinstance(target, cst.Name):
            return None
        container = looped_items(iterated)  # self.lins[:-1]: every item but the last
        if container is None:
            return None
        if isinstance(container, cst.Name) and container.value in self.inner:
            elements = self.inner[container.value]  # for layer in stack, stack an item of self.band_convs
        else:
            self._bind_inner(target.value, container)
            elements = self.resolver.elements(container, self.method, self.cls)
        if not elements:
            return None
        all_but_last = container is not iterated
        last = self.resolver.last_appended(container, self.cls) if all_but_last else None
        if last == "arm":
            return None  # if num_layers == 1: the one item is the last, and the loop visits nothing
        if last == "loop":
            elements = Elements(elements.items, None)  # its last construction stands for the last item too
        elif all_but_last and elements.last is not None:  # the last item is certain: leave it out
            kept = elements.items[:-1]
            elements = Elements(kept, kept[-1] if kept else None)
            if not kept:
                return None
        loop = _Loop(index, container, elements, all_but_last)
        self.modules[target.value] = loop.item
        return loop

    def _bind_inner(self, name: str, container: cst.BaseExpression) -> None:
        """``name`` is an item of ``container``: if that holds containers, what a loop over
        ``name`` visits (Resolver.inner_elements)."""
        inner = self.resolver.inner_elements(container, self.method, self.cls)
        if inner is not None:
            self.inner[name] = inner
        else:
            self.inner.pop(name, None)

    def _flag_at_default(self, test: cst.BaseExpression) -> Optional[bool]:
        """A bool setting's value at its default: ``batch_norm`` / ``self.batch_norm`` / ``not ...``
        where the parameter (of this method, or the one ``__init__`` stores) defaults to True or
        False and nothing rebinds it; None for any other test."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self._flag_at_default(test.expression)
            return None if inner is None else not inner
        scope = self.method
        if isinstance(test, cst.Attribute) and self.cls is not None:
            values = self.resolver._bound_values(test, self.method, self.cls)
            if len(values) != 1:
                return None
            value = values[0]
            scope = self.facts.value_scope.get(id(value))
            value_flag = literal(value)
            if isinstance(value_flag, bool):
                return value_flag
            test = value
        return taken_at_default(test, scope, self.facts.locals.get(scope, {}))

    def _holds_norm(self, test: cst.BaseExpression) -> bool:
        """``self.norm`` / ``self.norm is not None`` where ``self.norm`` holds a norm layer at the
        defaults (``build_norm("bn2d")``): true, so nothing skips the norm."""
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            if not (isinstance(target.operator, cst.IsNot) and isinstance(target.comparator, cst.Name)
                    and target.comparator.value == "None"):
                return False
            test = test.left
        if not (isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) and test.value.value == "self"):
            return False
        held = self.resolver.held(test, self.method, self.cls) if self.cls is not None else None
        return held is not None and held.kind == NORM

    def _module_present(self, test: cst.BaseExpression) -> Optional[bool]:
        """For ``self.x`` / ``self.x is not None`` as a test: whether ``__init__`` at the defaults
        binds ``self.x`` to a module (True), to None only (False), or either or unknown (None);
        pytorch-frame's ``if normalization == "layer_norm": self.norm1 = LayerNorm(...)``."""
        attribute, negated = test, False
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            if not (isinstance(target.comparator, cst.Name) and target.comparator.value == "None"):
                return None
            if not isinstance(target.operator, (cst.Is, cst.IsNot)):
                return None
            attribute, negated = test.left, isinstance(target.operator, cst.Is)
        if self.cls is None or not (
            isinstance(attribute, cst.Attribute) and isinstance(attribute.value, cst.Name) and attribute.value.value == "self"
        ):
            return None
        values = self.facts.class_attrs.get(self.cls, {}).get(attribute.attr.value, [])
        taken = [v for v in values if not self.facts.skipped_at_defaults(v)]
        if not taken:
            return None
        if all(isinstance(v, cst.Name) and v.value == "None" for v in taken):
            present = False
        elif all(isinstance(v, cst.Call) for v in taken):
            present = True
        else:
            return None
        return (not present) if negated else present

    @contextmanager
    def _guard(self, test: cst.BaseExpression):
        """Inside ``if i < len(self.layers) - 1``: the loop's last layer does not get here."""
        excluded, guarded, masking = self.log.excluded, self.log.guarded, self.log.masking
        self.log.masking = masking or _tests_mask_setting(test)
        for loop in self.loops:
            if loop.index is not None and _mentions(test, loop.index):
                self.log.excluded = excluded | loop.last_sites
                self.log.guarded = guarded | loop.repeated_sites
        try:
            yield
        finally:
            self.log.excluded, self.log.guarded, self.log.masking = excluded, guarded, masking


def _tests_mask_setting(test: cst.BaseExpression) -> bool:
    """``self.mask_nonlinear == "relu"``: a test on a setting that chooses an output mask's nonlinearity."""
    return isinstance(test, cst.Comparison) and bool(catalog.MASK_SETTING.search(dotted(test.left) or ""))


def _counted(iterated: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """``X`` in ``range(len(X))``: a loop over the indices of a container."""
    if not _is_builtin_call(iterated, "range") or len(iterated.args) != 1:
        return None
    length = iterated.args[0].value
    if not _is_builtin_call(length, "len") or len(length.args) != 1:
        return None
    return length.args[0].value


def _is_builtin_call(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name


def _rescales(operator: cst.CSTNode) -> bool:
    return type(operator).__name__.replace("Assign", "") in catalog.RESCALING_OPERATORS


def _squared(use: ActivationUse) -> ActivationUse:
    """The use of the squared activation (ReLU -> ReLUSquared), when initlint knows it."""
    squared = catalog.SQUARED.get(use.activation.name)
    if squared is None:
        return use
    return dataclasses.replace(use, activation=squared, params={}, unresolved=())


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in descendants(node))


def _instance_classes(held: Held) -> List[cst.ClassDef]:
    """The same-file classes whose modules ``held`` may be (one, or items of a ModuleList)."""
    if held.kind == INSTANCE:
        return [held.cls]
    if held.kind == ANY:
        return [item.cls for item, _ in held.items if item is not None and item.kind == INSTANCE]
    return []


_MAX_NESTED = 8  # modules of same-file classes inside modules of same-file classes ...


class _Methods:
    """Runs each function's data flow once; a class's forward first when a caller needs to know
    where its parameters go (whatever the order of the classes in the file)."""

    def __init__(self, facts: Facts, resolver: Resolver, log: FollowLog) -> None:
        self.facts = facts
        self.resolver = resolver
        self.log = log
        self.started: Set[int] = set()
        self.nested = 0  # forwards run on behalf of a caller, one inside the other

    def run(self, function: cst.FunctionDef) -> None:
        if id(function) in self.started:
            return  # done, or running further up (a cycle): what it found so far stands
        self.started.add(id(function))
        excluded, self.log.excluded = self.log.excluded, frozenset()  # a caller's guard is its own
        guarded, self.log.guarded = self.log.guarded, frozenset()
        masking, self.log.masking = self.log.masking, False
        try:
            MethodFlow(self.facts, self.resolver, self.log, function, self).run()
        finally:
            self.log.excluded, self.log.guarded, self.log.masking = excluded, guarded, masking

    def param_follows(self, cls: cst.ClassDef) -> Tuple[Dict[int, List[OpenFollow]], List[str]]:
        """Where the forward of ``cls`` (its own or inherited in the file) sends each parameter,
        and the names of its parameters after self."""
        found = self.resolver.method_of(cls, "forward")
        if found is None:
            return {}, []
        owner, forward = found
        if self.nested < _MAX_NESTED:  # deeper: what is known so far (the stack is finite)
            self.nested += 1
            try:
                self.run(forward)
            finally:
                self.nested -= 1
        params = forward.params
        names = [param.name.value for param in (*params.posonly_params, *params.params)][1:]
        return self.log.param_follows.get(owner, {}), names


def method_follows(facts: Facts, resolver: Resolver, log: FollowLog) -> None:
    methods = _Methods(facts, resolver, log)
    for function in facts.functions:
        if facts.enclosing_class.get(function) is not None and catalog.FUSED_FORWARD.search(function.name.value):
            continue  # a fused inference path: the norm's folded weights, not torch's default
        methods.run(function)
    inherited_follows(facts, resolver, log)
    facts.attr_follows = log.attr_follows
    facts.param_follows = log.param_follows


def inherited_follows(facts: Facts, resolver: Resolver, log: FollowLog) -> None:
    """A class that builds ``self.<attr>`` as a layer, where a method it inherits in the file feeds
    ``self.<attr>(...)`` into an activation: its layer is followed by it. And a layer an ancestor
    builds, fed into one by a subclass's method: reported, its fix left to a person."""
    for cls, attrs in facts.class_attrs.items():
        ancestors = resolver.ancestors(cls) if cls.bases else []
        for ancestor in ancestors:
            for attr, follows in log.attr_follows.get(ancestor, {}).items():
                if attr not in attrs:
                    continue
                sites = resolver.layer_sites(_self_attribute(attr), cls, cls)
                for follow in follows:
                    found = resolver.method_of(cls, follow.method)
                    if found is None or found[0] is not ancestor:
                        continue  # overridden on the way down: that method has its own flow
                    for site in sites:
                        log.add(site, follow.use, follow.via_norm, follow.head)
    for cls, attrs in facts.class_attrs.items():
        # The other way round: a subclass's method feeds self.<attr>(...) into an activation where
        # only an ancestor in the file builds it (pytorchts' NBEATSGenericBlock.forward does
        # F.relu(self.theta_b_fc(x)); NBEATSBlock.__init__ builds theta_b_fc).
        ancestors = resolver.ancestors(cls) if cls.bases else []
        for attr, follows in log.attr_follows.get(cls, {}).items():
            builder = next((a for a in ancestors if attr in facts.class_attrs.get(a, ())), None)
            if attr in attrs or builder is None:
                continue
            for follow in follows:
                why = (
                    f"the activation follows in {cls.name.value}.{follow.method} only: an init here "
                    f"reaches every class that inherits {builder.name.value}"
                )
                for site in resolver.layer_sites(_self_attribute(attr), builder, builder):
                    log.add(site, follow.use, follow.via_norm, follow.head, unfixed=why)


def _self_attribute(attr: str) -> cst.Attribute:
    return cst.Attribute(value=cst.Name("self"), attr=cst.Name(attr))


def _bounded(flows: Flows) -> Flows:
    """``(...).clamp(lo, hi)``: a head's result, shifted or not, is the output range again."""
    return frozenset((Squashed(s.use), False) for s, _ in flows if isinstance(s, (Squashed, Shifted)))


def _masked(state: Flows, mask: Flows) -> Flows:
    """``h * mask``: a gated cell's state times a tensor that carries no module's output (a
    padding mask, or what the caller passes) is still that state."""
    plain = all(isinstance(source, Opening) for source, _ in mask)
    if state and plain and all(isinstance(source, Gated) for source, _ in state):
        return state
    return NONE


def _heads(flows: Flows) -> Flows:
    """Only the head activations' results among ``flows`` (a layer's output mixed in ends there)."""
    return frozenset(flow for flow in flows if isinstance(flow[0], Squashed))


def _positive(node: cst.BaseExpression) -> bool:
    value = literal(node)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _list_name(node: cst.BaseExpression) -> Optional[str]:
    """The name a list of layers is kept under while a method fills it: a local (``layers``) or
    an attribute of ``self`` (``self.linear``, ``self.encoder``)."""
    if isinstance(node, cst.Name):
        return node.value
    text = dotted(node) if isinstance(node, cst.Attribute) else None
    return text if text is not None and text.startswith("self.") else None


def _returned_parts(value: cst.BaseExpression, imports) -> List[cst.BaseExpression]:
    """What a return statement hands out: the elements of ``return mean, log_std`` (or of a
    list), the values of ``return {"feature": tanh(h), ...}`` (or ``dict(feature=...)``), the
    arguments of ``return ActionOutput(mu, torch.tanh(mu), logstd)`` (a result class, by its
    capitalised name, not torch's), else the value itself."""
    if isinstance(value, (cst.Tuple, cst.List)):
        return [e.value for e in value.elements]
    if isinstance(value, cst.Dict):
        return [e.value for e in value.elements if isinstance(e, cst.DictElement)]
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
        return [arg.value for arg in value.args if arg.keyword is not None]
    if isinstance(value, cst.Call) and imports.resolve(value.func) is None:
        func = value.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        base = func.value if isinstance(func, cst.Attribute) else None
        if name[:1].isupper() and not (isinstance(base, cst.Name) and base.value == "self"):
            return [arg.value for arg in value.args]
    return [value]

