"""Settings of the control API server: from flags, else the environment, else defaults.

Environment: ``FBRT_HOST``, ``FBRT_PORT``, ``FBRT_DATA_DIR``, ``FBRT_DATABASE_URL``,
``FBRT_API_TOKEN``, ``FBRT_ALLOW_PYTHON_UPLOAD`` (``1``/``true``), ``FBRT_SLICE_EVENTS``,
``FBRT_WATCHDOG`` (seconds one event's handling may take, 0 off), and the server's limits:
``FBRT_MAX_BODY_BYTES`` (every request body, uploads included), ``FBRT_HEADER_TIMEOUT`` (seconds
for a request's headers to arrive), ``FBRT_IDLE_TIMEOUT`` (seconds an idle keep-alive connection
stays open), ``FBRT_MAX_CONNECTIONS`` and ``FBRT_ALLOWED_HOSTS`` (comma-separated names the
``Host`` header may carry; default: the loopback names when serving on loopback, any otherwise,
since every call then needs the token anyway).

``slice_events`` is how many events an application's resource dispatches before the event loop
serves requests again (see :class:`fbruntime.orchestrator.Orchestrator`); the default keeps API
latency low beside a busy application.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["ApiSettings", "is_loopback"]

MAX_UPLOAD_BYTES = 4 * 1024 * 1024
SLICE_EVENTS = 5_000
DEFAULT_WATCHDOG = 1.0


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _names(text: str | None) -> tuple[str, ...] | None:
    if not text or not text.strip():
        return None
    return tuple(n.strip() for n in text.split(",") if n.strip())


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ApiSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    database_url: str | None = None
    token: str | None = None
    token_hash: dict[str, str] | None = None
    allow_python_upload: bool = False
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    watch_interval: float = 0.1
    folders: tuple[Path, ...] = field(default=())
    fourdiac_folders: tuple[Path, ...] = field(default=())
    slice_events: int | None = SLICE_EVENTS
    watchdog: float = DEFAULT_WATCHDOG
    header_timeout: float = 20.0
    body_timeout: float = 30.0
    idle_timeout: float = 5.0
    max_connections: int = 256
    allowed_hosts: tuple[str, ...] | None = None
    # database-backed reads whose answers are shared for read_cache_ttl s, each with whether a
    # value written must show in it at once (see fbruntime/api/readcache.py); the overview is a
    # dashboard listing: a parameter written shows there within about read_cache_ttl
    cached_reads: tuple[tuple[str, bool], ...] = (
        ("/api/runs", False),
        ("/api/pipelines", False),
        ("/api/web/overview", False),
    )
    read_cache_ttl: float = 0.25

    def served_hosts(self) -> tuple[str, ...] | None:
        """The names a ``Host`` header may carry (None: any), see the module docstring."""
        if self.allowed_hosts is not None:
            return self.allowed_hosts
        if self.loopback:
            return tuple(dict.fromkeys((self.host, *LOOPBACK_NAMES)))
        return None

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @classmethod
    def from_env(cls, **overrides: Any) -> ApiSettings:
        """Defaults, then the environment, then every override that is not None."""
        env = os.environ
        base = cls(
            host=env.get("FBRT_HOST", "127.0.0.1"),
            port=int(env.get("FBRT_PORT", "8000")),
            data_dir=Path(env.get("FBRT_DATA_DIR", "data")),
            database_url=env.get("FBRT_DATABASE_URL") or None,
            token=env.get("FBRT_API_TOKEN") or None,
            allow_python_upload=env.get("FBRT_ALLOW_PYTHON_UPLOAD", "").lower()
            in ("1", "true", "yes"),
            slice_events=int(env.get("FBRT_SLICE_EVENTS", str(SLICE_EVENTS))),
            watchdog=float(env.get("FBRT_WATCHDOG", str(DEFAULT_WATCHDOG))),
            max_upload_bytes=int(env.get("FBRT_MAX_BODY_BYTES", str(MAX_UPLOAD_BYTES))),
            header_timeout=float(env.get("FBRT_HEADER_TIMEOUT", "20")),
            idle_timeout=float(env.get("FBRT_IDLE_TIMEOUT", "5")),
            max_connections=int(env.get("FBRT_MAX_CONNECTIONS", "256")),
            allowed_hosts=_names(env.get("FBRT_ALLOWED_HOSTS")),
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})
