"""The real-code build check of ``initlint fix`` (issue 14, item 5; docs/real-world.md, "The fix, built").

Needs torchvision in a separate environment (not in CI), with this checkout importable:

    PYTHONPATH=. /tmp/venv-audit-tv/bin/python scripts/fix_build_check.py                       # torchvision
    PYTHONPATH=. /tmp/venv-audit-tv/bin/python scripts/fix_build_check.py --package timm --sample 30

(torch 2.14.1, torchvision 0.29.1, timm 1.0.31 installed with ``--no-deps``.) For timm, the sample
is the first model of each file with a fixed site, then models evenly spaced in ``timm.list_models()``
(names with huge/giant/large/... left out); each runs on its own ``pretrained_cfg`` input size.

1. Copies the installed ``torchvision`` (and its ``torchvision.libs``) into a temporary folder,
   lists the findings there (``initlint check --format json``), runs ``initlint fix`` on the copy
   and lists them again: the fixed sites are the fixable findings of the first list (file:line of
   the ORIGINAL file, with their activation); every one must be gone from the second.
2. Builds every model (torchvision: every classification constructor but the 7 over ~150M
   parameters, audit_real_models.TOO_BIG, plus 4 detection/optical-flow models that build the
   fixed sites outside the classifiers) twice, each in a subprocess with its own package first on
   sys.path: the original (site-packages) and the fixed copy (``torchvision.__file__`` is checked
   to be in it).
   Each build is seeded (``initlint.audit.build``: seed 0, construction sites recorded), then runs
   one forward pass (no grad, eval mode). Per layer it keeps the module path, the construction site,
   the weight's std, max |w|, fan_in, ``initlint.audit.state.init_state`` and a hash of its bytes.
3. Compares, per model, layer by layer (matched by module path: the fix changes no structure):
   - a layer whose ORIGINAL site is a fixed site must carry std == gain/sqrt(fan_in), gain being
     torch's for its activation (tests/torch_measure.py ``expected_gain``), within 5 standard
     errors of a uniform sample's std (std*sqrt(0.2/n)), and max |w| <= gain*sqrt(3/fan_in);
     under 10,000 weights: "too small to judge" (counted, not passed);
   - every other layer is unchanged: in a model with no fixed layer, its weight is bit-identical
     to the original build (same seed, same code path); in a model with fixed layers (the fix adds
     RNG calls, so later draws differ), it has the same ``init_state`` verdict as the original and,
     when that is "changed" (the model's own init), the same std within 5 standard errors of the
     difference of two normal samples' stds (std*sqrt(2*0.5/n));
   - a guarded fix (``if act_layer is nn.GELU:``) where the forward pass (``initlint.audit.follow``)
     shows the layer feeding another activation than the finding's: the guard is not taken, and
     the layer is judged as an untouched one.
Prints the counts and the failures with their reasons; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MAX_PARAMS = 150_000_000  # the forward of a larger model takes minutes on a CPU
MIN_JUDGED = 10_000  # weights: below, a draw's std says too little to tell inits apart
SIGMAS = 5.0

# Models whose forward needs something other than one 1x3x224x224 image.
INPUTS = {"inception_v3": (1, 3, 299, 299)}
# Non-classification models that build the fixed detection/flow sites offline (weights=None).
EXTRA = {
    "fasterrcnn_resnet50_fpn": "detection", "fasterrcnn_resnet50_fpn_v2": "detection",
    "raft_small": "optical_flow", "raft_large": "optical_flow",
}


# ---------------------------------------------------------------- child: build from one torchvision


def _layer_record(path, module, layer, site, root):
    import torch

    from initlint.audit.state import init_state

    weight = module.weight.detach()
    w = weight.double().flatten()
    state = init_state(module, layer)
    fan_in = torch.nn.init._calculate_fan_in_and_fan_out(weight)[0] if weight.dim() > 1 else None
    where = None
    if site is not None and site.path.startswith(root):
        where = [os.path.relpath(site.path, root), site.line]
    elif site is not None:
        where = [site.path, site.line]
    return {
        "path": path, "layer": layer.name, "site": where, "numel": w.numel(),
        "std": float(w.std()) if w.numel() > 1 else 0.0, "max": float(w.abs().max()), "fan_in": fan_in,
        "state": state.verdict, "sha": hashlib.sha1(weight.contiguous().cpu().numpy().tobytes()).hexdigest(),
    }


def _forward(name, model, family):
    """One forward pass; returns {module path: the uses its output reached} where the pass is
    followed (``initlint.audit.follow``), None where it is not (RAFT takes keyword inputs)."""
    import torch

    from initlint.audit.follow import follow

    model.eval()
    generator = torch.Generator().manual_seed(0)
    if family == "timm":  # its own input size (256, 384, ... for some)
        inputs = (torch.randn(1, *model.pretrained_cfg.get("input_size", (3, 224, 224)), generator=generator),)
    elif family == "detection":
        inputs = ([torch.rand(3, 224, 224, generator=generator)],)
    elif family == "optical_flow":
        images = [torch.rand(1, 3, 224, 224, generator=generator) * 2 - 1 for _ in range(2)]
        with torch.no_grad():
            model(*images, num_flow_updates=2)
        return None
    else:
        inputs = (torch.randn(*INPUTS.get(name, (1, 3, 224, 224)), generator=generator),)
    runs, _ = follow(model, inputs)
    return {path: sorted({c.use.name for c in run.consumers}) for run in runs for path in run.paths}


def _factory(library, name: str, family: str):
    if family == "timm":
        return lambda: library.create_model(name, pretrained=False)
    kwargs = {"weights": None}
    if family == "detection":
        kwargs["weights_backbone"] = None
    return lambda: library.models.get_model(name, **kwargs)


def child(package_name: str, root: str, out: str, names) -> None:
    sys.path.insert(0, root)
    import importlib

    from initlint.audit import build
    from initlint.audit.sites import catalog_layer, site_of

    library = importlib.import_module(package_name)
    package = os.path.dirname(os.path.abspath(library.__file__))
    if not package.startswith(os.path.abspath(root) + os.sep):
        raise SystemExit(f"{package_name} imported from {package}, not from {root}")
    with open(out, "w") as stream:
        for name in names:
            family = "timm" if package_name == "timm" else EXTRA.get(name, "classification")
            result = {"model": name, "family": family, "package": package}
            try:
                model = build(_factory(library, name, family))
            except Exception as error:
                result["error"] = f"build: {type(error).__name__}: {error}"[:300]
                stream.write(json.dumps(result) + "\n")
                continue
            result["params"] = sum(p.numel() for p in model.parameters())
            if result["params"] > MAX_PARAMS:
                result["error"] = f"over ~150M parameters ({result['params'] / 1e6:.0f}M): not run"
            result["layers"] = [
                _layer_record(path, module, layer, site_of(module), package)
                for path, module in model.named_modules()
                for layer in [catalog_layer(module)]
                if layer is not None and getattr(module, "weight", None) is not None
            ]
            try:
                if "error" in result:
                    raise RuntimeError(result["error"])
                result["uses"] = _forward(name, model, family)
                result["forward"] = True
            except Exception as error:
                result["forward"] = False
                result["error"] = f"forward: {type(error).__name__}: {error}"[:300]
            stream.write(json.dumps(result) + "\n")
            stream.flush()


# ---------------------------------------------------------------- parent: fix a copy, compare


def _check_json(directory: str) -> list:
    from initlint.cli import main as initlint

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        initlint(["check", "--format", "json", "--no-cache", "-j", "1", directory])
    return json.loads(captured.getvalue())


def fix_copy(source: str, work: str, package_name: str):
    """Copy the package into ``work``, fix it; the fixed sites (original file:line -> finding)."""
    for name in (package_name, f"{package_name}.libs"):
        if os.path.isdir(os.path.join(source, name)):
            shutil.copytree(os.path.join(source, name), os.path.join(work, name))
    package = os.path.join(work, package_name)
    before = _check_json(package)
    from initlint.cli import main as initlint

    with contextlib.redirect_stdout(io.StringIO()):
        initlint(["fix", "--no-cache", "-j", "1", package])
    after = _check_json(package)
    fixed = {}
    for finding in before:
        if finding["fixable"]:
            finding["where"] = f"{os.path.relpath(finding['path'], work)}:{finding['line']}"
            fixed[(os.path.relpath(finding["path"], package), finding["line"])] = finding
    return fixed, before, after


def torchvision_names():
    import torchvision

    sys.path.insert(0, HERE)
    from audit_real_models import TOO_BIG

    names = torchvision.models.list_models(module=torchvision.models)
    return [n for n in names if n not in TOO_BIG] + sorted(EXTRA), [n for n in names if n in TOO_BIG]


# Names of timm models over ~150M parameters (or minutes to build on a CPU): left out of the sample.
BIG_WORDS = ("huge", "giant", "gigantic", "xxl", "xlarge", "large", "1b", "3b", "7b", "coatnet_5", "nfnet_f")


def timm_names(limit: int, fixed):
    """The first model of each timm file with a fixed site, then evenly spaced others, ``limit`` in all."""
    import timm

    names = [n for n in timm.list_models() if not any(word in n for word in BIG_WORDS)]
    chosen = []
    for path in sorted({key[0] for key in fixed}):
        if path.startswith("models" + os.sep):
            in_file = [n for n in timm.list_models(module=os.path.basename(path)[:-3]) if n in names]
            chosen += in_file[:1]
    rest = [n for n in names if n not in chosen]
    step = max(1, len(rest) // max(1, limit - len(chosen)))
    chosen += rest[::step][: max(0, limit - len(chosen))]
    return chosen, list(BIG_WORDS)


def builds(python: str, package_name: str, roots, names, work: str):
    """Build ``names`` from each package root in parallel subprocesses; their records by model."""
    env = dict(os.environ, PYTHONPATH=REPO)
    jobs = []
    for label, root in roots.items():
        out = os.path.join(work, f"{label}.jsonl")
        command = [python, os.path.abspath(__file__), "--child", package_name, root, out, *names]
        jobs.append((label, out, subprocess.Popen(command, env=env)))
    results = {}
    for label, out, process in jobs:
        if process.wait() != 0:
            raise SystemExit(f"the {label} build failed (exit {process.returncode})")
        with open(out) as stream:
            results[label] = {r["model"]: r for r in map(json.loads, stream)}
    return results


def _expected_gain(activation: str) -> float:
    sys.path.insert(0, os.path.join(REPO, "tests"))
    import torch
    from torch_measure import expected_gain

    return expected_gain(getattr(torch.nn, activation)())


def judge_fixed(model, new, finding, counts, failures, old=None, uses=None):
    """A fixed layer carries gain/sqrt(fan_in) for the finding's activation. A guarded fix (``if
    act_layer is nn.GELU:``) applies only where the model takes the default: a layer the forward
    pass shows feeding another activation must keep what the original build has."""
    counts["_fixed_seen"].add((finding["path"], finding["line"]))
    guarded = "(guarded:" in finding["message"]
    if guarded and old is not None and uses is not None and finding["activation"] not in uses:
        counts["fixed, guard not taken (another activation at run time)"] += 1
        judge_untouched(model, old, new, False, counts, failures)
        return
    gain = _expected_gain(finding["activation"])
    expected = gain / math.sqrt(new["fan_in"])
    where = f"{model}.{new['path']} ({finding['where']})"
    if new["numel"] < MIN_JUDGED:
        counts["fixed too small to judge"] += 1
        return
    tolerance = SIGMAS * expected * math.sqrt(0.2 / new["numel"])
    problems = []
    if abs(new["std"] - expected) > tolerance:
        problems.append(f"std {new['std']:.5g}, expected {expected:.5g} ± {tolerance:.2g} ({finding['activation']})")
    if new["max"] > gain * math.sqrt(3 / new["fan_in"]) * (1 + 1e-6):
        problems.append(f"max |w| {new['max']:.5g} > bound {gain * math.sqrt(3 / new['fan_in']):.5g}")
    counts["fixed layers fail" if problems else "fixed layers pass"] += 1
    if problems:
        failures.append(f"fixed {where}: " + "; ".join(problems))


def judge_untouched(model, old, new, identical_expected, counts, failures):
    where = f"{model}.{new['path']}"
    if identical_expected:
        ok, why = old["sha"] == new["sha"], "weight differs from the original build (same seed, no fixed layer)"
    elif old["state"] != new["state"]:
        ok, why = False, f"init state {old['state']} -> {new['state']}"
    elif old["state"] == "too small to judge":
        counts["untouched too small to judge"] += 1
        return
    elif old["state"] == "changed":
        # two independent draws of the model's own init (the fix's draws moved the RNG): their
        # stds differ by sqrt(2) times one sample's standard error
        tolerance = SIGMAS * old["std"] * math.sqrt(2 * 0.5 / old["numel"]) + 1e-12
        ok = abs(new["std"] - old["std"]) <= tolerance
        why = f"std {old['std']:.5g} -> {new['std']:.5g} (tolerance {tolerance:.2g})"
    else:
        ok, why = True, ""
    counts["untouched layers pass" if ok else "untouched layers fail"] += 1
    if not ok:
        failures.append(f"untouched {where}: {why}")


def compare(results, fixed, counts, failures):
    original, fixed_build = results["original"], results["fixed"]
    for model, old_model in original.items():
        new_model = fixed_build[model]
        if "error" in new_model and new_model.get("error") != old_model.get("error"):
            failures.append(f"{model}: the fixed build fails where the original does not: {new_model['error']}")
        elif "error" in new_model:  # the original fails the same way: the model's own limit, not the fix's
            counts["_not_run"].append(f"{model}: {new_model['error']} (the original too)")
        if "layers" not in old_model or "layers" not in new_model:
            continue
        counts["models built"] += 1
        counts["forwards run"] += bool(new_model.get("forward"))
        old_layers = {layer["path"]: layer for layer in old_model["layers"]}
        new_layers = {layer["path"]: layer for layer in new_model["layers"]}
        if set(old_layers) != set(new_layers):
            failures.append(f"{model}: layer paths differ between the original and the fixed build")
            continue
        at_fixed = {  # module path -> the finding fixed at its original construction site
            path: fixed[tuple(layer["site"])]
            for path, layer in old_layers.items()
            if layer["site"] and tuple(layer["site"]) in fixed
        }
        if at_fixed:
            counts["models with fixed layers"] += 1
        for path, old in old_layers.items():
            new = new_layers[path]
            if path in at_fixed:
                uses = (new_model.get("uses") or {}).get(path) if new_model.get("uses") is not None else None
                judge_fixed(model, new, at_fixed[path], counts, failures, old, uses)
            else:
                judge_untouched(model, old, new, not at_fixed, counts, failures)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    parser.add_argument("--package", choices=("torchvision", "timm"), default="torchvision")
    parser.add_argument("--sample", type=int, default=30, help="timm: this many models (default: 30)")
    parser.add_argument("--models", nargs="*", help="only these model names (default: every one / the sample)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.child[2], args.child[3:])
        return 0
    import importlib

    library = importlib.import_module(args.package)  # to find the installed package; builds run in subprocesses
    source = os.path.dirname(os.path.dirname(os.path.abspath(library.__file__)))
    work = tempfile.mkdtemp(prefix="initlint-fix-build-")
    copy = os.path.join(work, "copy")
    os.makedirs(copy)
    fixed, before, after = fix_copy(source, copy, args.package)
    names, skipped = torchvision_names() if args.package == "torchvision" else timm_names(args.sample, fixed)
    names = args.models or names
    results = builds(sys.executable, args.package, {"original": source, "fixed": copy}, names, work)
    counts = dict.fromkeys(
        ("models built", "forwards run", "models with fixed layers", "fixed layers pass", "fixed layers fail",
         "fixed too small to judge", "fixed, guard not taken (another activation at run time)",
         "untouched layers pass", "untouched layers fail",
         "untouched too small to judge"), 0)
    counts["_fixed_seen"], counts["_not_run"] = set(), []
    failures = []
    compare(results, fixed, counts, failures)
    seen, not_run = counts.pop("_fixed_seen"), counts.pop("_not_run")
    print(f"{args.package} {library.__version__}: {len(before)} findings before the fix, "
          f"{len(fixed)} fixable (the fixed sites), {len(after)} left after it")
    for finding in after:
        if finding["fixable"]:
            failures.append(f"still reported after the fix: {finding['path']}:{finding['line']} {finding['message']}")
    for key, finding in sorted(fixed.items()):
        state = "judged" if (finding["path"], finding["line"]) in seen else "no built model has a layer from it"
        print(f"  fixed site {key[0]}:{key[1]} {finding['layer']} -> {finding['activation']}: {state}")
    listed = ", ".join(names) if args.package == "timm" or args.models else "every constructor"
    print(f"models: {len(names)} ({listed}); "
          f"left out, too big: {', '.join(skipped)}")
    for key, value in counts.items():
        print(f"{key}: {value}")
    print(f"not run (the original fails the same way): {len(not_run)}")
    for line in not_run:
        print(f"  {line}")
    print(f"failures: {len(failures)}")
    for failure in failures:
        print(f"  {failure}")
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
