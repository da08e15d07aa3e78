#!/usr/bin/env python3
"""Draw the seeded review samples over a downloaded corpus: reported INI001 findings (precision)
and unreported layer construction sites (recall).

    python scripts/real_world.py --set corpus --keep /tmp/initlint-corpus      # download once
    python scripts/review_sample.py --corpus /tmp/initlint-corpus --set corpus \\
        --seed 1 --findings 100 --unreported 150 --out review.md --json review.json --shares 4

Over every ``.py`` file of every package of the set (each package a project rooted at its unpacked
folder, as scripts/real_world.py analyses it):

- the **findings population**: every INI001 finding that ``initlint.runner.check_file(path,
  DEFAULT settings)`` reports (``# noqa`` applied), in any file;
- the **site population**: every Linear/Conv construction site (``initlint.facts.collect``'s
  ``sites``, positioned by ``initlint.positions.start_positions``) in a file that *uses an
  activation*. A file uses an activation when its text holds, as a whole word, the last name
  component of any HIDDEN-role entry of initlint's catalog: ``ACTIVATION_MODULES`` (``ReLU``,
  ``GELU``, ``SiLU``, ...), ``ACTIVATION_FUNCTIONS`` (``relu``, ``gelu``, ``leaky_relu``, ...) or
  ``ACTIVATION_METHODS`` (``relu``, ``tanh_``, ...), matched on the raw text (code, comments and
  strings alike; a word boundary is any character outside ``[A-Za-z0-9_]``, as initlint's
  pre-filter has it). Gate and output activations (sigmoid, softmax) do not count;
- a site is **reported** when check_file has an INI001 finding at the same line and column (both
  0-based columns from ``start_positions``: ``Finding.col`` is 0-based, ``Finding.as_dict`` and the
  CLI print it 1-based; this script prints 1-based columns too). The others are the
  **unreported population**: the recall population. Sites in framework-managed files (HuggingFace
  style) and in files check_file could not analyse are in it like any other: the reviewer says
  whether each should have been reported.

It then draws, with ``random.Random`` seeded from ``--seed`` (one stream per population, so the
size of one sample does not change the other), ``--findings N`` findings and ``--unreported N``
unreported sites, uniformly from the whole corpus. Items are numbered in draw order (F001...,
U001...), so the same seed over the same corpus and the same initlint gives the same items with
the same ids. ``--shares K`` splits each list into K consecutive runs of ids (random with respect
to package and file), one reviewer file each. Reviewed, the samples scale to the corpus:

    precision = TP findings / reviewed findings
    found     = precision * findings population
    miss rate = sampled unreported sites that should have been reported / sampled unreported
    recall    = found / (found + miss rate * unreported population)

Output: a markdown file (``--out``; with ``--shares K``, ``FILE.1.md`` ... ``FILE.K.md`` instead)
with, per item, package, path, line, layer, the message (findings) and 13 lines of source around
the line (marked ``>>``), then empty ``verdict:`` and ``reason:`` lines; and a JSON file
(``--json``) with the same items, each with its share. Both begin with the command that
reproduces the sample, initlint's git commit and the package versions, also printed here.

Standard library and initlint only. Nothing is downloaded: a package missing from ``--corpus``
is an error naming the command that fetches it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Pattern, Sequence, Set, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_world  # noqa: E402 - the sibling script: the pinned sets and their unpacked roots

CONTEXT = 6  # lines shown before and after the item's line
CODE = "INI001"
VERDICTS = {
    "finding": "TP (keeps torch's default and really feeds that activation) / FP",
    "unreported": "MISS (should have been reported) / OK (rightly not reported)",
}


# --------------------------------------------------------------------------- what counts


def activation_words() -> List[str]:
    """The last name component of every HIDDEN activation of initlint's catalog."""
    from initlint import catalog

    words = {q.rsplit(".", 1)[-1] for q, a in catalog.ACTIVATION_MODULES.items() if a.role == catalog.HIDDEN}
    words |= {q.rsplit(".", 1)[-1] for q, (a, _) in catalog.ACTIVATION_FUNCTIONS.items() if a.role == catalog.HIDDEN}
    words |= {m for m, a in catalog.ACTIVATION_METHODS.items() if a.role == catalog.HIDDEN}
    return sorted(words)


_PATTERN: Optional[Pattern[bytes]] = None


def uses_activation(source: bytes) -> bool:
    global _PATTERN
    if _PATTERN is None:
        from initlint.prefilter import whole_words

        _PATTERN = re.compile(whole_words(activation_words()).encode())
    return _PATTERN.search(source) is not None


@dataclass
class FileSurvey:
    package: str
    path: str  # relative to the package's root
    findings: List[Tuple[int, int, str, str, str]] = field(default_factory=list)  # line, col0, layer, act, message
    uses_activation: bool = False
    sites: List[Tuple[int, int, str]] = field(default_factory=list)  # line, col0, layer (activation files only)
    error: str = ""  # check_file's error line, if any
    sites_error: str = ""  # why the sites could not be listed


def construction_sites(path: str, source: bytes) -> List[Tuple[int, int, str]]:
    """``(line, 0-based col, layer name)`` of every Linear/Conv construction, as the analysis sees them."""
    from initlint.positions import start_positions

    module, sites = real_world.layer_sites(path, source)
    if not sites:
        return []
    positions = start_positions(module, [site.call for site in sites])
    return sorted((*positions[id(site.call)], site.layer.name) for site in sites if id(site.call) in positions)


def survey_file(job: Tuple[str, str, str]) -> FileSurvey:
    """One file's INI001 findings and, if it uses an activation, its construction sites. Never raises."""
    package, root, relative = job
    from initlint import SourceError
    from initlint.runner import check_file
    from initlint.settings import DEFAULT

    survey = FileSurvey(package, relative)
    path = os.path.join(root, relative)
    checked = check_file(path, DEFAULT)
    survey.error = checked.error
    survey.findings = [(f.line, f.col, f.layer, f.activation, f.message) for f in checked.findings if f.code == CODE]
    try:
        source = Path(path).read_bytes()
    except OSError as error:
        survey.sites_error = f"unreadable: {error}"
        return survey
    survey.uses_activation = uses_activation(source)
    if survey.uses_activation:
        try:
            survey.sites = construction_sites(path, source)
        except SourceError as error:
            survey.sites_error = str(error)
        except Exception as error:  # noqa: BLE001 - a bug in initlint's facts: count it, go on
            survey.sites_error = f"internal error: {type(error).__name__}: {error}"
    return survey


def _worker_died(job: Tuple[str, str, str]) -> FileSurvey:
    return FileSurvey(job[0], job[2], error="internal error: a worker process died", sites_error="worker died")


# --------------------------------------------------------------------------- the populations


@dataclass(frozen=True)
class Item:
    kind: str  # "finding" | "unreported"
    package: str
    version: str
    path: str
    line: int
    col: int  # 1-based, as initlint check prints it
    layer: str
    activation: str = ""
    message: str = ""
    note: str = ""  # e.g. check_file could not analyse the file


@dataclass
class Populations:
    files: int = 0
    activation_files: int = 0
    findings: List[Item] = field(default_factory=list)
    sites: int = 0  # in activation-using files
    reported_sites: int = 0
    unreported: List[Item] = field(default_factory=list)
    unmatched_findings: List[Item] = field(default_factory=list)  # findings at no listed site
    file_errors: List[str] = field(default_factory=list)  # "package path: error"
    site_errors: List[str] = field(default_factory=list)


def gather(surveys: Sequence[FileSurvey], versions: Dict[str, str]) -> Populations:
    pops = Populations()
    for s in surveys:
        pops.files += 1
        version = versions[s.package]
        if s.error:
            pops.file_errors.append(f"{s.package} {s.path}: {s.error}")
        if s.sites_error:
            pops.site_errors.append(f"{s.package} {s.path}: {s.sites_error}")
        listed = {(line, col) for line, col, _ in s.sites}
        found: Set[Tuple[int, int]] = set()
        for line, col, layer, activation, message in s.findings:
            item = Item("finding", s.package, version, s.path, line, col + 1, layer, activation, message)
            pops.findings.append(item)
            found.add((line, col))
            if (line, col) not in listed:
                pops.unmatched_findings.append(item)
        if not s.uses_activation:
            continue
        pops.activation_files += 1
        for line, col, layer in s.sites:
            pops.sites += 1
            if (line, col) in found:
                pops.reported_sites += 1
            else:
                note = f"check_file: {s.error}" if s.error else ""
                pops.unreported.append(Item("unreported", s.package, version, s.path, line, col + 1, layer, note=note))
    return pops


def draw(population: Sequence[Item], n: int, seed: int, stream: str) -> List[Item]:
    """``n`` items (all when fewer), in draw order: the same for the same seed and population."""
    ordered = sorted(population, key=lambda i: (i.package, i.path, i.line, i.col, i.layer))
    rng = random.Random(f"initlint-review:{seed}:{stream}")
    return rng.sample(ordered, min(n, len(ordered)))


def shares_of(count: int, k: int) -> List[int]:
    """The share (1..k) of each of ``count`` items in id order: k consecutive runs, sizes within one."""
    base, extra = divmod(count, k)
    out: List[int] = []
    for share in range(1, k + 1):
        out += [share] * (base + (1 if share <= extra else 0))
    return out


# --------------------------------------------------------------------------- output


def context_lines(root: Path, item: Item, context: int = CONTEXT) -> Tuple[int, List[str]]:
    """The first shown line's number and the lines around the item's line (as the tokenizer splits them)."""
    from initlint.positions import physical_lines

    text = (root / item.path).read_bytes().decode("utf-8", errors="replace")
    lines = physical_lines(text)
    first = max(1, item.line - context)
    last = min(len(lines), item.line + context)
    return first, lines[first - 1:last]


def render_context(first: int, lines: Sequence[str], marked: int) -> str:
    width = len(str(first + len(lines) - 1))
    return "\n".join(
        f"{'>>' if first + i == marked else '  '} {first + i:>{width}} | {text}" for i, text in enumerate(lines)
    )


def initlint_commit() -> str:
    """The git commit of the initlint being run, with a note when its files have local changes."""
    import initlint

    repo = Path(initlint.__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "initlint"],
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    commit = head.stdout.strip()
    return commit + (" (with uncommitted changes under initlint/)" if dirty.stdout.strip() else "")


def command_line(args: argparse.Namespace) -> str:
    words = ["python", "scripts/review_sample.py", "--corpus", str(args.corpus), "--set", args.set_name,
             "--seed", str(args.seed), "--findings", str(args.findings), "--unreported", str(args.unreported)]
    if args.out:
        words += ["--out", str(args.out)]
    if args.json:
        words += ["--json", str(args.json)]
    if args.shares > 1:
        words += ["--shares", str(args.shares)]
    return shlex.join(words)


def header(args: argparse.Namespace, commit: str, packages: Sequence[Tuple[str, str]], pops: Populations) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in packages)
    return "\n".join([
        f"Reproduce: `{command_line(args)}`",
        f"initlint commit: {commit}",
        f"Packages ({len(packages)}): {versions}",
        "",
        "| population | count |",
        "|---|---|",
        f"| .py files | {pops.files} |",
        f"| files using an activation | {pops.activation_files} |",
        f"| INI001 findings (all files) | {len(pops.findings)} |",
        f"| construction sites in files using an activation | {pops.sites} |",
        f"| of them reported | {pops.reported_sites} |",
        f"| unreported sites in those files (the recall population) | {len(pops.unreported)} |",
        f"| findings at no listed site (should be 0) | {len(pops.unmatched_findings)} |",
        f"| files check_file could not analyse | {len(pops.file_errors)} |",
        "",
        "recall = found / (found + miss_rate * unreported population), found = precision * findings;"
        " miss_rate = MISS verdicts / reviewed unreported sites.",
    ])


def render_item(item_id: str, item: Item, roots: Dict[str, Path]) -> str:
    first, lines = context_lines(roots[item.package], item)
    layer = f"{item.layer} -> {item.activation}" if item.activation else item.layer
    out = [
        f"### {item_id} · {item.package} · `{item.path}:{item.line}`",
        "",
        f"- package: {item.package} {item.version}",
        f"- path: `{item.path}` (`{roots[item.package] / item.path}`)",
        f"- line: {item.line} (col {item.col})",
        f"- layer: {layer}",
    ]
    if item.message:
        out.append(f"- message: {item.message}")
    if item.note:
        out.append(f"- note: {item.note}")
    out += ["", "```python", render_context(first, lines, item.line), "```", "",
            f"verdict:  <!-- {VERDICTS[item.kind]} -->", "reason:", ""]
    return "\n".join(out)


def write_markdown(path: Path, title: str, top: str, items: Sequence[Tuple[str, Item, int]], roots: Dict[str, Path]) -> None:
    parts = [f"# {title}", "", top, ""]
    for kind, heading in (("finding", "Reported INI001 findings"), ("unreported", "Unreported construction sites")):
        chosen = [(item_id, item) for item_id, item, _ in items if item.kind == kind]
        parts += [f"## {heading} ({len(chosen)})", ""]
        parts += [render_item(item_id, item, roots) for item_id, item in chosen]
    path.write_text("\n".join(parts), encoding="utf-8")


def share_path(out: Path, share: int) -> Path:
    stem = out.name[: -len(".md")] if out.name.endswith(".md") else out.name
    return out.with_name(f"{stem}.{share}.md")


# --------------------------------------------------------------------------- main


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, metavar="DIR",
                    help="the folder real_world.py --keep DIR downloaded the set into")
    ap.add_argument("--set", dest="set_name", choices=sorted(real_world.SETS), default="corpus",
                    help="the pinned set to sample (default: corpus)")
    ap.add_argument("--findings", type=int, default=100, metavar="N", help="reported findings to draw (default: 100)")
    ap.add_argument("--unreported", type=int, default=150, metavar="N",
                    help="unreported construction sites to draw (default: 150)")
    ap.add_argument("--seed", type=int, default=0, help="the seed (default: 0)")
    ap.add_argument("--out", type=Path, metavar="FILE", help="markdown file for the reviewers")
    ap.add_argument("--json", type=Path, metavar="FILE", help="JSON file with the same items")
    ap.add_argument("--shares", type=int, default=1, metavar="K",
                    help="split into K reviewer files FILE.1.md ... FILE.K.md (default: 1, one file)")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="worker processes (default: all cores); does not change the sample")
    args = ap.parse_args(argv)
    if args.findings < 0 or args.unreported < 0:
        ap.error("sample sizes cannot be negative")
    if args.shares < 1:
        ap.error("--shares must be at least 1")
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    return args


def survey(pins: Sequence[real_world.Pin], corpus: Path, jobs: int):
    """The surveys of every file of every package, the versions and the project roots."""
    surveys: List[FileSurvey] = []
    versions: Dict[str, str] = {}
    roots: Dict[str, Path] = {}
    for pin in pins:
        archive, root = real_world.project_root(pin, corpus, fetch=False)
        versions[pin.name] = real_world.archive_version(archive)
        roots[pin.name] = root
        work = [(pin.name, str(root), relative) for relative in real_world.python_files(root)]
        surveys += real_world.map_files(survey_file, work, jobs, _worker_died)
        print(f"{pin.name}: {len(work)} files surveyed", file=sys.stderr, flush=True)
    return surveys, versions, roots


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    pins = real_world.SETS[args.set_name]
    surveys, versions, roots = survey(pins, args.corpus, args.jobs)
    pops = gather(surveys, versions)
    findings = draw(pops.findings, args.findings, args.seed, "findings")
    unreported = draw(pops.unreported, args.unreported, args.seed, "unreported")
    width = max(3, len(str(max(len(findings), len(unreported), 1))))
    items: List[Tuple[str, Item, int]] = []
    for prefix, chosen in (("F", findings), ("U", unreported)):
        for index, (item, share) in enumerate(zip(chosen, shares_of(len(chosen), args.shares)), 1):
            items.append((f"{prefix}{index:0{width}d}", item, share))

    commit = initlint_commit()
    packages = [(pin.name, versions[pin.name]) for pin in pins]
    top = header(args, commit, packages, pops)
    print(top)
    for label, problems in (("files check_file could not analyse", pops.file_errors),
                            ("files whose sites could not be listed", pops.site_errors)):
        if problems:
            print(f"\n{label} ({len(problems)}):")
            print("\n".join(f"- {p}" for p in problems[:50]))
    if pops.unmatched_findings:
        print(f"\nfindings at no listed site ({len(pops.unmatched_findings)}):")
        print("\n".join(f"- {i.package} {i.path}:{i.line}:{i.col}" for i in pops.unmatched_findings[:50]))
    print(f"\ndrawn: {len(findings)} findings, {len(unreported)} unreported sites, {args.shares} share(s)")

    title = f"initlint review sample: {len(findings)} findings, {len(unreported)} unreported sites (seed {args.seed})"
    if args.out:
        if args.shares == 1:
            write_markdown(args.out, title, top, items, roots)
        else:
            for share in range(1, args.shares + 1):
                mine = [entry for entry in items if entry[2] == share]
                write_markdown(share_path(args.out, share), f"{title}, share {share} of {args.shares}", top, mine, roots)
    if args.json:
        data = {
            "command": command_line(args),
            "initlint_commit": commit,
            "set": args.set_name,
            "seed": args.seed,
            "shares": args.shares,
            "packages": [{"name": n, "version": v, "root": str(roots[n])} for n, v in packages],
            "population": {
                "files": pops.files,
                "activation_files": pops.activation_files,
                "findings": len(pops.findings),
                "sites_in_activation_files": pops.sites,
                "reported_sites": pops.reported_sites,
                "unreported_sites": len(pops.unreported),
                "unmatched_findings": len(pops.unmatched_findings),
                "file_errors": pops.file_errors,
                "site_errors": pops.site_errors,
            },
            "items": [],
        }
        for item_id, item, share in items:
            first, lines = context_lines(roots[item.package], item)
            data["items"].append({"id": item_id, "share": share, **asdict(item), "context_first_line": first,
                                  "context": lines, "verdict": "", "reason": ""})
        args.json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
