"""The rules, in code order. Adding a rule is adding a module and a line here."""

from .base import Context, Rule
from .ini001 import DefaultInitBeforeActivation
from .ini002 import MismatchedKaimingGain
from .ini003 import InitFailsAtRunTime

RULES = (DefaultInitBeforeActivation(), MismatchedKaimingGain(), InitFailsAtRunTime())
BY_CODE = {rule.code: rule for rule in RULES}

__all__ = ["BY_CODE", "Context", "RULES", "Rule"]
