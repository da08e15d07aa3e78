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
