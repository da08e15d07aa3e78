"""One file of the repository as plain data: what it imports, defines, builds and initialises.

Built from Python's own ``ast`` (a twelfth of libcst's parse), so every file of a repository
can be summarised cheaply, and stored as JSON in the cache. The summary is a function of the
file's text alone (relative imports stay relative; the index resolves them by path), which is
what lets the cache key it by content hash.

This is where init evidence that is not a write on one named layer is recognised, for the
checked file and for every other file alike: type dispatches (``isinstance(m, nn.Conv2d)``,
``classname.find("Conv") != -1``) that write weights, loops over all parameters, and where an
init function is applied to what (``self.apply(fn)``, ``model.apply(fn)``, ``fn(model)``,
``for m in model.modules()``). Which instances that evidence reaches is the index's question
(coverage.py); here it is only recorded, with the line it is on.

Shape (every key always present; lines are 1-based)::

    imports:   {local: [level, module, name or None]}   # `from .m import x as y`: y -> [1, "m", "x"]
    stars:     [[level, module]]
    torch:     {local: qualified torch name}            # the names that mean torch objects
    defs:      {name: Def}                              # module-level classes and functions
    scopes:    {"<module>" | function name: Scope}      # code outside classes, by function
    fallback:  {layer type | "*": line}                 # evidence whose reach is unknown: the whole file
    passes:    {line: [[ref, {position or keyword: descriptor}]]}  # activations handed to constructions (passed.py)
    given:     {line: [[class name, [keyword], positional count]]}  # arguments constructions give (loading.py)
    attributes: [name]                                 # attributes used on other objects than self
    tables:    {name: {key: qualified torch name}}     # module-level dicts of torch classes (tables.py)
    registries: {name: {key: ref}}                     # module-level dicts of the repository's classes (tables.py)
    exports:   [name]                                  # the names of its __all__ (exports.py)

    Def:   {kind: "class" | "function", line, bases: [ref], covers: {type: line},
            applies: [[fn ref, line]], builds: [Build], layers: [torch layer a factory returns],
            assigns: [attribute names a class's methods assign on self],
            abstract: a class with an abstract method (raises NotImplementedError, @abstractmethod),
            methods: {name: Method} (a class's), holders: {line: [[attribute, method key, arms]]}
            (a class's: see methods.holders), loaded: {line: [loader ref or None, line]}
            (a class's: constructions its methods always load a state dict into), loads_if:
            [parameter, position, line, method or None] or None (a class's: loading.py), chooses:
            the module its forward applies, by the string its argument gives (a class's, only
            when it has one: choices.py)}
    Method: {covers, applies (as a Def's, reaching the whole instance), scoped: [[attribute,
            fn ref | "self.m" | None, {type: line}, line, method key, arms]] (reaching what
            self.<attribute> holds), refs: [methods it names on self], writes: [[[attribute,
            ...], line]] (weights written through a path of self's attributes), loads_self: line
            of a self.load_state_dict(...) in its body, or 0}
    Scope: {locals: {name: ref}, builds: [Build], applies: [[name, fn ref or None, {type: line}, line]]}
    Build: [ref, line, bound name or None, ref of the call it is handed to or None, called]
           (ref ``MODELS[*].build``: what ``MODELS[name].build(...)`` calls, through a registry)
"""

from __future__ import annotations

import ast
import builtins
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

from .. import catalog
from ..facts.evidence import init_helper_name
from . import loading, methods
from .choices import autograd_functions, chosen_modules, is_name
from .passed import arguments as activation_arguments, dotted, function_defaults
from .exports import module_exports
from .tables import module_dicts, module_registries, module_tables, registry_ref

MODULE_SCOPE = "<module>"
_DEFS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_BUILTINS = frozenset(dir(builtins))
ALL = "*"  # every layer type
LOADED = "load_state_dict"  # beside ALL: the evidence is weights loaded, not an init written
# In an applied function's ref: ``load_try@1`` is load_try handed the module as its argument 1,
# evidence when load_try always loads a state dict into that parameter (its def's "loads").
LOADER = "@"
# ``.init_from_onnx``: a method of the model's own class called on it (``model.init_from_onnx(path)``),
# evidence when that method loads a state dict into ``self`` (s3tokenizer's load_model).
METHOD_LOADER = "."
_LAYER_NAMES = tuple(qualified.rsplit(".", 1)[1] for qualified in catalog.LAYERS)
_MODULE_ITERATORS = frozenset(("modules", "named_modules", "children", "named_children"))
# Calls that return the module they are called on: `Generator().to(device)` is a Generator.
_CHAINABLE = frozenset(("to", "cuda", "cpu", "float", "double", "half", "bfloat16", "train", "eval", "requires_grad_"))


def summarize(tree: ast.Module, init_helpers: Tuple[str, ...] = ()) -> dict:
    return _Summarizer(tree, init_helpers).summary


class _Summarizer:
    def __init__(self, tree: ast.Module, init_helpers: Tuple[str, ...]) -> None:
        self.init_helpers = init_helpers
        self.imports: Dict[str, list] = {}
        self.stars: List[list] = []
        self.torch: Dict[str, str] = {}
        self.torch_stars: Set[str] = set()
        self.defs: Dict[str, dict] = {}
        self.scopes: Dict[str, dict] = {}
        self.fallback: Dict[str, int] = {}
        self.explicit_uses: Dict[str, int] = {}  # init function -> calls on listed layers
        self._method: Optional[ast.AST] = None  # the method being summarised (see _method)
        self._code_owner: Optional[ast.AST] = None  # the module-level function being summarised
        self._method_nodes: List[ast.AST] = []  # its nodes, and the names it assigns (made when needed)
        self._method_locals: Optional[Set[str]] = None
        self._arms: Optional[dict] = None  # methods.arms_of its body, made when first needed
        self._method_key = ""
        self._scoped_functions: Set[int] = set()
        self._call_defaults: Dict[int, dict] = {}  # a call -> its function's parameter defaults
        self._loading_methods = {"__init__"}  # of the class being summarised: where loads always run
        self.passes: Dict[str, list] = {}  # line -> [[ref, activation arguments]] (passed.py)
        self.given: Dict[str, list] = {}  # line -> [[ref, given arguments]] (loading.py)
        self._registry_entries = {id(entry) for _, entries in module_dicts(tree) for _, entry in entries}
        # One walk per top-level statement: every step below reads these node lists.
        nodes = [(statement, _walk(statement.body if isinstance(statement, _DEFS) else [statement])) for statement in tree.body]
        self._imports(node for _, found in nodes for node in found)
        nested = _nested_classes(nodes)
        self.local_names = {n for n in self.imports} | _top_level_names(tree) | set(nested)
        # `from models import *` may bind any name that is not a builtin.
        self.starred = any(level or not _is_torch(module) for level, module in self.stars)
        self.autograd_functions = autograd_functions(tree, self.torch_name)  # RedirectedReLU (choices.py)
        # The file's functions that write the tensor they are handed (PyG's glorot(value),
        # deeprobust's glorot_uniform(t)): a call of one on X.weight writes X's weight.
        # Also those that hand it on to one (boltz's lecun_normal_init_(w): trunc_normal_init_(w)).
        self.tensor_writers: Set[str] = set()
        functions = [(s, found) for s, found in nodes if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
        while True:
            more = {
                statement.name for statement, found in functions
                if statement.name not in self.tensor_writers
                and _writes_first_parameter(statement, found, self.torch_name, self.tensor_writers)
            }
            if not more:
                break
            self.tensor_writers |= more
        module_scope = self._scope(MODULE_SCOPE)
        for statement, found in nodes:
            if isinstance(statement, ast.ClassDef):
                self._class(statement, found)
            elif isinstance(statement, _DEFS):
                self._function(statement, found)
            else:
                self._code(found, module_scope, None)
        for cls in nested.values():  # after the top level: a nested class never shadows it
            self._class(cls, _walk(cls.body))
        self._unresolved_references(node for _, found in nodes for node in found)
        self.summary = {
            "imports": self.imports,
            "stars": self.stars,
            "torch": self.torch,
            "defs": self.defs,
            "scopes": {name: scope for name, scope in self.scopes.items() if any(scope.values())},
            "fallback": self.fallback,
            "passes": self.passes,
            "given": self.given,
            "attributes": sorted(methods.outside_references(node for _, found in nodes for node in found)),
            "tables": module_tables(tree, self.torch_name),
            "registries": module_registries(tree, self._named),
            "exports": module_exports(tree),
            # Lines of `if __name__ == "__main__":` blocks: a file building its own classes there
            # is trying them out, as a test does (links.py), not building a model to train.
            "main": [[s.lineno, s.end_lineno] for s, _ in nodes if _is_main_guard(s)],
        }

    # ------------------------------------------------------------------ imports

    def _imports(self, nodes: Iterable[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._bind(alias.asname, [0, alias.name, None])
                    else:  # `import a.b` binds `a`
                        head = alias.name.split(".", 1)[0]
                        self._bind(head, [0, head, None])
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                for alias in node.names:
                    if alias.name == "*":
                        self.stars.append([node.level, module])
                        if node.level == 0 and _is_torch(module):
                            self.torch_stars.add(module)
                    else:
                        self._bind(alias.asname or alias.name, [node.level, module, alias.name])

    def _bind(self, local: str, target: list) -> None:
        self.imports[local] = target
        level, module, name = target
        if level == 0 and _is_torch(module):
            self.torch[local] = module + ("." + name if name else "")

    def torch_name(self, node: ast.AST) -> Optional[str]:
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.torch.get(head)
        if base is not None:
            return catalog.canonical(base + "." + rest if rest else base)
        if head not in self.local_names:
            for star in sorted(self.torch_stars):
                candidate = catalog.canonical(star + "." + text)
                if catalog.is_known(candidate):
                    return candidate
        return None

    # ---------------------------------------------------------------- definitions

    def _class(self, node: ast.ClassDef, nodes: List[ast.AST]) -> None:
        definition = self._def("class", node)
        definition["bases"] = [ref for ref in (dotted(base) for base in node.bases) if ref]
        definition["methods"], definition["loaded"] = {}, {}
        walked, arms = {}, {}
        init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
        self._loading_methods = {"__init__"} | _self_calls(init.body if init is not None else [])
        definition["loads_if"] = loading.conditional_load(init)
        chooses = chosen_modules(node, self.torch_name, self.autograd_functions)
        if chooses is not None and node.name not in self.autograd_functions:  # Activation("relu"): a table keyed by its argument (choices.py)
            definition["chooses"] = chooses
        stored = _stored_settings(init, nodes) if init is not None else {}
        for statement, below in _subtrees(node.body, nodes):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._defaults_for_calls(statement, below, stored)
                walked[statement.name] = below
                arms[statement.name] = self._summarise_method(node.name, statement, below, definition["methods"])
                definition["loaded"].update(self._loaded_locals(statement, below))
            else:  # code in the class body runs when the class is defined
                self._evidence([statement, *below], definition, None)
        definition["holders"], definition["aliases"] = methods.holders(node.name, walked, arms)
        functions = self._function_attributes(init) if init is not None else {}
        if functions:
            definition["functions"] = functions
        _merge(definition["covers"], _declared_init(node))
        self._builds(nodes, definition["builds"])
        definition["abstract"] = any(base in ("ABC", "abc.ABC") for base in definition["bases"]) or any(
            _abstract(method) for method in node.body if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        definition["assigns"] = sorted({
            target.attr
            for node in nodes if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Attribute) and dotted(target.value) == "self"
        })

    def _function_attributes(self, init: ast.FunctionDef) -> Dict[str, list]:
        """``self.<attr>`` -> ``[ref, called]`` for an attribute ``__init__`` sets, in its own
        body, to a repository function (``self.init_fn = _orthogonal``) or to what one returns
        (rllte's ``self.init_fn = get_init_fn(init_fn)``): what ``self.apply(self.init_fn)``
        in any method applies (coverage.Index._held_function)."""
        found = {}
        for statement in init.body:
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            attribute = methods.self_attribute(statement.targets[0])
            value, called = statement.value, isinstance(statement.value, ast.Call)
            ref = self._named(value.func if called else value) if isinstance(value, (ast.Call, ast.Name, ast.Attribute)) else None
            if attribute is not None and ref is not None:
                found[attribute] = [ref, called]
        return found

    def _defaults_for_calls(self, function: ast.AST, nodes: List[ast.AST], stored: Optional[dict] = None) -> None:
        """Remember ``function``'s parameter defaults for the calls in it: a construction that
        passes a parameter on (``activation=activation``) passes its default; in a method, one
        that passes a setting its class stored (``self.act_fn``, see _stored_settings) too."""
        defaults = {**(stored or {}), **function_defaults(function)}
        if defaults:
            self._call_defaults.update((id(node), defaults) for node in nodes if isinstance(node, ast.Call))

    def _summarise_method(self, cls: str, node: ast.AST, nodes: List[ast.AST], into: Dict[str, dict]) -> dict:
        """A method's evidence, kept apart so the index can tell whether the method runs:
        ``covers``/``applies`` reach the whole instance, ``scoped`` only ``self.<attr>``
        (``[attr, fn ref or "self.m" or None, {type: line}, line, method key, arms]``), ``refs``
        the methods it names on ``self``, ``writes`` the weights it writes through a path of
        ``self``'s attributes (``[["transformer", "resblocks", "mlp", "c_fc"], line]`` for
        ``for block in self.transformer.resblocks: nn.init.normal_(block.mlp.c_fc.weight)``).
        Returns the method's if-arms when its scoped evidence needed them (else {}: no store of
        this method is ever compared with an arm)."""
        record = into.setdefault(node.name, {"covers": {}, "applies": [], "scoped": [], "refs": [], "writes": []})
        record["loads_self"] = loading.loads_self(node)
        calls_post_init = [s.lineno for s in node.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                           and dotted(s.value.func) == "self.post_init"]
        if calls_post_init:  # HuggingFace's PreTrainedModel: post_init() -> _init_weights on every module
            record["post_init"] = calls_post_init[0]
        loops = methods.loop_sources(nodes)
        for written, line in self._written(nodes):
            path = methods.self_path(written, loops)
            if path is not None and len(path) > 1:  # self.fc.weight: the file's own analysis reads it
                record["writes"].append([path, line])
        self._method, self._arms = node, None
        self._method_nodes, self._method_locals = nodes, None
        self._method_key, self._scoped_functions = methods.method_key(cls, node.name), set()
        try:
            self._evidence(nodes, record, None)
            if node.name == "__init__":
                self._assigned_init_cfg(nodes, record)
            if node.name in self._loading_methods:  # __init__, or a method it always calls
                for call, line in _loads_weights(node.body):
                    receiver = _load_receiver(call)
                    attribute = methods.self_attribute(receiver)
                    if attribute is not None:  # self.model = PieAPPModel(); self.model.load_state_dict(w)
                        self._scope_to(record, attribute, None, {ALL: line, LOADED: line}, call)
                    elif dotted(receiver) == "self":
                        _merge(record["covers"], {ALL: line, LOADED: line})
                for call, position, line in self._loader_calls(node.body):
                    attribute = methods.self_attribute(call.args[position])
                    if attribute is not None:  # load_try(checkpoint["generator"], self.model)
                        self._scope_to(record, attribute, f"{dotted(call.func)}{LOADER}{position}", {}, call)
            record["refs"] = sorted(set(record["refs"]) | set(methods.self_references(nodes, self._scoped_functions)))
        finally:
            self._method, arms, self._arms = None, self._arms, None
        return arms or {}

    def _loader_calls(self, body: List[ast.stmt]) -> List[Tuple[ast.Call, int, int]]:
        """``(call, position, line)`` of statements directly in ``body`` calling a function that may
        be the repository's with a dotted name at ``position``: what a loader function
        (``def load_try(state, model): model.load_state_dict(...)``) would load into, every time."""
        found = []
        for statement in body:
            # load_checkpoint(path, model), or model = load_checkpoint(path, model)
            call = statement.value if isinstance(statement, (ast.Expr, ast.Assign)) else None
            if isinstance(call, ast.Call) and self._named(call.func) is not None:
                found.extend((call, i, statement.lineno) for i, arg in enumerate(call.args) if dotted(arg))
        return found

    def _loaded_locals(self, method: ast.AST, nodes: List[ast.AST]) -> Dict[str, list]:
        """Constructions a method binds to a local and then always loads a state dict into, as
        a ``from_pretrained`` classmethod does (``net = HED(); net.load_state_dict(torch.load(p))``,
        or through a loader function): the construction's line -> [loader ref or None, load line]."""
        loads = {dotted(_load_receiver(call)): [None, line] for call, line in _loads_weights(method.body)}
        for call, position, line in self._loader_calls(method.body):
            loads.setdefault(dotted(call.args[position]), [f"{dotted(call.func)}{LOADER}{position}", line])
        loads.pop(None, None)  # self.nets[0].load_state_dict(...): no local
        for node in sorted((n for n in nodes if _bound_name(n) in loads), key=lambda n: -n.lineno):
            # clapcap = ClapCap(clap, ...); clapcap.load_state_dict(...) loads clap's weights too
            call = _unchained(node.value)
            for value in (*call.args, *(k.value for k in call.keywords)) if isinstance(call, ast.Call) else ():
                known = loads.get(value.id) if isinstance(value, ast.Name) else [None]
                if known is None or (known[0] is not None and loads[_bound_name(node)][0] is None):
                    loads[value.id] = loads[_bound_name(node)]  # a load beats a maybe-loader call
        found: Dict[str, list] = {}
        for node in nodes if loads else ():
            name = _bound_name(node)
            call = _unchained(node.value) if name is not None and name in loads else None
            if isinstance(call, ast.Call) and loads[name][1] > node.lineno and self._built(call) is not None:
                found[str(call.lineno)] = loads[name]
        # for id in model_ids: model = StructureModule(...); model.load_state_dict(...) (ImmuneBuilder):
        # what one iteration builds, the same iteration loads; likewise an if-arm that builds and
        # loads (fairseq's `elif args.type == "s3d": model = S3D(...); model.load_state_dict(...)`)
        for block in _nested_blocks(method.body):
            inner = {dotted(_load_receiver(call)): line for call, line in _loads_weights(block)}
            for node in _walk(block) if inner else ():
                name = _bound_name(node)
                call = _unchained(node.value) if name is not None and inner.get(name, 0) > node.lineno else None
                if isinstance(call, ast.Call) and self._built(call) is not None:
                    found.setdefault(str(call.lineno), [None, inner[name]])
        return found

    def _assigned_init_cfg(self, nodes: List[ast.AST], record: dict) -> None:
        """``self.init_cfg = [dict(type="Kaiming", layer=["Conv2d", "Linear"])]`` (or ``+=``) in
        ``__init__``, mmengine's other way to declare a default init (``if init_cfg is None:``):
        ``layer=`` covers the instance's layers of those types, ``override=[dict(name="fc")]``
        what ``self.fc`` holds."""
        lists = {  # attention_init_cfg = [dict(type="Kaiming", layer="Linear")]: added below by name
            statement.targets[0].id: statement.value
            for statement in nodes
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, (ast.List, ast.Tuple))
        }
        for statement in nodes:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AugAssign) and isinstance(statement.op, ast.Add):
                target, value = statement.target, statement.value
            elif (isinstance(statement, ast.Call) and isinstance(statement.func, ast.Attribute)
                    and statement.func.attr in ("extend", "append") and len(statement.args) == 1):
                # init_cfg.extend(attention_init_cfg) before super().__init__(init_cfg=init_cfg)
                target, value = statement.func.value, statement.args[0]
            else:
                continue
            named = isinstance(target, ast.Name) and target.id == catalog.DECLARED_INIT_PARAMETER
            if not named and not (isinstance(target, ast.Attribute) and target.attr == catalog.DECLARED_INIT_PARAMETER
                                  and dotted(target.value) == "self"):
                continue
            if named and isinstance(statement, ast.Assign):
                continue  # init_cfg = cp.copy(init_cfg): the parameter's value, read from its default
            if isinstance(value, ast.Name):
                value = lists.get(value.id, value)
            types, overrides = _declared_configs(value)
            _merge(record["covers"], types)
            for name, line in overrides:
                self._scope_to(record, name, None, {ALL: line}, statement)

    def _function(self, node: ast.AST, nodes: List[ast.AST]) -> None:
        definition = self._def("function", node)
        scope = self._scope(node.name)
        self._defaults_for_calls(node, nodes)
        self._code_owner = node
        try:
            self._code(nodes, scope, definition)
        finally:
            self._code_owner = None
        for fn, _ in definition["applies"]:
            # weights_init's other calls of the _param_init it applies to m's modules (on its
            # parameters, on a ParameterList's items) reach parts of the same model
            calls = sum(1 for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn)
            self.explicit_uses[fn] = self.explicit_uses.get(fn, 0) + max(calls - 1, 0)
        definition["layers"] = self._returned_layers(nodes) if not definition["covers"] else []
        returned = self._returned_functions(nodes)
        if returned:
            definition["returns"] = returned
        if node.name in self.tensor_writers:
            definition["writes_argument"] = True
        loads = _loaded_parameters(node)
        if loads:
            definition["loads"] = loads
        loaded = {line: where for line, where in self._loaded_locals(node, nodes).items() if where[0] is None}
        if loaded:  # constructions loaded in the block that builds them (an if-arm, a loop)
            scope["loaded"] = loaded
        drops_none = _container_helper(node, self.torch_name)
        if drops_none is not None:
            definition["container"] = drops_none

    def _def(self, kind: str, node: ast.AST) -> dict:
        definition = {
            "kind": kind, "line": node.lineno, "bases": [], "covers": {}, "applies": [], "builds": [], "layers": [], "assigns": [],
        }
        self.defs[node.name] = definition
        return definition

    def _scope(self, name: str) -> dict:
        return self.scopes.setdefault(name, {"locals": {}, "builds": [], "applies": []})

    def _code(self, nodes: List[ast.AST], scope: dict, definition: Optional[dict]) -> None:
        """Code outside classes: a module-level function's body, or the module's own statements."""
        aliases = self._class_aliases(nodes)
        for node in nodes:
            target = _bound_name(node)
            if target is not None:
                call = _unchained(node.value)
                ref = self._built(call)
                if ref is None and isinstance(call, ast.Call):
                    ref = (_aliased(call.func, aliases) or [None])[0]  # model = model_type(args)
                if ref is not None:
                    scope["locals"][target] = ref
        self._builds(nodes, scope["builds"], scope["locals"], aliases)
        self._evidence(nodes, definition, scope)
        body = getattr(self._code_owner, "body", None) if definition is not None else None
        for call, line in _loads_weights(body or []):
            target = dotted(_load_receiver(call))
            if target in scope["locals"]:  # model = Net(); model.load_state_dict(torch.load(path))
                scope["applies"].append([target, None, {ALL: line, LOADED: line}, line])
        for call, position, line in self._loader_calls(body or []):
            target = dotted(call.args[position])
            if target in scope["locals"]:  # model = Net(); load_weights(model, path)
                scope["applies"].append([target, f"{dotted(call.func)}{LOADER}{position}", {}, line])
        for statement in body or []:
            call = statement.value if isinstance(statement, ast.Expr) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                    and call.func.value.id in scope["locals"] and call.func.attr not in _CHAINABLE | {"apply", "load_state_dict"}):
                # model = S3Tokenizer(name); model.init_from_onnx(path): the index asks whether it loads
                scope["applies"].append([call.func.value.id, METHOD_LOADER + call.func.attr, {}, statement.lineno])

    def _class_aliases(self, nodes: List[ast.AST]) -> Dict[str, List[str]]:
        """Locals bound to the repository's classes by name and called in the scope
        (``model_type = esm.MSATransformer`` in one branch, ``= esm.ProteinBertModel`` in another,
        then ``model = model_type(args)``): the local -> the classes it may name."""
        named: Dict[str, List[str]] = {}
        unknown = set()
        called = {  # model_type(args), or architecture.get_architecture(config)
            func.id if isinstance(func, ast.Name) else func.value.id
            for func in (node.func for node in nodes if isinstance(node, ast.Call))
            if isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name))
        }
        for node in nodes:
            target = _bound_name(node)
            if target in called:
                ref = self._named(node.value) if isinstance(node.value, (ast.Name, ast.Attribute, ast.Subscript)) else None
                if ref is None:
                    unknown.add(target)  # bound to something else too: what it builds is not known
                else:
                    named.setdefault(target, []).append(ref)
        return {name: refs for name, refs in named.items() if name not in unknown}

    def _builds(
        self, nodes: List[ast.AST], into: list, local: Optional[Dict[str, str]] = None,
        aliases: Optional[Dict[str, List[str]]] = None,
    ) -> None:
        """Every construction ``[ref, line, bound name, ref of the call it is handed to, called]``:
        ``g = Generator()`` (bound to g), ``VGG(make_layers(cfg))`` (handed to VGG, and so is
        ``decoder = Decoder(); return Wrapper(decoder=decoder)`` in a function),
        ``partial(SqueezeExcitation, ...)`` or ``block=Bottleneck`` (named, not called: what is
        built from it is built here, as far as anything can tell)."""
        bound: Dict[int, str] = {}
        handed: Dict[int, str] = {}
        passed: Dict[str, str] = {}  # a local -> the first call it is handed to
        called, inner, seen = set(), set(), set()
        inner.update(id(n) for annotation in _annotations(nodes) for n in _walk([annotation]))  # a type names no build
        start = len(into)
        # Dispatch on the node's exact type: this loop sees every node of the project once.
        call_type, name_type, attribute_type, load = ast.Call, ast.Name, ast.Attribute, ast.Load
        for node in nodes:
            kind = type(node)
            if kind is ast.Assign or kind is ast.AnnAssign:
                name = _bound_name(node)
                if name is not None and local is not None:
                    bound[id(_unchained(node.value))] = name
                if aliases and name in aliases:
                    inner.add(id(node.value))  # model_type = Net: built where model_type is called
                continue
            if kind is call_type:
                if dotted(node.func) == "super":  # super(Base, self).__init__(): names the class, builds nothing
                    inner.update(id(arg) for arg in node.args)
                elif dotted(node.func) in ("isinstance", "issubclass"):
                    inner.update(id(arg) for arg in node.args[1:])  # a type test builds nothing
                    for arg in node.args[1:]:
                        if isinstance(arg, ast.Tuple):
                            inner.update(id(element) for element in arg.elts)
                called.add(id(node.func))
                func = node.func
                if (local is not None and type(func) is attribute_type and func.attr in catalog.ADDING_METHODS
                        and type(func.value) is name_type):
                    # blocks.append(Block(...)); return Model(blocks=blocks): handed to Model
                    for arg in node.args:
                        bound.setdefault(id(_unchained(arg)), func.value.id)
                receiver = self._named(func)
                if receiver is not None:
                    for arg in (*node.args, *(k.value for k in node.keywords)):
                        handed[id(_unchained(arg))] = receiver
                        if local is not None and isinstance(arg, ast.Name):
                            passed.setdefault(arg.id, receiver)
                call = _unchained(node)
                if id(call) in seen:
                    continue  # `Model().to(device)`: one construction, not two
                seen.add(id(call))
                ref = self._built(call)
                if ref is None and aliases and _aliased(call.func, aliases):
                    for alias in _aliased(call.func, aliases):  # model = model_type(args): each class it may be
                        into.append([alias, node.lineno, bound.get(id(call)), handed.get(id(call)), True])
                    continue
                if ref is not None:
                    into.append([ref, node.lineno, bound.get(id(call)), handed.get(id(call)), True])
                    if isinstance(call, ast.Call) and (call.args or call.keywords):
                        given = loading.given_arguments(call, self._call_defaults.get(id(call), {}))
                        if any(given):  # the class's own name tells a line's builds apart
                            self.given.setdefault(str(node.lineno), []).append([ref.rsplit(".", 1)[-1], *given])
                    args = activation_arguments(call, self.torch_name, self._call_defaults.get(id(call), {}))
                    if args:
                        self.passes.setdefault(str(node.lineno), []).append([ref, args])
                continue
            if kind is attribute_type:
                inner.add(id(node.value))
            elif kind is ast.Subscript:  # block = BLOCKS["basic"]: every entry is named here
                inner.add(id(node.value))
                if registry_ref(node) is None:
                    continue
            elif kind is not name_type:
                continue
            if id(node) in self._registry_entries:
                continue  # an entry of a registry is built where the registry is used (tables.py)
            if type(node.ctx) is load and id(node) not in called and id(node) not in inner:
                ref = self._named(node)
                if ref is not None:
                    into.append([ref, node.lineno, None, None, False])
        for build in into[start:]:
            if build[2] is not None and build[3] is None:
                build[3] = passed.get(build[2])

    def _built(self, value: ast.AST) -> Optional[str]:
        """The ref of the class or function a call builds, when it may be the repository's own:
        its name is imported from outside torch or defined at module level."""
        call = _unchained(value)
        if not isinstance(call, ast.Call):
            return None
        return self._named(call.func)

    def _named(self, node: ast.AST) -> Optional[str]:
        ref = dotted(node) or registry_ref(node)  # MODELS[name](cfg): any class the registry holds
        if ref is None or self.torch_name(node):
            return None
        head = ref.split(".", 1)[0].split("[", 1)[0]
        if head in self.local_names or (self.starred and head not in _BUILTINS and head not in ("self", "super")):
            return ref
        return None

    def _returned_functions(self, nodes: List[ast.AST]) -> List[str]:
        """The repository functions a getter returns by name, when every return is one
        (rllte's ``get_init_fn(method)``: ``return _orthogonal`` ... ``return _identity``)."""
        returns = [n for n in nodes if isinstance(n, ast.Return)]
        refs = [self._named(r.value) if isinstance(r.value, (ast.Name, ast.Attribute)) else None for r in returns]
        return refs if refs and all(refs) else []

    def _returned_layers(self, nodes: List[ast.AST]) -> List[str]:
        """The torch layers a helper returns as it builds them (``return nn.Linear(*a, **k)``;
        ``conv_nd`` returns Conv1d, Conv2d or Conv3d), in source order: a factory, whose call
        sites are layer constructions. Every return must build a layer of one family."""
        returns = sorted((n for n in nodes if isinstance(n, ast.Return)), key=lambda n: n.lineno)
        layers = []
        for ret in returns:
            qualified = self.torch_name(ret.value.func) if isinstance(ret.value, ast.Call) else None
            layer = catalog.LAYERS.get(qualified or "")
            if layer is None:
                return []
            layers.append((layer.family, qualified))
        if len({family for family, _ in layers}) != 1:
            return []
        return [qualified for _, qualified in layers]

    # ------------------------------------------------------------------ evidence

    def _evidence(self, nodes: List[ast.AST], definition: Optional[dict], scope: Optional[dict]) -> None:
        """Type dispatches and parameter loops that write weights, and applications of init
        functions. In a class, all of it covers the class's instances; in a function, what the
        function covers for what it is given; loops over a local model's modules are
        applications to that model; at module level, evidence with no known target is the
        fallback: the whole file."""
        for node in nodes:
            if isinstance(node, ast.If):
                names, subject = self._dispatched(node.test)
                if names and self._writes(node.body, owner=subject):
                    self._cover(definition, scope, node, {name: node.lineno for name in sorted(names)})
            elif isinstance(node, ast.For):
                loop = _iterated(node.iter, _MODULE_ITERATORS)
                if loop:  # the dispatches inside test the modules of `loop`
                    item = node.target.id if isinstance(node.target, ast.Name) else None
                    for inner in _walk(node.body):
                        if isinstance(inner, ast.If):
                            inner._initlint_loop = loop
                        elif isinstance(inner, ast.Call) and inner.args and is_name(inner.args[0], item):
                            inner._initlint_loop = loop  # for p in m.modules(): _param_init(p)
                receiver = _iterated(node.iter, catalog.PARAMETER_ITERATORS)
                if receiver is not None and self._writes(node.body, any_tensor=True):
                    self._cover(definition, scope, node, {ALL: node.lineno}, receiver)
            elif isinstance(node, ast.Call):
                self._application(node, definition, scope)

    def _cover(self, definition, scope, node, types: Dict[str, int], receiver: Optional[str] = None) -> None:
        loop = receiver or _loop_receiver(node)
        attribute = methods.self_attribute(_parsed(loop)) if self._method is not None and loop else None
        listed = self._listed_attributes(loop) if self._method is not None and loop and attribute is None else None
        if attribute is not None:  # for m in self.x.modules(): only what self.x holds
            self._scope_to(definition, attribute, None, types, node)
        elif listed:  # for head in [self.a, self.b]: for m in head.modules(): what a and b hold
            for listed_attribute in listed:
                self._scope_to(definition, listed_attribute, None, types, node)
        elif definition is not None:
            _merge(definition["covers"], types)
        if scope is not None and loop is not None and loop in scope["locals"]:
            scope["applies"].append([loop, None, types, node.lineno])
        elif definition is None:
            _merge(self.fallback, types)

    def _first_parameter(self) -> Optional[str]:
        """The first parameter of the module-level function being summarised."""
        owner = self._code_owner if self._method is None else None
        if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        positional = [*owner.args.posonlyargs, *owner.args.args]
        return positional[0].arg if positional else None

    def _listed_attributes(self, name: str) -> Optional[List[str]]:
        """For ``for name in [self.a, self.b]:`` in the method being summarised: ["a", "b"]."""
        for statement in self._method_nodes:
            if (isinstance(statement, ast.For) and isinstance(statement.target, ast.Name)
                    and statement.target.id == name and isinstance(statement.iter, (ast.List, ast.Tuple))):
                attributes = [methods.self_attribute(element) for element in statement.iter.elts]
                return None if None in attributes else attributes
        return None

    def _method_local(self, node: ast.AST) -> bool:
        """A name the method being summarised binds by assignment (not one of its parameters,
        which may hold anything a caller passes)."""
        if self._method is None or not isinstance(node, ast.Name):
            return False
        if self._method_locals is None:  # once per method, from its walked nodes
            self._method_locals = {
                target.id
                for statement in self._method_nodes if isinstance(statement, (ast.Assign, ast.AnnAssign))
                for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
                if isinstance(target, ast.Name)
            }
        return node.id in self._method_locals

    def _application(self, node: ast.Call, definition: Optional[dict], scope: Optional[dict]) -> None:
        """``R.apply(fn)``, ``named_apply(fn, R)``, ``fn(R)`` with R ``self`` (in a class) or a local
        model (in a function or at module level)."""
        func = node.func
        pairs: List[Tuple[ast.AST, ast.AST]] = []
        if isinstance(func, ast.Attribute) and func.attr == "apply" and len(node.args) == 1:
            pairs.append((func.value, node.args[0]))
        elif len(node.args) >= 2 and "apply" in (dotted(func) or "").rsplit(".", 1)[-1]:
            pairs.append((node.args[1], node.args[0]))  # timm's named_apply(fn, module)
        elif node.args and dotted(func) and not self.torch_name(func):
            handed = _modules_of(node.args[0])  # init_weights(self.conv_cls.modules()): what it iterates
            receiver = dotted(handed)
            named_init = init_helper_name(dotted(func).rsplit(".", 1)[-1], self.init_helpers)
            if receiver == "self" or (scope is not None and receiver in scope["locals"]):
                pairs.append((handed, func))  # init_weights(net), kaiming_init(self)
            elif named_init and self._method is not None and receiver and (
                receiver.count(".") == 1 and receiver.startswith("self.") or self._listed_attributes(receiver)
            ):
                # init.initialize_decoder(self.decoder); for m in [self.conv_first, self.conv_last]:
                # default_init_weights(m, 0.1): what those attributes hold; and each further
                # attribute handed to one taking *models (pywick's initialize_weights(self.brm1, ...))
                pairs.append((handed, func))
                for arg in node.args[1:]:
                    further = dotted(arg)
                    if further and further.count(".") == 1 and further.startswith("self."):
                        pairs.append((arg, func))
            elif (definition is not None and _loop_receiver(node) and _loop_receiver(node) == self._first_parameter()
                    and self._method is None and dotted(func) not in _BUILTINS):
                # def weights_init(m): for p in m.modules(): _param_init(p) (deeprobust): it applies
                # _param_init to every module of what it is given, as m.apply(_param_init) would
                definition["applies"].append([dotted(func), node.lineno])
            elif named_init and receiver and receiver == self._first_parameter():
                # def init_net_weights(model, style): return _init_vit_weights(model): the
                # function initialises what it is given as the one it hands it to does
                definition["applies"].append([dotted(func), node.lineno])
            if _explicit_layers(node.args[0]) or _constructed(node.args[0]) or self._method_local(node.args[0]):
                # default_init_weights([self.conv1, self.conv2]), zero_module(nn.Conv2d(...)),
                # zero_module(block) with block a local the method binds: a known use on named or
                # wrapped layers (the file's own analysis credits them), not one of unknown reach
                self.explicit_uses[dotted(func)] = self.explicit_uses.get(dotted(func), 0) + 1
        for receiver, applied in pairs:
            target = dotted(receiver)
            fn = _applied_function(applied)
            if target is None or fn is None:
                continue
            attribute = methods.self_attribute(receiver) if self._method is not None and target != "self" else None
            listed = self._listed_attributes(target) if self._method is not None and attribute is None else None
            if attribute is not None and not fn.startswith("super"):
                # self.x.apply(fn), self.x.apply(self._init): reaches what self.x holds only
                self._scope_to(definition, attribute, fn, {}, node)
                self._scoped_functions.add(id(applied))
            elif listed and not fn.startswith(("self.", "super")):
                for listed_attribute in listed:
                    self._scope_to(definition, listed_attribute, fn, {}, node)
            elif fn.startswith(("self.", "super")):
                if target == "self" and self._method is not None and fn.count(".") == 1 and definition is not None:
                    # self.apply(self.init_fn): a method (its evidence is its own, the index
                    # follows refs) or a function __init__ stored (the class's "functions")
                    definition.setdefault("applies_held", []).append([fn[len("self."):], node.lineno])
                continue
            elif scope is None and definition is not None and (target == "self" or target.startswith("self.")):
                definition["applies"].append([fn, node.lineno])
            elif scope is not None and target in scope["locals"]:
                scope["applies"].append([target, fn, {}, node.lineno])

    def _scope_to(self, record: dict, attribute: str, fn: Optional[str], types: Dict[str, int], node: ast.AST) -> None:
        if self._arms is None:
            self._arms = methods.arms_of(self._method.body)
        arms = sorted(self._arms.get(id(node), ()))
        record["scoped"].append([attribute, fn, dict(types), node.lineno, self._method_key, arms])

    def _dispatched(self, test: ast.AST) -> Tuple[Set[str], Optional[str]]:
        """Layer names an ``if`` test selects (isinstance, type() comparisons, class-name strings),
        and the module tested by ``isinstance`` (its weight is what must be written). A test that
        also requires another class (``isinstance(m, LoraLayer) and isinstance(m, nn.Linear)``)
        selects that class's layers only: no torch layer type as such."""
        names: Set[str] = set()
        subject = None
        for node in ast.walk(test):
            if isinstance(node, ast.Call) and dotted(node.func) == "isinstance" and len(node.args) == 2:
                types = self._layer_types(node.args[1])
                if not types and isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
                    return set(), None
                names |= types
                subject = subject or dotted(node.args[0])
            elif isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                for operand in operands:
                    names |= self._layer_types(operand)
                    if _string(operand) is not None and any(_mentions_class_name(o) for o in operands if o is not operand):
                        names |= _names_matching(_string(operand))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                # classname.find("Conv") != -1, classname.startswith("Linear")
                if node.func.attr in ("find", "startswith", "endswith", "count") and node.args:
                    if _mentions_class_name(node.func):
                        names |= _names_matching(_string(node.args[0]))
        return names, subject

    def _layer_types(self, node: ast.AST) -> Set[str]:
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):  # type(m) in {nn.Conv2d, nn.Linear}
            return {n for element in node.elts for n in self._layer_types(element)}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # isinstance(m, nn.Linear | PackedLinear)
            return self._layer_types(node.left) | self._layer_types(node.right)
        qualified = self.torch_name(node)
        if qualified in catalog.LAYERS:
            return {qualified.rsplit(".", 1)[1]}
        if qualified in catalog.LAYER_BASES:
            return {q.rsplit(".", 1)[1] for q in catalog.LAYER_BASES[qualified]}
        return set()

    def _writes(self, body: List[ast.stmt], any_tensor: bool = False, owner: Optional[str] = None) -> bool:
        """Whether a block writes some ``X.weight`` (``owner``: that X's; in a loop over parameters,
        any tensor). (``new.weight = old.weight`` writes new's, not the dispatched module's.)"""
        return any(
            written is None or owner is None or (dotted(written) or "") == owner
            for written, _ in self._written(_walk(body), any_tensor, owner)
        )

    def _written(
        self, nodes: Iterable[ast.AST], any_tensor: bool = False, module: Optional[str] = None,
    ) -> Iterator[Tuple[Optional[ast.AST], int]]:
        """``(X, line)`` for each ``X.weight`` the nodes write: a torch.nn.init call, an in-place
        method, an assignment, another library's init function, an init helper handed the module
        named ``module`` itself (``normal_init(m, 0, 0.01)``: X is ``m``); ``(None, line)`` for a
        tensor written in a loop over parameters (``any_tensor``)."""
        for node in nodes:
            if isinstance(node, ast.Call):
                owners = [found for found in map(_weight_node, node.args) if found is not None]
                writing = isinstance(node.func, ast.Attribute) and node.func.attr in catalog.WEIGHT_WRITING_METHODS
                if module is not None and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == module:
                    # mmengine's normal_init(m, 0, 0.01), kaiming_init(m), trunc_normal_init(m, std=.02):
                    # an init helper handed the dispatched module writes its weight
                    if init_helper_name((dotted(node.func) or "").rsplit(".", 1)[-1], self.init_helpers):
                        yield node.args[0], node.lineno
                        continue
                if not (any_tensor or owners or writing):
                    continue  # no weight in sight: spares resolving the name of every call
                qualified = self.torch_name(node.func)
                if qualified is not None and qualified.startswith(catalog.INIT_MODULE + "."):
                    if any_tensor:
                        yield None, node.lineno
                    yield from ((found, node.lineno) for found in owners)
                elif isinstance(node.func, ast.Attribute) and node.func.attr in catalog.WEIGHT_WRITING_METHODS:
                    # p.grad.zero_() in a loop over parameters (Module.zero_grad) writes a gradient
                    if any_tensor and not _gradient(node.func.value):
                        yield None, node.lineno
                    found = _weight_node(node.func.value)
                    if found is not None:
                        yield found, node.lineno
                elif qualified is None and owners:
                    # timm's trunc_normal_(m.weight), lecun_normal_(...), c2_xavier_fill(...)
                    name = (dotted(node.func) or "").rsplit(".", 1)[-1]
                    if name.endswith("_") or init_helper_name(name, self.init_helpers) or name in self.tensor_writers:
                        yield from ((found, node.lineno) for found in owners)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    found = _weight_node(target)
                    if found is not None and not _converted(node.value, target):
                        yield found, node.lineno

    # ---------------------------------------------------------------- references

    def _unresolved_references(self, nodes: Iterable[ast.AST]) -> None:
        """A module-level init function also used in a way no application records (stored in a
        dict, passed to a helper, returned) may reach anything: its evidence covers the whole
        file. One this file never names may be applied by another file, or by the library's
        users: the index decides (coverage.py)."""
        counted: Dict[str, int] = {}
        for node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                counted[node.id] = counted.get(node.id, 0) + 1
        for name, definition in self.defs.items():
            if definition["kind"] != "function" or not definition["covers"]:
                continue
            applications = sum(1 for s in self.scopes.values() for a in s["applies"] if a[1] == name)
            applications += sum(1 for d in self.defs.values() for fn in applied_refs(d) if fn == name)
            applications += self.explicit_uses.get(name, 0)
            if counted.get(name, 0) > applications:
                _merge(self.fallback, definition["covers"])


# ---------------------------------------------------------------------- helpers


def _subtrees(body: List[ast.stmt], nodes: List[ast.AST]) -> Iterator[Tuple[ast.stmt, List[ast.AST]]]:
    """Each statement of ``body`` with the nodes below it, cut from ``nodes`` (``_walk(body)``:
    each statement's nodes follow it, before the next statement's)."""
    starts = {id(statement) for statement in body}
    cuts = [i for i, node in enumerate(nodes) if id(node) in starts] + [len(nodes)]
    for start, end in zip(cuts, cuts[1:]):
        yield nodes[start], nodes[start + 1:end]


def _container_helper(function: ast.AST, torch_name) -> Optional[bool]:
    """A function that makes its positional arguments a Sequential's items (``def Sequential(*mods):
    return nn.Sequential(*filter(exists, mods))``): whether it drops None ones; None when it is
    no such function (the checked file's own helpers too: Index.container_helpers)."""
    arguments = function.args
    if arguments.posonlyargs or arguments.args or arguments.vararg is None or not function.body:
        return None
    last = function.body[-1]
    call = last.value if isinstance(last, ast.Return) else None
    if not isinstance(call, ast.Call) or torch_name(call.func) != catalog.SEQUENTIAL or len(call.args) != 1:
        return None
    star, passed = arguments.vararg.arg, call.args[0]
    value = passed.value if isinstance(passed, ast.Starred) else None
    if isinstance(value, ast.Name):
        return False if value.id == star else None
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "filter"
            and len(value.args) == 2 and isinstance(value.args[1], ast.Name) and value.args[1].id == star):
        return True
    if isinstance(value, (ast.ListComp, ast.GeneratorExp)) and len(value.generators) == 1:
        loop = value.generators[0]
        passed_on = isinstance(loop.target, ast.Name) and isinstance(value.elt, ast.Name) and value.elt.id == loop.target.id
        return True if passed_on and isinstance(loop.iter, ast.Name) and loop.iter.id == star else None
    return None


def _writes_first_parameter(function: ast.AST, nodes: List[ast.AST], torch_name, writers: Set[str] = frozenset()) -> bool:
    """Whether a function writes the tensor it is given first, in place: ``value.data.uniform_(-a,
    a)``, ``tensor.normal_()``, ``nn.init.xavier_uniform_(tensor)`` (PyG's ``glorot(value)``,
    ``zeros(value)``), or hands it first to one of the file's ``writers``: an init of whatever
    weight a call hands it."""
    positional = [*function.args.posonlyargs, *function.args.args]
    if not positional:
        return False
    first = positional[0].arg
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in catalog.WEIGHT_WRITING_METHODS:
            receiver = func.value.value if isinstance(func.value, ast.Attribute) and func.value.attr == "data" else func.value
            if isinstance(receiver, ast.Name) and receiver.id == first:
                return True
        if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == first:
            if isinstance(func, ast.Name) and func.id in writers:
                return True
            qualified = torch_name(func)
            if qualified is not None and qualified.startswith(catalog.INIT_MODULE + "."):
                return True
    return False


def applied_refs(definition: dict) -> List[str]:
    """The functions a definition applies anywhere: in its own code or in its methods' (to
    ``self`` or to one of its attributes)."""
    found = [fn for fn, _ in definition["applies"]]
    for record in definition.get("methods", {}).values():
        found += [fn for fn, _ in record["applies"]]
        found += [entry[1] for entry in record["scoped"] if entry[1] and not entry[1].startswith("self.")]
    return found


def _parsed(text: str) -> ast.AST:
    """A dotted name as an expression (``self.x.y``), for methods.self_attribute."""
    node: ast.AST = ast.Name(id=text.split(".")[0], ctx=ast.Load())
    for part in text.split(".")[1:]:
        node = ast.Attribute(value=node, attr=part, ctx=ast.Load())
    return node


def _merge(into: Dict[str, int], types: Dict[str, int]) -> None:
    for name, line in types.items():
        into.setdefault(name, line)


def _is_torch(module: str) -> bool:
    return module == "torch" or module.startswith("torch.")


def _walk(body: Iterable[ast.AST]) -> List[ast.AST]:
    """Every node under the statements, each before its children (a loop before the tests in
    its body), nested classes included."""
    found: List[ast.AST] = []
    stack = list(reversed(list(body)))
    node_type, append, push = ast.AST, found.append, stack.append
    while stack:
        node = stack.pop()
        append(node)
        # Fields read directly, last to first, so the stack pops them in source order.
        for name in reversed(node._fields):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, node_type):
                        push(item)
            elif isinstance(value, node_type):
                push(value)
    return found


def _stored_settings(init: ast.FunctionDef, nodes: List[ast.AST]) -> Dict[str, ast.AST]:
    """``self.<name>`` -> the default of the ``__init__`` parameter stored in it by a plain
    ``self.act_fn = act_fn`` in ``__init__``'s own body (cornac's recommenders keep their
    settings so, and build the model in ``fit``), when the class assigns it nowhere else
    (``nodes``: the class's)."""
    defaults = function_defaults(init)
    stored = {}
    for statement in init.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.value, ast.Name)
                and statement.value.id in defaults):
            target = dotted(statement.targets[0])
            if target is not None and target.startswith("self.") and target.count(".") == 1:
                stored[target] = defaults[statement.value.id]
    if not stored:
        return stored
    assigned: Dict[str, int] = {}
    for node in nodes:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else ()
        for target in targets:
            text = dotted(target)
            if text in stored:
                assigned[text] = assigned.get(text, 0) + 1
    return {name: default for name, default in stored.items() if assigned.get(name) == 1}


def _nested_classes(nodes: List[Tuple[ast.stmt, List[ast.AST]]]) -> Dict[str, ast.ClassDef]:
    """Classes defined inside a function or class (bindsnet's ``class ANN(nn.Module)`` in a
    method, then ``self.ann = ANN(...)``), by name: summarised as the file's own, so what the
    method does to the instance reaches them. A name defined twice, or at top level, is left out
    (which of them a call builds is not known)."""
    top = {statement.name for statement, _ in nodes if isinstance(statement, _DEFS)}
    found: Dict[str, List[ast.ClassDef]] = {}
    for _, below in nodes:
        for node in below:
            if isinstance(node, ast.ClassDef):
                found.setdefault(node.name, []).append(node)
    return {name: classes[0] for name, classes in found.items() if len(classes) == 1 and name not in top}


def _top_level_names(tree: ast.Module) -> Set[str]:
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(statement.name)
    return names


def _explicit_layers(node: ast.AST) -> bool:
    """``self.conv``, ``[self.conv1, self.conv2]``: layers named one by one."""
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    return bool(items) and all((dotted(item) or "").startswith("self.") for item in items)


def _constructed(node: ast.AST) -> bool:
    """``nn.Conv2d(...)``, ``Block(...)``: a module built right there, handed to the helper."""
    return isinstance(node, ast.Call) and dotted(node.func) is not None


def _abstract(method: ast.AST) -> bool:
    if any((dotted(d) or "").endswith("abstractmethod") for d in method.decorator_list):
        return True
    body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return dotted(exc) == "NotImplementedError"


def _unchained(node: ast.AST) -> ast.AST:
    """``Generator().to(device).eval()`` -> ``Generator()``."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _CHAINABLE
        and isinstance(node.func.value, ast.Call)
    ):
        node = node.func.value
    return node


def _applied_function(node: ast.AST) -> Optional[str]:
    """``fn``, ``mod.fn``, ``partial(fn, ...)``, ``lambda m: fn(m, ...)``, ``self._init_weights``."""
    if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("partial") and node.args:
        return _applied_function(node.args[0])
    if isinstance(node, ast.Lambda) and isinstance(node.body, ast.Call):
        return dotted(node.body.func)
    return dotted(node)


def _is_main_guard(statement: ast.stmt) -> bool:
    test = statement.test if isinstance(statement, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _self_calls(body: List[ast.stmt]) -> Set[str]:
    """Methods ``body`` calls on ``self`` as statements of its own (``self._load_pretrain(path)``)."""
    return {
        statement.value.func.attr
        for statement in body
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute) and dotted(statement.value.func.value) == "self"
    }


def _loaded_parameters(function: ast.AST) -> List[int]:
    """Positions of the parameters a function always loads a state dict into: ``P.load_state_dict``
    directly in its body, or in its ``try:`` body (``load_try(state, model)``)."""
    names = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    body = [s for statement in function.body for s in (statement.body if isinstance(statement, ast.Try) else [statement])]
    loaded = {dotted(_load_receiver(call)) for call, _ in _loads_weights(body)}
    return [i for i, name in enumerate(names) if name in loaded]


def _nested_blocks(body: List[ast.stmt]) -> Iterable[List[ast.stmt]]:
    """The statement lists inside ``body``'s compound statements, at any depth: a loop's body, an
    if's arms, a with's and a try's bodies (not nested functions or classes)."""
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield inner
                yield from _nested_blocks(inner)
        for handler in getattr(statement, "handlers", ()):
            yield handler.body
            yield from _nested_blocks(handler.body)


def _loads_weights(body: List[ast.stmt]) -> List[Tuple[ast.Call, int]]:
    """``R.load_state_dict(...)`` statements run unconditionally: directly in ``body`` (or a
    ``with`` in it, or a ``try`` whose every handler re-raises), not under an ``if``, a loop or a
    ``try`` that carries on (``if pretrained: ...`` leaves an untrained model possible). What
    they load overwrites every weight the init would have written: evidence for all layer types."""
    found = []
    for statement in body:
        if isinstance(statement, (ast.With, ast.AsyncWith)) or (
            isinstance(statement, ast.Try) and (_reraises(statement) or _loads_again(statement))
        ):
            found.extend(_loads_weights(statement.body))
            continue
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "load_state_dict":
            if call.args and _copied_state(call.args[0]):
                continue  # self.q_net_target.load_state_dict(self.q_net.state_dict()): a copy, not trained weights
            found.append((call, statement.lineno))
    return found


def _reraises(statement: ast.Try) -> bool:
    """Whether every handler of a ``try`` ends by raising: past it, its body ran to the end."""
    return bool(statement.handlers) and all(h.body and isinstance(h.body[-1], ast.Raise) for h in statement.handlers)


def _loads_again(statement: ast.Try) -> bool:
    """Whether every handler of a ``try`` that loads loads into the same model again (pesto's
    ``except RuntimeError: model.load_state_dict(state, strict=False)``): a fallback, so past
    the ``try`` the weights are loaded either way."""
    loaded = {dotted(_load_receiver(call)) for call, _ in _loads_weights(statement.body)} - {None}
    return bool(loaded) and bool(statement.handlers) and all(
        loaded & {dotted(_load_receiver(call)) for call, _ in _loads_weights(handler.body)} for handler in statement.handlers
    )


def _load_receiver(call: ast.Call) -> ast.AST:
    """What ``call`` (``R.load_state_dict(...)``) loads into: ``R``, or for ``R.module`` the model
    ``nn.DataParallel(R)`` wraps (``self.module`` is a child of that name)."""
    receiver = call.func.value
    if isinstance(receiver, ast.Attribute) and receiver.attr == "module" and dotted(receiver.value) != "self":
        return receiver.value
    return receiver


def _copied_state(node: ast.AST) -> bool:
    """``self.q_net.state_dict()``: another module's own weights (a target network's copy)."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "state_dict"


def _iterated(node: ast.AST, methods: frozenset) -> Optional[str]:
    """``R`` in ``R.modules()`` (for ``methods``), or ``""`` when R is not a dotted name."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods:
        return dotted(node.func.value) or ""
    return None


def _loop_receiver(node: ast.AST) -> Optional[str]:
    """For a dispatch inside ``for m in R.modules():``, R (marked by _evidence on the loop)."""
    return getattr(node, "_initlint_loop", None)


_CONVERSIONS = frozenset(("half", "float", "double", "bfloat16", "to", "type", "cuda", "cpu", "contiguous", "clone", "detach"))


def _converted(value: ast.AST, target: ast.AST) -> bool:
    """``l.weight.data = l.weight.data.half()``: the same values in another dtype or place
    (laion-clap's convert_weights_to_fp16), not an init."""
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _CONVERSIONS:
        value = value.func.value
    return dotted(value) is not None and dotted(value) == dotted(target)


def _weight_node(node: ast.AST) -> Optional[ast.AST]:
    """For ``X.weight``, ``X.weight.data``, ``X.weight[...]``: X; else None."""
    while isinstance(node, ast.Subscript) or (isinstance(node, ast.Attribute) and node.attr == "data"):
        node = node.value
    return node.value if isinstance(node, ast.Attribute) and node.attr == "weight" else None


def _string(node: ast.AST) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _mentions_class_name(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return False
    text = (dotted(node) or "").lower()
    if isinstance(node, ast.Attribute):
        text = (dotted(node.value) or text).lower() + "." + node.attr.lower()
    return "class" in text or "name" in text or "type" in text


def _names_matching(value: Optional[str]) -> Set[str]:
    if not value:
        return set()
    return {name for name in _LAYER_NAMES if value in name}


def _declared_init(node: ast.ClassDef) -> Dict[str, int]:
    """The layer types that mmengine's declarative init covers by default in this class: the
    default of ``__init__``'s ``init_cfg`` (``dict(type="Normal", std=0.01, layer=["Linear"])``, a
    list of such), which ``BaseModule.init_weights`` applies (mmengine's runner calls it)."""
    init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
    if init is None:
        return {}
    arguments = init.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]
    covered: Dict[str, int] = {}
    for argument, default in pairs:
        if argument.arg == catalog.DECLARED_INIT_PARAMETER:
            _merge(covered, _declared_configs(default)[0])
    return covered


def _declared_configs(node: ast.AST) -> Tuple[Dict[str, int], List[Tuple[str, int]]]:
    """An ``init_cfg`` value (a dict or a list of dicts): the layer types its initializers write
    (``layer=``), and the submodule names its ``override=`` entries write (an override with no
    ``type`` of its own takes its config's)."""
    types: Dict[str, int] = {}
    overrides: List[Tuple[str, int]] = []
    for config in node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]:
        fields = _dict_fields(config)
        kind = _string(fields.get("type"))
        if kind in catalog.DECLARED_INITIALIZERS:
            for name in _strings(fields.get("layer")):
                for layer in _layers_named(name):
                    types.setdefault(layer, config.lineno)
        override = fields.get("override")
        for entry in override.elts if isinstance(override, (ast.List, ast.Tuple)) else [override] if override else []:
            entry_fields = _dict_fields(entry)
            name = _string(entry_fields.get("name"))
            if name and (_string(entry_fields.get("type")) or kind) in catalog.DECLARED_INITIALIZERS:
                overrides.append((name, entry.lineno))
    return types, overrides


def _dict_fields(node: ast.AST) -> Dict[str, ast.AST]:
    """The fields of ``dict(a=1)`` or ``{"a": 1}``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {k.arg: k.value for k in node.keywords if k.arg}
    if isinstance(node, ast.Dict):
        return {_string(k): v for k, v in zip(node.keys, node.values) if k is not None and _string(k)}
    return {}


def _strings(node: Optional[ast.AST]) -> List[str]:
    if isinstance(node, (ast.List, ast.Tuple)):
        return [text for text in map(_string, node.elts) if text]
    text = _string(node) if node is not None else None
    return [text] if text else []


def _layers_named(name: str) -> Tuple[str, ...]:
    """Layer classes a class name selects: itself, or the family of a private torch base."""
    if name in _LAYER_NAMES:
        return (name,)
    return tuple(q.rsplit(".", 1)[1] for q in catalog.LAYER_BASES.get(catalog.NN + name, ()))


def _modules_of(node: ast.AST) -> ast.AST:
    """``self.conv_cls`` for ``self.conv_cls.modules()`` (an init function looping over what it is
    handed: easyocr's ``init_weights(modules)``); else ``node``."""
    if (isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute)
            and node.func.attr == "modules"):
        return node.func.value
    return node


def _aliased(func: ast.AST, aliases: Dict[str, List[str]]) -> List[str]:
    """What a call of ``func`` may build through a local alias: ``model_type(args)`` the classes
    ``model_type`` may name, ``architecture.get_architecture(config)`` that attribute of each."""
    if isinstance(func, ast.Name):
        return aliases.get(func.id, [])
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return [f"{alias}.{func.attr}" for alias in aliases.get(func.value.id, [])]
    return []


def _bound_name(node: ast.AST) -> Optional[str]:
    """``name = value`` or ``name: T = value``: the name."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _annotations(nodes: List[ast.AST]) -> Iterable[ast.AST]:
    """The type annotations among ``nodes``: of assignments, parameters and returns."""
    for node in nodes:
        if isinstance(node, (ast.AnnAssign, ast.arg)) and node.annotation is not None:
            yield node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            yield node.returns


def _gradient(node: ast.AST) -> bool:
    """``p.grad`` / ``p.grad.data`` / ``p.grad.detach()``: a parameter's gradient, not the parameter."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr == "grad":
            return True
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return False
