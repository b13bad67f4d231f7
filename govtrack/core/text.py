"""Names and titles people read: one rule for every door (form, API, CSV import).

A name is stored in NFC (the same letters typed two ways compare equal), and refused when it
carries a control character, a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069:
"‮fdp.exe" shows as "exe.pdf" and a partner or member can pass for another), or nothing visible
at all (only spaces, or zero-width characters: a blank row that looks like no one). Zero-width
joiners inside a name stay: scripts and emoji need them.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

from govtrack.errors import ValidationFailed

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Control characters, surrogates (a lone one cannot be stored as UTF-8) and line/paragraph
# separators: none belongs in a one-line name.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


class BadText(ValueError):
    """A name refused; `reason` says why, in the reader's language."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def normalise_name(value: str | None) -> str:
    """The name as stored (NFC, no outer spaces or invisible characters), or BadText saying why not."""
    text = value or ""
    if text.isascii() and text.isprintable():  # the common case: nothing to normalise or refuse
        text = text.strip()
        if not text:
            raise BadText(_l("Required."))
        return text
    text = unicodedata.normalize("NFC", text)
    for ch in text:
        if ch in BIDI_CONTROLS:
            raise BadText(_l("Contains a text-direction control character (U+%(code)04X), which can disguise "
                             "what is written.", code=ord(ch)))
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            raise BadText(_l("Contains a control character (U+%(code)04X).", code=ord(ch)))
    if not text.strip():
        raise BadText(_l("Required."))
    # Format characters (Cf: the zero-width ones, U+2060, U+FEFF, soft hyphens) show nothing.
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
        raise BadText(_l("Has no visible characters."))
    return text.strip().strip(INVISIBLE).strip()


def normalise_name_field(value: str | None, *, field: str, required: bool = True) -> str | None:
    """normalise_name for one field of a service's input: ValidationFailed naming the field. When not
    required, an empty value is None."""
    if not required and (value is None or not value.strip()):
        return None
    try:
        return normalise_name(value)
    except BadText as bad:
        raise ValidationFailed(str(_l("Some values are not valid.")), fields={field: [str(bad.reason)]}) from None
