"""Waiting for an ``fbrt device`` process started by a test to say where it listens."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

LISTENING = re.compile(r"listening on [\d.]+:(\d+)")


def listening_port(process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> int:
    """The management port the device's log announces; an error with the log if it ends first
    or stays silent for ``timeout`` seconds (a loaded machine starts it slowly)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text())
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            raise RuntimeError(f"fbrt device ended: {log.read_text()}")
        time.sleep(0.05)
    raise RuntimeError("fbrt device did not start listening")
