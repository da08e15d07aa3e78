"""Data flow through a method body: which layer outputs reach which activations.

A small abstract interpreter: each local name holds the set of layer outputs (flows) it may
carry. ``x = self.fc(x)`` makes ``x`` carry fc's output; a later ``x = F.relu(x)`` is then a
follow; any other use (``x + y``, an unknown call) ends the flow. Branches merge by union.
"""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from .. import catalog
from .collect import Facts
from .flows import NONE, FollowLog, Flows, apply
from .held import ACTIVATION, NORM, TRANSPARENT, Held, Resolver
from .literals import activation_params, bind_args
from .model import ActivationUse

Env = Dict[str, Flows]


def _merge(a: Env, b: Env) -> Env:
    return {name: a.get(name, NONE) | b.get(name, NONE) for name in a.keys() | b.keys()}


class MethodFlow:
    def __init__(self, facts: Facts, resolver: Resolver, log: FollowLog, method: cst.FunctionDef) -> None:
        self.facts = facts
        self.resolver = resolver
        self.log = log
        self.method = method
        self.cls = facts.enclosing_class.get(method)
        self.returning: Optional[cst.BaseExpression] = None

    def run(self) -> None:
        self.block(self.method.body, {})

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
            taken = self.block(stmt.body, dict(env))
            if isinstance(stmt.orelse, cst.If):
                other = self.statement(stmt.orelse, dict(env))
            elif isinstance(stmt.orelse, cst.Else):
                other = self.block(stmt.orelse.body, dict(env))
            else:
                other = env
            return _merge(taken, other)
        if isinstance(stmt, (cst.For, cst.While)):
            self.expr(stmt.iter if isinstance(stmt, cst.For) else stmt.test, env)
            looped = _merge(env, self.block(stmt.body, dict(env)))
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
            self.expr(node.value, env)
            env = dict(env)
            self._unbind(node.target, env)  # x += y: x no longer carries a pure layer output
            return env
        if isinstance(node, cst.Return):
            if node.value is not None:
                self.returning = node.value
                self.expr(node.value, env)
                self.returning = None
            return env
        self.walk(node, env)
        return env

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
        if isinstance(node, cst.IfExp):
            self.expr(node.test, env)
            return self.expr(node.body, env) | self.expr(node.orelse, env)
        self.walk(node, env)
        return NONE

    def walk(self, node: cst.CSTNode, env: Env) -> None:
        """Visit sub-expressions for the layer calls inside them; their outputs end here."""
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.expr(child, env)
            elif not isinstance(child, (cst.BaseSuite, cst.FunctionDef, cst.ClassDef)):
                self.walk(child, env)

    def call(self, node: cst.Call, env: Env) -> Flows:
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        first = positional[0].value if positional else None
        held = self.callee(node)
        if held is not None:
            flows = self.expr(first, env) if first is not None else NONE
            self._rest(node, first, env)
            return apply(held, flows, self.log, at_end=node is self.returning)
        sites = self.resolver.layer_sites(node.func, self.method, self.cls) if self.cls else []
        if sites:  # an attribute that holds one of several layers (if/else in __init__)
            self._rest(node, None, env)
            return frozenset((site, False) for site in sites)
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            activation = catalog.ACTIVATION_METHODS.get(method)
            if activation is not None:
                flows = self.expr(func.value, env)
                self._rest(node, None, env)
                use = ActivationUse(activation, node, dict(activation.params))
                self.log.emit(flows, use, head=node is self.returning)
                return NONE
            if method in catalog.TRANSPARENT_METHODS:
                flows = self.expr(func.value, env)
                self._rest(node, None, env)
                return flows
        self.expr(func, env)
        self._rest(node, None, env)
        return NONE

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
        return self.resolver.held(node.func, self.method, self.cls)


def method_follows(facts: Facts, resolver: Resolver, log: FollowLog) -> None:
    for methods in facts.methods.values():
        for method in methods:
            if method.name.value != "__init__":
                MethodFlow(facts, resolver, log, method).run()
