"""The server's own log: text lines or JSON lines (``--log-format``, env ``FBRT_LOG_FORMAT``).

``fbrt serve`` sends its log to stderr, one line per record. ``text`` (the default) reads as
``2026-01-01 12:00:00,000 ERROR fbruntime.pipelines.runs: run 3f2a of weather, task send: ...``;
``json`` writes one object per line (``time``, ``level``, ``logger``, ``message``, and the run,
pipeline and task ids when the record is about a run, ``exception`` with the traceback), for a
log shipper. uvicorn's own lines (startup, access log) take the same format.

Pipeline run and task failures are logged at WARNING (an attempt that will be retried) and ERROR
(a task or run that failed) by ``fbruntime.pipelines.runs``; everything of ``fbruntime`` at INFO
and above is shown.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

__all__ = ["FORMATS", "JsonFormatter", "configure_logging"]

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_FIELDS = ("run_id", "dag_id", "task_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per record (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(fmt: str = "text", level: int = logging.INFO) -> None:
    """Send fbrt's log (and uvicorn's) to stderr in ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: use one of {', '.join(FORMATS)}")
    formatter: logging.Formatter = (
        JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    package = logging.getLogger("fbruntime")
    for old in list(package.handlers):
        package.removeHandler(old)
    package.addHandler(handler)
    package.setLevel(level)
    package.propagate = False
    if fmt == "json":
        # uvicorn applies its LOGGING_CONFIG when the server is made (after this); its
        # formatters become ours there, so its startup and access lines are JSON lines too.
        from uvicorn.config import LOGGING_CONFIG

        for name in ("default", "access"):
            LOGGING_CONFIG["formatters"][name] = {"()": "fbruntime.cli.logs.JsonFormatter"}
