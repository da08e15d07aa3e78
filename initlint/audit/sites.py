"""Where each weight layer was built: the file and line of its constructor call in user code.

While a model is built under ``recording()``, the ``__init__`` of every torch layer class that
initlint knows (catalog.LAYERS: Linear, Bilinear, Conv*, ConvTranspose*, their Lazy forms) is
wrapped; the wrapper reads the call stack and remembers, per module, the first frame that is
neither torch's nor initlint's nor the layer's own ``__init__`` chain (a user subclass calling
``super().__init__``). That frame is the constructor call the static analysis reports on.
"""

from __future__ import annotations

import contextlib
import os
import sys
import weakref
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

import torch

from ..catalog import LAYERS, Layer

_TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep
_INITLINT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


@dataclass(frozen=True)
class Site:
    """A constructor call: ``path:line`` (and its 0-based column where Python says it, 3.11+), and
    the calls that led to it (outermost last)."""

    path: str
    line: int
    col: Optional[int] = None
    callers: Tuple[Tuple[str, int], ...] = ()

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def layer_classes() -> Dict[type, Layer]:
    """The torch classes behind catalog.LAYERS (``torch.nn.Linear`` -> its catalog entry)."""
    classes = {}
    for qualified, layer in LAYERS.items():
        cls = getattr(torch.nn, qualified.rsplit(".", 1)[1], None)
        if isinstance(cls, type):
            classes[cls] = layer
    return classes


def catalog_layer(module: torch.nn.Module) -> Optional[Layer]:
    """The catalog entry of a module's torch layer class (a user subclass of nn.Linear is a Linear).
    A materialised Lazy layer has become its plain class and is judged as that."""
    for cls in type(module).__mro__:
        layer = LAYER_CLASSES.get(cls)
        if layer is not None:
            return layer
    return None


LAYER_CLASSES = layer_classes()
_sites: "weakref.WeakKeyDictionary[torch.nn.Module, Site]" = weakref.WeakKeyDictionary()


def site_of(module: torch.nn.Module) -> Optional[Site]:
    """Where ``module`` was built, when it was built under ``recording()``."""
    return _sites.get(module)


def _column(frame) -> Optional[int]:
    """The column where the call being executed starts (its instruction's position; Python 3.11+)."""
    positions = getattr(frame.f_code, "co_positions", None)
    if positions is None:
        return None
    for i, position in enumerate(positions()):
        if i == frame.f_lasti // 2:
            return position[2]
    return None


def _user_frames(module: torch.nn.Module) -> List[Tuple[str, int, Optional[int]]]:
    frames = []
    frame = sys._getframe(2)  # the caller of the wrapped __init__
    while frame is not None:
        name = frame.f_code.co_filename
        path = name if name.startswith("<") else os.path.abspath(name)  # "<string>", "<frozen ...>"
        own_init = frame.f_code.co_name == "__init__" and frame.f_locals.get("self") is module
        if not (own_init or path.startswith((_TORCH_DIR, _INITLINT_DIR, "<frozen"))):
            frames.append((path, frame.f_lineno, _column(frame) if not frames else None))
        frame = frame.f_back
    return frames


def _wrap(cls: type):
    original = cls.__dict__["__init__"]

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self not in _sites:  # a subclass's wrapped __init__ below this one has recorded it
            frames = _user_frames(self)
            if frames:
                _sites[self] = Site(*frames[0], tuple(frame[:2] for frame in frames[1:]))

    __init__.__wrapped__ = original
    return original, __init__


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """Record the construction site of every torch weight layer built inside the block."""
    wrapped = [(cls, *_wrap(cls)) for cls in LAYER_CLASSES if "__init__" in cls.__dict__]
    for cls, _, wrapper in wrapped:
        cls.__init__ = wrapper
    try:
        yield
    finally:
        for cls, original, _ in wrapped:
            cls.__init__ = original
