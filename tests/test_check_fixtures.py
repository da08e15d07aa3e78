"""Every check fixture: the reported (line, code) pairs are exactly the ``# expect:`` marks."""

import pytest
from conftest import FIXTURES
from expectations import expected

from initlint import analyze

CASES = sorted((FIXTURES / "check").glob("*.py"))


def test_there_are_positive_and_negative_fixtures():
    marked = [case for case in CASES if expected(case.read_text())]
    assert len(marked) >= 5 and len(CASES) - len(marked) >= 5


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_check_fixture(case):
    source = case.read_text()
    reported = {(f.line, f.code) for f in analyze(source).reported}
    assert reported == expected(source)
