"""The questions that cross files: which init reaches the instances built from a class or a
function, and which helpers of the repository return a torch layer.

An init reaches the instances of a class when the class initialises its own modules (a type
dispatch or parameter loop in a method, ``self.apply(fn)`` with an init function from any
file, an ancestor in any file that does), or when every place the repository builds it is
covered: inside a class that is covered itself, or in a function or script that applies an init
to what it built (``g = Generator(); g.apply(weights_init)``), or inside a function whose every
caller is covered. A subclass's instances are instances too. Nothing built anywhere: nothing
reaches it. Evidence whose reach is unknown (summary.py's ``fallback``) covers its whole file,
as one file's evidence always did.

Every answer that silences is a ``Reason``: what covers it and where (``initlint explain``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from ..facts.evidence import init_helper_name
from .repository import Definition, Repository
from .links import TRYOUT, Creation, Links
from .liveness import Liveness
from .methods import ANY_ATTRIBUTE, exclusive
from .exports import exported_definitions
from .loading import gives, withholds
from .summary import ALL, LOADED, LOADER, METHOD_LOADER, MODULE_SCOPE

# Where a layer sits in an instance of the class that builds it: the attributes of self it is
# stored in, each with the method that stores it and the if-arms of the store (methods.py).
# (attribute, method key, arms, line of the construction) for each attribute holding a layer
Held = Optional[Tuple[Tuple[str, str, Tuple[str, ...], int], ...]]
# The attributes from an instance's self down to a layer ("self.transformer.resblocks[i].mlp.c_fc"
# -> ("transformer", "resblocks", "mlp", "c_fc")); GAP where a step is not known; () nothing known.
Path = Tuple[str, ...]
GAP = "*"


@dataclass(frozen=True)
class Reason:
    text: str
    path: str
    line: int
    # Weights a builder loads into what it builds (not the class loading itself): no cover for
    # an exported class, which users build themselves (exports.py).
    loaded: bool = False

    def where(self, relative_to: str = "") -> str:
        path = os.path.relpath(self.path, relative_to) if relative_to and os.path.isabs(self.path) else self.path
        return f"{path}:{self.line}"


def _covers(types: Dict[str, int], layer: str) -> Optional[int]:
    return types.get(layer) or types.get(ALL)


def _has_evidence(record: dict) -> bool:
    return bool(record["covers"] or record["applies"] or record["scoped"] or record.get("writes") or record.get("applies_held"))


def _under(held: Held, below: Path) -> Path:
    """The path from the builder's self: the attribute holding what it built, then ``below``."""
    if not below:
        return ()
    attributes = {name for name, _, _, _ in held or ()}
    return ((attributes.pop() if len(attributes) == 1 else GAP),) + below


def _path_reaches(written: List[str], path: Path) -> bool:
    """Whether a write through ``self.<written>`` names the layer at ``path``: the same first and
    last attribute, and every known step of ``path`` in ``written`` in order (an index, a
    container's key, a gap may stand between them)."""
    if not path or path[-1] != written[-1] or (path[0] != GAP and path[0] != written[0]):
        return False
    steps = iter(written)
    return all(any(step == part for step in steps) for part in path if part != GAP)


def _reaches(held: Held, attribute: str, key: str, arms) -> bool:
    """Whether evidence on ``self.<attribute>`` (in method ``key``, in ``arms``) reaches a layer
    held as ``held``: held by that attribute (or by one set with setattr), not stored only in
    another arm of an if of the same method. Unknown holders: it does, as it always did."""
    if held is None:
        return True
    return any(
        name in (attribute, ANY_ATTRIBUTE) and not (where == key and exclusive(stored, arms))
        for name, where, stored, _ in held
    )


def _called_refs(summary: dict, named: bool = False) -> set:
    """The refs a file calls that may be the repository's (its classes' and scopes' builds);
    ``named``: those it only names too (a parameter's default, ``conv=default_conv``)."""
    refs = {b[0] for d in summary["defs"].values() for b in d["builds"] if named or b[4]}
    return refs | {b[0] for s in summary["scopes"].values() for b in s["builds"] if named or b[4]}


def _imported_name(summary: dict, ref: str) -> Optional[str]:
    """``torch_einops_utils.nn.Sequential`` for ``Sequential`` imported ``from torch_einops_utils.nn
    import Sequential`` (absolute imports only)."""
    head, _, rest = ref.partition(".")
    target = summary["imports"].get(head)
    if target is None or target[0] != 0:
        return None
    _, module, name = target
    return ".".join(part for part in (module, name, rest) if part)


_DELEGATION_DEPTH = 3  # init functions handing their module on to another: how far that is followed


class Index:
    def __init__(self, repository: Repository) -> None:
        self.repo = repository
        self._creations: Optional[Dict[Definition, List[Creation]]] = None
        self._subclasses: Optional[Dict[Definition, List[Definition]]] = None
        self._exported: Optional[FrozenSet[Definition]] = None
        self._defined_by_name: Dict[str, Optional[Definition]] = {}  # framework_base's project-wide lookups
        self._memo: Dict[Tuple[Definition, str, Held], Optional[Reason]] = {}
        self.links = Links(repository)
        self.liveness = Liveness(repository, self.links)

    # ---------------------------------------------------------------- the question

    def covered(
        self, definition: Definition, layer: str, seen: FrozenSet[Definition] = frozenset(), held: Held = None,
        path: Path = (),
    ) -> Optional[Reason]:
        """What initialises ``layer`` in every instance of the class or function ``definition``;
        ``held``: where the layer sits in such an instance (``holders_of``), None when not known;
        ``path``: the attributes from such an instance's ``self`` down to the layer, as far as known."""
        key = (definition, layer, held, path)
        if key in self._memo:
            return self._memo[key]
        if definition in seen:
            return None  # a cycle (A builds B builds A): no evidence from going round
        reason = self._covered(definition, layer, seen | {definition}, held, path)
        if not seen:  # answers inside a cycle depend on where it was entered: keep only top-level ones
            self._memo[key] = reason
        return reason

    def holders_of(self, definition: Definition, line: int) -> Held:
        """Where class ``definition`` keeps what it builds on ``line``: ((attribute, method key,
        arms), ...), or None when the summary does not know (evidence then reaches it as before)."""
        summary = self.repo.summary(definition[0])
        found = summary["defs"].get(definition[1], {}).get("holders", {}).get(str(line)) if summary else None
        return tuple((attribute, key, tuple(arms), line) for attribute, key, arms in found) if found else None

    def _covered(self, definition: Definition, layer: str, seen, held: Held = None, below: Path = ()) -> Optional[Reason]:
        path, name = definition
        summary = self.repo.summary(path)
        if summary is None or name not in summary["defs"]:
            return None
        reason = self.file_wide(path, layer)
        if reason is None and summary["defs"][name]["kind"] == "class":
            reason = self.own(definition, layer, held, below)
        if reason is not None:
            return reason
        creations = self.creations().get(definition, [])
        subclasses = self.subclasses().get(definition, [])
        if not creations and not subclasses:
            return None
        if creations and not subclasses:
            reason = self._loaded_when_given(definition, creations)
            if reason is not None:
                return reason
        reasons = []
        for creation in creations:
            found = self._creation_covered(creation, layer, seen, below, built=definition)
            if found is not None and found.loaded and definition in self.exported():
                found = None  # the package loads what it builds; its users build their own
            if found is None and creation[1] != TRYOUT:
                return None
            if found is not None:  # a try-out that initialises what it builds vouches; one that does not is no use
                reasons.append(found)
        if not reasons and not subclasses:
            return None
        for subclass in subclasses:
            found = self.covered(subclass, layer, seen, held, below)
            if found is None:
                return None
            reasons.append(found)
        return reasons[0]

    def framework_base(self, path: str, name: str) -> bool:
        """See FileIndex.framework_base."""
        target = self.repo.resolve(path, name)
        if target is None:  # not imported here: a class of that name the project defines, if any
            if name not in self._defined_by_name:
                self._defined_by_name[name] = next(
                    ((p, name) for p in sorted(self.repo.paths) if name in (self.repo.summary(p) or {}).get("defs", {})), None
                )
            target = self._defined_by_name[name]
        summary = self.repo.summary(target[0]) if target is not None else None
        if summary is None or summary["defs"].get(target[1], {}).get("kind") != "class":
            return True  # from outside the project (or not known): as the name says
        for ancestor_path, ancestor in self.liveness.ancestry(target)[0]:
            methods = self.repo.summary(ancestor_path)["defs"][ancestor].get("methods", {})
            if "post_init" in methods or "_init_weights" in methods:
                return True
        return False

    def _loaded_when_given(self, definition: Definition, creations: List[Creation]) -> Optional[Reason]:
        """``__init__`` loads a state dict when an argument is given (``if path is not None:
        self.load(path)``, loading.py) and every construction in the repository gives it; not
        for a class the package exports, whose users build their own."""
        path, name = definition
        condition = self.repo.summary(path)["defs"][name].get("loads_if")
        if not condition or definition in self.exported():
            return None
        parameter, position, line, method, by_default = condition
        if method is not None and not self._method_loads(definition, method):
            return None
        for creation in creations:
            built_in, _, _, built_at = creation[:4]
            summary = self.repo.summary(built_in)
            given = [g[1:] for g in (summary or {}).get("given", {}).get(str(built_at), []) if g[0] == name]
            if by_default:  # PNet() with `pretrained=True`: loads unless a construction says otherwise
                if any(withholds(g, parameter, position) for g in given):
                    return None
            elif not given or not all(gives(g, parameter, position) for g in given):
                return None
        if by_default:
            return Reason(f"a state dict is loaded into {name} unless {parameter} is turned off, and no construction turns it off", path, line)
        return Reason(f"a state dict is loaded into {name} whenever {parameter} is given, and every construction gives it", path, line)

    def _method_loads(self, definition: Definition, method: str) -> bool:
        """Whether ``method`` (the class's or its nearest ancestor's) loads into ``self``."""
        for path, name in self.liveness.ancestry(definition)[0]:
            record = self.repo.summary(path)["defs"][name].get("methods", {}).get(method)
            if record is not None:
                return bool(record.get("loads_self"))
        return False

    def own(self, definition: Definition, layer: str, held: Held = None, below: Path = ()) -> Optional[Reason]:
        """A class's own init of its modules: its methods that run (liveness.py), what they
        apply, its ancestors'. Evidence on ``self.x`` reaches the layer only when ``held``
        (where the layer sits) is ``self.x``, stored in an arm that runs with it, or unknown.
        A layer the class keeps under several attributes (``self.a = self._head()``,
        ``self.b = self._head()``) is covered when each of them is; names of one instance
        (``self.net = nn.Sequential(*self.layers)``: the summary's aliases) count as one."""
        groups = self._instances(definition, {name for name, _, _, _ in held or ()})
        if len(groups) > 1:
            reasons = [
                self._own(definition, layer, tuple(h for h in held if h[0] in group), below)
                for group in groups
            ]
            return reasons[0] if all(reasons) else None
        return self._own(definition, layer, held, below)

    def _instances(self, definition: Definition, attributes: Set[str]) -> List[Set[str]]:
        """``attributes`` grouped by the instance they hold: one attribute built from another's
        modules is the same instance."""
        aliases = self.repo.summary(definition[0])["defs"][definition[1]].get("aliases", {})
        groups: List[Set[str]] = []
        for attribute in sorted(attributes):
            linked = {attribute} | set(aliases.get(attribute, ()))
            linked |= {other for other, sources in aliases.items() if attribute in sources}
            joined = [group for group in groups if group & linked]
            merged = set().union(linked & attributes, *joined)
            groups = [group for group in groups if not group & linked] + [merged]
        return groups

    def _own(self, definition: Definition, layer: str, held: Held, below: Path) -> Optional[Reason]:
        # Built in __init__ after the class's own __init__ applied its init (deeprobust's
        # QNetNode: weights_init(self), then self.label_encoder = nn.Linear(...)): not reached.
        init_key = f"{definition[1]}.__init__"
        built_at = held[0][3] if held and all(where == init_key for _, where, _, _ in held) else None
        reason = self._framework_init(definition)
        if reason is not None:
            return reason
        for path, name in self.liveness.ancestry(definition)[0]:
            own = self.repo.summary(path)["defs"][name]
            reason = self._instance_wide(path, name, own, layer)
            if reason is not None:
                return reason
            for method, record in own.get("methods", {}).items():
                if not _has_evidence(record) or not self.liveness.runs(definition, method):
                    continue
                after = built_at if method == "__init__" and (path, name) == definition else None
                reason = self._method_evidence(definition, (path, name), method, record, layer, held, below, after)
                if reason is not None:
                    return reason
        return None

    def _framework_init(self, definition: Definition) -> Optional[Reason]:
        """A class with a base from outside the repository (HuggingFace's ``PreTrainedModel``) whose
        ``__init__`` calls ``self.post_init()``, with no ``_init_weights`` or ``post_init`` of the
        repository's own on the way: the framework initialises every module of the instance,
        those built from other files' classes too (granite-tsfm's PatchTSTFMModel). A repository
        ``_init_weights`` replaces the framework's and answers for itself (its own evidence)."""
        ancestry, foreign = self.liveness.ancestry(definition)
        if not foreign:
            return None
        called = None
        for path, name in ancestry:
            methods_of = self.repo.summary(path)["defs"][name].get("methods", {})
            if "_init_weights" in methods_of or "post_init" in methods_of:
                return None
            line = methods_of.get("__init__", {}).get("post_init")
            if called is None and line:
                called = (path, name, line)
        if called is None:
            return None
        return Reason(f"{called[1]}.__init__ calls post_init(): the framework base initialises its modules", called[0], called[2])

    def _instance_wide(self, path: str, what: str, record: dict, layer: str, after: Optional[int] = None) -> Optional[Reason]:
        """Evidence of a class (or of one of its methods) that reaches every module of the instance;
        ``after``: only functions it applies past that line count (what it built before; an
        ``init_cfg`` the method declares is applied later, by the framework, so it counts)."""
        line = _covers(record["covers"], layer)
        if line:
            return Reason(f"{what} initialises {layer} layers of its modules", path, line)
        for fn, line in record["applies"]:
            if after and line < after:
                continue
            reason = self._init_applied(path, fn, layer, line, f"{what} applies")
            if reason is not None:
                return reason
        return None

    def _method_evidence(
        self, definition, defined: Definition, method, record, layer, held, where: Path, after: Optional[int] = None,
    ) -> Optional[Reason]:
        path, name = defined
        reason = self._instance_wide(path, f"{name}.{method}", record, layer, after)
        if reason is not None:
            return reason
        for attribute, fn, types, line, key, arms in record["scoped"]:
            if not _reaches(held, attribute, key, arms):
                continue
            what = f"{name}.{method} initialises self.{attribute}:"
            if fn is None:
                if _covers(types, layer):
                    how = "it loads a state dict into it, every time" if LOADED in types else f"a loop over its modules writes {layer} layers"
                    return Reason(f"{what} {how}", path, line, loaded=LOADED in types)
            elif fn.startswith("self."):
                covers = self.liveness.method_covers(definition, fn[len("self."):], layer)
                if covers is not None:
                    return Reason(f"{what} it applies {fn}, which initialises {layer} layers", covers[0], covers[1])
            elif LOADER in fn:
                reason = self._loaded_through(path, fn, line, what)
                if reason is not None:
                    return reason
            else:
                reason = self._init_applied(path, fn, layer, line, what + " it applies")
                if reason is not None:
                    return reason
        for written, line in record.get("writes", ()):
            if _path_reaches(written, where):
                return Reason(f"{name}.{method} writes self.{'.'.join(written)}.weight", path, line)
        for attribute, line in record.get("applies_held", ()):
            reason = self._held_function(definition, attribute, layer, f"{name}.{method} applies self.{attribute}", path, line)
            if reason is not None:
                return reason
        return None

    def _held_function(self, definition: Definition, attribute: str, layer: str, what: str, path: str, line: int) -> Optional[Reason]:
        """``self.apply(self.<attribute>)`` with the function the nearest ``__init__`` of the
        class's ancestry stored there: an init function that covers ``layer``, or a getter whose
        every returned function that initialises anything covers it (rllte's ``get_init_fn``,
        whose fallback ``_identity`` writes nothing)."""
        for ancestor_path, ancestor in self.liveness.ancestry(definition)[0]:
            stored = self.repo.summary(ancestor_path)["defs"][ancestor].get("functions", {}).get(attribute)
            if stored is None:
                continue
            ref, called = stored
            if not called:
                reason = self._init_applied(ancestor_path, ref, layer, line, what + ", which is")
                return Reason(reason.text, path, line) if reason is not None else None
            target = self.repo.resolve(ancestor_path, ref)
            summary = self.repo.summary(target[0]) if target is not None else None
            getter = summary["defs"].get(target[1], {}) if summary else {}
            writers = []
            for returned in getter.get("returns", ()):
                found = self.repo.resolve(target[0], returned)
                defined = self.repo.summary(found[0])["defs"].get(found[1], {}) if found else {}
                if defined.get("kind") != "function":
                    return None
                if defined["covers"] or defined["applies"]:
                    writers.append(self._init_applied(target[0], returned, layer, line, ""))
            if writers and all(writers):
                return Reason(f"{what}, an init {ref} picks (each it may pick initialises {layer} layers)", path, line)
            return None
        return None

    def applied_in_scope(
        self, path: str, scope: str, name: str, layer: str, built: Optional[Definition] = None,
    ) -> Optional[Reason]:
        """An init applied, in the same function (or at module level), to the model bound to
        ``name``; ``built``: the class built there, when known (its own loading methods count)."""
        summary = self.repo.summary(path)
        found = summary["scopes"].get(scope) if summary else None
        for bound, fn, types, line in found["applies"] if found else ():
            if bound != name:
                continue
            if fn is not None and fn.startswith(METHOD_LOADER):
                method = fn[len(METHOD_LOADER):]
                if built is not None and self._method_loads(built, method):
                    return Reason(f"{name}.{method}() loads a state dict into it, every time", path, line, loaded=True)
                continue
            if _covers(types, layer) and LOADED in types:
                return Reason(f"a state dict is loaded into {name}, every time", path, line, loaded=True)
            if _covers(types, layer):
                return Reason(f"a loop over {name}.modules() initialises {layer} layers", path, line)
            if fn is not None and LOADER in fn:
                reason = self._loaded_through(path, fn, line, f"{name}:")
                if reason is not None:
                    return reason
            elif fn is not None:
                reason = self._init_applied(path, fn, layer, line, f"applied to {name}:")
                if reason is not None:
                    return reason
        return None

    def file_wide(self, path: str, layer: str) -> Optional[Reason]:
        """Evidence in the file whose reach is unknown: it covers every layer of the file."""
        summary = self.repo.summary(path)
        if summary is None:
            return None
        line = _covers(summary["fallback"], layer)
        if line:
            return Reason(f"an init of {layer} layers in this file whose target is unknown", path, line)
        # An init function the repository applies nowhere reaches nothing (design.md §3: evidence
        # covers the instances it reaches); its users may apply it, to models they build.
        return None

    def _file_covers(self, path: str, layer: str) -> Optional[Reason]:
        """Some class of the file initialises ``layer`` layers of its own modules."""
        summary = self.repo.summary(path)
        for name, definition in (summary or {}).get("defs", {}).items():
            if definition["kind"] == "class":
                reason = self.own((path, name), layer)
                if reason is not None:
                    return reason
        return self.file_wide(path, layer)

    def _loaded_in_method(self, path: str, cls: str, line: int) -> Optional[Reason]:
        """The construction on ``line`` of class ``cls`` is bound to a local of a method that then
        always loads a state dict into it (a ``from_pretrained`` classmethod)."""
        summary = self.repo.summary(path)
        loader, load_line = (summary["defs"][cls].get("loaded") or {}).get(str(line), (None, None)) if summary else (None, None)
        if load_line is None:
            return None
        if loader is None:
            return Reason(f"{cls} loads a state dict into what it builds there, every time", path, load_line, loaded=True)
        return self._loaded_through(path, loader, load_line, f"{cls}:")

    def _loaded_through(self, path: str, applied: str, line: int, what: str) -> Optional[Reason]:
        """``load_try@1`` (summary.LOADER): ``load_try(checkpoint, model)``, evidence when the
        repository's load_try always loads a state dict into its parameter 1."""
        fn, _, position = applied.partition(LOADER)
        target = self.repo.resolve(path, fn)
        summary = self.repo.summary(target[0]) if target is not None else None
        defined = summary["defs"].get(target[1]) if summary else None
        if not defined or int(position) not in defined.get("loads", ()):
            return None
        where = f"{os.path.basename(target[0])}:{defined['line']}"
        return Reason(f"{what} it hands it to {fn} ({where}), which loads a state dict into it, every time", path, line, loaded=True)

    def _init_applied(self, path: str, fn: str, layer: str, line: int, what: str, depth: int = 0) -> Optional[Reason]:
        target = self.repo.resolve(path, fn)
        if target is None:
            # Another library's init function (`self.apply(weight_init)` from a pip package):
            # known by its name only, as a file's own evidence always was. A method of one of
            # the repository's classes (`HookRegistry.check_if_exists_or_initialize(self)`) is not.
            outside = self.repo.resolve(path, fn.split(".", 1)[0]) is None
            if outside and init_helper_name(fn.rsplit(".", 1)[-1], self.repo.init_helpers):
                return Reason(f"{what} {fn}, an init function from outside the repository", path, line)
            return None
        summary = self.repo.summary(target[0])
        defined = summary["defs"][target[1]] if summary else None
        if not defined or defined["kind"] != "function":
            return None
        covers = _covers(defined["covers"], layer)
        if covers:
            where = os.path.basename(target[0])
            return Reason(f"{what} {fn} ({where}:{covers}), which initialises {layer} layers", path, line)
        if depth < _DELEGATION_DEPTH:  # def init_net_weights(model): return _init_vit_weights(model)
            for delegate, delegate_line in defined["applies"]:
                reason = self._init_applied(target[0], delegate, layer, delegate_line, "", depth + 1)
                if reason is not None:
                    return Reason(f"{what} {fn}, which hands it to{reason.text}", path, line)
        return None

    def _creation_covered(
        self, creation: Creation, layer: str, seen, below: Path = (), built: Optional[Definition] = None,
    ) -> Optional[Reason]:
        path, kind, name, line, bound, handed, called = creation
        if handed is not None:  # VGG(make_layers(cfg)): part of what VGG builds
            target = self.repo.resolve(path, handed)
            if target is not None and target not in seen:
                reason = self.covered(target, layer, seen, path=_under(None, below))
                if reason is not None:
                    return reason
        if not called and not (kind == "class" and self.liveness.module_class((path, name))):
            # Named, not called (a partial, a config's `block = MBConv`): where it is built is
            # not known; the file's own evidence vouches, as it always did. Named in a module
            # class (a default argument `block=ShelfBlock`, `self.block_cls = Block`): that class
            # builds it, and only what initialises its instances counts (below). A config class
            # that names it (torchvision's `MBConvConfig`) builds nothing: the file vouches.
            reason = self._file_covers(path, layer)
            if reason is not None:
                return reason
        if kind == "class":
            reason = self._loaded_in_method(path, name, line)
            if reason is not None:
                return reason
            held = self.holders_of((path, name), line)
            return self.covered((path, name), layer, seen, held, _under(held, below))
        if bound is not None:
            reason = self.applied_in_scope(path, name, bound, layer, built)
            if reason is not None:
                return reason
            summary = self.repo.summary(path)
            scope = summary["scopes"].get(name) if summary else None
            loaded = (scope or {}).get("loaded", {}).get(str(line))
            if loaded is not None:  # elif kind == "s3d": model = S3D(...); model.load_state_dict(...)
                return Reason(f"{name} loads a state dict into what it builds there, every time", path, loaded[1], loaded=True)
        if name == MODULE_SCOPE:
            return None
        # Built in a function: its callers decide, wherever they keep what it returns.
        return self.covered((path, name), layer, seen, path=_under(None, below))

    def replaced_everywhere(self, definition: Definition, attribute: str) -> Optional[Reason]:
        """A base class's placeholder layer: ``definition`` is abstract (a method that raises
        NotImplementedError, or @abstractmethod) and never built itself, and every subclass
        assigns ``self.<attribute>`` anew, so the base's layer is replaced before any use."""
        summary = self.repo.summary(definition[0])
        if summary is None or not summary["defs"][definition[1]].get("abstract"):
            return None
        subclasses = self.subclasses().get(definition, [])
        if not subclasses or any(c[6] for c in self.creations().get(definition, [])):
            return None
        for path, name in subclasses:
            summary = self.repo.summary(path)
            if summary is None or attribute not in summary["defs"][name]["assigns"]:
                return None
        path, name = subclasses[0]
        line = self.repo.summary(path)["defs"][name]["line"]
        return Reason(f"a placeholder: every subclass of {definition[1]} assigns self.{attribute} anew (e.g. {name})", path, line)

    def gap(self, definition: Optional[Definition], layer: str, where, depth: int = 0) -> str:
        """Why ``covered`` found nothing: the first place that builds it without an init, followed
        up the builders a few steps."""
        if definition is None:
            return "it is built at module level and no init is applied to it there"
        name = definition[1]
        found = {id(c): self._creation_covered(c, layer, frozenset(), built=definition) for c in self.creations().get(definition, [])}
        uncovered = [c for c in self.creations().get(definition, []) if c[1] != TRYOUT and found[id(c)] is None]
        uncovered_subclasses = [s for s in self.subclasses().get(definition, []) if self.covered(s, layer) is None]
        if not self.creations().get(definition) and not self.subclasses().get(definition):
            return f"nothing in the repository builds {name}, and {name} does not initialise {layer} layers itself"
        loaded = [c for c in self.creations().get(definition, []) if found[id(c)] is not None and found[id(c)].loaded]
        if not uncovered and loaded and definition in self.exported():
            at = where(Reason("", loaded[0][0], loaded[0][3]))
            return f"{name} is exported for users to build (__all__); the package loads weights only into its own ({at})"
        if uncovered_subclasses and not uncovered:
            sub = uncovered_subclasses[0]
            return f"subclass {sub[1]} ({where(Reason('', sub[0], 1)).rsplit(':', 1)[0]}) is not covered"
        path, kind, scope, line = uncovered[0][:4]
        at = where(Reason("", path, line))
        if kind == "class":
            text = f"{name} is built in class {scope} ({at}), which no init reaches"
            return text + (": " + self.gap((path, scope), layer, where, depth + 1) if depth < 3 else "")
        if scope == MODULE_SCOPE:
            return f"{name} is built at module level ({at}) with no init applied to it"
        text = f"{name} is built in function {scope} ({at}) with no init applied to it"
        return text + (": " + self.gap((path, scope), layer, where, depth + 1) if depth < 3 else "")

    # ------------------------------------------------------------- reverse maps

    def creations(self) -> Dict[Definition, List[Creation]]:
        """Where the repository builds each of its classes and calls each of its functions."""
        if self._creations is None:
            self._creations = self.links.creations()
        return self._creations

    def exported(self) -> FrozenSet[Definition]:
        if self._exported is None:
            self._exported = exported_definitions(self.repo)
        return self._exported

    def subclasses(self) -> Dict[Definition, List[Definition]]:
        if self._subclasses is None:
            self._subclasses = {}
            for path, target, (name,) in self.links.rows("bases"):
                self._subclasses.setdefault(target, []).append((path, name))
        return self._subclasses

    # ---------------------------------------------------------------- factories

    def container_helpers(self, path: str) -> Dict[str, bool]:
        """Calls in ``path`` of a container helper, its own or another file's (``Sequential(nn.Linear(d,
        h), None, act)`` with ``def Sequential(*mods): return nn.Sequential(*filter(exists, mods))``
        in utils.py), or of one the settings name from outside the repository
        (``sequential_helpers``): the ref as the file spells it -> whether it drops None items."""
        summary = self.repo.summary(path)
        if summary is None:
            return {}
        refs = _called_refs(summary)
        found: Dict[str, bool] = {}
        for ref in refs:
            target = self.repo.resolve(path, ref)
            if target is not None:
                summary_of = self.repo.summary(target[0])
                drops = summary_of["defs"].get(target[1], {}).get("container") if summary_of else None
                if drops is not None:
                    found[ref] = drops
            elif self.repo.sequential_helpers and _imported_name(summary, ref) in self.repo.sequential_helpers:
                found[ref] = True  # it may leave None items out, as such helpers do
        return found

    def tensor_inits(self, path: str) -> FrozenSet[str]:
        """Names ``path`` calls (as its calls spell their last part) that resolve to a repository
        function writing the tensor it is handed (``glorot(self.lin.weight)`` with PyG's
        ``def glorot(value): value.data.uniform_(-a, a)``)."""
        summary = self.repo.summary(path)
        if summary is None:
            return frozenset()
        refs = _called_refs(summary)
        found = set()
        for ref in refs:
            target = self.repo.resolve(path, ref)
            summary_of = self.repo.summary(target[0]) if target is not None else None
            if summary_of is not None and summary_of["defs"].get(target[1], {}).get("writes_argument"):
                found.add(ref.rsplit(".", 1)[-1])
        return frozenset(found)

    def factories(self, path: str) -> Dict[str, List[str]]:
        """Calls in ``path`` that build a torch layer through another file's helper
        (``linear(64, 256)`` with ``def linear(*a, **k): return nn.Linear(*a, **k)`` in util.py),
        or through a parameter whose default names one (``conv=default_conv``, then ``conv(...)``):
        the ref as the file spells it -> the torch layers it may return (qualified names)."""
        summary = self.repo.summary(path)
        if summary is None:
            return {}
        refs = _called_refs(summary, named=True)
        found = {}
        for ref in refs:
            target = self.repo.resolve(path, ref)
            if target is None or target[0] == path:
                continue  # the file's own helpers: the analysis follows their returns itself
            summary_of = self.repo.summary(target[0])
            layers = summary_of["defs"][target[1]]["layers"] if summary_of else None
            if layers:
                found[ref] = layers
        return found
