"""``initlint audit``: the runtime check. Needs torch (``pip install 'initlint[audit]'``).

``initlint.audit(model, *inputs)`` builds nothing and writes nothing: it runs one forward pass,
follows each weight layer's output to what consumes it, and tells which layers keep torch's
default init before a hidden activation. ``model`` may be a module, or a callable (a class, a
builder) that returns one: built here under ``recording()``, its layers' construction sites are
known (file:line); a module built elsewhere without ``recording()`` has paths only.
"""

from __future__ import annotations

import sys
import types
from typing import Optional

import torch

from ..settings import Settings
from .follow import follow
from .report import AuditReport, build_report
from .sites import recording

__all__ = ["AuditReport", "assert_initialised", "audit", "build", "recording"]


def build(factory, seed: int = 0):
    """``factory()`` seeded, with construction sites recorded: a module or ``(module, inputs)``."""
    torch.manual_seed(seed)
    with recording():
        return factory()


def audit(model, *inputs, settings: Optional[Settings] = None, static: bool = True) -> AuditReport:
    """The audit of ``model`` on ``inputs``; ``static``: compare with the static analysis too."""
    if not isinstance(model, torch.nn.Module):
        if not callable(model):
            raise TypeError(f"audit needs a torch module or a callable returning one, not {type(model).__name__}")
        model = build(model)
    runs, _ = follow(model, inputs)
    report = build_report(runs, settings or Settings())
    if static:
        from .compare import compare

        compare(report)
    return report


def assert_initialised(model, *inputs, settings: Optional[Settings] = None) -> AuditReport:
    """For a test suite: raise AssertionError listing every site that keeps torch's default init
    before a hidden activation (file:line, layer, activation, the call to add)."""
    report = audit(model, *inputs, settings=settings, static=False)
    if not report.ok:
        raise AssertionError(report.failure_message())
    return report


class _CallableModule(types.ModuleType):
    """``initlint.audit`` is this package; calling it is ``initlint.audit.audit`` (the documented API)."""

    def __call__(self, model, *inputs, **options) -> AuditReport:
        return audit(model, *inputs, **options)


sys.modules[__name__].__class__ = _CallableModule
