"""What the text of a file must contain before initlint parses it.

Parsing is the cost (libcst: ~13x Python's own parser), and most files cannot produce a finding.
Every finding needs a torch Linear/Conv layer constructed in the file, and either an activation
the policy checks or an init call initlint checks; each of these is named in the text, since the
analysis resolves names only through the file's own imports. So a file passes only if it holds
``torch``, a layer name and one of those words as whole identifiers (in code, comments or strings
alike: this is a necessary condition, not a judgement). On the timm, torchvision and transformers
wheels this leaves 665 of 3,401 files, holding 53% of the parse time (``bench/run.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Pattern, Tuple, Union

from . import catalog
from .settings import Settings

Source = Union[str, bytes]


def whole_words(names: Iterable[str]) -> str:
    """A pattern for any of ``names`` as a whole identifier (not ``ReLU`` in ``ReLUish``)."""
    # Longest first so that `relu6` is not cut to `relu`.
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))
    return r"(?<![A-Za-z0-9_])(?:" + alternatives + r")(?![A-Za-z0-9_])"


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[1]


@lru_cache(maxsize=None)
def _patterns(gates: bool, kind: type) -> Tuple[Pattern, Pattern]:
    checked = {catalog.HIDDEN, catalog.GATE} if gates else {catalog.HIDDEN}
    layers = [_short(q) for q in (*catalog.LAYERS, *catalog.LAYER_BASES)]
    second = [a.name for a in catalog.ACTIVATION_LIST if a.role in checked]
    second += [_short(q) for q, (a, _) in catalog.ACTIVATION_FUNCTIONS.items() if a.role in checked]
    second += [m for m, a in catalog.ACTIVATION_METHODS.items() if a.role in checked]
    # INI002/INI003 read these calls; INI003 also reports any init of a Lazy layer.
    second += [_short(q) for q in (*catalog.KAIMING_FUNCTIONS, catalog.CALCULATE_GAIN)]
    second += [_short(q) for q, layer in catalog.LAYERS.items() if layer.lazy]
    if kind is bytes:
        return re.compile(whole_words(layers).encode()), re.compile(whole_words(second).encode())
    return re.compile(whole_words(layers)), re.compile(whole_words(second))


def may_report(source: Source, settings: Settings) -> bool:
    """False when no finding is possible in this text, whatever its code."""
    if ("torch" if isinstance(source, str) else b"torch") not in source:
        return False
    layers, second = _patterns(settings.gates, type(source))
    return layers.search(source) is not None and second.search(source) is not None


def may_report_with_index(source: Source, settings: Settings) -> bool:
    """Whether the text might still produce a finding with what the repository index knows:
    layers built only through another file's factory helpers (``linear(64, 256)``: torch and a
    checked activation, whatever names the helpers have), or an activation that builders in other
    files hand its classes (torch and a layer, whatever names the activation has). The index then
    says whether either holds (``FileIndex.needed``)."""
    if ("torch" if isinstance(source, str) else b"torch") not in source:
        return False
    layers, second = _patterns(settings.gates, type(source))
    return second.search(source) is not None or layers.search(source) is not None


def may_hold_layers(source: Source) -> bool:
    """False when the text cannot construct a torch Linear/Conv layer (for counting layers)."""
    if ("torch" if isinstance(source, str) else b"torch") not in source:
        return False
    return _patterns(False, type(source))[0].search(source) is not None
