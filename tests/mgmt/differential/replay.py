"""Scenarios of management requests, replayed against any device over real TCP.

A scenario file (``scenarios/*.txt``) holds requests exactly as 4diac IDE sends them, one per
line in boot-file form (``DST;<Request .../>``; an empty DST is the device), with ``#`` comments
and two directives:

* ``!wait SECONDS`` lets the device's events run (timers, ``$e`` triggers) before the next
  request, which must then be a READ or QUERY. The recorder sleeps there; the differential test
  instead repeats that request until the answer settles, so it never sleeps longer than the
  device needs.
* ``!fbrt NAME REPLY`` after a request: fbrt answers it with REPLY (``\\n`` for a line break)
  instead of FORTE's answer, on purpose; NAME is one of ``differences.DELIBERATE``.

A scenario that sends device-level commands whose answers depend on the whole device (QUERY of
the resources, READ of every resource's watches, a device KILL) says ``!device own`` before its
first request: the test gives it a device of its own. The others share one device, each in
resources of its own (the recorder gives every scenario a fresh FORTE anyway).

The recordings (``recorded/*.json``) are the answers one device gave, step by step; FORTE's are
the facts the test compares fbrt with (see ``record.py`` for how they were made).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fbruntime.mgmt.client import ManagementClient

HERE = Path(__file__).parent
SCENARIOS = HERE / "scenarios"
RECORDED = HERE / "recorded"
BOOT_FILES = HERE / "boot"

_ACTION = re.compile(r'<Request\s+ID="[^"]*"\s+Action="([A-Z]+)"')


@dataclass(frozen=True, slots=True)
class Step:
    """One request; ``settle`` marks a request whose answer depends on events still running."""

    line: int
    dst: str
    request: str
    settle: float = 0.0
    fbrt: tuple[str, str] | None = None

    @property
    def action(self) -> str:
        found = _ACTION.match(self.request)
        return found.group(1) if found else ""

    @property
    def idempotent(self) -> bool:
        return self.action in ("READ", "QUERY")


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    own_device: bool = False


def read_scenario(path: Path) -> Scenario:
    """The steps of a scenario file; a malformed line raises ValueError naming file and line."""
    steps: list[Step] = []
    wait = 0.0
    own_device = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "!device own":
            if steps:
                raise ValueError(f"{path}:{number}: '!device own' comes before the requests")
            own_device = True
            continue
        if line.startswith("!fbrt "):
            parts = line.split(" ", 2)
            if len(parts) != 3 or not steps or steps[-1].fbrt is not None:
                raise ValueError(f"{path}:{number}: expected '!fbrt NAME REPLY' after a request")
            reply = parts[2].replace("\\n", "\n")
            steps[-1] = dataclasses.replace(steps[-1], fbrt=(parts[1], reply))
            continue
        if line.startswith("!wait"):
            try:
                wait = float(line.split()[1])
            except (IndexError, ValueError):
                raise ValueError(f"{path}:{number}: expected '!wait SECONDS'") from None
            continue
        dst, separator, request = raw.partition(";")
        if not separator or not request.startswith("<Request"):
            raise ValueError(f"{path}:{number}: expected 'DST;<Request ...>'")
        step = Step(number, dst.strip(), request.strip(), wait)
        if wait and not step.idempotent:
            raise ValueError(f"{path}:{number}: a request after !wait must be a READ or QUERY")
        steps.append(step)
        wait = 0.0
    return Scenario(path.stem, tuple(steps), own_device)


def scenario_paths() -> list[Path]:
    return sorted(SCENARIOS.glob("*.txt"))


# -- recordings -----------------------------------------------------------------------------


def recording_path(name: str) -> Path:
    return RECORDED / f"{name}.json"


def load_recording(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(recording_path(name).read_text(encoding="utf-8"))
    return data


def save_recording(
    scenario: Scenario, replies: Sequence[str | None], device: str, path: Path | None = None
) -> Path:
    target = path or recording_path(scenario.name)
    data = {
        "scenario": scenario.name,
        "device": device,
        "steps": [
            {"line": s.line, "dst": s.dst, "request": s.request, "reply": r}
            for s, r in zip(scenario.steps, replies, strict=True)
        ],
    }
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


# -- replaying ------------------------------------------------------------------------------

Settled = Callable[[Step, str], bool]


async def replay(
    port: int,
    scenario: Scenario,
    *,
    host: str = "127.0.0.1",
    settled: Settled | None = None,
    deadline: float = 3.0,
    timeout: float = 5.0,
    connect_timeout: float = 10.0,
) -> list[str | None]:
    """Send every step on one connection, as the IDE does; return the replies in order.

    Without *settled*, a step after ``!wait`` is sent after sleeping that long (the recorder).
    With it, such a step is repeated until ``settled(step, reply)`` holds or *deadline* seconds
    pass; the last reply is kept (the test). ``None`` stands for no answer: the device closed
    the connection (a device KILL ends FORTE and fbrt alike) or gave none within *timeout*.
    """
    replies: list[str | None] = []
    client = ManagementClient(host, port)
    await connect(client, connect_timeout)
    try:
        try:
            for step in scenario.steps:
                if step.settle and settled is None:
                    await asyncio.sleep(step.settle)
                reply = await asyncio.wait_for(client.request(step.dst, step.request), timeout)
                if step.settle and settled is not None:
                    give_up = time.monotonic() + deadline
                    while not settled(step, reply) and time.monotonic() < give_up:
                        await asyncio.sleep(0.005)
                        reply = await client.request(step.dst, step.request)
                replies.append(reply)
        except (ConnectionError, TimeoutError):
            pass  # the device ended (a device KILL) or hangs: the remaining steps have no answer
    finally:
        await client.close()
    replies.extend(None for _ in range(len(scenario.steps) - len(replies)))
    return replies


def free_port() -> int:
    """A port that was free a moment ago (for devices that cannot report a port 0 binding)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def connect(client: ManagementClient, timeout: float) -> None:
    """Connect, retrying while the device is still starting (FORTE cannot bind port 0 and tell)."""
    give_up = time.monotonic() + timeout
    while True:
        try:
            await client.connect()
            return
        except OSError:
            if time.monotonic() > give_up:
                raise
            await asyncio.sleep(0.02)


async def with_process(
    command: Sequence[str], port: int, use: Callable[[], Awaitable[list[str | None]]]
) -> list[str | None]:
    """Start *command* (a device listening on *port*), run *use*, then end the process."""
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        return await use()
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- fbrt devices -----------------------------------------------------------------------------

_LISTENING = re.compile(r"listening on [^\s:]+:(\d+)")


class FbrtDevice:
    """A ``fbrt device --listen 127.0.0.1:0`` process; its log goes to a file, never a pipe."""

    def __init__(self, log: Path, *args: str) -> None:
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fbruntime", "device", "--listen", "127.0.0.1:0", *args],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    async def port(self, timeout: float = 60) -> int:
        """The port it listens on, once it says so."""
        give_up = time.monotonic() + timeout
        while True:
            found = _LISTENING.search(self.log.read_text(errors="replace"))
            if found is not None:
                return int(found.group(1))
            if self.process.poll() is not None or time.monotonic() > give_up:
                raise RuntimeError(f"fbrt device did not start:\n{self.log.read_text()}")
            await asyncio.sleep(0.02)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
