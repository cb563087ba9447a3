"""Boot files in the style of FORTE's system tests pass, fail and report as they do on FORTE.

Each ``boot/*.fboot`` (written for fbrt, in the style of FORTE's ``systemtests``) was run on
FORTE (``record.py --boot``; its exit code and log in ``boot/recorded.json``). Here each runs as
``fbrt run FILE.fboot`` with no type folder, all at once, and the facts FORTE's log gives must
hold for fbrt's:

* the TEST_CONDITION lines, in order, and the final report, word for word (timestamps aside);
* FORTE's verdicts as its CMake harness judges them: "soft" fails on TEST_CONDITION_FAILED,
  "hard" on any ``ERROR: T`` line (see below);
* a boot file line that fails is named by its line number and Reason.

Differences on purpose (README, "differs on purpose"): FORTE's process ends with 0 whatever
failed, fbrt's with 1 when a condition failed and 2 when the boot file is broken; on a broken
line FORTE logs it and keeps running what the lines before it built and started (its runs here
ended only because STEST_END had run), fbrt reports it and runs nothing. FORTE's blocks also log
errors of their own (F_MUX_2: "value of input K is not between 0 and 1"), which make its "hard"
verdict fail; fbrt's F_MUX_2 leaves OUT alone as FORTE does but logs nothing, so such a file
passes "hard" on fbrt: the test compares the "hard" verdict only where FORTE's ERROR lines come
from TEST_CONDITION or the boot file loader.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.mgmt.differential.record import BOOT_RECORDING, log_line
from tests.mgmt.differential.replay import BOOT_FILES

RECORDED = json.loads(BOOT_RECORDING.read_text())
PATHS = sorted(BOOT_FILES.glob("*.fboot"))
_CONDITION = re.compile(r"\[TEST_CONDITION_(PASSED|FAILED)\]")
_REPORT = re.compile(r"TEST_CONDITION FINAL REPORT|tests executed|^\S+:  -{78}$")
_BOOT_LINE = re.compile(
    r"Boot file (?:command could not be executed|line does not contain .*)\. Line: (\d+)"
)
_REASON = re.compile(r"DEV_MGR says error is (\w+)")


@dataclass(frozen=True)
class Run:
    exit_code: int | None
    log: list[str]

    def conditions(self) -> list[str]:
        return [line for line in self.log if _CONDITION.search(line)]

    def report(self) -> list[str]:
        return [line for line in self.log if _REPORT.search(line)]

    def soft_pass(self) -> bool:
        return not any("TEST_CONDITION_FAILED" in line for line in self.log)

    def hard_pass(self) -> bool:
        return not any(line.startswith("ERROR:") for line in self.log)


def _start(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fbruntime", "run", path.name, "--for", "60"],
        cwd=path.parent,
        env={**os.environ, "COLUMNS": "500"},  # one line per error, however long
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> Run:
    output, _ = process.communicate(timeout=120)
    lines = [log_line(line) for line in output.splitlines() if line.strip()]
    return Run(process.returncode, lines)


@pytest.fixture(scope="module")
def fbrt_runs() -> dict[str, Run]:
    """Every boot file run by its own ``fbrt run``, all started at once."""
    started = [_start(path) for path in PATHS]
    return {path.stem: _finish(process) for path, process in zip(PATHS, started, strict=True)}


def test_every_boot_file_was_recorded_on_forte() -> None:
    assert sorted(p.stem for p in PATHS) == sorted(k for k in RECORDED if k != "device")
    assert any(Run(**RECORDED[p.stem]).report() for p in PATHS)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_fbrt_runs_the_boot_file_as_forte_did(path: Path, fbrt_runs: dict[str, Run]) -> None:
    forte = Run(**RECORDED[path.stem])
    fbrt = fbrt_runs[path.stem]
    shown = "\n".join(fbrt.log)
    broken = [int(m.group(1)) for line in forte.log if (m := _BOOT_LINE.search(line))]
    if broken:
        # FORTE names the failing line (and, for a refused command, DEV_MGR's Reason).
        assert fbrt.exit_code == 2, shown
        assert f"{path.name}:{broken[0]}:" in shown, shown
        for reason in (m.group(1) for line in forte.log if (m := _REASON.search(line))):
            assert reason in shown, shown
        return
    assert fbrt.conditions() == forte.conditions(), shown
    assert fbrt.report() == forte.report(), shown
    assert fbrt.soft_pass() == forte.soft_pass()
    assert fbrt.exit_code == (0 if forte.soft_pass() else 1), shown
    own_errors = [
        line
        for line in forte.log
        if line.startswith("ERROR:") and not _CONDITION.search(line) and not _REPORT.search(line)
    ]
    if not own_errors:
        assert fbrt.hard_pass() == forte.hard_pass(), shown
