"""One pass over the module: layer constructions, containers, module attributes, init evidence."""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from .. import catalog
from ..imports import ImportTable
from .literals import activation_params, bind_args, ref_text, weight_owner
from .model import ActivationUse, Construct, LayerSite, Scope, owner_scope

# Inside these, hoisting a construction out to a statement of its own would change when (or
# whether) it runs, so the fix cannot bind it to a name.
_UNHOISTABLE = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.IfExp, cst.BooleanOperation)
_OPAQUE_STATEMENT = (cst.BaseCompoundStatement, cst.SimpleStatementSuite)


class Facts:
    """Everything the rules need to know about one module."""

    def __init__(self, module: cst.Module, imports: ImportTable) -> None:
        self.module = module
        self.imports = imports
        self.sites: List[LayerSite] = []
        self.constructs: Dict[int, Construct] = {}  # id(call) -> layer site or container
        self.sequentials: List[Construct] = []
        self.modules: Dict[int, Tuple[str, Optional[ActivationUse]]] = {}  # id(call) -> (kind, use)
        self.class_attrs: Dict[cst.ClassDef, Dict[str, List[cst.BaseExpression]]] = {}
        self.locals: Dict[Scope, Dict[str, List[cst.BaseExpression]]] = {}
        self.methods: Dict[cst.ClassDef, List[cst.FunctionDef]] = {}
        self.enclosing_class: Dict[cst.FunctionDef, Optional[cst.ClassDef]] = {}
        self.evidence: Set[Tuple[int, str]] = set()  # (id(owner scope), ref) whose weight is set


class Collector(cst.CSTVisitor):
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.imports = facts.imports
        self.classes: List[cst.ClassDef] = []
        self.functions: List[Optional[cst.FunctionDef]] = [None]
        self.statements: List[Optional[cst.SimpleStatementLine]] = [None]
        self.unhoistable = 0

    # ---------------------------------------------------------------- context stacks

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.SimpleStatementLine):
            self.statements.append(node)
        elif isinstance(node, _OPAQUE_STATEMENT):
            self.statements.append(None)
        if isinstance(node, _UNHOISTABLE):
            self.unhoistable += 1
        return super().on_visit(node)

    def on_leave(self, node: cst.CSTNode) -> None:
        super().on_leave(node)
        if isinstance(node, (cst.SimpleStatementLine,) + _OPAQUE_STATEMENT):
            self.statements.pop()
        if isinstance(node, _UNHOISTABLE):
            self.unhoistable -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)
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
        self.functions.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.pop()

    @property
    def scope(self) -> Scope:
        return self.functions[-1] or (self.classes[-1] if self.classes else self.facts.module)

    def owner_of(self, ref: str) -> Scope:
        return owner_scope(ref, self.functions[-1], self.classes[-1] if self.classes else None, self.facts.module)

    # ---------------------------------------------------------------- constructions

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.imports.resolve(node.func)
        if qualified is None:
            self._note_weight_write_method(node)
            return
        layer = catalog.LAYERS.get(qualified)
        if layer is not None:
            site = LayerSite(
                call=node, **self._context(), layer=layer, args=bind_args(node.args, layer.params)
            )
            self.facts.sites.append(site)
            self.facts.constructs[id(node)] = site
        elif qualified == catalog.SEQUENTIAL:
            container = Construct(call=node, **self._context())
            self.facts.sequentials.append(container)
            self.facts.constructs[id(node)] = container
        elif qualified in catalog.ACTIVATION_MODULES:
            activation = catalog.ACTIVATION_MODULES[qualified]
            given = bind_args(node.args, [name for name, _ in activation.params])
            params, unresolved = activation_params(activation, given)
            self.facts.modules[id(node)] = ("activation", ActivationUse(activation, node, params, unresolved))
        elif qualified in catalog.NORM_MODULES:
            self.facts.modules[id(node)] = ("norm", None)
        elif qualified in catalog.TRANSPARENT_MODULES:
            self.facts.modules[id(node)] = ("transparent", None)
        elif qualified.startswith(catalog.INIT_MODULE + "."):
            tensor = bind_args(node.args, (catalog.INIT_TENSOR_PARAM,)).get(catalog.INIT_TENSOR_PARAM)
            if tensor is not None:
                self._note_evidence(weight_owner(tensor))

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
        self._note_evidence(weight_owner(target))
        ref = ref_text(target)
        if ref is None:
            return
        construct = self.facts.constructs.get(id(value)) if isinstance(value, cst.Call) else None
        if construct is not None and construct.ref is None:
            construct.ref = ref
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            owner = self.owner_of(ref)
            if isinstance(owner, cst.ClassDef):
                self.facts.class_attrs[owner].setdefault(target.attr.value, []).append(value)
        elif isinstance(target, cst.Name):
            self.facts.locals.setdefault(self.scope, {}).setdefault(target.value, []).append(value)

    # ------------------------------------------------------------------ evidence

    def _note_weight_write_method(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in catalog.WEIGHT_WRITING_METHODS:
            self._note_evidence(weight_owner(func.value))

    def _note_evidence(self, ref: Optional[str]) -> None:
        if ref is not None:
            self.facts.evidence.add((id(self.owner_of(ref)), ref))


def collect(module: cst.Module, imports: ImportTable) -> Facts:
    facts = Facts(module, imports)
    module.visit(Collector(facts))
    return facts


def overridden(facts: Facts, site: LayerSite) -> bool:
    """Whether the file sets this layer's weight explicitly somewhere it can be seen."""
    for ref in site.refs():
        owner = owner_scope(ref, site.function, site.owner_class, facts.module)
        if (id(owner), ref) in facts.evidence:
            return True
    return False
