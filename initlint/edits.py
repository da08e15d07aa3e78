"""Where the fix for a layer goes and what it says: pure data, planned during analysis.

A layer is named by its binding (``self.fc``) or through the container that holds it
(``self.net[0]``, ``self.head.fc1``). When nothing names it (``layers.append(nn.Linear(...))``,
``return nn.Sequential(...)``), the outermost unnamed construction is bound to a fresh local
first. The init statements go right after the binding.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import libcst as cst

from . import catalog, lazyhook
from .facts.collect import Facts
from .facts.comprehended import comprehension_container
from .facts.model import ActivationUse, Construct, Guard, LayerSite
from .facts.guards import UNGUARDABLE
from .facts.literals import bind_args
from .facts.restate import code, unrestatable
from .facts.walk import descendants
from .facts.resets import RESET, calls_reset, method, resetting_method, self_name
from .hoisting import LocalNames, callee, where
from .recommend import Recommendation, describe, recommend
from .settings import Settings

INIT = "torch.nn.init"
UNNAMED = "bind "  # how a suggestion in words begins: nothing names the layer yet
_FRESH_BASE = {"linear": "linear", "bilinear": "bilinear", "conv": "conv", "conv_transpose": "deconv"}


@dataclass(frozen=True, eq=False)
class Hoist:
    """Bind ``call`` to the local ``name`` in a statement of its own, just before its statement."""

    call: cst.Call
    name: str


@dataclass(frozen=True, eq=False)
class Edit:
    statement: cst.SimpleStatementLine  # the statement the lines follow (or the hoist precedes)
    hoist: Optional[Hoist]
    lines: Tuple[str, ...]
    import_torch: bool  # the module has no name for torch.nn.init yet: add `import torch`
    also: Tuple["Edit", ...] = ()  # the same init elsewhere too (at the end of reset_parameters)


@dataclass(frozen=True)
class Loop:
    """The init of every item a comprehension built: ``header`` then the init, after ``statement``."""

    statement: cst.SimpleStatementLine  # the statement binding the container
    header: str  # ``for block in self.blocks:``
    name: str  # the loop's variable
    function: Optional[cst.FunctionDef] = None  # where the statement is


@dataclass(frozen=True, eq=False)
class Rewrite:
    """Replace ``node`` (found by identity) with the expression ``code``: INI002/INI003 fixes."""

    node: cst.CSTNode
    code: str


@dataclass(frozen=True)
class Plan:
    statements: Tuple[str, ...]  # the init statements the edit inserts, without comments
    lines: Tuple[str, ...]  # the lines to insert: the statements, commented where it helps
    edit: Optional[Edit]
    reason: str  # why there is no edit ("" when there is one)
    # What the reader is told to do: the statements when the code already names the layer where
    # they go; else, in words, what to bind first (the statements name a local the fix would create).
    advice: str = ""
    # A guarded fix (the activation is a parameter): what it is for, ``the default act_layer=nn.GELU``.
    guarded_for: str = ""
    # What the message says about the init instead of the recommendation's note ("" keeps that).
    note: str = ""

    @property
    def suggestion(self) -> str:
        """The lines to add when they name only what exists, else the advice in words."""
        return self.advice if self.advice.startswith(UNNAMED) else "\n".join(self.lines)


def _accessor_words(path: str):
    """``[0].fc1`` -> ``item 0``, ``fc1``: how a reader says each step of an accessor path."""
    for index, attribute in re.findall(r"\[([^\]]*)\]|\.(\w+)", path):
        yield f"item {index}" if not attribute else attribute


def _nested(header: str, lines) -> str:
    """``header`` with ``lines`` (each maybe a block of its own) indented under it."""
    return header + "".join("\n    " + line.replace("\n", "\n    ") for line in lines)


def _test(guards: Tuple[Guard, ...]) -> str:
    return " and ".join(dict.fromkeys(guard.test for guard in guards))


def _guarded(guards: Tuple[Guard, ...], statements, lines, advice: str):
    """The init statements under ``if <guards>:``, and the advice saying so."""
    header = f"if {_test(guards)}:"
    guarded_lines = [_nested(header, lines)]
    if advice.startswith(UNNAMED):
        return [header + " " + "; ".join(statements)], guarded_lines, f"{advice} {header[:-1]}"
    return [header + " " + "; ".join(statements)], guarded_lines, f"add {header} " + advice[len("add "):]


def _unless_none(ref: str, statements, lines, advice: str):
    """The init statements under ``if ref is not None:`` (``ref = X if cond else None``), and the advice saying so."""
    header = f"if {ref} is not None:"
    return [header + " " + "; ".join(statements)], [_nested(header, lines)], f"add {header} " + advice[len("add "):]


def _guarded_for(guards: Tuple[Guard, ...]) -> str:
    """``guarded: for the default act_layer=nn.GELU``: what the message says a guarded fix is for."""
    if not guards:
        return ""
    return "guarded: for " + " and ".join(dict.fromkeys(guard.default for guard in guards))


def _gain_free_as(other: ActivationUse, use: ActivationUse) -> ActivationUse:
    """``other`` with ``use``'s values for parameters that do not change the gain (GELU's
    approximate): a choice between GELU and GELU(approximate="tanh") wants one init."""
    free = other.activation.gain_free if other.activation is use.activation else ()
    if not free:
        return other
    return dataclasses.replace(other, params={**other.params, **{name: use.params[name] for name in free}})


def _choices(use: ActivationUse) -> str:
    return ", ".join(dict.fromkeys(describe(branch) for _, branch in use.branches))


class EditPlanner:
    def __init__(self, facts: Facts, settings: Settings) -> None:
        self.facts = facts
        self.settings = settings
        spelled = facts.imports.spelling(INIT)
        self.init = spelled or INIT
        self.import_torch = spelled is None
        uninitialized = facts.imports.spelling(lazyhook.UNINITIALIZED)
        self.uninitialized = uninitialized or lazyhook.UNINITIALIZED
        self.import_torch_for_lazy = uninitialized is None
        self._locals = LocalNames(facts.module)
        self._hoists: Dict[int, Hoist] = {}
        self._loop_names: Dict[str, str] = {}  # the items a loop goes over -> its variable

    def plan(
        self, site: LayerSite, rec: Recommendation, use: ActivationUse, all_but_last: bool = False, unfixed: str = ""
    ) -> Plan:
        anchor = site.anchor()
        path = site.path_from_anchor()
        loop = self._loop(anchor, all_but_last) if path is not None else None
        loop_function = None
        indexed = sorted(self.facts.indexed_items.get(id(anchor), ()))
        container = None
        if loop is not None and indexed:
            # self.layers[0] feeds the activation, and maybe not every item does: a loop over all
            # of them would give the others a gain they do not need. Named by its index instead.
            container = loop.header.split(" in ", 1)[1][:-1]
            items = ", ".join(f"{container}[{key}]" for key in indexed)
            loop, base = None, f"{container}[{indexed[0]}]"
            reason = f"forward takes {items} by index: not every item of its comprehension may feed the activation"
        elif loop is not None:
            statement, header, base, reason = loop.statement, loop.header, loop.name, ""
            loop_function = loop.function
        elif path is None:
            base, reason = None, "an item before it may be left out of its Sequential (None): its index is not certain"
        else:
            base, reason = self._name(anchor, site)
            if all_but_last and not reason:  # self.lins[:-1] in forward, or an activation appended for all but the last
                reason = "the activation follows every item but the last: an init here would reach the last too"
            reason = reason or unfixed
        ref = base + path if base else f"<{site.layer.name}>"
        lazy = site.layer.lazy  # its init goes in a forward pre-hook, on the hook's parameter
        target = lazyhook.PLACEHOLDER if lazy else ref
        function = loop_function if loop is not None else anchor.function
        if not lazy:  # a module-level hook cannot read what the slope's expression reads
            rec = self._with_slope(use, rec, function)
        statements, lines = self._init(site, rec, target)
        in_words = rec.render(self.init, "...") + self._bias_in_words(site)
        note = ""
        choice_reason = self._choice_reason(site, rec, use) if use.alternatives else ""
        branchwise = self._branchwise(site, use, target, function) if choice_reason and not lazy else None
        if branchwise is not None:  # a setting chooses: each of its branches gets its own init
            statements, lines, in_words = branchwise
            note, choice_reason = f"the gain depends on a setting: one init for each of {_choices(use)}", ""
        if loop is not None:  # one loop over the container's items, each built by the comprehension
            statements = [header + " " + "; ".join(statements)]
            if not lazy:  # a hook is defined once, and registered in the loop
                lines = [_nested(header, lines)]
        if loop is not None or (anchor.ref is not None and path is not None):
            advice = "add " + "; ".join(statements)
        elif container is not None:
            advice = "add " + "; ".join(statements)
        else:
            advice = self._in_words(anchor, site, path, in_words)
        guards: Tuple[Guard, ...] = ()
        if not reason and use.parametric:
            reason = self._guard_reason(use, function)
            guards = use.guards
        if not reason and use.unresolved and "?" in rec.render(self.init, "w"):
            reason = f"the activation's {', '.join(use.unresolved)} is not a constant"
        if not reason:
            reason = choice_reason
        if guards and not reason:
            statements, guarded_lines, advice = _guarded(guards, statements, lines, advice)
            lines = lines if lazy else guarded_lines  # a hook's guard goes around its registration
        hook: Tuple[Edit, ...] = ()
        shown = lines  # what the suggestion shows: the lines, and a lazy layer's hook too
        if lazy:
            statements, lines, advice, hook = self._hooked(site, ref, statements, lines, advice, loop, guards)
            shown = [*(line for edit in hook for line in edit.lines), *lines]
        elif anchor.unless_none:
            statements, lines, advice = _unless_none(anchor.ref, statements, lines, advice)
            shown = lines
        if reason:
            return Plan(tuple(statements), tuple(shown), None, reason, advice, note=note)
        guarded_for = _guarded_for(guards)
        import_torch = self.import_torch or (lazy and self.import_torch_for_lazy)
        if loop is not None:
            edit = Edit(statement, None, tuple(lines), import_torch, hook)
            return Plan(tuple(statements), tuple(shown), edit, "", advice, guarded_for, note)
        hoist = None if anchor.ref is not None else self._hoists[id(anchor.call)]
        edit = Edit(anchor.statement, hoist, tuple(lines), import_torch, hook)
        if hoist is None:
            edit, where_too = self._surviving_reset(site, ref, edit)
            if where_too and (guards or branchwise or lazy):  # what the tests read is not in scope there
                why = "a lazy layer's init is in its forward pre-hook" if lazy else "the test the init goes under is not in scope there"
                reason = f"{RESET}() resets it, and {why}"
                return Plan(tuple(statements), tuple(shown), None, reason, advice, note=note)
            advice += where_too
        return Plan(tuple(statements), tuple(shown), edit, "", advice, guarded_for, note)

    def _hooked(
        self, site: LayerSite, ref: str, statements, lines, advice: str, loop: Optional[Loop], guards: Tuple[Guard, ...]
    ) -> Tuple[List[str], List[str], str, Tuple[Edit, ...]]:
        """A Lazy layer's init ``lines`` (naming it ``module``) in a module-level forward pre-hook
        (lazyhook.py), defined after the top-level statement that holds the layer's; the lines to
        insert after the layer's statement register it on ``ref`` (in the loop, under ``if ref is
        not None:``, under the guards); the statements and advice naming ``ref``."""
        anchor = site.anchor()
        owner = anchor.owner_class.name.value if anchor.owner_class is not None else (
            anchor.function.name.value if anchor.function is not None else "")
        name = self._locals.unique(self.facts.module, lazyhook.hook_base(owner, ref))
        registration = [lazyhook.register(name, ref)]
        if loop is not None:
            registration = [_nested(loop.header, registration)]
        elif anchor.unless_none:
            registration = [_nested(f"if {anchor.ref} is not None:", registration)]
        if guards:
            registration = [_nested(f"if {_test(guards)}:", registration)]
        hook = lazyhook.hook(name, site.layer.name, lines, self.uninitialized)
        statements = [lazyhook.naming(statement, ref) for statement in statements]
        advice = lazyhook.naming(advice, ref) + lazyhook.CLAUSE
        statement = loop.statement if loop is not None else anchor.statement
        function = loop.function if loop is not None else anchor.function
        top = self._top_level(statement)
        if top is statement:  # built at module level: the hook right after it, then its registration
            return statements, [lazyhook.top_level(line) for line in (hook, *registration)], advice, ()
        if function is None:  # runs as the module is imported (`if __name__ == "__main__":`): the hook first
            return statements, ["\n" + line for line in (hook, *registration)], advice, ()
        return statements, registration, advice, (Edit(top, None, (lazyhook.top_level(hook),), False),)

    def _top_level(self, statement: cst.CSTNode) -> cst.CSTNode:
        """The statement of the module's body that is or holds ``statement``."""
        for top in self.facts.module.body:
            if top is statement or any(node is statement for node in descendants(top)):
                return top
        return statement

    def _init(self, site: LayerSite, rec: Recommendation, ref: str) -> Tuple[List[str], List[str]]:
        """The init statements for the layer ``ref`` names, and the lines to insert (commented)."""
        statements = [rec.render(self.init, ref + ".weight")]
        if self.settings.bias == "zeros" and site.bias:
            statements.append(f"{self.init}.zeros_({ref}.bias)")
        lines = list(statements)
        if rec.comment:
            lines[0] += "  # " + rec.comment
        return statements, lines

    def _with_slope(self, use: ActivationUse, rec: Recommendation, function: Optional[cst.FunctionDef]) -> Recommendation:
        """``rec`` with ``a=negative_slope`` when the slope is not a constant but an expression that
        reads, where the init goes, what it reads where the activation is built or applied (a
        parameter of that same function, a module's constant): exact for every caller."""
        name = use.activation.slope_param
        if name is None or use.unresolved != (name,) or not isinstance(use.node, cst.Call):
            return rec
        qualified = self.facts.imports.resolve(use.node.func)
        functional = catalog.ACTIVATION_FUNCTIONS.get(qualified) if qualified else None
        if functional is not None:
            expr = bind_args(use.node.args, functional[1], skip=1).get(name)
        else:
            expr = bind_args(use.node.args, [param for param, _ in use.activation.params]).get(name)
        if expr is None:  # in **kwargs
            return rec
        written_in = self._function_of(use.node)
        module = self.facts.module
        same = written_in is function
        if unrestatable(expr, function, module, same) or (not same and unrestatable(expr, written_in, module, False)):
            return rec
        kwargs = tuple((key, code(expr) if key == "a" else value) for key, value in rec.kwargs)
        return dataclasses.replace(rec, kwargs=kwargs)

    def _function_of(self, node: cst.CSTNode) -> Optional[cst.FunctionDef]:
        """The innermost function whose body holds ``node`` (None at module level)."""
        found = None
        for function in self.facts.functions:  # in source order: an inner function after its outer one
            if any(part is node for part in descendants(function.body)):
                found = function
        return found

    def _bias_in_words(self, site: LayerSite) -> str:
        return f" and its bias with {self.init}.zeros_(...)" if self.settings.bias == "zeros" and site.bias else ""

    def _branchwise(
        self, site: LayerSite, use: ActivationUse, ref: str, function: Optional[cst.FunctionDef]
    ) -> Optional[Tuple[List[str], List[str], str]]:
        """``if <test>: init A`` / ``elif ...: init B`` / ``else: init C``, the setting's own tests
        restated where the init goes (they must read the same values there: restate.py), each
        branch's exact init; and the same in words. None where that cannot be written."""
        if not use.branches or use.chosen_in is not function:
            return None
        statements: List[str] = []
        lines: List[str] = []
        words: List[str] = []
        for i, (test, branch) in enumerate(use.branches):
            text = code(test) if test is not None else ""
            if branch.unresolved or "\n" in text or (test is not None and unrestatable(test, function, self.facts.module)):
                return None
            header = "else:" if test is None else f"{'elif' if i else 'if'} {text}:"
            rec = recommend(branch, self.settings, site)
            branch_statements, branch_lines = self._init(site, rec, ref)
            statements.append(header + " " + "; ".join(branch_statements))
            lines.append(_nested(header, branch_lines))
            call = rec.render(self.init, "...") + self._bias_in_words(site)
            words.append(f"{call} if {text}" if test is not None else f"else {call}")
        return statements, ["\n".join(lines)], ", ".join(words)  # one statement: if/elif/else

    def _loop(self, anchor: Construct, all_but_last: bool) -> Optional[Loop]:
        """``for block in self.blocks:`` when ``anchor`` is the element of the comprehension that
        makes a named container's items (``nn.ModuleList([... for _ in range(depth)])``)."""
        container = comprehension_container((*self.facts.containers, *self.facts.sequentials), anchor)
        if container is None or container.ref is None or container.statement is None or not container.hoistable:
            return None
        items = f"{container.ref}[:-1]" if all_but_last else container.ref
        name = self._loop_names.get(items)
        if name is None:
            base = "layer" if isinstance(anchor, LayerSite) else "block"
            name = self._loop_names[items] = self._locals.fresh(container, base)
        return Loop(container.statement, f"for {name} in {items}:", name, container.function)

    def _surviving_reset(self, site: LayerSite, ref: str, edit: Edit) -> Tuple[Edit, str]:
        """The edit, moved or copied to the end of the class's ``reset_parameters`` when that resets
        the layers (else the init is undone by each reset); and what the message says about it."""
        cls = site.owner_class
        reset = resetting_method(cls)
        built_in = site.function
        if reset is None or built_in is None or built_in is reset or not ref.startswith(("self.", "self[")):
            return edit, ""
        body = built_in.body.body if isinstance(built_in.body, cst.IndentedBlock) else ()
        top = [i for i, statement in enumerate(body) if statement is edit.statement]
        if self_name(built_in) != "self" or not top:
            return edit, ""  # built conditionally or in a loop: the reset may find no such layer
        last = reset.body.body[-1]
        if isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[0], (cst.Return, cst.Raise)):
            return edit, ""
        me = self_name(reset)
        # self.fc, and the self.mlp of `if self.mlp is not None:`, as the method names self.
        lines = tuple(re.sub(r"\bself(?=[.\[])", me, line) for line in edit.lines)
        at_end = Edit(last, None, lines, edit.import_torch)
        init = method(cls, "__init__")
        order = init.body.body if init is not None and isinstance(init.body, cst.IndentedBlock) else ()
        calls = [i for i, statement in enumerate(order) if calls_reset(statement)]
        if not calls:
            return dataclasses.replace(edit, also=(at_end,)), f" here and at the end of {RESET}(), which resets it"
        if built_in is init and all(i > top[0] for i in calls):
            return at_end, f" at the end of {RESET}(), which resets it (__init__ calls it after building it)"
        return edit, ""  # reset before the layer exists: an init there would fail

    def _in_words(self, anchor: Construct, site: LayerSite, path: Optional[str], init: str) -> str:
        """``bind the Sequential returned here to a name, then init its item 0 with ...``: for a layer
        nothing names yet, so that the advice names no variable the code does not have."""
        if path is None:  # its index in the container is not certain: speak of the layer itself
            anchor, path = site, ""
        what = f"the {callee(anchor.call)} {where(anchor)}"
        item = "it" if not path else "its " + "'s ".join(_accessor_words(path))
        return f"{UNNAMED}{what} to a name, then init {item} with {init}"

    def _guard_reason(self, use: ActivationUse, function: Optional[cst.FunctionDef]) -> str:
        """Why the init cannot go under a guard that reads, where the init goes, what the activation
        read ("" when it can): the guard's parameters belong to the function the init goes in, and
        nothing there binds or changes them (restate.py)."""
        if use.unguarded or not use.guards:
            return use.unguarded or UNGUARDABLE
        for guard in use.guards:
            if guard.scope is not function:
                return f"the activation is {guard.scope.name.value}()'s parameter {guard.name}, not in scope where the init goes"
        return unrestatable(cst.parse_expression(_test(use.guards)), function, self.facts.module)

    def _choice_reason(self, site: LayerSite, rec: Recommendation, use: ActivationUse) -> str:
        """A setting chooses the activation: one edit is right only if every choice wants the same init."""
        wanted = rec.render(self.init, "w")
        others = [
            describe(other) for other in use.alternatives
            if recommend(_gain_free_as(other, use), self.settings, site).render(self.init, "w") != wanted
        ]
        if not others:
            return ""
        verb = "wants" if len(others) == 1 else "want"
        return f"the activation depends on a setting, and {' and '.join(others)} {verb} another init than {rec.label}"

    def _name(self, anchor: Construct, site: LayerSite) -> Tuple[Optional[str], str]:
        if anchor.statement is None:
            return anchor.ref, "built in a block header or a one-line block: add the call by hand"
        if anchor.ref is not None:
            return anchor.ref, ""
        if not anchor.hoistable:
            return None, "built inside a lambda, comprehension or conditional expression"
        existing = self._hoists.get(id(anchor.call))
        if existing is not None:
            return existing.name, ""
        hoist = self._hoists[id(anchor.call)] = Hoist(anchor.call, self._locals.fresh(anchor, self._base(anchor)))
        return hoist.name, ""

    def _base(self, anchor: Construct) -> str:
        """What the hoisted thing is: ``linear``, ``conv``; ``mlp`` for a Sequential of Linear layers only."""
        if isinstance(anchor, LayerSite):
            return _FRESH_BASE.get(anchor.layer.family, "layer")
        kind = callee(anchor.call)
        if kind in ("ModuleList", "ModuleDict"):
            return "layers"
        items = [site.layer.family for site in self.facts.sites if site.container is anchor]
        return "mlp" if items and all(family == "linear" for family in items) else "seq"

