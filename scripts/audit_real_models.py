"""The runtime audit over real models built offline, with the disagreement counts per package
(docs/real-world.md, "Runtime audit").

Needs torchvision (and timm, optionally) in a separate environment, as scripts/audit_example.py:

    /tmp/venv-tv/bin/python scripts/audit_real_models.py [--timm N] > audit-real.json

For each classification constructor (``weights=None``, nothing downloaded) it builds the model
seeded under recording, runs one forward pass on a 1x3x224x224 normal input, and compares with
the static analysis twice: as ``initlint check`` runs on the installed file (the repository index
on, its root being site-packages), and file by file (``--no-repository``). Prints one JSON line
per model, then the totals per package and comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import torch

from initlint.audit import audit, build
from initlint.audit.compare import compare

# Over ~150M parameters: minutes each on a CPU and GBs of memory, for no new site.
TOO_BIG = ("vit_h_14", "vit_l_16", "vit_l_32", "regnet_y_128gf", "regnet_y_32gf", "regnet_y_16gf", "regnet_x_32gf")
CLASSES = ("both", "runtime only", "static only")


def _counts(report, repository: bool) -> dict:
    for row in report.rows:
        row.static = row.static_note = ""
    compare(report, {"repository": repository})
    return {name: sum(row.static == name for row in report.rows) for name in CLASSES}


def audit_one(package: str, name: str, factory, shape=(1, 3, 224, 224)) -> dict:
    started = time.time()
    try:
        model = build(factory)
        report = audit(model, torch.randn(*shape, generator=torch.Generator().manual_seed(0)), static=False)
    except Exception as error:  # a model that needs other inputs: counted apart, never hidden
        return {"package": package, "model": name, "error": f"{type(error).__name__}: {error}"[:200]}
    result = {
        "package": package, "model": name, "sites": len(report.rows), "flagged": len(report.flagged),
        "reached": sum(row.reached for row in report.rows),
        "repository": _counts(report, True), "per_file": _counts(report, False),
        "examples": {},
    }
    for row in report.rows:  # one example row per class, to read
        if row.static and row.static not in result["examples"]:
            result["examples"][row.static] = f"{row.location}: {row.follows()}; {row.static_note}"
    result["seconds"] = round(time.time() - started, 1)
    return result


def torchvision_models():
    import torchvision

    for name in torchvision.models.list_models(module=torchvision.models):
        if name not in TOO_BIG:
            yield name, (lambda name=name: torchvision.models.get_model(name, weights=None))


def timm_models(limit: int):
    import timm

    names = [n for n in timm.list_models() if not n.startswith(("vit_giant", "vit_huge", "eva_giant"))]
    step = max(1, len(names) // limit)
    for name in names[::step][:limit]:
        yield name, (lambda name=name: timm.create_model(name, pretrained=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timm", type=int, default=0, help="also this many timm models, evenly spaced in its list")
    args = parser.parse_args()
    sources = [("torchvision", torchvision_models())]
    if args.timm:
        sources.append(("timm", timm_models(args.timm)))
    totals: dict = {}
    for package, models in sources:
        for name, factory in models:
            result = audit_one(package, name, factory)
            print(json.dumps(result), flush=True)
            empty = {"models": 0, "errors": 0, "sites": 0, "flagged": 0}
            empty.update(repository=dict.fromkeys(CLASSES, 0), per_file=dict.fromkeys(CLASSES, 0))
            total = totals.setdefault(package, empty)
            if "error" in result:
                total["errors"] += 1
                continue
            total["models"] += 1
            for key in ("sites", "flagged"):
                total[key] += result[key]
            for mode in ("repository", "per_file"):
                for cls in CLASSES:
                    total[mode][cls] += result[mode][cls]
    print(json.dumps({"totals": totals}))


if __name__ == "__main__":
    sys.exit(main())
