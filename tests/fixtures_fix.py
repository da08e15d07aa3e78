"""Fix fixtures: ``NAME.py`` -> ``NAME.fixed.py``, with optional settings in a header comment."""

import re

from conftest import FIXTURES

from initlint.settings import Settings

SETTINGS = re.compile(rb"^# initlint-settings: (?P<pairs>.*)$", re.MULTILINE)
CASES = sorted(p for p in (FIXTURES / "fix").glob("*.py") if not p.name.endswith(".fixed.py"))


def settings_of(source: bytes) -> Settings:
    match = SETTINGS.search(source)
    if match is None:
        return Settings()
    pairs = (pair.split("=") for pair in match.group("pairs").decode().split(","))
    return Settings(**{key.strip(): value.strip() for key, value in pairs})


def fixed_path(case):
    return case.with_name(case.stem + ".fixed.py")
