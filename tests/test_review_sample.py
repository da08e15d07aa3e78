"""scripts/review_sample.py on a tiny self-written corpus: the populations it counts, and that a
seed reproduces the same sample (and shares)."""

import json
import sys
import zipfile

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import real_world  # noqa: E402
import review_sample  # noqa: E402

# Two layers reported (Linear -> ReLU, default init), two initialised, in a file that uses ReLU.
MODEL = '''import torch.nn as nn
import torch.nn.functional as F


class Plain{n}(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 8)
        self.fc2 = nn.Linear(8, 8)

    def forward(self, x):
        return F.relu(self.fc2(F.relu(self.fc1(x))))


class Initialised{n}(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8, 8)
        nn.init.kaiming_normal_(self.conv.weight, nonlinearity="relu")
        nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")

    def forward(self, x):
        return F.relu(self.fc(F.relu(self.conv(x)).mean((2, 3))))
'''

# Layers but no hidden activation (only a sigmoid gate): no site of it is in the site population.
NO_ACTIVATION = '''import torch.nn as nn


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        return self.fc(x).sigmoid()
'''

FILES = 6


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A fake wheel of a fake package, pinned as the only member of the "corpus" set."""
    wheel = tmp_path / "fakemodels-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("fakemodels/__init__.py", "")
        for n in range(FILES):
            archive.writestr(f"fakemodels/model{n}.py", MODEL.format(n=n))
        archive.writestr("fakemodels/head.py", NO_ACTIVATION)
        archive.writestr("fakemodels-1.0.dist-info/METADATA", "Name: fakemodels\n")
    monkeypatch.setitem(real_world.SETS, "corpus", (real_world.Pin("fakemodels", "1.0", "test"),))
    return tmp_path


def sample(corpus, out, seed, shares=1, findings=5, unreported=4):
    argv = ["--corpus", str(corpus), "--set", "corpus", "--seed", str(seed), "--findings", str(findings),
            "--unreported", str(unreported), "--out", str(out / "review.md"), "--json", str(out / "review.json"),
            "--shares", str(shares), "--jobs", "1"]
    assert review_sample.main(argv) == 0
    return json.loads((out / "review.json").read_text(encoding="utf-8"))


def test_populations_and_items(corpus, tmp_path):
    out = tmp_path / "a"
    out.mkdir()
    data = sample(corpus, out, seed=3)
    population = data["population"]
    assert population["files"] == FILES + 2
    assert population["activation_files"] == FILES
    assert population["findings"] == 2 * FILES
    assert population["sites_in_activation_files"] == 4 * FILES
    assert population["reported_sites"] == 2 * FILES
    assert population["unreported_sites"] == 2 * FILES
    assert population["unmatched_findings"] == 0
    items = data["items"]
    assert [i["id"] for i in items] == ["F001", "F002", "F003", "F004", "F005", "U001", "U002", "U003", "U004"]
    for item in items:
        line = item["context"][item["line"] - item["context_first_line"]]
        if item["kind"] == "finding":
            assert "self.fc1 = nn.Linear" in line or "self.fc2 = nn.Linear" in line
            assert item["message"].startswith("INI001")
        else:
            assert "self.conv = nn.Conv2d" in line or "self.fc = nn.Linear" in line
        assert item["col"] == line.index("nn.") + 1  # 1-based, at the construction
        assert item["verdict"] == item["reason"] == ""
    markdown = (out / "review.md").read_text(encoding="utf-8")
    assert markdown.count("verdict:") == len(items)
    assert "Reproduce: `python scripts/review_sample.py --corpus" in markdown
    assert "fakemodels 1.0" in markdown


def test_seed_reproduces_the_sample(corpus, tmp_path):
    runs = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        out = tmp_path / name
        out.mkdir()
        runs.append(sample(corpus, out, seed=seed))
    key = [[(i["id"], i["path"], i["line"], i["col"]) for i in run["items"]] for run in runs]
    assert key[0] == key[1]
    assert key[0] != key[2]
    assert (tmp_path / "a" / "review.md").read_text() == (tmp_path / "b" / "review.md").read_text().replace(
        str(tmp_path / "b"), str(tmp_path / "a")
    )


def test_shares(corpus, tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    data = sample(corpus, out, seed=1, shares=2)
    assert not (out / "review.md").exists()
    first, second = (out / "review.1.md").read_text(), (out / "review.2.md").read_text()
    by_share = {1: [], 2: []}
    for item in data["items"]:
        by_share[item["share"]].append(item["id"])
    assert by_share == {1: ["F001", "F002", "F003", "U001", "U002"], 2: ["F004", "F005", "U003", "U004"]}
    for item_id in by_share[1]:
        assert f"### {item_id} " in first and f"### {item_id} " not in second
    for item_id in by_share[2]:
        assert f"### {item_id} " in second and f"### {item_id} " not in first


def test_each_package_is_in_one_set_only():
    # A package measured in two sets would make a "fresh" report one on tuned code.
    seen = {}
    for set_name, pins in real_world.SETS.items():
        if set_name == "all":
            continue
        for pin in pins:
            name = real_world._normalise(pin.name)
            assert name not in seen, f"{pin.name} is in {seen[name]} and {set_name}"
            seen[name] = set_name
    assert len(real_world.SETS["all"]) == len(seen)
