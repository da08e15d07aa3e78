"""Nothing crashes, nothing is lost: bad input through `initlint check`, `initlint fix` and flake8,
and the safety of `initlint fix`'s writes. docs/reliability.md tabulates what these tests assert."""

import errno
import itertools
import os
import random
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import bad_inputs
from bad_inputs import CASES, FLAGGED, INIT, LAYER, MISSING, TORCH

from initlint import SourceError, analyze
from initlint.analysis import parse
from initlint.files import nesting_problem, source_text
from initlint.fix import command, fix_source, write
from initlint.settings import Settings


def _obey_permissions():
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding
    set, so that root, too, gets EACCES from permission bits (the tests run as root)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run(*args, obey_permissions=False, timeout=600):
    """``python -m initlint ARGS`` (or ``-m flake8``), in a subprocess."""
    module = "flake8" if args[0] == "flake8" else "initlint"
    args = args[1:] if module == "flake8" else args
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd="/",
        preexec_fn=_obey_permissions if obey_permissions else None,
    )


def errors_of(stderr: str) -> dict:
    """path -> error, from the `PATH: error: MESSAGE` lines (any other stderr line is not an error)."""
    found = {}
    for line in stderr.splitlines():
        path, sep, message = line.partition(": error: ")
        if sep:
            assert path not in found, f"two errors for {path}"
            found[path] = message
    return found


def without_inserted_line(fixed: bytes) -> bytes:
    """The fixed file with the init line taken out again: must be the original, byte for byte."""
    start = fixed.index(INIT)
    end = start + len(INIT)
    for newline in (b"\r\n", b"\n", b"\r"):
        if fixed.startswith(newline, end):
            return fixed[:start] + fixed[end + len(newline) :]
    return fixed[:start] + fixed[end:]


# ------------------------------------------------------------------------- bad input: check


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    tree = tmp_path_factory.mktemp("check")
    bad_inputs.build(tree)
    result = run("check", "-j", "2", str(tree), str(tree / MISSING))
    return tree, result, errors_of(result.stderr)


def test_check_exits_2_and_prints_one_line_per_bad_file(checked):
    tree, result, errors = checked
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    expected = {str(tree / c.name): c.error for c in CASES if c.error}
    expected[str(tree / MISSING)] = "no such file or directory"
    assert errors == expected
    assert len(result.stderr.splitlines()) == len(expected)  # nothing else on stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_each_bad_input_as_documented(checked, case):
    tree, result, errors = checked
    path = str(tree / case.name)
    assert errors.get(path) == case.error
    reported = {line.split(":")[0] for line in result.stdout.splitlines()}
    if case.name == "folder.py":  # a folder: walked like any other
        assert str(tree / case.name / "inner.py") in reported
    else:
        assert (path in reported) == case.finding, result.stdout


def test_check_goes_on_after_bad_files(checked):
    tree, result, _ = checked
    assert f"{tree / 'good.py'}:3:21: INI001 Linear followed by ReLU" in result.stdout


# --------------------------------------------------------------------------- bad input: fix


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    tree = tmp_path_factory.mktemp("fix")
    bad_inputs.build(tree)
    before = bad_inputs.snapshot(tree)
    result = run("fix", "-j", "2", str(tree), str(tree / MISSING))
    return tree, before, result, errors_of(result.stderr.split("left unfixed\n", 1)[1])


def test_fix_exits_2_and_prints_one_line_per_bad_file(fixed):
    tree, _, result, errors = fixed
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    expected = {str(tree / c.name): c.error for c in CASES if c.error}
    expected[str(tree / MISSING)] = "no such file or directory"
    assert errors == expected
    changed = sum(c.finding for c in CASES) + 2  # good.py and folder.py/inner.py
    assert result.stderr.startswith(f"initlint: {changed} findings fixed, {changed} files changed, 0 left unfixed\n")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fix_handles_each_bad_input_as_documented(fixed, case):
    tree, before, _, _ = fixed
    path = tree / case.name
    if not case.finding:  # left exactly as it was (or, for the folder, its file fixed)
        if case.name == "folder.py":
            assert INIT in (path / "inner.py").read_bytes()
        else:
            assert before.get(str(path)) == bad_inputs.snapshot(tree).get(str(path))
        return
    original, now = before[str(path)][1], path.read_bytes()
    assert INIT in now
    assert without_inserted_line(now) == original  # every other byte kept: encoding, BOM, line ends
    assert fix_source(now)[0] == now


def test_fix_writes_latin1_back_in_latin1_and_keeps_line_ends(fixed):
    tree = fixed[0]
    latin = (tree / "latin1_cookie.py").read_bytes()
    assert b"s = '\xe9t\xe9'\n" in latin and INIT + b"\n" in latin
    assert (tree / "utf8_bom.py").read_bytes().startswith(b"\xef\xbb\xbf")
    assert INIT + b"\r\n" in (tree / "crlf.py").read_bytes()
    assert INIT + b"\r" in (tree / "cr_only.py").read_bytes()
    mixed = (tree / "mixed_endings.py").read_bytes()
    assert mixed.startswith(b"import torch\r\nimport torch.nn as nn\n\rnet = ") and mixed.endswith(b"x = 1\r")
    assert (tree / "trailing_indented_lines.py").read_bytes().endswith(b"\n\n  # the end\n   \n\n  ")


# ------------------------------------------------------------------------- bad input: flake8


def test_flake8_reports_bad_input_without_a_traceback(tmp_path):
    """flake8 reads files itself (E902, E999; undecodable bytes read as latin-1): the plugin then
    sees only what flake8 could read, and must never raise."""
    cases = bad_inputs.build(tmp_path, lambda case: case.flake8)
    result = run("flake8", "--select", "INI,E9", "--isolated", "-j", "1", str(tmp_path), str(tmp_path / MISSING))
    assert "Traceback" not in result.stderr and "failed during execution" not in result.stdout + result.stderr
    assert result.returncode == 1
    lines = result.stdout.splitlines()

    def codes(path):
        return {line.split(": ")[1].split()[0] for line in lines if line.startswith(f"{path}:")}

    assert codes(tmp_path / "good.py") == {"INI001"}
    assert codes(tmp_path / MISSING) == {"E902"}
    for case in cases:
        path = tmp_path / case.name / "inner.py" if case.name == "folder.py" else tmp_path / case.name
        assert codes(path) == ({case.flake8_code} if case.flake8_code else set()), case.name


def test_the_flake8_plugin_survives_what_pyflakes_does_not(tmp_path):
    """5000 (or 990) chained operators: pyflakes dies of RecursionError (flake8 then stops the run:
    not ours); the initlint plugin alone reports nothing and raises nothing."""
    from initlint.flake8_plugin import Plugin

    for case in CASES:
        if case.name in ("deep_operators.py", "deep_lambdas.py", "deep_chain.py", "deep_brackets.py"):
            case.make(tmp_path / case.name)
            lines = (tmp_path / case.name).read_text().splitlines(keepends=True)
            assert list(Plugin(None, lines, case.name).run()) == []


# ---------------------------------------------------------------- unreadable files and folders


def test_unreadable_files_and_folders_are_reported(tmp_path):
    """Permissions, for real: root reads anything, so as root the run goes without the two
    capabilities that let it (see _obey_permissions); otherwise chmod 000 is enough."""
    as_root = os.geteuid() == 0
    if as_root:
        try:
            subprocess.run(["true"], preexec_fn=_obey_permissions, check=True)
        except (OSError, subprocess.SubprocessError):
            pytest.skip("root without CAP_SETPCAP: cannot give up reading everything")
    good = _flagged_file(tmp_path, "good.py")
    secret = _flagged_file(tmp_path, "secret.py", mode=0o000)
    (tmp_path / "closed").mkdir()
    _flagged_file(tmp_path / "closed", "hidden.py")
    os.chmod(tmp_path / "closed", 0o000)
    try:
        for command_name in ("check", "fix"):
            result = run(command_name, str(tmp_path), obey_permissions=as_root)
            assert result.returncode == 2, result.stderr
            assert "Traceback" not in result.stderr
            assert errors_of(result.stderr) == {
                str(secret): "permission denied",
                str(tmp_path / "closed"): "cannot list folder: permission denied",
            }
            if command_name == "check":
                assert f"{good}:3:21: INI001" in result.stdout
        assert INIT in good.read_bytes()
    finally:
        os.chmod(tmp_path / "closed", 0o755)
        os.chmod(secret, 0o644)


# ------------------------------------------------------------------------------ huge files


def _huge(lines: int) -> bytes:
    """`lines` lines: a data table in a string (as generated code has), then a flagged model."""
    table = b"".join(b"row %d, %d, %d\n" % (i, i * i, i % 7) for i in range(lines - 5))
    return TORCH + b'TABLE = """\n' + table + b'"""\n' + LAYER


def test_a_100k_line_file_completes(tmp_path):
    path = tmp_path / "huge.py"
    path.write_bytes(_huge(100_000))
    assert path.read_bytes().count(b"\n") == 100_000
    result = run("check", str(path))
    assert result.returncode == 1 and result.stdout.startswith(f"{path}:100000:21: INI001"), result.stderr
    result = run("fix", str(path))
    assert result.returncode == 0 and path.read_bytes().endswith(LAYER + INIT + b"\n")


@pytest.mark.slow
def test_a_100k_line_file_of_models_completes(tmp_path):
    """100,002 lines of code: 10,000 small models, each with a finding (minutes, not seconds)."""
    block = (
        "class M{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear({n}, 8)\n        self.act = nn.ReLU()\n\n"
        "    def forward(self, x):\n        return self.act(self.fc(x))\n\n\n"
    )
    path = tmp_path / "models.py"
    path.write_text("import torch\nimport torch.nn as nn\n" + "".join(block.format(i=i, n=i % 50 + 1) for i in range(10_000)))
    result = run("check", "-j", "1", str(path), timeout=3600)
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 10_000, result.stderr


# ------------------------------------------------------------- the parser's limits, directly


def test_nesting_limits_refuse_before_libcst_can_overflow():
    head = FLAGGED.decode()
    assert nesting_problem(head + "x = " + "(" * 200 + ")" * 200) == ""
    assert nesting_problem(head + "x = " + "(" * 201 + ")" * 201).startswith("too deeply nested: more than 200")
    assert nesting_problem(head + "x = " + "a + " * 999 + "1") == ""
    assert "1000 levels" in nesting_problem(head + "x = " + "a + " * 1001 + "1")
    # brackets in strings and comments are not nesting; commas end an item
    assert nesting_problem(head + "s = '" + "(" * 500 + "'  # " + "[" * 500 + "\n") == ""
    assert nesting_problem(head + "x = [" + "a + b, " * 5000 + "]") == ""
    # a long sum of products is as deep as the sum (sympy's polynomials, say), not the operators
    assert nesting_problem(head + "x = " + "2*a**3*b - " * 900 + "1") == ""


def test_the_parsed_module_is_the_source_byte_for_byte():
    """libcst 1.9 drops indented blank/comment lines at the end of a file, and a last line break
    unlike the first: parse() keeps them (the fix would otherwise delete them)."""
    pieces = ["", " ", "\t", "#c", "  # d", "y = 1"]
    tails = list(itertools.product(itertools.product(pieces, repeat=3), itertools.product(("\n", "\r\n", "\r", ""), repeat=3)))
    checked = 0
    for head in ("x = 1\n", "if x:\n    y = 2\n", "x\r\n"):
        for combo, breaks in random.Random(head).sample(tails, 400):  # of 13824: a sample (all: minutes)
            text = head + "".join(p + b for p, b in zip(combo, breaks))
            for data in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
                try:
                    module = parse(data)
                except SourceError:
                    continue
                assert module.bytes == data
                checked += 1
    assert checked > 1500


def test_source_text_errors_name_the_place():
    for data, message in (
        (b"x = 1\n\xff\n", "cannot decode as UTF-8 (no coding cookie): byte 0xff at line 2"),
        (b"# coding: ascii\nx = '\xe9'\n", "cannot decode as ascii (its coding cookie): byte 0xe9 at line 2"),
        ("x = '\ud800'\n", "cannot encode as UTF-8: surrogates not allowed at line 1"),
    ):
        with pytest.raises(Exception) as error:
            source_text(data)
        assert str(error.value).startswith(message)


@pytest.mark.slow
def test_no_file_of_the_standard_library_or_site_packages_is_too_deep():
    """The nesting estimate against real code: CPython's own files and every installed package."""
    flagged = []
    for folder in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}:
        for root, _, files in os.walk(folder):
            for name in files:
                if name.endswith(".py"):
                    try:
                        text, _ = source_text(Path(root, name).read_bytes())
                    except Exception:
                        continue  # CPython's own bad-encoding test files
                    if nesting_problem(text):
                        flagged.append(os.path.join(root, name))
    assert flagged == []


# ------------------------------------------------------------------------------ safe writes


def _flagged_file(folder: Path, name="m.py", mode=0o644) -> Path:
    path = folder / name
    path.write_bytes(FLAGGED)
    os.chmod(path, mode)
    return path


def _temporaries(folder: Path):
    return [p.name for p in folder.iterdir() if p.name.startswith(write.TEMPORARY_PREFIX)]


def test_fix_replaces_atomically_and_keeps_mode_and_owner(tmp_path, monkeypatch):
    path = _flagged_file(tmp_path, mode=0o751)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    before = os.stat(path)
    renames = []
    real_replace = os.replace

    def spy(source, target):
        renames.append((source, target, Path(source).read_bytes()))
        return real_replace(source, target)

    monkeypatch.setattr(write.os, "replace", spy)
    result = command.fix_file(str(path), Settings(cache=False))  # the cache renames its entries into place too
    assert result.error == "" and result.changed
    (temporary, target, data), = renames
    assert Path(temporary).parent == tmp_path and Path(temporary).name.startswith(".initlint-")
    assert target == str(path) and data == path.read_bytes() and INIT in data
    after = os.stat(path)
    assert after.st_ino != before.st_ino  # a new file renamed over the old one, not rewritten in place
    assert stat.S_IMODE(after.st_mode) == 0o751
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert _temporaries(tmp_path) == []


def test_a_file_changed_after_it_was_read_is_not_overwritten(tmp_path, monkeypatch):
    path = _flagged_file(tmp_path)
    theirs = FLAGGED + b"# an edit made while initlint was thinking\n"

    def slow_fix(source, *args):
        path.write_bytes(theirs)  # someone saves the file while the fix is computed
        return fix_source(source, *args)

    monkeypatch.setattr(command, "fix_source", slow_fix)
    result = command.fix_file(str(path), Settings())
    assert result.error == "changed on disk while being fixed: not overwritten"
    assert path.read_bytes() == theirs and _temporaries(tmp_path) == []


def test_a_file_changed_just_before_the_rename_is_not_overwritten(tmp_path, monkeypatch):
    """The last look: the file is replaced by another one while the temporary is being written."""
    path = _flagged_file(tmp_path)
    real_fsync = os.fsync

    def racing_fsync(fd):
        real_fsync(fd)
        if not path.with_suffix(".swap").exists():
            path.with_suffix(".swap").write_bytes(FLAGGED)
            os.replace(path.with_suffix(".swap"), path)  # an editor's atomic save: a new inode

    monkeypatch.setattr(write.os, "fsync", racing_fsync)
    result = command.fix_file(str(path), Settings())
    assert result.error == "changed on disk while being fixed: not overwritten"
    assert path.read_bytes() == FLAGGED and _temporaries(tmp_path) == []


def test_a_failed_write_leaves_the_original_and_no_temporary(tmp_path, monkeypatch):
    path = _flagged_file(tmp_path)

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(write.os, "replace", full)
    result = command.fix_file(str(path), Settings())
    assert result.error == "no space left on device"
    assert path.read_bytes() == FLAGGED and _temporaries(tmp_path) == []


def test_a_symlinked_file_is_fixed_through_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = _flagged_file(tmp_path / "real", "model.py")
    link = tmp_path / "link.py"
    os.symlink(target, link)
    assert command.fix_file(str(link), Settings()).error == ""
    assert link.is_symlink() and INIT in target.read_bytes()
    assert _temporaries(tmp_path) == [] and _temporaries(tmp_path / "real") == []


def test_a_read_only_file_is_reported_and_the_rest_fixed(tmp_path):
    locked = _flagged_file(tmp_path, "locked.py", mode=0o444)
    other = _flagged_file(tmp_path, "other.py")
    result = run("fix", "-j", "2", str(tmp_path))
    assert result.returncode == 2
    assert errors_of(result.stderr) == {str(locked): "read-only file: not fixed"}
    assert locked.read_bytes() == FLAGGED and INIT in other.read_bytes()


@pytest.mark.parametrize("flag", ["--diff", "--check"])
def test_diff_and_check_never_write(tmp_path, monkeypatch, flag, capsys):
    quick = ("syntax_error.py", "not_utf8.py", "nul_byte.py", "crlf.py", "latin1_cookie.py", "broken_link.py", "deep_brackets.py")
    bad_inputs.build(tmp_path, lambda case: case.name in quick)
    for i in range(6):
        _flagged_file(tmp_path, f"flagged{i}.py", mode=0o444 if i == 0 else 0o644)
    before = bad_inputs.snapshot(tmp_path)
    # The repository index's cache is initlint's own, not the project's: kept outside the snapshot.
    cache = str(tmp_path.parent / f"{tmp_path.name}-cache")
    result = run("fix", flag, "-j", "2", "--cache-dir", cache, str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr  # 2: the bad files
    assert bad_inputs.snapshot(tmp_path) == before
    # in-process too, with the writer replaced by a tripwire
    monkeypatch.setattr(command, "replace_atomically", lambda *a: pytest.fail("wrote a file"))
    for path in sorted(tmp_path.glob("flagged*.py")):
        assert command.fix_file(str(path), Settings(cache_dir=cache), command.DIFF if flag == "--diff" else command.CHECK).changed
    assert bad_inputs.snapshot(tmp_path) == before


def test_fix_isolates_an_internal_error_to_its_file(tmp_path, monkeypatch):
    path = _flagged_file(tmp_path)

    def broken(*args):
        raise KeyError("boom")

    monkeypatch.setattr(command, "fix_source", broken)
    result = command.fix_file(str(path), Settings())
    assert result.error == "internal error: KeyError: 'boom' (please report it)"
    assert path.read_bytes() == FLAGGED


def test_hidden_temporary_files_are_never_checked(tmp_path):
    _flagged_file(tmp_path)
    (tmp_path / ".initlint-123-abc.tmp").write_bytes(FLAGGED)
    result = run("check", str(tmp_path))
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [str(tmp_path / "m.py")]


def test_analyze_and_fix_agree_on_every_bad_input(tmp_path):
    """The library API: SourceError (never anything else) for exactly the files check rejects."""
    for case in CASES:
        path = tmp_path / case.name
        case.make(path)
        if not path.is_file() or case.name == "fifo.py":
            continue
        data = path.read_bytes()
        if case.error and case.error.startswith(("syntax", "cannot", "NUL", "too deeply")):
            with pytest.raises(SourceError) as error:
                analyze(data)
            assert str(error.value) == case.error
            if "analyse" not in case.error:  # (that one parses for a second: the CLI tests cover it)
                with pytest.raises(SourceError):
                    fix_source(data)
        else:
            analyze(data)
            fix_source(data)
