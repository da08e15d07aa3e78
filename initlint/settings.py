"""The one settings object every front end builds and the analysis reads."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields
from typing import Callable, Dict, Optional, Tuple

CHOICES = {
    "distribution": ("uniform", "normal"),
    "mode": ("fan_in", "fan_out"),
    "bias": ("keep", "zeros"),
    "gain": ("exact", "torch"),
}


@dataclass(frozen=True)
class Settings:
    # Flag a layer whose output goes through a norm layer before the activation. Off by
    # default: the norm makes the forward signal independent of the weight scale.
    norm_in_between: bool = False
    # Also check gates (Sigmoid, Hardsigmoid, LogSigmoid, GLU), off by default.
    gates: bool = False
    # The init the fix writes.
    distribution: str = "uniform"  # torch's own distribution: only the gain changes
    mode: str = "fan_in"
    bias: str = "keep"
    gain: str = "exact"  # "torch": nearest torch nonlinearity where torch has no exact one
    # Which activations are checked, by torch class name (ReLU, GELU, ...); empty: all hidden ones.
    activations: Tuple[str, ...] = ()
    # Call names that initialise the layer they wrap or receive (beyond names saying init/zero/fill).
    init_helpers: Tuple[str, ...] = ()
    # Functions from outside the repository that make their arguments an nn.Sequential's items,
    # None ones left out, by qualified name ("torch_einops_utils.nn.Sequential"): the repository's
    # own such helpers are read from their code.
    sequential_helpers: Tuple[str, ...] = ()
    # Base classes whose models get their init elsewhere (a class deriving from one, directly or
    # through classes of the same file, makes the file framework-managed).
    framework_bases: Tuple[str, ...] = ("PreTrainedModel",)
    # Judge each layer with the evidence of the whole repository (initlint/index/): an init in a
    # training script, a base class or a builder in another file counts. Off: each file alone.
    repository: bool = True
    # The repository index's summaries are cached by content under <root>/.initlint_cache/, or
    # under cache_dir when it is set.
    cache: bool = True
    cache_dir: str = ""
    # Front-end filters: rule codes (prefixes) to report or drop; path globs to skip.
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    # Folders given to check/fix include Jupyter notebooks (*.ipynb); a notebook named on the
    # command line is checked either way. flake8 never reads notebooks.
    notebooks: bool = True
    # Codes (prefixes) dropped for the files a glob matches, as ((glob, (code, ...)), ...); in TOML
    # a table {"tests/*" = ["INI001"]}. Globs match as `exclude` globs do, relative to the config's
    # folder; FileConfig.settings_for adds a file's codes to its `ignore`.
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")

    @classmethod
    def names(cls) -> Tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def selects(self, code: str) -> bool:
        """Whether ``code`` is reported under ``select``/``ignore``: the longer matching prefix wins
        (``select = ["INI001"]`` with ``ignore = ["INI"]`` keeps INI001), ``ignore`` on a tie, as in flake8."""
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1 if self.select else 0)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen >= 0 and chosen > dropped


DEFAULT = Settings()


# ------------------------------------------------------------------ validation
# Front ends read settings from files and command lines; these checks turn a value into what
# its field holds, or say in one line why it cannot (the caller names the file and the key).

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _suggest(word: str, known) -> str:
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


def _activation(name: str) -> Optional[str]:
    from .catalog import ACTIVATIONS

    if name in ACTIVATIONS:
        return None
    return f"unknown activation {name!r}{_suggest(name, ACTIVATIONS)}; use torch class names: {', '.join(ACTIVATIONS)}"


def _python_name(name: str) -> Optional[str]:
    # Matched against the called name or the base class's last component: `my_init`, not `pkg.my_init`.
    return None if _NAME.match(name) else f"{name!r} is not a Python name (give the bare name, without module)"


def _qualified_name(name: str) -> Optional[str]:
    # Matched against what the file imports: `pkg.mod.Sequential`, the module path and the name.
    parts = name.split(".")
    if len(parts) > 1 and all(_NAME.match(part) for part in parts):
        return None
    return f"{name!r} is not a qualified name (give the module and the name: 'pkg.nn.Sequential')"


def _rule_code(prefix: str) -> Optional[str]:
    from .rules import BY_CODE  # imported here: the rules import this module

    if prefix and any(code.startswith(prefix) for code in BY_CODE):
        return None
    return f"{prefix!r} is not a rule code or a prefix of one (known: {', '.join(BY_CODE)})"


def _glob(pattern: str) -> Optional[str]:
    return None if pattern.strip() else "an empty glob"


# What each item of a list-valued field must be.
ITEM_CHECKS: Dict[str, Callable[[str], Optional[str]]] = {
    "activations": _activation,
    "init_helpers": _python_name,
    "framework_bases": _python_name,
    "sequential_helpers": _qualified_name,
    "select": _rule_code,
    "ignore": _rule_code,
    "exclude": _glob,
}


# Settings mapping globs to lists: a TOML table, not a list (and no flake8 option: flake8 has its own).
MAPPINGS = ("per_file_ignores",)


def _per_file_ignores(value: object) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """A table of glob -> codes (or its (glob, codes) pairs, as text gives them) as the field holds it."""
    shape = f'must be a table of glob = [codes] ({{"tests/*" = ["INI001"]}}), not {value!r}'
    pairs = list(value.items()) if isinstance(value, dict) else value
    if not isinstance(pairs, (list, tuple)):
        raise ValueError(shape)
    checked = []
    for pair in pairs:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and isinstance(pair[0], str)):
            raise ValueError(shape)
        glob, codes = pair
        problem = _glob(glob)
        if problem:
            raise ValueError(problem)
        if not isinstance(codes, (list, tuple)) or not codes or not all(isinstance(code, str) for code in codes):
            raise ValueError(f"{glob!r}: must be a non-empty list of rule codes, not {codes!r}")
        for code in codes:
            problem = _rule_code(code)
            if problem:
                raise ValueError(f"{glob!r}: {problem}")
        checked.append((glob, tuple(codes)))
    return tuple(checked)


def validated(name: str, value: object) -> object:
    """``value`` as the field ``name`` holds it (lists become tuples); ValueError saying why not.

    ``value`` is typed already (a TOML value, or text converted by the caller): a flag must be
    a bool, a choice one of its strings, a list a list of strings.
    """
    if isinstance(getattr(DEFAULT, name), bool):
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if isinstance(getattr(DEFAULT, name), str) and name not in CHOICES:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, not {value!r}")
        return value
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise ValueError(f"must be one of {', '.join(CHOICES[name])}, not {value!r}")
        return value
    if name in MAPPINGS:
        return _per_file_ignores(value)
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"must be a list of strings, not {value!r}")
    for item in value:
        problem = ITEM_CHECKS[name](item)
        if problem:
            raise ValueError(problem)
    return tuple(value)


def unknown_name(name: str) -> str:
    """The one-line complaint about a key that is not a setting."""
    return f"unknown setting {name!r}{_suggest(name.replace('-', '_'), Settings.names())}"
