"""Draw docs/audit_alexnet.png: ``initlint audit --plot`` on torchvision's AlexNet, built offline.

torchvision needs its own torch, so this runs in a separate environment (CI does not run it):

    python3 -m venv /tmp/venv-tv && /tmp/venv-tv/bin/pip install torch==2.14.1 torchvision==0.29.1 matplotlib
    /tmp/venv-tv/bin/pip install -e .
    /tmp/venv-tv/bin/python scripts/audit_example.py [docs/audit_alexnet.png]

It prints the audit's text report and writes the PNG. The same as the command
``initlint audit scripts/audit_example.py:alexnet --input-shape 16,3,224,224 --plot docs/audit_alexnet.png``.
"""

import os
import sys

import torch
import torchvision

from initlint.audit import audit, build
from initlint.audit.plot import plot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def alexnet():
    """AlexNet as torchvision builds it, without pretrained weights (nothing is downloaded)."""
    return torchvision.models.alexnet(weights=None)


def main(path: str) -> None:
    model = build(alexnet)
    inputs = (torch.randn(16, 3, 224, 224, generator=torch.Generator().manual_seed(0)),)
    report = audit(model, *inputs)
    sys.stdout.write(report.text(os.path.dirname(torchvision.__file__)))
    plot(model, inputs, report, path, f"torchvision {torchvision.__version__} AlexNet")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "docs", "audit_alexnet.png"))
