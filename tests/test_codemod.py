"""The fix through libcst's own codemod runner gives the same bytes as ``initlint fix``."""

import shutil
import subprocess
import sys

from fixtures_fix import CASES, fixed_path


def test_libcst_codemod_command_applies_the_same_edit(tmp_path):
    cases = [c for c in CASES if b"initlint-settings" not in c.read_bytes()]
    for case in cases:
        shutil.copy(case, tmp_path / case.name)
    result = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "initlint.fix.codemod.AddInitCommand",
         "--no-format", "--hide-progress", "-j", "1", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Failed to codemod 0 files" in result.stderr
    for case in cases:
        assert (tmp_path / case.name).read_bytes() == fixed_path(case).read_bytes(), case.name


def test_codemod_settings_options(tmp_path):
    case = next(c for c in CASES if c.stem == "named_attribute")
    target = tmp_path / case.name
    shutil.copy(case, target)
    subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "initlint.fix.codemod.AddInitCommand",
         "--no-format", "--hide-progress", "--distribution", "normal", "--bias", "zeros", str(target)],
        capture_output=True, text=True, timeout=300, check=True,
    )
    text = target.read_text()
    assert 'nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")' in text
    assert "nn.init.zeros_(self.fc1.bias)" in text and "zeros_(self.fc2.bias)" not in text


def test_codemod_keeps_indented_comment_lines_at_the_end_of_a_file(tmp_path):
    """libcst's own parse drops them; the codemod must not delete them, fixing or not."""
    tail = "    # the end\n  \n"
    clean = tmp_path / "clean.py"
    clean.write_text("import torch.nn as nn\n\nhead = nn.Sequential(nn.Linear(4, 4), nn.Softmax(-1))\n" + tail)
    flagged = tmp_path / "flagged.py"
    flagged.write_text("import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n" + tail)
    before = clean.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", "initlint.fix.codemod.AddInitCommand",
         "--no-format", "--hide-progress", "-j", "1", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert clean.read_bytes() == before
    fixed = flagged.read_text()
    assert fixed.endswith("nn.ReLU())\nnn.init.kaiming_uniform_(net[0].weight, nonlinearity=\"relu\")\n" + tail)
