"""Deployments of the 4diac device: per destination, the requests to replay, and running state."""

from __future__ import annotations

import pytest

from fbruntime.store import DEVICE, NotFound, ResourceDeployment, Store

from .conftest import OpenStore

CREATE_RES = '<Request ID="1" Action="CREATE"><FB Name="RES1" Type="EMB_RES" /></Request>'
CREATE_FB = '<Request ID="2" Action="CREATE"><FB Name="C1" Type="E_CTU" /></Request>'
WRITE_PV = '<Request ID="3" Action="WRITE"><Connection Source="10" Destination="C1.PV" /></Request>'
CONNECT = '<Request ID="4" Action="CREATE"><Connection Source="START.COLD" Destination="C1.CU" /></Request>'


def plant() -> list[ResourceDeployment]:
    return [
        ResourceDeployment(DEVICE, (CREATE_RES,)),
        ResourceDeployment("RES1", (CREATE_FB, WRITE_PV, CONNECT), "EMB_RES", running=True),
        ResourceDeployment("RES0", (), "EMB_RES"),
    ]


async def test_a_device_survives_a_restart_in_order(open_store: OpenStore) -> None:
    store = await open_store()
    await store.deployments.save_device("FORTE_PC", plant())
    await store.close()
    reopened = await open_store()
    assert await reopened.deployments.load_device("FORTE_PC") == plant()
    assert await reopened.deployments.devices() == ["FORTE_PC"]


async def test_saving_a_device_replaces_what_was_there(store: Store) -> None:
    await store.deployments.save_device("dev", plant())
    await store.deployments.save_device("dev", [ResourceDeployment("RES9", (CREATE_FB,))])
    assert [r.resource for r in await store.deployments.load_device("dev")] == ["RES9"]


async def test_a_resource_listed_twice_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="resources listed twice: RES1"):
        await store.deployments.save_device(
            "dev", [ResourceDeployment("RES1"), ResourceDeployment("RES1")]
        )


async def test_save_resource_replaces_in_place_and_appends_new_ones(store: Store) -> None:
    await store.deployments.save_device("dev", plant())
    await store.deployments.save_resource(
        "dev", ResourceDeployment("RES1", (CREATE_FB,), "EMB_RES")
    )
    await store.deployments.save_resource("dev", ResourceDeployment("RES2", (), "EMB_RES", True))
    loaded = await store.deployments.load_device("dev")
    assert [(r.resource, r.commands, r.running) for r in loaded] == [
        (DEVICE, (CREATE_RES,), False),
        ("RES1", (CREATE_FB,), False),
        ("RES0", (), False),
        ("RES2", (), True),
    ]


async def test_appended_requests_accumulate_in_order(store: Store) -> None:
    await store.deployments.append("dev", DEVICE, CREATE_RES)
    await store.deployments.append("dev", "RES1", CREATE_FB, resource_type="EMB_RES")
    store.deployments.append_nowait("dev", "RES1", WRITE_PV)
    store.deployments.append_nowait("dev", "RES1", CONNECT)
    await store.flush()
    loaded = await store.deployments.load_device("dev")
    assert loaded == [
        ResourceDeployment(DEVICE, (CREATE_RES,)),
        ResourceDeployment("RES1", (CREATE_FB, WRITE_PV, CONNECT), "EMB_RES"),
    ]


async def test_running_state_is_kept_per_resource(store: Store) -> None:
    await store.deployments.save_device("dev", plant())
    await store.deployments.set_running("dev", "RES1", False)
    await store.deployments.set_running("dev", "RES0", True)
    running = {r.resource: r.running for r in await store.deployments.load_device("dev")}
    assert running == {DEVICE: False, "RES1": False, "RES0": True}
    with pytest.raises(NotFound, match="device 'dev' has no stored deployment for 'RES7'"):
        await store.deployments.set_running("dev", "RES7", True)


def test_a_deployment_renders_as_fboot_lines() -> None:
    res = ResourceDeployment("RES1", (CREATE_FB, CONNECT))
    assert res.fboot_lines() == [f"RES1;{CREATE_FB}", f"RES1;{CONNECT}"]
    assert ResourceDeployment(DEVICE, (CREATE_RES,)).fboot_lines() == [f";{CREATE_RES}"]


async def test_deleting_resources_and_devices(store: Store) -> None:
    await store.deployments.save_device("a", plant())
    await store.deployments.save_device("b", plant())
    assert await store.deployments.delete_resource("a", "RES1") is True
    assert await store.deployments.delete_resource("a", "RES1") is False
    assert [r.resource for r in await store.deployments.load_device("a")] == [DEVICE, "RES0"]
    assert await store.deployments.delete_device("b") == 3
    assert await store.deployments.devices() == ["a"]


async def test_the_journal_is_committed_on_return_and_a_snapshot_replaces_it(
    open_store: OpenStore,
) -> None:
    store = await open_store()
    await store.deployments.save_device("dev", plant())
    await store.deployments.append_journal("dev", [("RES1", WRITE_PV)])
    # More rows than one INSERT statement carries: still one transaction, in order.
    many = [("RES1", f"<Request ID='{i}'/>") for i in range(700)]
    await store.deployments.append_journal("dev", many)
    await store.deployments.append_journal("other", [(DEVICE, CREATE_RES)])

    elsewhere = await open_store()  # another connection sees it while the first store is open
    journal = await elsewhere.deployments.load_journal("dev")
    assert [(e.destination, e.request) for e in journal] == [("RES1", WRITE_PV), *many]
    assert await elsewhere.deployments.devices() == ["dev", "other"]

    await store.deployments.save_device("dev", plant())
    assert await elsewhere.deployments.load_journal("dev") == []
    assert len(await elsewhere.deployments.load_journal("other")) == 1
    assert await store.deployments.delete_device("other") == 0
    assert await elsewhere.deployments.devices() == ["dev"]
