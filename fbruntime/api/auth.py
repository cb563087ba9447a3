"""The API's bearer token: generated once (and printed once) or configured; only a hash is kept.

The token is 256 random bits, so a salted SHA-256 is enough to keep it from being read back out
of the database, and it is cheap enough to check on every request. Mutating calls always need it;
reads need it too when the server listens on anything but loopback.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fbruntime.store import Store

__all__ = ["SETTING_KEY", "ensure_token", "hash_token", "verify_token"]

SETTING_KEY = "api.token"


def hash_token(token: str, salt: str | None = None) -> dict[str, str]:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256((salt + token).encode()).hexdigest()
    return {"salt": salt, "sha256": digest}


def verify_token(token: str, stored: dict[str, str]) -> bool:
    expected = hash_token(token, stored["salt"])["sha256"]
    return hmac.compare_digest(expected, stored["sha256"])


async def ensure_token(
    store: Store | None, configured: str | None, *, regenerate: bool = False
) -> tuple[dict[str, str], str | None]:
    """The hash to check against, and the new token when one was just generated (print it once).

    A configured token replaces the stored hash; without one, the stored hash stays; with
    neither (first start) or when asked to, a new token is made.
    """
    if configured:
        hashed = hash_token(configured)
        if store is not None:
            await store.settings.set(SETTING_KEY, hashed)
        return hashed, None
    if store is not None and not regenerate:
        stored = await store.settings.get(SETTING_KEY)
        if isinstance(stored, dict) and {"salt", "sha256"} <= stored.keys():
            return {"salt": str(stored["salt"]), "sha256": str(stored["sha256"])}, None
    token = secrets.token_urlsafe(32)
    hashed = hash_token(token)
    if store is not None:
        await store.settings.set(SETTING_KEY, hashed)
    return hashed, token
