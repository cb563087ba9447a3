"""The example systems run for real, through the installed ``fbrt`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fbrt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fbruntime.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_blinker_runs_until_stest_end_with_trace_and_dump() -> None:
    result = fbrt("run", "systems/blinker.py", "--trace", "--dump", "--for", "20")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    dumped = json.loads(lines[-1])
    assert dumped["TICKS.CV"] == 10 and dumped["TICKS.Q"] is True
    events = [json.loads(line) for line in lines if line.startswith('{"block"')]
    labels = [e["values"]["OUT"] for e in events if e["block"] == "LABEL"]
    assert labels[:4] == ["ON", "OFF", "ON", "OFF"] and len(labels) == 10
    assert "LED = STRING#'ON'" in lines


def test_run_triggers_an_event_and_stops_after_for() -> None:
    result = fbrt("run", "systems/blinker.py", "--for", "0.05", "--trigger", "TICKS.CU", "--dump")
    assert result.returncode == 0, result.stderr
    dumped = json.loads(result.stdout.strip().splitlines()[-1])
    assert 1 <= dumped["TICKS.CV"] < 10


def test_run_refuses_a_python_file_without_build(tmp_path: Path) -> None:
    bad = tmp_path / "nobuild.py"
    bad.write_text("x = 1\n")
    result = fbrt("run", str(bad))
    assert result.returncode != 0
    assert "defines build(device)" in result.stderr
