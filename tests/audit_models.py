"""The audit fixture models (fixtures/audit/models.py), imported as a module, and their marks."""

import importlib.util
import re

from conftest import FIXTURES

MODELS_PATH = FIXTURES / "audit" / "models.py"
_MARK = re.compile(r"#\s*audit:\s*(both|runtime only|static only|ok)\s*$")


def load_models():
    spec = importlib.util.spec_from_file_location("audit_fixture_models", MODELS_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def marks():
    """``{line: expected comparison}`` from the ``# audit:`` marks; "ok" is the empty verdict."""
    found = {}
    for number, line in enumerate(MODELS_PATH.read_text().splitlines(), 1):
        match = _MARK.search(line)
        if match:
            found[number] = "" if match.group(1) == "ok" else match.group(1)
    return found
