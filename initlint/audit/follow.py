"""One forward pass that follows each weight layer's output to what consumes it.

Forward hooks mark every weight layer's output tensor and keep a stack of the modules running;
a ``TorchFunctionMode`` sees every torch call, and for each call that takes a marked tensor asks
``ops`` what it is. Transparent ops (dropout, reshapes, slicing, splitting, casts) mark their
results with the same origin; a norm marks them as "after a norm" (what follows it is noted, not
flagged by default); anything else is where the layer's output goes, and the following stops.
Inside a torch activation, norm or layer module, the module decides (nn.ReLU6 runs hardtanh).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

import torch
from torch.overrides import TorchFunctionMode

from ..catalog import Layer
from ..facts.flows import HEAD_ACTIVATIONS
from .ops import RESCALING, TRANSPARENT, Use, call_use, module_use
from .sites import Site, catalog_layer, site_of


@dataclass(frozen=True)
class Consumer:
    """Where a layer's output went: the use, and whether a norm came first."""

    use: Use
    via_norm: bool = False

    def describe(self) -> str:
        return f"{'norm -> ' if self.via_norm else ''}{self.use.describe()}"


@dataclass(eq=False)
class LayerRun:
    """One weight layer of the model, as built and as the forward pass used it."""

    module: torch.nn.Module
    paths: Tuple[str, ...]
    layer: Layer
    site: Optional[Site]
    order: Optional[int] = None  # position of its first call in the forward pass; None: not reached
    input_moment: Optional[float] = None  # E[x^2] of its (first) input at its first call
    output_moment: Optional[float] = None  # E[y^2] of its output
    activation_moment: Optional[float] = None  # E[f(y)^2] after the first activation it feeds
    consumers: List[Consumer] = field(default_factory=list)
    # Activations it feeds whose result is the model's output (a Tanh head): not hidden ones.
    heads: List[Use] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.order is not None

    def add(self, consumer: Consumer) -> None:
        if consumer not in self.consumers:
            self.consumers.append(consumer)


def _moment(tensor) -> Optional[float]:
    if not isinstance(tensor, torch.Tensor) or not tensor.is_floating_point() or tensor.numel() == 0:
        return None
    return float(tensor.detach().double().pow(2).mean())


def _tensors(value) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)


Origin = Tuple[LayerRun, bool]  # the layer, and whether a norm is in between


class _Follower(TorchFunctionMode):
    def __init__(self, runs: Dict[torch.nn.Module, LayerRun]):
        super().__init__()
        self.runs = runs
        self.stack: List[torch.nn.Module] = []
        self.marked: Dict[int, Tuple[torch.Tensor, Tuple[Origin, ...]]] = {}
        # An activation's result, followed to see whether it is the model's output (a head).
        self.activated: Dict[int, Tuple[torch.Tensor, Tuple[Tuple[LayerRun, Use], ...]]] = {}
        self.calls = 0
        self.quiet = False  # our own measurements are not the model's

    def mark(self, value, origins: Tuple[Origin, ...]) -> None:
        for tensor in _tensors(value):
            before = self.marked.get(id(tensor), (tensor, ()))[1]
            self.marked[id(tensor)] = (tensor, tuple(dict.fromkeys(before + origins)))

    def origins(self, value) -> Tuple[Origin, ...]:
        found: Tuple[Origin, ...] = ()
        for tensor in _tensors(value):
            entry = self.marked.get(id(tensor))
            if entry is not None and entry[0] is tensor:
                found += entry[1]
        return tuple(dict.fromkeys(found))

    def _context_use(self) -> Optional[Use]:
        if not self.stack:
            return None
        inner = self.stack[-1]
        run = self.runs.get(inner)
        if run is not None:
            return Use("layer", f"{run.layer.name} {run.paths[0]}")
        return module_use(inner)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.quiet:
            return func(*args, **kwargs)
        origins = self.origins((args, kwargs))
        result = func(*args, **kwargs)
        self._follow_activated(func, (args, kwargs), result)
        if not origins:
            return result
        use = self._context_use() or call_use(func, args, kwargs)
        if use.kind == "transparent":
            self.mark(result, origins)
            return result
        # An in-place op (ReLU(inplace=True)) returns the tensor it took: that tensor now holds the
        # op's result, no longer the layer's output.
        for tensor in _tensors(result):
            self.marked.pop(id(tensor), None)
        if use.kind == "norm":
            for run, via_norm in origins:
                if not via_norm:
                    run.add(Consumer(use))
            self.mark(result, tuple((run, True) for run, _ in origins))
            return result
        for run, via_norm in origins:
            run.add(Consumer(use, via_norm))
            if use.kind == "activation" and not via_norm:
                self._mark_activated(result, ((run, use),))
                if run.activation_moment is None:
                    self.quiet = True
                    run.activation_moment = _moment(next(_tensors(result), None))
                    self.quiet = False
        return result

    def _mark_activated(self, value, pairs) -> None:
        for tensor in _tensors(value):
            before = self.activated.get(id(tensor), (tensor, ()))[1]
            self.activated[id(tensor)] = (tensor, before + tuple(pairs))

    def activated_pairs(self, value) -> Tuple[Tuple[LayerRun, Use], ...]:
        found: Tuple[Tuple[LayerRun, Use], ...] = ()
        for tensor in _tensors(value):
            entry = self.activated.get(id(tensor))
            if entry is not None and entry[0] is tensor:
                found += entry[1]
        return found

    def _follow_activated(self, func, arguments, result) -> None:
        """An activation's result kept through reshapes, rescaling and clamping (still a head)."""
        pairs = self.activated_pairs(arguments)
        if pairs and (func in TRANSPARENT or func in RESCALING):
            self._mark_activated(result, pairs)

    # ---------------------------------------------------------------- hooks

    def before(self, module, inputs) -> None:
        self.stack.append(module)
        run = self.runs.get(module)
        if run is not None and run.order is None:
            self.quiet = True
            run.order = self.calls
            self.calls += 1
            run.input_moment = _moment(next(_tensors(inputs), None))
            self.quiet = False

    def after(self, module, inputs, output) -> None:
        if self.stack and self.stack[-1] is module:
            self.stack.pop()
        run = self.runs.get(module)
        if run is None:
            return
        if run.output_moment is None:
            self.quiet = True
            run.output_moment = _moment(next(_tensors(output), None))
            self.quiet = False
        self.mark(output, ((run, False),))


def layer_runs(model: torch.nn.Module) -> Dict[torch.nn.Module, LayerRun]:
    """Every weight layer of ``model`` with all the paths it is reachable by, in model order."""
    paths: Dict[torch.nn.Module, List[str]] = {}
    for path, module in model.named_modules(remove_duplicate=False):
        if catalog_layer(module) is not None:
            paths.setdefault(module, []).append(path or "(model)")
    return {m: LayerRun(m, tuple(p), catalog_layer(m), site_of(m)) for m, p in paths.items()}


def follow(model: torch.nn.Module, inputs: Tuple[object, ...]) -> Tuple[List[LayerRun], object]:
    """Run ``model(*inputs)`` once (eval mode, no grad) and return its layers as used, and the output."""
    runs = layer_runs(model)
    follower = _Follower(runs)
    handles = []
    for module in model.modules():
        handles.append(module.register_forward_pre_hook(follower.before))
        handles.append(module.register_forward_hook(follower.after))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), follower:
            output = model(*inputs)
        for run, via_norm in follower.origins(output):
            run.add(Consumer(Use("output", "output"), via_norm))
        for run, use in follower.activated_pairs(output):
            # The linter's policy: a bounded activation ending the model is its output range.
            if use.name in HEAD_ACTIVATIONS and use not in run.heads:
                run.heads.append(use)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    for run in runs.values():
        if run.reached and not run.consumers:
            run.add(Consumer(Use("unused", "unused")))
    # After the forward pass: a Lazy layer's weight exists only now.
    return list(runs.values()), output
