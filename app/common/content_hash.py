"""The one hash of signed content (journal entries, forms, decisions): SHA-256 over the
content as JSON with sorted keys, stored at signing so that a later change shows
(ARCHITECTURE.md: "Signing stores a content hash").

Changing how the text is built changes every stored hash: old signatures would no longer
match. Keep it as it is."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


def signed_content_hash(content: Mapping[str, object]) -> str:
    """Hex SHA-256 of `content` as JSON (sorted keys, UTF-8, non-ASCII as is)."""
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


ALTERED_AFTER_SIGNING = "Ändrad efter signering – stämmer inte med signaturen"
"""What is shown, instead of "signerad", for signed content whose stored text no longer
matches the hash stored at signing (issue 20): someone changed the row by hand."""


@dataclass(frozen=True)
class SignatureMismatch:
    """One signed item whose content no longer matches its hash (`arendestod db verify`)."""

    kind: str
    """In Swedish: "journalanteckning", "blankett (…)", "beslut"."""
    case_number: str
    signed_at: datetime | None
    signer: str
