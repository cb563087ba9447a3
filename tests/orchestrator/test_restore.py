"""After a restart every application comes back: same type, values and running state."""

from __future__ import annotations

from pathlib import Path

from fbruntime.core import TestClock

from .conftest import open_orchestrator


async def test_apps_are_restored_as_they_were(tmp_path: Path, blocks_dir: Path) -> None:
    data = tmp_path / "data"
    first = await open_orchestrator(data, blocks_dir, TestClock())
    await first.create("run", "Counter", parameters={"STEP": 2}, start=True)
    await first.write("run", "STEP", "7")
    await first.create("idle", "Counter")
    await first.create("halted", "Counter", start=True)
    await first.stop("halted")
    await first.close()

    second = await open_orchestrator(data, blocks_dir, TestClock())
    try:
        states = {a.name: (a.state, a.type_name, a.type_version) for a in second.apps()}
        assert states == {
            "halted": ("stopped", "Counter", "1.0"),
            "idle": ("created", "Counter", "1.0"),
            "run": ("running", "Counter", "1.0"),
        }
        assert second.read("run", "STEP").value == 7
        second.fire("run", "CU")
        app = second.app("run")
        assert app.device is not None
        await app.device.settle()
        assert second.read("run", "CV").value == 7
    finally:
        await second.close()


async def test_an_app_whose_type_vanished_is_listed_as_failed(
    tmp_path: Path, blocks_dir: Path
) -> None:
    data = tmp_path / "data"
    first = await open_orchestrator(data, blocks_dir, TestClock())
    await first.create("c", "Counter", start=True)
    await first.close()
    (blocks_dir / "Counter.py").unlink()
    second = await open_orchestrator(data, blocks_dir, TestClock())
    try:
        app = second.app("c")
        assert app.state == "failed"
        assert app.error is not None and "no type named 'Counter'" in app.error
        await second.delete("c")
        assert second.apps() == []
    finally:
        await second.close()


async def test_a_forgotten_await_loses_no_write(tmp_path: Path, blocks_dir: Path) -> None:
    data = tmp_path / "data"
    first = await open_orchestrator(data, blocks_dir, TestClock())
    await first.create("c", "Counter")
    # Every action acts when called: the missing awaits lose neither the write nor the start.
    first.write("c", "STEP", "9")
    first.start("c")
    await first.close()

    second = await open_orchestrator(data, blocks_dir, TestClock())
    try:
        assert second.app("c").state == "running"
        assert second.read("c", "STEP").value == 9
    finally:
        await second.close()


async def test_an_action_that_fails_raises_when_awaited(tmp_path: Path, blocks_dir: Path) -> None:
    import pytest

    from fbruntime.orchestrator import BadValue

    orch = await open_orchestrator(tmp_path / "data", blocks_dir, TestClock())
    try:
        await orch.create("c", "Counter")
        pending = orch.write("c", "STEP", "lots")
        with pytest.raises(BadValue, match="lots"):
            await pending
        assert orch.read("c", "STEP").value == 1
    finally:
        await orch.close()
