"""``initlint explain --plot``: the second moment per layer of a deep plain MLP, under torch's
default init and under the init initlint writes. Needs the ``plot`` extra (torch, matplotlib).

The models are built from source and fixed by initlint's own fix, so the picture shows what
the tool does, measured with torch, not a formula.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

DEFAULT_ACTIVATIONS = ("ReLU", "Tanh", "GELU", "SELU")
DEPTH, WIDTH, BATCH = 50, 256, 1024


class PlotUnavailable(Exception):
    """torch or matplotlib is missing."""


def _mlp_source(activation: str, depth: int, width: int) -> bytes:
    hidden = "".join(f"    nn.Linear({width}, {width}, bias=False),\n    nn.{activation}(),\n" for _ in range(depth))
    return f"import torch.nn as nn\n\nmodel = nn.Sequential(\n{hidden}    nn.Linear({width}, 1),\n)\n".encode()


def measure(activations: Sequence[str], depth: int = DEPTH, width: int = WIDTH) -> Dict[str, Dict[str, List[float]]]:
    """``{activation: {"torch default": [...], "initlint": [...]}}``: E[y^2] of each hidden layer's output."""
    try:
        import torch
    except ImportError as error:
        raise PlotUnavailable("needs torch: pip install 'initlint[plot]'") from error
    from .fix import fix_source

    results: Dict[str, Dict[str, List[float]]] = {}
    for activation in activations:
        source = _mlp_source(activation, depth, width)
        fixed, _ = fix_source(source)
        results[activation] = {
            "torch default": _moments(torch, source, width),
            "initlint": _moments(torch, fixed, width),
        }
    return results


def _moments(torch, source: bytes, width: int) -> List[float]:
    torch.manual_seed(0)
    namespace: dict = {}
    exec(compile(source, "<initlint plot model>", "exec"), namespace)
    model = namespace["model"].eval()
    moments: List[float] = []
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][:-1]
    for layer in linears:
        layer.register_forward_hook(lambda _m, _i, out: moments.append(out.pow(2).mean().item()))
    with torch.no_grad():
        model(torch.randn(BATCH, width, generator=torch.Generator().manual_seed(1)))
    return moments


def draw(
    results: Dict[str, Dict[str, List[float]]],
    path: str,
    title: str = f"Plain MLP, width {WIDTH}, no bias: torch's default init vs the init initlint writes",
    xlabel: str = "layer",
):
    """Write the PNG: per group, its first series dotted, its second solid (as measured, then with
    initlint's init); returns the matplotlib figure (tests read the plotted values back)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise PlotUnavailable("needs matplotlib: pip install 'initlint[plot]'") from error
    figure, axes = plt.subplots(figsize=(8, 5))
    for i, (activation, series) in enumerate(results.items()):
        colour = f"C{i}"
        for (label, values), style in zip(series.items(), (":", "-")):
            axes.plot(range(1, len(values) + 1), values, style, color=colour, label=f"{activation}, {label}")
    axes.set_yscale("log")
    axes.set_xlabel(xlabel)
    axes.set_ylabel("E[y²] of the layer's output")
    axes.set_title(title, fontsize="medium")
    axes.legend(fontsize="small", ncol=2)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return figure
