"""The cache of verdicts (initlint/verdicts.py): a warm run answers without analysing, and never
differently from a run without the cache, whatever changed in between (the file, another file of
the project, the settings) or whatever happened to the entries."""

import json

import pytest

from initlint import verdicts
from initlint.cli import main
from initlint.files import read
from initlint.index import index_for, reset
from initlint.settings import Settings


@pytest.fixture
def project(script_project):
    return script_project


def _check(monkeypatch, capsys, folder, *options):
    """{(path, line, message)} that ``initlint check`` reports, in this process."""
    reset()  # a new run, as a new process would be: only the disk cache carries over
    monkeypatch.chdir(folder)
    capsys.readouterr()
    code = main(["check", "-j", "1", "--format", "json", *options, "."])
    assert code in (0, 1)
    return {(f["path"], f["line"], f["message"]) for f in json.loads(capsys.readouterr().out)}


def _entries(folder):
    return sorted((folder / ".initlint_cache" / verdicts.KIND).rglob("*.json"))


def _no_analysis(monkeypatch):
    """From here on, a libcst parse (what the cache is there to spare) fails the test."""
    import initlint.analysis

    def refuse(*args, **kwargs):
        raise AssertionError("parsed although the cache had the verdict")

    monkeypatch.setattr(initlint.analysis, "_parse", refuse)


def test_a_warm_run_answers_from_the_cache_without_analysing(project, monkeypatch, capsys):
    cold = _check(monkeypatch, capsys, project)
    assert cold and _entries(project)
    _no_analysis(monkeypatch)
    assert _check(monkeypatch, capsys, project) == cold


def test_flake8_answers_from_the_same_verdicts(project, monkeypatch, capsys):
    from initlint.flake8_plugin import Plugin

    cold = _check(monkeypatch, capsys, project)
    _no_analysis(monkeypatch)
    reset()
    path = project / "models.py"
    plugin = Plugin(None, read(str(path)).decode().splitlines(keepends=True), str(path))
    plugin.settings = Settings()
    assert {(line, message) for line, _, message, _ in plugin.run()} == {
        (line, message) for file, line, message in cold if file.endswith("models.py")
    }


def test_editing_another_file_of_the_project_is_never_answered_from_the_cache(project, monkeypatch, capsys):
    before = _check(monkeypatch, capsys, project)
    train = project / "train.py"
    train.write_text(train.read_text().replace("generator.apply(weights_init_normal)\n", ""))
    after = _check(monkeypatch, capsys, project)
    assert after != before
    assert after == _check(monkeypatch, capsys, project, "--no-cache")


def test_other_settings_are_other_verdicts(project, monkeypatch, capsys):
    everything = _check(monkeypatch, capsys, project)
    only_tanh = _check(monkeypatch, capsys, project, "--activations", "Tanh")
    assert only_tanh == _check(monkeypatch, capsys, project, "--activations", "Tanh", "--no-cache") != everything
    assert _check(monkeypatch, capsys, project) == everything


def test_noqa_is_honoured_on_a_cached_verdict(project, monkeypatch, capsys):
    models = project / "models.py"
    models.write_text(models.read_text().replace("# expect: INI001\n", "# noqa: INI001\n", 1))
    first = _check(monkeypatch, capsys, project)
    assert first == _check(monkeypatch, capsys, project)
    assert ("models.py", 15) not in {(path, line) for path, line, _ in first}


def _not_json(entry):
    entry.write_bytes(b"\x00{not json")


def _not_findings(entry):
    stored = json.loads(entry.read_text())
    stored["value"] = [{"line": 1, "message": "not a finding this code wrote"}]
    entry.write_text(json.dumps(stored))


def _other_key(entry):
    stored = json.loads(entry.read_text())
    stored["key"], stored["value"] = "0" * 64, []
    entry.write_text(json.dumps(stored))


@pytest.mark.parametrize("damage", [_not_json, _not_findings, _other_key])
def test_corrupt_and_foreign_entries_are_rebuilt(project, monkeypatch, capsys, damage):
    expected = _check(monkeypatch, capsys, project)
    (entry,) = _entries(project)  # models.py's: train.py builds no layer
    damage(entry)
    assert _check(monkeypatch, capsys, project) == expected
    _no_analysis(monkeypatch)  # the rebuilt entry is a good one
    assert _check(monkeypatch, capsys, project) == expected


def test_a_file_edited_during_the_run_stores_no_verdict(project):
    models, train = project / "models.py", project / "train.py"
    index = index_for(str(models), Settings())
    index.fingerprint(read(str(models)))  # the run reads every file's text once, here
    train.write_text(train.read_text().replace("generator.apply(weights_init_normal)\n", ""))
    verdicts.findings(read(str(models)), Settings(), str(models), index=index)  # reads train.py again
    assert not index.unchanged_during_run()
    assert not _entries(project)
