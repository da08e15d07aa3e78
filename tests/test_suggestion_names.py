"""A suggestion never names a variable that does not exist where the init would go.

For every INI001 finding of every fixture, the init call the message shows either names the layer
through an expression whose first name is bound at that point in the file (a parameter, a local
assigned before, ``self``, a module-level name), or the message says in words what to bind first.
"""

import libcst as cst
import pytest
from conftest import FIXTURES
from libcst.metadata import BuiltinAssignment, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from initlint import analyze
from initlint import lazyhook
from initlint.edits import UNNAMED
from initlint.facts.prehooks import REGISTER
from initlint.hoisting import _Used
from initlint.index import index_for
from initlint.settings import Settings

SETTINGS = Settings(cache=False)
CASES = sorted(
    [p for p in (FIXTURES / "check").glob("*.py")]
    + [p for p in (FIXTURES / "fix").glob("*.py") if not p.name.endswith(".fixed.py")]
    + list((FIXTURES / "repository").rglob("*.py")),
)


def _root(expression: cst.BaseExpression) -> str:
    """``self`` of ``self.net[0].fc``: the name the expression starts from ("" if none)."""
    while isinstance(expression, (cst.Attribute, cst.Subscript, cst.Call)):
        expression = expression.value if not isinstance(expression, cst.Call) else expression.func
    return expression.value if isinstance(expression, cst.Name) else ""


def _weight_roots(statement: str):
    """The root name of each ``X.weight`` / ``X.bias`` the init statement writes."""
    call = cst.parse_expression(statement.replace("=?", "=None"))  # a=?: a slope that is not a constant
    while isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "mul_":
        call = call.func.value.value  # kaiming_uniform_(w, ...).data.mul_(s)
    assert isinstance(call, cst.Call), statement
    return _root(call.args[0].value)


def _names(expression: cst.BaseExpression):
    """The names an expression reads (not attribute names, not keywords)."""
    used = _Used()
    expression.visit(used)
    return sorted(used.names)


class _Bindings:
    def __init__(self, source: bytes) -> None:
        self.wrapper = MetadataWrapper(cst.parse_module(source))
        self.scopes = self.wrapper.resolve(ScopeProvider)
        self.positions = self.wrapper.resolve(PositionProvider)
        self.parents = self.wrapper.resolve(ParentNodeProvider)

    def call_at(self, line: int, col: int) -> cst.Call:
        for node, position in self.positions.items():
            if isinstance(node, cst.Call) and (position.start.line, position.start.column) == (line, col):
                return node
        raise AssertionError(f"no call at {line}:{col}")

    def statement_end(self, node: cst.CSTNode) -> int:
        while node in self.parents and not isinstance(node, cst.SimpleStatementLine):
            node = self.parents[node]
        return self.positions[node].end.line

    def bound(self, name: str, at: cst.CSTNode) -> bool:
        """``name`` is bound where ``at``'s statement ends: in an enclosing scope, or before it in its own."""
        scope = self.scopes[at]
        end = self.statement_end(at)
        for assignment in scope[name]:
            if isinstance(assignment, BuiltinAssignment):
                return True
            if assignment.scope is not scope or self.positions[assignment.node].start.line <= end:
                return True
        return False


def _findings(path):
    return [f for f in analyze(path.read_bytes(), SETTINGS, str(path), index=index_for(str(path), SETTINGS)).reported
            if f.code == "INI001"]


def unbound(suggestion: str, message: str, bindings: _Bindings, call: cst.Call) -> list:
    """The statements of a suggestion (not in words) that name something not bound where the
    init would go, or that the message does not show: [] when every name exists there."""
    problems = []
    looped = set()  # names a suggested loop (or a Lazy layer's hook) binds
    hooked = REGISTER in suggestion  # a Lazy layer: the init is in a forward pre-hook
    if hooked and not (message.endswith(lazyhook.CLAUSE) or lazyhook.CLAUSE + " (" in message):
        problems.append("a hook the message does not announce")
    for statement in suggestion.splitlines():
        statement = statement.split("  # ")[0].strip()
        if hooked and (not statement or statement.startswith("#")):
            continue
        if not hooked and statement not in message:
            problems.append(f"not in the message: {statement}")
        if statement == "else:":
            continue
        if statement.startswith("def "):  # the hook: its name, then its parameters inside it
            hook = cst.parse_statement(statement + " pass\n")
            looped.add(hook.name.value)
            looped.update(param.name.value for param in hook.params.params)
            continue
        if hooked and (REGISTER in statement or ".initialize_parameters(" in statement):
            root = _root(cst.parse_expression(statement).func)
            if not (root in looped or bindings.bound(root, call)):
                problems.append(statement)
            continue
        if statement.startswith(("if ", "elif ")):  # a guarded init: every name its test reads must exist
            test = cst.parse_statement(statement.replace("elif ", "if ", 1) + " pass\n").test
            problems += [f"{statement} ({name})" for name in _names(test) if not (name in looped or bindings.bound(name, call))]
            continue
        if statement.startswith("for "):  # for block in self.blocks: the container must exist
            loop = cst.parse_statement(statement + " pass\n")
            if not bindings.bound(_root(loop.iter), call):
                problems.append(statement)
            looped.add(loop.target.value)
            continue
        root = _weight_roots(statement)
        if not (root and (root in looped or bindings.bound(root, call))):
            problems.append(statement)
    return problems


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_every_name_a_suggestion_uses_is_bound_there(case):
    bindings = None
    for finding in _findings(case):
        if finding.suggestion.startswith(UNNAMED):
            assert finding.suggestion in finding.message and "(..." in finding.suggestion
            continue
        bindings = bindings or _Bindings(case.read_bytes())
        call = bindings.call_at(finding.line, finding.col)
        assert unbound(finding.suggestion, finding.message, bindings, call) == [], finding.line


def test_the_fixtures_have_both_forms():
    forms = {f.suggestion.startswith(UNNAMED) for case in CASES for f in _findings(case)}
    assert forms == {True, False}


WORDS = '''import torch.nn as nn


def block(w):
    return nn.Sequential(nn.Linear(w, w), nn.ReLU())


def stack(layers, w):
    layers.append(nn.Linear(w, w))
    layers.append(nn.ReLU())


def conv(w):
    return GINConv(mlp=nn.Sequential(nn.Linear(w, w), nn.GELU()), train_eps=False)
'''


def test_the_words_say_what_to_bind_and_what_to_init():
    advice = [f.suggestion for f in analyze(WORDS).reported]
    assert advice == [
        'bind the Sequential returned here to a name, then init its item 0 with '
        'nn.init.kaiming_uniform_(..., nonlinearity="relu")',
        'bind the Linear passed to layers.append here to a name, then init it with '
        'nn.init.kaiming_uniform_(..., nonlinearity="relu")',
        'bind the Sequential passed as mlp= to GINConv here to a name, then init its item 0 with '
        'nn.init.kaiming_uniform_(..., nonlinearity="linear").data.mul_(1.5335)',
    ]
    assert all(f.fixable and f.suggestion in f.message for f in analyze(WORDS).reported)
