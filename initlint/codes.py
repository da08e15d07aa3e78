"""The rule codes, for the flake8 plugin: flake8 loads it in every run, so it must decide that a
run selects no initlint rule without importing the rules (and libcst with them).
tests/test_flake8.py checks it against the rules."""

CODES = ("INI001", "INI002", "INI003")
