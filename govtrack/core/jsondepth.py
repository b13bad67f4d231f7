"""How deep a JSON body nests, read from its raw bytes before any parser builds objects from it.

Python's json parser recurses once per level: a body of a few thousand `[` ends in a RecursionError.
The scan below never recurses and runs at C speed: strings are cut out first (a bracket in a string
is text), then every innermost `()` pair is removed, once per allowed level."""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN_CLOSE = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in `body` nest more than `limit` levels deep. Brackets left
    unclosed count as levels too (the parser would descend into them before failing)."""
    brackets = _STRING.sub(b"", body).translate(_OPEN_CLOSE, _NOT_BRACKETS)
    if brackets.count(b"(") <= limit:
        return False
    for _ in range(limit):
        shorter = brackets.replace(b"()", b"")
        if shorter == brackets:
            break
        brackets = shorter
    # What is left: pairs nested deeper than `limit` (an innermost one shows as "()"), and brackets
    # that never close.
    return b"()" in brackets or brackets.count(b"(") > limit
