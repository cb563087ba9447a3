"""The REST control API (FastAPI): types, applications, values, events, streams, health.

Modules: ``settings`` (flags and environment), ``auth`` (the bearer token, hashed in the store),
``errors`` (JSON errors with the right status), ``context`` (dependencies), ``bodies`` (request
bodies and size-limited uploads), ``routes_types``, ``routes_apps``, ``app`` (the factory
:func:`create_app`) and ``server`` (running it under uvicorn, as ``fbrt serve`` does).
"""

from fbruntime.api.app import create_app
from fbruntime.api.auth import ensure_token, hash_token, verify_token
from fbruntime.api.settings import ApiSettings, is_loopback

__all__ = ["ApiSettings", "create_app", "ensure_token", "hash_token", "is_loopback", "verify_token"]
