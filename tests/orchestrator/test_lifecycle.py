"""Creating, running and deleting applications; state checks; isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import ResourceState, TestClock
from fbruntime.orchestrator import (
    AppExists,
    AppFailed,
    AppNotFound,
    BadDefinition,
    BadValue,
    Orchestrator,
    PinNotFound,
    WrongState,
)

from .conftest import open_orchestrator


async def counted(orch: Orchestrator, name: str, times: int) -> int:
    for _ in range(times):
        orch.fire(name, "CU")
    app = orch.app(name)
    assert app.device is not None
    await app.device.settle()
    value = orch.read(name, "CV").value
    assert isinstance(value, int)
    return value


async def test_an_app_from_a_type_counts_events(orch: Orchestrator) -> None:
    await orch.create("c", "Counter", parameters={"STEP": "5"}, start=True)
    assert await counted(orch, "c", 3) == 15
    assert orch.app("c").describe()["type_version"] == "1.0"


async def test_an_app_from_a_shipped_composite_reads_inner_pins(orch: Orchestrator) -> None:
    await orch.create("every", "E_EVERY_N", parameters={"N": 2}, start=True)
    orch.fire("every", "EI")
    app = orch.app("every")
    assert app.device is not None
    await app.device.settle()
    assert orch.read("every", "Count.CV").value == 1
    assert {b["path"] for b in app.blocks()} == {"", "Count", "Gate"}


async def test_an_app_from_an_inline_composite_definition(orch: Orchestrator) -> None:
    definition = {
        "name": "Doubler",
        "interface": {
            "event_inputs": [{"name": "CU"}],
            "event_outputs": [{"name": "CO", "with": ["CV"]}],
            "data_outputs": [{"name": "CV", "type": "DINT"}],
        },
        "blocks": [{"name": "C", "type": "Counter", "params": {"STEP": "2"}}],
        "connections": [["CU", "C.CU"], ["C.CO", "CO"], ["C.CV", "CV"]],
    }
    app = await orch.create("d", definition=definition, start=True)
    assert app.kind == "composite"
    assert await counted(orch, "d", 2) == 4


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("stop", r"is not running \(created\)"),
        ("kill", r"is not running \(created\)"),
    ],
)
async def test_lifecycle_calls_in_the_wrong_state_are_refused(
    orch: Orchestrator, operation: str, message: str
) -> None:
    await orch.create("c", "Counter")
    with pytest.raises(WrongState, match=message):
        await getattr(orch, operation)("c")


async def test_start_twice_and_reset_while_running_are_refused(orch: Orchestrator) -> None:
    await orch.create("c", "Counter", start=True)
    with pytest.raises(WrongState, match="already running"):
        await orch.start("c")
    with pytest.raises(WrongState, match="stop it before a reset"):
        await orch.reset("c")
    with pytest.raises(WrongState, match="not running"):
        await orch.stop("c")
        await orch.stop("c")


async def test_firing_a_stopped_app_is_refused(orch: Orchestrator) -> None:
    await orch.create("c", "Counter")
    with pytest.raises(WrongState, match="'c' is not running"):
        orch.fire("c", "CU")


async def test_stop_reset_start_goes_back_to_written_values(orch: Orchestrator) -> None:
    await orch.create("c", "Counter", parameters={"STEP": 3}, start=True)
    assert await counted(orch, "c", 2) == 6
    await orch.stop("c")
    await orch.reset("c")
    assert orch.read("c", "CV").value == 0 and orch.read("c", "STEP").value == 3
    await orch.start("c")
    assert await counted(orch, "c", 1) == 3


async def test_kill_stops_every_resource(orch: Orchestrator) -> None:
    app = await orch.create("c", "Counter", start=True)
    await orch.kill("c")
    assert app.state == "killed" and app.device is not None
    assert all(r.state is ResourceState.KILLED for r in app.device.resources.values())


async def test_a_failing_start_leaves_the_app_failed_and_nothing_running(
    orch: Orchestrator,
) -> None:
    app = await orch.create("g", "Grumpy")
    with pytest.raises(AppFailed, match="start failed: RuntimeError: will not start"):
        await orch.start("g")
    assert app.state == "failed" and app.device is not None
    assert all(r.state is not ResourceState.RUNNING for r in app.device.resources.values())


async def test_creation_with_a_bad_parameter_keeps_nothing(orch: Orchestrator) -> None:
    with pytest.raises(BadValue) as caught:
        await orch.create("c", "Counter", parameters={"STEP": "lots"})
    assert (caught.value.literal, caught.value.expected) == ("lots", "INT")
    assert orch.apps() == []
    assert orch.store is not None and await orch.store.applications.list() == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"type_name": "Nope"}, Exception, "no type named 'Nope'"),
        ({"kind": "weird", "definition": {}}, BadDefinition, "unknown kind 'weird'"),
        ({"kind": "composite", "definition": {"name": ""}}, BadDefinition, "name"),
    ],
)
async def test_bad_creations_are_refused(
    orch: Orchestrator, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        await orch.create("x", **kwargs)  # type: ignore[arg-type]


async def test_names_are_unique_and_checked(orch: Orchestrator) -> None:
    await orch.create("c", "Counter")
    with pytest.raises(AppExists):
        await orch.create("c", "Counter")
    with pytest.raises(BadDefinition, match="application name 'a/b'"):
        await orch.create("a/b", "Counter")


async def test_unknown_apps_and_pins_are_not_found(orch: Orchestrator) -> None:
    await orch.create("c", "Counter")
    with pytest.raises(AppNotFound, match="no application named 'zz'"):
        orch.read("zz", "CV")
    with pytest.raises(PinNotFound, match="has no pin 'NOPE'"):
        orch.read("c", "NOPE")
    with pytest.raises(PinNotFound, match="'CU' is not a data pin"):
        await orch.write("c", "CU", 1)
    with pytest.raises(PinNotFound, match="'CV' is not an event input"):
        orch.fire("c", "CV")


async def test_delete_kills_and_forgets(orch: Orchestrator) -> None:
    app = await orch.create("c", "Counter", start=True)
    await orch.delete("c")
    assert app.device is not None
    assert all(r.state is ResourceState.KILLED for r in app.device.resources.values())
    assert orch.apps() == []
    assert orch.store is not None and await orch.store.applications.get("c") is None


async def test_apps_are_isolated(orch: Orchestrator) -> None:
    await orch.create("a", "Counter", start=True)
    await orch.create("b", "Counter", start=True)
    assert await counted(orch, "a", 4) == 4
    assert orch.read("b", "CV").value == 0


async def test_an_async_with_block_kills_everything_on_exit(
    tmp_path: Path, blocks_dir: Path
) -> None:
    orch = await open_orchestrator(tmp_path / "d", blocks_dir, TestClock())
    async with orch:
        app = await orch.create("c", "Counter", start=True)
    assert app.device is not None
    assert all(r.state is ResourceState.KILLED for r in app.device.resources.values())
