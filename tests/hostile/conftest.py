"""Real processes for the hostile suite: ``fbrt serve`` (one, shared by the package), and helpers
to start ``fbrt run`` / ``fbrt device`` / another server and to watch their output.

Everything binds port 0; the server prints the port it got. The shared server runs with small
limits so that the tests are quick: a 0.5 s watchdog, a 1 s header timeout, 24 connections.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.hostile.hostile_files import write_blocks, write_types

TOKEN = "hostile-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WATCHDOG = 0.5
MAX_CONNECTIONS = 24


class Process:
    """A child ``fbrt`` process whose output lines are collected as they come."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "fbruntime.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, lines), daemon=True)
            for stream, lines in ((self.popen.stdout, self.out), (self.popen.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._changed:
                lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_line(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The first output line (stdout or stderr) matching ``pattern``, waiting for it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in (*self.out, *self.err):
                    found = regex.search(line)
                    if found:
                        return found
                left = deadline - time.monotonic()
                done = self.popen.poll() is not None and not any(
                    r.is_alive() for r in self._readers
                )
                if left <= 0 or done:
                    raise AssertionError(
                        f"no line matching {pattern!r}; stdout {self.out[-5:]}, "
                        f"stderr {self.err[-5:]}"
                    )
                self._changed.wait(min(left, 0.2))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> tuple[int, float]:
        """Send ``sig`` and wait: (exit code, seconds it took to exit)."""
        started = time.monotonic()
        self.popen.send_signal(sig)
        code = self.popen.wait(timeout)
        return code, time.monotonic() - started

    def kill(self) -> None:
        """End the process if it still runs, and release its pipes."""
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        for reader in self._readers:
            reader.join(5)
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()


@dataclass
class Server:
    process: Process
    base: str
    port: int
    data_dir: Path


def start_server(tmp: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    types = write_types(tmp / "types")
    blocks = write_blocks(tmp / "blocks")
    data = tmp / "data"
    process = Process(
        [
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data),
            "--folder",
            str(blocks),
            "--fourdiac-folder",
            str(types),
            *args,
        ],
        env={"FBRT_API_TOKEN": TOKEN, **(env or {})},
    )
    port = int(process.wait_line(r"serving on http://127\.0\.0\.1:(\d+)/", 60).group(1))
    return Server(process, f"http://127.0.0.1:{port}", port, data)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(
        tmp_path_factory.mktemp("hostile"),
        "--watchdog",
        str(WATCHDOG),
        env={"FBRT_HEADER_TIMEOUT": "1", "FBRT_MAX_CONNECTIONS": str(MAX_CONNECTIONS)},
    )
    try:
        yield srv
        code, took = srv.process.stop(signal.SIGTERM)
        assert code == 0 and took < 5, (code, took, srv.process.err[-5:])
    finally:
        srv.process.kill()


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, timeout=10) as client:
        yield client


def wait_until(check: Callable[[], object], timeout: float = 10.0) -> object:
    """Poll ``check`` (over HTTP there is no event to wait on) until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {timeout} s")
        time.sleep(0.05)


def create_app(api: httpx.Client, name: str, type_name: str) -> httpx.Response:
    return api.post(
        "/api/apps", json={"name": name, "type": type_name, "start": True}, headers=AUTH
    )


def fault_of(api: httpx.Client, name: str) -> dict[str, object] | None:
    blocks = api.get(f"/api/apps/{name}").json()["blocks"]
    fault: dict[str, object] | None = blocks[0]["fault"]
    return fault
