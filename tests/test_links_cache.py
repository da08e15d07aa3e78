"""The project's links (initlint/index/links.py), cached as one entry: an edit that keeps every
file's interface links that file again and no other, anything else links the whole project, and
neither ever gives a verdict other than a run without the cache."""

import json

import pytest

from initlint.cli import main
from initlint.index import links, reset


@pytest.fixture
def project(script_project):
    return script_project


@pytest.fixture
def linked(monkeypatch):
    """The files linked (not read back from the cache) in the runs of the test, by name."""
    names = []
    original = links.link

    def recording(repo, path):
        names.append(path.rsplit("/", 1)[-1])
        return original(repo, path)

    monkeypatch.setattr(links, "link", recording)
    return names


def _check(monkeypatch, capsys, folder, *options):
    """{(path, line)} that ``initlint check`` reports, in this process, as a new run would."""
    reset()
    monkeypatch.chdir(folder)
    capsys.readouterr()
    assert main(["check", "-j", "1", "--format", "json", *options, "."]) in (0, 1)
    return {(f["path"], f["line"]) for f in json.loads(capsys.readouterr().out)}


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_warm_run_links_nothing(project, monkeypatch, capsys, linked):
    cold = _check(monkeypatch, capsys, project)
    assert sorted(linked) == ["models.py", "train.py"]
    linked.clear()
    (project / "models.py").write_text((project / "models.py").read_text() + "# a comment: verdicts cached no more\n")
    assert _check(monkeypatch, capsys, project) == cold
    assert linked == ["models.py"]  # the edited file only: its interface is the same


def test_an_edit_keeping_the_interfaces_relinks_that_file_and_changes_the_verdict(project, monkeypatch, capsys, linked):
    before = _check(monkeypatch, capsys, project)
    linked.clear()
    # The script stops initialising the generator: same names defined and imported, other links.
    _edit(project / "train.py", "generator.apply(weights_init_normal)\n", "")
    after = _check(monkeypatch, capsys, project)
    assert linked == ["train.py"]
    assert ("./models.py", 10) in after - before  # the generator's ConvTranspose2d -> ReLU
    assert after == _check(monkeypatch, capsys, project, "--no-cache")


def test_an_edit_changing_an_interface_relinks_every_file(project, monkeypatch, capsys, linked):
    before = _check(monkeypatch, capsys, project)
    linked.clear()
    # models.py stops defining what the script builds: what train.py's names resolve to changes.
    _edit(project / "models.py", "class Generator(", "class Renamed(")
    after = _check(monkeypatch, capsys, project)
    assert sorted(linked) == ["models.py", "train.py"]
    assert after != before
    assert after == _check(monkeypatch, capsys, project, "--no-cache")


def test_a_new_file_relinks_every_file(project, monkeypatch, capsys, linked):
    before = _check(monkeypatch, capsys, project)
    linked.clear()
    (project / "evaluate.py").write_text("from models import Critic\n\ncritic = Critic()\n")
    assert _check(monkeypatch, capsys, project) == before
    assert sorted(linked) == ["evaluate.py", "models.py", "train.py"]
    assert _check(monkeypatch, capsys, project, "--no-cache") == before


@pytest.mark.parametrize("garbage", [b"\x00{not json", b'{"key": "foreign", "value": {}}', None])
def test_a_corrupt_or_foreign_links_entry_is_rebuilt(project, monkeypatch, capsys, linked, garbage):
    cold = _check(monkeypatch, capsys, project)
    [entry] = (project / ".initlint_cache" / "links").rglob("*.json")
    if garbage is None:  # the right key over a value of the wrong shape
        stored = json.loads(entry.read_text())
        entry.write_text(json.dumps({"key": stored["key"], "value": {"models.py": [1, 2]}}))
    else:
        entry.write_bytes(garbage)
    linked.clear()
    (project / "train.py").write_text((project / "train.py").read_text() + "# edited\n")
    assert _check(monkeypatch, capsys, project) == cold
    assert sorted(linked) == ["models.py", "train.py"]


def test_a_registry_edit_relinks_the_files_that_build_through_it(tmp_path, monkeypatch, capsys, linked):
    # zoo/__init__.py's HEADS registry decides what loading.py's HEADS["decoder"]() builds: an edit
    # of its entries keeps the names defined and imported, yet must change loading.py's links.
    import shutil

    from conftest import FIXTURES

    project = tmp_path / "registry"
    shutil.copytree(FIXTURES / "repository" / "registry_builds", project, ignore=shutil.ignore_patterns(".initlint_cache"))
    before = _check(monkeypatch, capsys, project)
    assert ("./zoo/heads.py", 7) not in before  # Decoder: built by HEADS["decoder"] and initialised
    linked.clear()
    _edit(project / "zoo" / "__init__.py", '"decoder": Decoder,', '"decoder": Projector,\n    "old": Decoder,')
    after = _check(monkeypatch, capsys, project)
    assert "loading.py" in linked
    assert after - before == {("./zoo/heads.py", 7)}  # Decoder: no call builds it, nothing initialises it
    assert after == _check(monkeypatch, capsys, project, "--no-cache")
