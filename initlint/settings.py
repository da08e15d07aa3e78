"""The one settings object every front end builds and the analysis reads."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Tuple

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
    # Base classes whose models get their init elsewhere (a class deriving from one, directly or
    # through classes of the same file, makes the file framework-managed).
    framework_bases: Tuple[str, ...] = ("PreTrainedModel",)
    # Front-end filters: rule codes (prefixes) to report or drop; path globs to skip.
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")

    @classmethod
    def names(cls) -> Tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


DEFAULT = Settings()
