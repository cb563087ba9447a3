"""Record what a device answers to the scenarios, and how FORTE runs the boot files.

This is how ``recorded/`` was made, from FORTE develop @ b98bb397 built by us (Release, its
default log level LOGERROR, modules IEC61131, CONVERT and UTILS); the boot files were run on a
second build of the same source with FORTE_LOGLEVEL=LOGINFO, whose log also shows the passed
conditions and the final report::

    python -m tests.mgmt.differential.record --forte /path/to/forte            # all scenarios
    python -m tests.mgmt.differential.record --forte /path/to/forte NAME ...   # some of them
    python -m tests.mgmt.differential.record --forte /path/to/forte-loginfo --boot  # boot/*.fboot

Each scenario gets a fresh FORTE process (``forte -c 127.0.0.1:PORT``). ``--connect HOST:PORT``
replays against a device that is already running (any device: FORTE, ``fbrt device``) and prints
the answers instead of storing them. Each boot file runs as ``forte -c 127.0.0.1:PORT -f FILE``;
its exit code and log lines (timestamps taken out) go to ``boot/recorded.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.mgmt.differential.replay import (
    BOOT_FILES,
    SCENARIOS,
    Scenario,
    free_port,
    read_scenario,
    replay,
    save_recording,
    scenario_paths,
    with_process,
)

DEVICE = "FORTE develop @ b98bb397 (Release, LOGERROR; IEC61131, CONVERT, UTILS)"
BOOT_DEVICE = "FORTE develop @ b98bb397 (Release, LOGINFO; IEC61131, CONVERT, UTILS)"
BOOT_RECORDING = BOOT_FILES / "recorded.json"
_TIMESTAMP = re.compile(r"^(ERROR|WARNING|INFO|DEBUG): T#\d+: ")


def log_line(line: str) -> str:
    """A FORTE log line without its timestamp: ``ERROR: T#123: text`` -> ``ERROR: text``."""
    return _TIMESTAMP.sub(r"\1: ", line.rstrip())


async def record_scenario(forte: str, scenario: Scenario) -> list[str | None]:
    port = free_port()
    return await with_process(
        [forte, "-c", f"127.0.0.1:{port}"], port, lambda: replay(port, scenario)
    )


def record_boot_file(forte: str, path: Path, timeout: float = 10) -> dict[str, Any]:
    """FORTE's exit code (None: still running after *timeout*, killed) and its log lines."""
    port = free_port()
    process = subprocess.Popen(
        [forte, "-c", f"127.0.0.1:{port}", "-f", path.name],
        cwd=path.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        process.kill()  # FORTE ignores SIGTERM while it hangs
        output, _ = process.communicate()
        code = None
    lines = [log_line(line) for line in output.splitlines() if line.strip()]
    return {"exit_code": code, "log": lines}


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--forte", help="the FORTE binary: one fresh process per scenario")
    where.add_argument("--connect", help="HOST:PORT of a running device: print its answers")
    parser.add_argument("--boot", action="store_true", help="record the boot files instead")
    parser.add_argument("names", nargs="*", help="scenario or boot file names (default: all)")
    args = parser.parse_args(argv)

    if args.boot:
        if not args.forte:
            parser.error("--boot needs --forte")
        recorded = json.loads(BOOT_RECORDING.read_text()) if BOOT_RECORDING.exists() else {}
        for path in sorted(BOOT_FILES.glob("*.fboot")):
            if args.names and path.stem not in args.names:
                continue
            recorded[path.stem] = record_boot_file(args.forte, path)
            print(path.stem, recorded[path.stem]["exit_code"], recorded[path.stem]["log"])
        recorded["device"] = BOOT_DEVICE
        BOOT_RECORDING.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n")
        return 0

    paths = [SCENARIOS / f"{n}.txt" for n in args.names] if args.names else scenario_paths()
    for path in paths:
        scenario = read_scenario(path)
        if args.connect:
            host, _, port = args.connect.rpartition(":")
            replies = await replay(int(port), scenario, host=host or "127.0.0.1")
            for step, reply in zip(scenario.steps, replies, strict=True):
                print(f"{step.dst};{step.request}\n{reply}\n")
        else:
            replies = await record_scenario(args.forte, scenario)
            print(save_recording(scenario, replies, DEVICE))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
