"""Applications: deployed instances with parameters and state that outlive a restart."""

from __future__ import annotations

import pytest

from fbruntime.store import UNSET, Conflict, NotFound, Store

from .conftest import FakeClock, OpenStore


async def test_an_application_round_trips_with_its_definition_and_parameters(store: Store) -> None:
    definition = {"network": {"fbs": [{"name": "C1", "type": "E_CTU"}], "connections": []}}
    created = await store.applications.create(
        "plant",
        "system",
        definition=definition,
        parameters={"C1.PV": 10, "label": "Ω"},
        type_name="Plant",
        type_version="1.2",
        source_path="systems/plant.sys",
    )
    assert created.state == "created" and created.last_error is None
    loaded = await store.applications.get("plant")
    assert loaded == created
    assert loaded is not None
    assert loaded.definition == definition
    assert loaded.parameters == {"C1.PV": 10, "label": "Ω"}


async def test_application_names_are_unique(store: Store) -> None:
    await store.applications.create("plant", "system")
    with pytest.raises(Conflict, match="application 'plant' already exists"):
        await store.applications.create("plant", "pipeline")


async def test_update_changes_only_the_given_fields(store: Store, clock: FakeClock) -> None:
    created = await store.applications.create("plant", "system", parameters={"a": 1})
    clock.advance(5)
    failed = await store.applications.update("plant", state="failed", last_error="pin X missing")
    assert (failed.state, failed.last_error, failed.parameters) == (
        "failed",
        "pin X missing",
        {"a": 1},
    )
    assert failed.updated_at > created.updated_at == failed.created_at
    running = await store.applications.update("plant", state="running", last_error=None)
    assert running.last_error is None
    reparam = await store.applications.update("plant", parameters={"b": 2}, last_error=UNSET)
    assert (reparam.state, reparam.parameters) == ("running", {"b": 2})


async def test_updating_a_missing_application_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="application 'ghost' does not exist"):
        await store.applications.update("ghost", state="running")


async def test_state_set_without_waiting_is_kept_after_a_restart(open_store: OpenStore) -> None:
    store = await open_store()
    await store.applications.create("plant", "system")
    store.applications.set_state_nowait("plant", "running")
    await store.close()
    reopened = await open_store()
    app = await reopened.applications.get("plant")
    assert app is not None and app.state == "running"


async def test_list_and_delete(store: Store) -> None:
    await store.applications.create("b", "pipeline")
    await store.applications.create("a", "system")
    await store.applications.create("c", "system")
    assert [a.name for a in await store.applications.list()] == ["a", "b", "c"]
    assert [a.name for a in await store.applications.list(kind="system")] == ["a", "c"]
    assert await store.applications.delete("a") is True
    assert await store.applications.delete("a") is False
    assert await store.applications.get("a") is None
