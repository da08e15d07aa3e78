"""Built with torch: ``initlint fix`` over each multi-file fixture project makes no model worse.

Each project of ``fixtures/repository/`` with findings is copied twice; one copy is fixed. Both
are built by tests/fixture_models.py (every model class, every builder, every script, one seed,
one order), so the two lists of layers match item by item. A layer built at a reported site (its
constructor call, or a call that led to it: a factory in another file) must carry
``gain / sqrt(fan_in)`` for the activation initlint named (or, where another init reached that
instance before the fix, still that init's gain); every other layer must keep the init state it
had (torch's default stays default, a written init stays written).
"""

import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys

import pytest
import torch  # noqa: F401  (tests/conftest.py: the torch marker needs it installed)
from torch import nn

from conftest import FIXTURES
from torch_measure import expected_gain

from initlint.cli import main

pytestmark = pytest.mark.torch
CASES = FIXTURES / "repository"
RUNNER = os.path.join(os.path.dirname(__file__), "fixture_models.py")
TOLERANCE = 5.0  # standard errors of a sample std (normal weights: sqrt(0.5 / n) relative)


def _findings():
    """{(path, line): the activation named} of ``initlint check`` in the current folder, for the
    findings the fix may do (the others, left to a person, are ``_left``)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", "-j", "1", "--no-cache", "--format", "json", "--select", "INI001", "."]) == 1
    found = json.loads(out.getvalue())
    fixable = {(os.path.normpath(f["path"]), f["line"]): f["activation"] for f in found if f["fixable"]}
    return fixable, {(os.path.normpath(f["path"]), f["line"]) for f in found if not f["fixable"]}


def _reported_site(where, findings):
    """The first of the layer's calls (its constructor, then its callers) that was reported."""
    for location in where:
        path, line = location.rsplit(":", 1)
        if (path, int(line)) in findings:
            return path, int(line)
    return None


CASES_WITH_FINDINGS = sorted(
    p.name for p in CASES.iterdir() if p.is_dir() and any("# expect: INI001" in f.read_text() for f in p.rglob("*.py"))
)


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """{case: (findings, layers before the fix, layers after)}: every case fixed, then all built in one
    process (torch imported once)."""
    work = tmp_path_factory.mktemp("projects")
    findings, left = {}, {}
    with pytest.MonkeyPatch.context() as patch:
        for name in CASES_WITH_FINDINGS:
            for copy in ("original", "fixed"):
                shutil.copytree(CASES / name, work / copy / name, ignore=shutil.ignore_patterns(".initlint_cache", "__pycache__"))
            patch.chdir(work / "original" / name)
            findings[name], left[name] = _findings()
            patch.chdir(work / "fixed" / name)
            assert main(["fix", "-j", "1", "--no-cache", "."]) == (1 if left[name] else 0), name  # 1: some left
    folders = [str(work / copy / name) for name in CASES_WITH_FINDINGS for copy in ("original", "fixed")]
    done = subprocess.run([sys.executable, RUNNER, *folders], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    built = json.loads(done.stdout)
    return {
        name: (findings[name], left[name], built[str(work / "original" / name)], built[str(work / "fixed" / name)])
        for name in CASES_WITH_FINDINGS
    }


def test_most_projects_have_findings():
    assert len(CASES_WITH_FINDINGS) >= 10


@pytest.mark.parametrize("name", CASES_WITH_FINDINGS)
def test_fixed_project_layers_carry_the_gain_and_nothing_else_changes(name, projects):
    findings, left, before, after = projects[name]
    assert len(before) == len(after)
    reached = set()
    for old, new in zip(before, after):
        site = _reported_site(old["where"], findings)
        if site is None:  # not reported, or reported and left to a person: untouched
            assert new["state"] == old["state"], old["where"]
            reached |= {s for s in left if _reported_site(old["where"], {s: None})}
            continue
        reached.add(site)
        named = findings[site]  # "ReLU", "LeakyReLU(negative_slope=0.2)"
        act = eval("nn." + (named if "(" in named else named + "()"), {"nn": nn})
        slack = TOLERANCE * math.sqrt(0.5 / new["numel"])
        # An instance some other init reaches (a builder that initialises after building) keeps that init.
        wanted = expected_gain(act) if old["state"] == "default" else old["gain"]
        assert new["gain"] == pytest.approx(wanted, rel=slack), (old["where"], findings[site])
    assert reached == set(findings) | left  # every reported site was built and measured
