"""A class's methods as the index sees them (Python's ``ast``): where in a method's ``if``
arms each node is, which methods each method names on ``self``, and which attribute of ``self``
each construction ends up in. What the index asks with them (coverage.py): does an init method
run at all, and does ``self.x.apply(fn)`` reach this layer (held by ``self.x``, built in the arm
that runs with the apply) or another attribute's.

Arms are strings ``"<line>.<column>:<0 body | 1 else>"`` of the ``if`` statements around a
node; two nodes of one method are exclusive when one ``if`` holds them in different arms."""

from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Optional, Set, Tuple

from .. import catalog

Arms = Tuple[str, ...]
ANY_ATTRIBUTE = "?"  # setattr(self, name, ...): some attribute, which one is not known
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def method_key(cls: str, method: str) -> str:
    return f"{cls}.{method}"


def arms_of(body: List[ast.stmt]) -> Dict[int, Arms]:
    """``id(node) -> arms`` for every node under the statements."""
    found: Dict[int, Arms] = {}
    stack: List[Tuple[ast.AST, Arms]] = [(statement, ()) for statement in body]
    while stack:
        node, arms = stack.pop()
        found[id(node)] = arms
        if isinstance(node, ast.If):
            key = f"{node.lineno}.{node.col_offset}"
            stack.append((node.test, arms))
            stack.extend((child, arms + (key + ":0",)) for child in node.body)
            stack.extend((child, arms + (key + ":1",)) for child in node.orelse)
            continue
        stack.extend((child, arms) for child in ast.iter_child_nodes(node))
    return found


def exclusive(one: Iterable[str], other: Iterable[str]) -> bool:
    """Whether some ``if`` holds the two in different arms."""
    first = {arm.rsplit(":", 1)[0]: arm for arm in one}
    return any(first.get(arm.rsplit(":", 1)[0], arm) != arm for arm in other)


def self_attribute(node: ast.AST) -> Optional[str]:
    """``x`` for ``self.x``, ``self.x.y``, ``self.x[i]``; None for anything else."""
    while isinstance(node, ast.Subscript):
        node = node.value
    attr = None
    while isinstance(node, ast.Attribute):
        attr = node.attr
        node = node.value
        while isinstance(node, ast.Subscript):
            node = node.value
    return attr if isinstance(node, ast.Name) and node.id == "self" else None


# Calls that iterate a container's items: `for block in self.blocks.values()`.
_ITEM_ITERATORS = frozenset(("children", "values"))


def loop_sources(nodes: Iterable[ast.AST]) -> Dict[str, ast.AST]:
    """``name -> container`` for the loops among ``nodes`` over a container's items: ``for block
    in self.blocks``, ``for i, block in enumerate(self.blocks)``, ``for block in self.blocks.values()``."""
    found: Dict[str, ast.AST] = {}
    for node in nodes:
        if not isinstance(node, (ast.For, ast.comprehension)):
            continue
        target, items = node.target, node.iter
        if isinstance(items, ast.Call) and isinstance(items.func, ast.Name) and items.func.id == "enumerate" and items.args:
            if isinstance(target, ast.Tuple) and len(target.elts) == 2:
                target, items = target.elts[1], items.args[0]
        if isinstance(items, ast.Call) and isinstance(items.func, ast.Attribute) and items.func.attr in _ITEM_ITERATORS:
            items = items.func.value
        if isinstance(target, ast.Name) and isinstance(items, (ast.Attribute, ast.Subscript, ast.Name)):
            found[target.id] = items
    return found


def self_path(node: Optional[ast.AST], loops: Dict[str, ast.AST]) -> Optional[List[str]]:
    """The attributes from ``self`` to ``node``, items taken by index left out, loop variables
    read as the containers they iterate: ``["transformer", "resblocks", "mlp", "c_fc"]`` for
    ``block.mlp.c_fc`` in ``for block in self.transformer.resblocks``. None: not under ``self``."""
    parts: List[str] = []
    seen: Set[str] = set()
    while node is not None:
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name) and node.id == "self":
            return list(reversed(parts))
        elif isinstance(node, ast.Name) and node.id in loops and node.id not in seen:
            seen.add(node.id)
            node = loops[node.id]
        else:
            return None
    return None


def self_references(nodes: Iterable[ast.AST], skip: Set[int]) -> List[str]:
    """Names a method uses on ``self`` (``self.m()``, ``self.apply(self.m)``, ``super().m()``,
    ``cls.m``): the methods it may run. ``skip``: nodes recorded otherwise (``self.x.apply(self.m)``
    runs ``m`` on ``self.x`` only)."""
    found = set()
    for node in nodes:
        if not isinstance(node, ast.Attribute) or id(node) in skip:
            continue
        value = node.value
        if (isinstance(value, ast.Name) and value.id in ("self", "cls")) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"
        ):
            found.add(node.attr)
    return sorted(found)


def outside_references(nodes: Iterable[ast.AST]) -> Set[str]:
    """Attribute names used on anything but ``self`` (``model.init_weights()``,
    ``gpt.apply(gpt._init_weights)``), and names given to ``getattr``/``hasattr``: methods that
    code outside a class may run on its instances."""
    found = set()
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            value = node.value
            if not (isinstance(value, ast.Name) and value.id in ("self", "cls")) and not (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"
            ):
                found.add(node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr"):
            if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                found.add(node.args[1].value)
    return found


def holders(cls: str, walked: Dict[str, List[ast.AST]], arms: Dict[str, Dict[int, Arms]]) -> Tuple[Dict[str, list], Dict[str, list]]:
    """``line -> [[attribute, method key, arms]]``: for each call in the class's methods (``walked``:
    a method's name -> its nodes), the attribute of ``self`` it is stored in (``self.x =
    nn.Sequential(...)``, through locals, ``self.x.append(...)``, ``self.x = self._make(...)`` for
    what ``_make`` returns), the method that stores it, and the arms of both the call and the
    store (``arms``: a method's, where they matter). Lines never stored on ``self`` are absent
    (their holder is unknown).

    Also ``attribute -> [attributes]``: the attributes of ``self`` whose modules an attribute was
    built from (``self.net = nn.Sequential(*self.layers)``): one instance under two names, where
    evidence on either reaches it (coverage.Index.own)."""
    flows = {name: _Flow(nodes, arms.get(name, {})) for name, nodes in walked.items()}
    aliases: Dict[str, Set[str]] = {}
    for flow in flows.values():
        for attribute, sources in flow.aliases.items():
            aliases.setdefault(attribute, set()).update(sources - {attribute})
    # What each method returns, for `self.x = self._make_layer(...)` (one call deep).
    returned = {name: {line for line in flow.returned if isinstance(line, int)} for name, flow in flows.items()}
    held: Dict[str, list] = {}
    for name, flow in flows.items():
        for line, attribute, where in flow.stored:
            for built in returned.get(line[len(_CALLED):], ()) if isinstance(line, str) else (line,):
                entry = [attribute, method_key(cls, name), sorted(where) if isinstance(line, int) else []]
                if entry not in held.setdefault(str(built), []):
                    held[str(built)].append(entry)
    return held, {attribute: sorted(sources) for attribute, sources in aliases.items() if sources}


_CALLED = "()"  # in a flow's lines: "()name" stands for what self.name(...) returns


class _Flow:
    """Calls flowing, in one method, into locals, into ``self``'s attributes and out of ``return``."""

    def __init__(self, nodes: List[ast.AST], arms: Dict[int, Arms]) -> None:
        self.arms = arms
        self.call_arms: Dict[int, Arms] = {}  # line -> arms of a call on it
        self.locals: Dict[str, Set] = {}
        self.attributes: Dict[str, Set] = {}  # what this method stored in self.<attribute>
        self.returned: Set = set()
        self.stored: List[Tuple[object, str, Set[str]]] = []
        self.aliases: Dict[str, Set[str]] = {}  # attribute -> the attributes its value was read from
        self._read: Set[str] = set()  # attributes read by the last _lines
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                lines = self._lines(node.value)
                for target in targets:
                    self._into(target, lines, node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in catalog.ADDING_METHODS:
                lines = set().union(*(self._lines(a) for a in (*node.args, *(k.value for k in node.keywords))))
                self._into(node.func.value, lines, node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and len(node.args) == 3:
                if isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
                    name = node.args[1].value if isinstance(node.args[1], ast.Constant) else ANY_ATTRIBUTE
                    self._store(str(name), self._lines(node.args[2]), node)
            elif isinstance(node, ast.Return) and node.value is not None:
                self.returned |= self._lines(node.value)

    def _lines(self, value: ast.AST) -> Set:
        lines: Set = set()
        self._read = set()
        for node in ast.walk(value):
            if isinstance(node, ast.Call):
                lines.add(node.lineno)
                if self.arms:
                    self.call_arms.setdefault(node.lineno, self.arms.get(id(node), ()))
                func = node.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
                    lines.add(_CALLED + func.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                lines |= self.locals.get(node.id, set())
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                attribute = self_attribute(node) or ""
                if attribute in self.attributes:  # self.net = nn.Sequential(*self.layers)
                    lines |= self.attributes[attribute]
                    self._read.add(attribute)
        return lines

    def _into(self, target: ast.AST, lines: Set, statement: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.locals.setdefault(target.id, set()).update(lines)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._into(element, lines, statement)
        else:
            attribute = self_attribute(target)
            if attribute is not None:
                self._store(attribute, lines, statement)
                if self._read and isinstance(statement, ast.Assign):
                    self.aliases.setdefault(attribute, set()).update(self._read)
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                self.locals.setdefault(target.value.id, set()).update(lines)  # layers[i] = ...

    def _store(self, attribute: str, lines: Set, statement: ast.AST) -> None:
        where = set(self.arms.get(id(statement), ()))
        self.attributes.setdefault(attribute, set()).update(lines)
        for line in lines:
            self.stored.append((line, attribute, where | set(self.call_arms.get(line, ()))))
