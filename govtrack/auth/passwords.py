"""What makes a password too weak (OWASP ASVS 2.1.7): the most common ones, one repeated character,
a run like 123456789012, or the user's own e-mail or name inside it.

The common passwords are the 30,000 of zxcvbn's frequency list (MIT licence, maintained on PyPI),
far more than the 3,000 ASVS asks for; a common password with digits or signs after it
(`iloveyou1234`) counts as the common one.
"""

from __future__ import annotations

import functools
import re

from flask_babel import lazy_gettext as _l
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 12
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_TAIL = re.compile(r"[^a-z]+$")


@functools.cache
def common_passwords() -> frozenset[str]:
    """Built on first use, then shared by every request of the process."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def _step(a: str, b: str) -> int:
    if a.isdigit() and b.isdigit():
        return (int(b) - int(a) + 5) % 10 - 5  # 9 then 0 is one step up, as on a keypad
    return ord(b) - ord(a)


def _is_run(password: str) -> bool:
    steps = {_step(a, b) for a, b in zip(password, password[1:], strict=False)}
    return steps in ({1}, {-1})


def problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """The reasons, in the user's language, that `password` is refused; empty when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [str(_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH))]
    lowered = password.lower()
    found = []
    if lowered in common_passwords() or _TAIL.sub("", lowered) in common_passwords():
        found.append(str(_l("This password is too common: it is among the first that attackers try.")))
    if len(set(lowered)) == 1 or _is_run(lowered):
        found.append(str(_l("This password is too easy to guess: one character repeated, or a run like 123456.")))
    flat = _NOT_ALNUM.sub("", lowered)
    local = _NOT_ALNUM.sub("", email.partition("@")[0].lower())
    parts = [p for p in _NOT_ALNUM.split(name.lower()) if len(p) >= 4]
    if (len(local) >= 3 and local in flat) or any(p in flat for p in parts):
        found.append(str(_l("The password must not contain your e-mail address or name.")))
    return found
