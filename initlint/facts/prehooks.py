"""Inits written in a forward pre-hook: ``def init_fc(module, args): ... nn.init...(module.weight)``
then ``self.fc.register_forward_pre_hook(init_fc, ...)`` writes ``self.fc``'s weight (the form
the fix writes for a Lazy layer, see lazyhook.py; hand-written ones read the same)."""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from .literals import ref_text

REGISTER = "register_forward_pre_hook"


def first_parameter(function: Optional[cst.FunctionDef]) -> Optional[str]:
    """The name of the function's first parameter (the module, for a hook); None for a method's ``self``."""
    if function is None:
        return None
    params = (*function.params.posonly_params, *function.params.params)
    name = params[0].name.value if params else None
    return None if name in ("self", "cls") else name


def written_through(ref: str, parameter: str) -> Optional[str]:
    """``[0]`` for ``module[0]`` and ``module`` -> ``""``: the path from ``parameter`` to the layer ``ref``."""
    if ref == parameter or ref.startswith((parameter + ".", parameter + "[")):
        return ref[len(parameter):]
    return None


def registration(call: cst.Call) -> Optional[Tuple[str, str]]:
    """``(self.fc, init_fc)`` for ``self.fc.register_forward_pre_hook(init_fc, ...)``."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != REGISTER or not call.args:
        return None
    base = ref_text(func.value)
    hook = call.args[0].value
    if base is None or not isinstance(hook, cst.Name) or call.args[0].keyword is not None:
        return None
    return base, hook.value
