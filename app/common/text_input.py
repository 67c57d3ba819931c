"""Cleaning and checking free text from users: one place for length and character rules."""

from __future__ import annotations

import unicodedata

from app.common.errors import ValidationFailed

# Control characters other than tab and newlines corrupt printouts and are refused by
# PostgreSQL (NUL); they are never typed on purpose, so they are rejected with a message.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def clean_text(
    value: str | None,
    *,
    field: str,
    label: str,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    text = unicodedata.normalize("NFC", value or "")
    text = text.replace("\r\n", "\n").strip()
    if not multiline and ("\n" in text or "\r" in text):
        raise ValidationFailed({field: f"{label} får bara vara en rad."})
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS for ch in text):
        raise ValidationFailed({field: f"{label} innehåller otillåtna styrtecken."})
    if required and not text:
        raise ValidationFailed({field: f"{label} måste fyllas i."})
    if len(text) > max_length:
        raise ValidationFailed(
            {field: f"{label} är för lång: {len(text)} tecken, högst {max_length} är tillåtet."}
        )
    return text


def search_key(name: str) -> str:
    """Lower case with diacritics other than å ä ö folded (é → e, ü → u), for name search.

    Å, Ä and Ö are letters of their own in Swedish and are kept.
    """
    out = []
    for ch in unicodedata.normalize("NFC", name.casefold()):
        if ch in "åäö":
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return " ".join("".join(out).split())
