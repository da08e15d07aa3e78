"""Each rule's own valid/invalid examples (the ones its docs show) behave as documented."""

import pytest
from expectations import expected

from initlint import analyze
from initlint.explain import rules_markdown
from initlint.rules import RULES

from conftest import ROOT

VALID = [(rule.code, i, source) for rule in RULES for i, source in enumerate(rule.valid)]
INVALID = [(rule.code, i, source) for rule in RULES for i, source in enumerate(rule.invalid)]


@pytest.mark.parametrize("code,index,source", VALID, ids=[f"{c}-valid-{i}" for c, i, _ in VALID])
def test_valid_examples_are_not_reported(code, index, source):
    assert [f for f in analyze(source).reported if f.code == code] == []


@pytest.mark.parametrize("code,index,source", INVALID, ids=[f"{c}-invalid-{i}" for c, i, _ in INVALID])
def test_invalid_examples_are_reported_where_marked(code, index, source):
    marks = expected(source)
    assert marks
    assert {(f.line, f.code) for f in analyze(source).reported} == marks


def test_every_rule_is_documented():
    for rule in RULES:
        assert rule.code and rule.summary and rule.what and rule.why and rule.fix
        assert rule.valid and rule.invalid


def test_docs_rules_md_is_generated_from_the_rules():
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(), "run: initlint explain --markdown > docs/rules.md"
