"""The fixture convention: a line that must be reported ends with ``# expect: CODE[, CODE]``."""

import re
from typing import Set, Tuple

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected(source: str) -> Set[Tuple[int, str]]:
    marks = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            marks |= {(number, code.strip()) for code in match.group("codes").split(",")}
    return marks
