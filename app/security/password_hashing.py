"""Password hashes: scrypt from the standard library (RFC 7914), stored as
`scrypt$N$r$p$salt$digest` so that every hash says what it cost.

The cost follows OWASP's password storage advice (N = 2¹⁷, r = 8, p = 1: about 128 MiB and
half a second per check), slow enough for guessing and fast enough for a login. A hash made
with a lower cost still verifies; `needs_rehash` tells the login to store a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ScryptCost:
    n: int
    r: int
    p: int

    @property
    def memory(self) -> int:
        """Bytes scrypt needs (128·r·N, plus headroom for hashlib's own check)."""
        return 128 * self.r * self.n + 1024 * 1024 * self.p

    def at_least(self, other: ScryptCost) -> bool:
        return self.n >= other.n and self.r >= other.r and self.p >= other.p


PRODUCTION_COST = ScryptCost(n=2**17, r=8, p=1)
"""OWASP's minimum for scrypt; hashlib's default `maxmem` (32 MiB) is too small for it,
so every call passes the memory it needs."""

MAX_ACCEPTED_MEMORY = 1024 * 1024 * 1024
"""A stored hash asking for more than 1 GiB is refused, not computed (a crafted row)."""

_cost = PRODUCTION_COST


def current_cost() -> ScryptCost:
    return _cost


def use_cheap_cost_for_tests(cost: ScryptCost | None) -> None:
    """The one test-only hook: tests hash thousands of passwords, so tests/conftest.py sets
    a cheap cost; `None` restores the production cost. The program never calls this."""
    global _cost
    _cost = cost if cost is not None else PRODUCTION_COST


def _scrypt(password: str, salt: bytes, cost: ScryptCost) -> bytes:
    return hashlib.scrypt(
        password.encode(),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        dklen=32,
        maxmem=cost.memory,
    )


def hash_password(password: str) -> str:
    cost = _cost
    salt = os.urandom(16)
    digest = _scrypt(password, salt, cost)
    encoded_salt = base64.b64encode(salt).decode()
    encoded_digest = base64.b64encode(digest).decode()
    return f"scrypt${cost.n}${cost.r}${cost.p}${encoded_salt}${encoded_digest}"


def _parse(stored: str | None) -> tuple[ScryptCost, bytes, bytes] | None:
    if not stored or not stored.startswith("scrypt$"):
        return None
    try:
        _, n, r, p, salt_b64, digest_b64 = stored.split("$")
        cost = ScryptCost(int(n), int(r), int(p))
        return cost, base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return None


def verify_password(password: str, stored: str | None) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    cost, salt, digest = parsed
    if cost.memory > MAX_ACCEPTED_MEMORY:
        return False
    return hmac.compare_digest(_scrypt(password, salt, cost), digest)


def needs_rehash(stored: str | None) -> bool:
    """A hash made with less than today's cost (a password set before the cost was raised)."""
    parsed = _parse(stored)
    return parsed is not None and not parsed[0].at_least(_cost)
