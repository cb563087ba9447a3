"""The pipeline service's settings, read from the environment (``fbrt serve``) or given in code.

==============================  =============================================================
``FBRT_SECRETS_FILE``           the secrets file (``{"$secret": "NAME"}`` in configs; see
                                :mod:`.secrets`); ``FBRT_SECRET_<NAME>`` variables work too
``FBRT_TELEGRAM_TOKEN``         the bot's token: the bot uses it, and so does
                                ``telegram.send_message`` when a task gives no ``token``
``FBRT_TELEGRAM_API_URL``       the Bot API base URL (default ``https://api.telegram.org``),
                                for the bot and the operation alike
``FBRT_RUN_RETENTION_DAYS``     runs that ended longer ago are removed with their folders and
                                archives (checked at start and hourly); unset or 0: keep all
``FBRT_PIPELINE_THREADS``       threads for synchronous operations (default 32)
``FBRT_PIPELINE_PROCESSES``     worker processes for ``run_on = "process"`` operations (2)
``FBRT_POOLS``                  pool sizes, ``weather_api=2,db=1`` (see :mod:`.pools`; ``PUT
                                /api/pools/NAME`` changes them while the server runs)
==============================  =============================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .offload import DEFAULT_PROCESSES, DEFAULT_THREADS
from .pools import parse_pool_sizes

__all__ = ["DEFAULT_API_URL", "PipelineSettings"]

DEFAULT_API_URL = "https://api.telegram.org"


@dataclass(frozen=True)
class PipelineSettings:
    secrets_file: str | None = None
    telegram_token: str | None = None
    telegram_api_url: str = DEFAULT_API_URL
    retention_days: float | None = None
    threads: int = DEFAULT_THREADS
    processes: int = DEFAULT_PROCESSES
    pools: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PipelineSettings:
        env = os.environ if environ is None else environ

        def number(name: str, default: float | None, *, whole: bool = False) -> float | None:
            text = env.get(name, "").strip()
            if not text:
                return default
            try:
                value = int(text) if whole else float(text)
            except ValueError:
                kind = "a whole number" if whole else "a number"
                raise ValueError(f"{name}={text!r} is not {kind}") from None
            if value < 0:
                raise ValueError(f"{name}={text!r} must not be negative")
            return value

        retention = number("FBRT_RUN_RETENTION_DAYS", None)
        threads = number("FBRT_PIPELINE_THREADS", DEFAULT_THREADS, whole=True)
        processes = number("FBRT_PIPELINE_PROCESSES", DEFAULT_PROCESSES, whole=True)
        return cls(
            secrets_file=env.get("FBRT_SECRETS_FILE") or None,
            telegram_token=env.get("FBRT_TELEGRAM_TOKEN", "").strip() or None,
            telegram_api_url=(env.get("FBRT_TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/"),
            retention_days=retention or None,
            threads=max(1, int(threads or DEFAULT_THREADS)),
            processes=max(1, int(processes or DEFAULT_PROCESSES)),
            pools=parse_pool_sizes(env.get("FBRT_POOLS", "")),
        )
