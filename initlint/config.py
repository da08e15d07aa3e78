"""Settings for each checked file: ``[tool.initlint]`` in the nearest pyproject.toml, then options.

One set of names: the TOML keys are the ``Settings`` field names (``norm_in_between``); the
command-line options are the same names with dashes (``--norm-in-between``) and the flake8
options add a prefix (``--initlint-norm-in-between``, ``initlint-norm-in-between =`` in
``[flake8]``). TOML values are typed already; option values are text, turned into the same
types by ``from_text``. Both then go through ``settings.validated``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .settings import CHOICES, DEFAULT, MAPPINGS, Settings, unknown_name, validated

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
TABLE = "[tool.initlint]"

# One line per setting, for --help of the CLI and of flake8.
HELP: Mapping[str, str] = {
    "norm_in_between": "also report layers whose output reaches the activation through a norm layer",
    "gates": "also report layers followed by Sigmoid, Hardsigmoid, LogSigmoid or GLU",
    "distribution": "the init the fix writes: kaiming_uniform_ or kaiming_normal_",
    "mode": "kaiming's mode",
    "bias": "zeros: also zero the layer's bias",
    "gain": "torch: nearest torch nonlinearity where torch has no exact gain",
    "activations": "check only these activations (torch class names); default: all hidden ones",
    "init_helpers": "extra names of functions that initialise the layers they are given",
    "sequential_helpers": "functions from other packages that build an nn.Sequential of their arguments (qualified names)",
    "framework_bases": "extra base classes whose models a framework initialises (built in: PreTrainedModel)",
    "repository": "use the evidence of the whole repository (inits in other files); off: each file alone",
    "cache": "cache the repository index's per-file summaries and each file's findings (off: --no-cache)",
    "cache_dir": "where the cache lives (default: .initlint_cache/ in the project root)",
    "select": "report only these rule codes (prefixes); default: all",
    "ignore": "do not report these rule codes (prefixes)",
    "exclude": "skip files matching these globs (also files named on the command line)",
    "notebooks": "folders include Jupyter notebooks (*.ipynb); off: only notebooks named as paths (check, fix)",
    "per_file_ignores": "do not report these codes in files matching a glob, as flake8's option: 'tests/*:INI001 scripts/*:INI'",
}

# Lists that add to the built-in ones rather than replace them (framework_bases keeps
# PreTrainedModel): what a user lists is "also these".
EXTENDS_DEFAULT = ("init_helpers", "framework_bases")

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


class ConfigError(Exception):
    """A configuration that cannot be used; the message is one line naming the file and key."""


def is_flag(name: str) -> bool:
    return isinstance(getattr(DEFAULT, name), bool)


def is_list(name: str) -> bool:
    return isinstance(getattr(DEFAULT, name), tuple) and name not in MAPPINGS


def option(name: str) -> str:
    """The command-line spelling of a setting: ``norm_in_between`` -> ``norm-in-between``."""
    return name.replace("_", "-")


def metavar(name: str) -> Optional[str]:
    if name in CHOICES:
        return "{" + ",".join(CHOICES[name]) + "}"
    if name in MAPPINGS:
        return "'GLOB:CODE[,CODE] ...'"
    return "A,B,..." if is_list(name) else None


def value(name: str, raw: object) -> object:
    """A typed value for the field ``name``, checked; ValueError (one line) when it is wrong."""
    checked = validated(name, raw)
    if name in EXTENDS_DEFAULT:
        default = getattr(DEFAULT, name)
        checked = default + tuple(item for item in checked if item not in default)
    return checked


def from_text(name: str, text: Union[str, Sequence[str]]) -> object:
    """A value written as text (command line, flake8 config): ``true``, ``normal``, ``A, B``."""
    if is_flag(name):
        word = str(text).strip().lower()
        if word not in _TRUE + _FALSE:
            raise ValueError(f"must be true or false, not {text!r}")
        return value(name, word in _TRUE)
    if is_list(name):
        items = text.split(",") if isinstance(text, str) else text
        return value(name, [item.strip() for item in items if item.strip()])
    if name in MAPPINGS:
        return value(name, glob_codes(text if isinstance(text, str) else " ".join(text)))
    return value(name, str(text).strip())


def glob_codes(text: str) -> List[Tuple[str, List[str]]]:
    """flake8's ``--per-file-ignores`` form: ``GLOB:CODE[,CODE...]`` items split by spaces or
    lines (``tests/*:INI001 scripts/*:INI``), as (glob, codes) pairs; ValueError for a stray item."""
    pairs = []
    # Spaces around ':' and ',' belong to the item they join (`tests/*: INI001, INI002`).
    for item in re.sub(r"\s*([:,])\s*", r"\1", text).split():
        glob, colon, codes = item.rpartition(":")
        if not colon or not glob:
            raise ValueError(f"{item!r} is not GLOB:CODES (e.g. 'tests/*:INI001 scripts/*:INI')")
        pairs.append((glob, [code for code in codes.split(",") if code]))
    return pairs


# ------------------------------------------------------------------ pyproject.toml


def _shown(path: str) -> str:
    """``path`` as the user would type it: relative when it is under the current folder."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # Windows: another drive
        return path
    return path if relative.startswith("..") else relative


def _read_toml(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {(error.strerror or str(error)).lower()}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _table(path: str, document: dict) -> Optional[dict]:
    tool = document.get("tool")
    table = tool.get("initlint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.initlint must be a table")
    return table


def values_from_table(path: str, table: Mapping[str, object]) -> Dict[str, object]:
    """The checked values of a ``[tool.initlint]`` table read from ``path``."""
    values = {}
    for key, raw in table.items():
        if key not in Settings.names():
            raise ConfigError(f"{path}: {TABLE} {unknown_name(key)}")
        try:
            values[key] = value(key, raw)
        except ValueError as error:
            raise ConfigError(f"{path}: {TABLE} {key}: {error}") from None
    return values


def load(path: str, required: bool = False) -> Optional[Dict[str, object]]:
    """The settings in ``path``'s ``[tool.initlint]``; None when it has none (error if required)."""
    path = _shown(path)
    table = _table(path, _read_toml(path))
    if table is None:
        if required:
            raise ConfigError(f"{path}: no {TABLE} table")
        return None
    return values_from_table(path, table)


# ------------------------------------------------------------------ per file


@dataclass(frozen=True)
class FileConfig:
    """The settings for the files under ``root`` (the folder of the config that set them)."""

    settings: Settings
    root: str

    def excludes(self, path: str) -> bool:
        """Whether an ``exclude`` glob matches ``path`` (see ``matches``)."""
        return bool(self.settings.exclude) and self.matches(path, self.settings.exclude)

    def matches(self, path: str, globs: Sequence[str]) -> bool:
        """Whether a glob matches ``path`` relative to ``root``, or any run of its parts.

        So ``legacy`` matches every ``legacy`` folder, ``*_pb2.py`` every such file, and
        ``src/gen/*.py`` that folder's files (``*`` crosses ``/``, as in fnmatch; ``**/`` also
        matches no folder at all, so ``scripts/**/*.py`` takes ``scripts/a.py`` too).
        """
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        parts = relative.split("/")
        runs = {"/".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
        patterns = {glob.strip().strip("/") for glob in globs}
        patterns |= {pattern.replace("**/", "") for pattern in patterns}
        return any(fnmatch.fnmatch(run, pattern) for pattern in patterns for run in runs)

    def settings_for(self, path: str) -> Settings:
        """The settings for the file at ``path``: the codes of every ``per_file_ignores`` glob
        matching it join ``ignore`` (so, as in flake8, only a longer ``select`` prefix keeps one)."""
        codes = tuple(
            code for glob, ignored in self.settings.per_file_ignores if self.matches(path, (glob,)) for code in ignored
        )
        return dataclasses.replace(self.settings, ignore=self.settings.ignore + codes) if codes else self.settings


class Configs:
    """Settings per checked file: the nearest ``[tool.initlint]``, or ``config_file`` for every
    file, with ``overrides`` (command-line options, already checked) on top. Cached per folder:
    a run over many files reads each pyproject.toml once."""

    def __init__(self, overrides: Optional[Mapping[str, object]] = None, config_file: Optional[str] = None) -> None:
        self.overrides = dict(overrides or {})
        self._by_folder: Dict[str, FileConfig] = {}
        self._fixed: Optional[FileConfig] = None
        if config_file is not None:
            self._fixed = self._config(load(config_file, required=True), os.path.dirname(os.path.abspath(config_file)))

    def _config(self, values: Optional[Mapping[str, object]], root: str) -> FileConfig:
        return FileConfig(dataclasses.replace(Settings(**(values or {})), **self.overrides), root)

    def for_file(self, path: str) -> FileConfig:
        if self._fixed is not None:
            return self._fixed
        folder = os.path.dirname(os.path.abspath(path))
        visited = []
        while folder not in self._by_folder:
            visited.append(folder)
            candidate = os.path.join(folder, PYPROJECT)
            values = load(candidate) if os.path.isfile(candidate) else None
            if values is not None:
                self._by_folder[folder] = self._config(values, folder)
                break
            parent = os.path.dirname(folder)
            if parent == folder:  # the filesystem root: no config anywhere above
                self._by_folder[folder] = self._config(None, os.getcwd())
                break
            folder = parent
        found = self._by_folder[folder]
        for seen in visited:
            self._by_folder[seen] = found
        return found
