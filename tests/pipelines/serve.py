"""A real ``fbrt serve`` in a subprocess on a free loopback port, for end-to-end tests.

The server is started as an operator starts it (``python -m fbruntime serve --port 0``); its
output is read on a thread, so a test can wait for a line (the address, the token, a log line)
without sleeping, and can kill it with SIGKILL to test crash recovery.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

PLUGINS = Path(__file__).parent / "plugins"
_ADDRESS = re.compile(r"running on http://127\.0\.0\.1:(\d+)")
_TOKEN = re.compile(r"API token \(shown once, only its hash is kept\): (\S+)")
STARTUP_S = 60.0


class Served:
    def __init__(
        self,
        data_dir: Path,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        token: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.env = dict(env or {})
        self.args = list(args)
        self.token = token
        self.port = 0
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=30, **kwargs)

    def start(self) -> Served:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FBRT_")}
        env.update(self.env)
        if self.token:
            env["FBRT_API_TOKEN"] = self.token
        self.lines = []
        command = [sys.executable, "-m", "fbruntime", "serve", "--port", "0"]
        command += ["--data-dir", str(self.data_dir), "--folder", str(PLUGINS), *self.args]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self._reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self._reader.start()
        line = self.wait_line(lambda text: _ADDRESS.search(text) is not None, STARTUP_S)
        match = _ADDRESS.search(line)
        assert match is not None
        self.port = int(match.group(1))
        for text in self.lines:
            found = _TOKEN.search(text)
            if found:
                self.token = found.group(1)
        assert self.token, "the server printed no token:\n" + "".join(self.lines)
        return self

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_line(self, test: Callable[[str], bool], timeout: float = 30.0) -> str:
        """The first output line (so far or to come) that passes ``test``."""
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    if test(line):
                        return line
                seen = len(self.lines)
                assert self.process is not None
                if self.process.poll() is not None and seen == len(self.lines):
                    raise AssertionError("the server ended:\n" + "".join(self.lines[-40:]))
                if not self._changed.wait(timeout):
                    raise AssertionError(
                        "no such line from the server:\n" + "".join(self.lines[-40:])
                    )

    async def line(self, test: Callable[[str], bool], timeout: float = 30.0) -> str:
        return await asyncio.to_thread(self.wait_line, test, timeout)

    @property
    def output(self) -> str:
        with self._changed:
            return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: the crash nothing can clean up after."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(30)
        self._close()

    def _close(self) -> None:
        if self._reader is not None:
            self._reader.join(30)
            self._reader = None
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
                self._close()
                raise AssertionError(f"the server ignored signal {sig}") from None
        self._close()
        return self.process.returncode

    def rss_peak_kb(self) -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0


async def finished(client: httpx.AsyncClient, run_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll a run until it is over, as a client of the API does; the run."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        run = (await client.get(f"/api/runs/{run_id}")).json()
        if run["status"] not in ("pending", "running"):
            return dict(run)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"run {run_id} still {run['status']} after {timeout} s")
        await asyncio.sleep(0.02)


async def reaches(
    client: httpx.AsyncClient, run_id: str, test: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Poll a run until ``test`` passes on it (or it ends without)."""
    while True:
        run = (await client.get(f"/api/runs/{run_id}")).json()
        if test(run):
            return dict(run)
        if run["status"] not in ("pending", "running"):
            raise AssertionError(f"run ended without reaching the state: {run}")
        await asyncio.sleep(0.02)
