"""Check, on real code, that no INI001 suggestion names a variable that does not exist.

Reads the JSON of ``scripts/real_world.py --json-out`` (its findings, at that commit) and, for each
finding, the file it is in: the init the message shows must write the weight of an expression whose
first name is bound where the init would go, or say in words what to bind first. The same check as
tests/test_suggestion_names.py, over a downloaded corpus instead of the fixtures.

    python scripts/real_world.py --set corpus --keep DIR --json-out corpus.json
    python scripts/suggestion_names.py corpus.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_suggestion_names import _Bindings, unbound  # noqa: E402

from initlint.edits import UNNAMED  # noqa: E402


def problems(finding: dict, bindings: _Bindings) -> list:
    if finding["suggestion"].startswith(UNNAMED):
        return []
    call = bindings.call_at(finding["line"], finding["col"] - 1)
    return unbound(finding["suggestion"], finding["message"], bindings, call)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus_json")
    args = parser.parse_args()
    checked = words = 0
    bad = []
    for package in json.loads(Path(args.corpus_json).read_text()):
        by_path = {}
        for finding in package["findings"]:
            by_path.setdefault(finding["path"], []).append(finding)
        for path, findings in sorted(by_path.items()):
            bindings = _Bindings((Path(package["root"]) / path).read_bytes())
            for finding in findings:
                checked += 1
                words += finding["suggestion"].startswith(UNNAMED)
                for statement in problems(finding, bindings):
                    bad.append(f"{package['package']}: {path}:{finding['line']}: {statement}")
    print(f"{checked} findings: {checked - words} name a path, {words} say in words what to bind; "
          f"{len(bad)} name a variable that does not exist there")
    for line in bad:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
