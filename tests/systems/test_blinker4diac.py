"""The 4diac example project (systems/blinker4diac) runs through ``fbrt run`` and the Orchestrator.

The project ships no FORTE_PC.dev, EMB_RES.res or standard FB files: it relies on the built-in
device and resource types and fbrt's native E_CYCLE, E_T_FF, E_CTU and E_RESTART; its own
Blink2Text.fbt is a Basic FB (ECC + ST).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.loader import Loader
from fbruntime.orchestrator import Orchestrator
from fbruntime.store import Store

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = Path("systems/blinker4diac/Blinker.sys")
# 1.1 s: not a multiple of the clock's 250 ms, so the stop rarely lands on a tick.
COMMAND = ["run", str(SYSTEM), "--for", "1.1", "--trace", "--dump"]
TEXT = "BlinkApp.Text"
COUNTER = "BlinkApp.Counter"


@pytest.fixture(scope="module")
def cli_run() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``fbrt run … --for 1 --trace --dump``: the traced events and the dump."""
    result = subprocess.run(
        [sys.executable, "-m", "fbruntime.cli", *COMMAND],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    events = [json.loads(line) for line in lines[:-1]]
    return events, json.loads(lines[-1])


def test_start_cold_from_the_built_in_emb_res_starts_the_clock_in_the_flattened_subapp(
    cli_run: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    events, _ = cli_run
    blocks = [(e["block"], e["event"]) for e in events]
    assert blocks[0] == ("START", "COLD")
    assert blocks[1] == ("BlinkApp.Pulse.Clock", "EO")
    assert blocks.count(("START", "STOP")) == 1
    # STOP is queued behind what is already in the FIFO (as in FORTE): a tick's chain under way
    # when the run stops may finish after it, but no tick starts after STOP.
    after_stop = blocks[blocks.index(("START", "STOP")) + 1 :]
    assert set(after_stop) <= {
        ("BlinkApp.Pulse.Toggle", "EO"),
        (TEXT, "CNF"),
        (COUNTER, "CUO"),
    }


def test_the_basic_fb_text_alternates_on_and_off_with_the_toggle(
    cli_run: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    events, dump = cli_run
    toggles = [e["values"]["Q"] for e in events if e["block"] == "BlinkApp.Pulse.Toggle"]
    texts = [e["values"]["TEXT"] for e in events if e["block"] == TEXT]
    assert len(texts) >= 2
    assert texts == ["ON" if q else "OFF" for q in toggles]
    assert texts == ["ON", "OFF"] * (len(texts) // 2) + ["ON"] * (len(texts) % 2)
    assert [e["values"]["CHANGES"] for e in events if e["block"] == TEXT] == list(
        range(1, len(texts) + 1)
    )
    assert dump[f"{TEXT}.TEXT"] == texts[-1]
    assert dump[f"{TEXT}.CHANGES"] == len(texts)


def test_the_counter_counts_every_toggle_below_its_preset(
    cli_run: tuple[list[dict[str, Any]], dict[str, Any]],
) -> None:
    events, dump = cli_run
    counts = [e["values"] for e in events if e["block"] == COUNTER]
    toggles = [e for e in events if e["block"] == "BlinkApp.Pulse.Toggle"]
    assert [c["CV"] for c in counts] == list(range(1, len(toggles) + 1))
    assert not any(c["Q"] for c in counts)  # PV is 1000
    assert dump[f"{COUNTER}.CV"] == len(toggles)
    assert dump[f"{COUNTER}.Q"] is False


@pytest.fixture
async def orch(tmp_path: Path) -> AsyncIterator[Orchestrator]:
    store = await Store.open(data_dir=tmp_path / "data")
    o = Orchestrator(Loader(store=store, rescan_interval=0), store, clock=TestClock())
    o._owns_store = True
    await o.restore()
    try:
        yield o
    finally:
        await o.close()


async def test_the_orchestrator_creates_and_runs_the_project_from_its_path(
    orch: Orchestrator,
) -> None:
    app = await orch.create_system("blinker", path=ROOT / SYSTEM, start=True)
    clock = orch.clock
    assert isinstance(clock, TestClock)
    await clock.advance(1.0)
    assert orch.read("blinker", f"{COUNTER}.CV").value == 4  # one name per pin (no resource)
    assert orch.read("blinker", f"{TEXT}.TEXT").value == "OFF"
    await clock.advance(0.25)
    assert orch.read("blinker", f"BlinkRes.{TEXT}.TEXT").value == "ON"  # qualified: accepted
    assert app.type_name == "Blinker"
    assert {b["path"] for b in app.blocks()} == {
        "START",
        "BlinkApp.Pulse.Clock",
        "BlinkApp.Pulse.Toggle",
        TEXT,
        COUNTER,
    }
