"""Target 4 on its own: re-checking one edited file of a warm repository against checking it alone.

    python bench/one_edit.py PROJECT/timm/models/resnet.py [--runs 5]

The file's project gets a fresh cache folder, warmed by one check; then, ``--runs`` times, a
comment line is appended and ``initlint check -j 1 FILE`` (index on, warm cache) and
``initlint check -j 1 --no-repository FILE`` (the file alone) each run in a child process. It
prints the least CPU (user + sys) of each and their ratio, and restores the file. bench/run.py
measures the same inside its full run; this is the quick re-measure on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile


def cpu_of(command) -> float:
    """User + sys CPU seconds of a child process (and its children)."""
    before = os.times()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    original = open(args.file, "rb").read()
    check = [sys.executable, "-m", "initlint", "check", "-j", "1"]
    with tempfile.TemporaryDirectory() as cache:
        indexed = check + ["--cache-dir", cache, args.file]
        alone = check + ["--no-repository", args.file]
        cpu_of(indexed)  # warm the cache
        edited, by_itself = [], []
        try:
            for run in range(args.runs):
                with open(args.file, "ab") as handle:
                    handle.write(f"# edit {run}\n".encode())
                edited.append(cpu_of(indexed))
                by_itself.append(cpu_of(alone))
        finally:
            with open(args.file, "wb") as handle:
                handle.write(original)
    print(f"edited, warm index: {min(edited):.2f}s  alone: {min(by_itself):.2f}s  ratio {min(edited) / min(by_itself):.3f}")


if __name__ == "__main__":
    main()
