"""Applications from 4diac systems and .fbt types: uploaded, on disk, by name; and restored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fbruntime.core import TestClock
from fbruntime.loader import Loader
from fbruntime.orchestrator import BadDefinition, Orchestrator
from fbruntime.store import Store
from tests.loader import xmldocs

CV = "App.count.CV"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """The platform types and the counter; systems are written per test."""
    folder = tmp_path / "4diac"
    xmldocs.write_platform(folder)
    (folder / "XCounter.fbt").write_text(xmldocs.counter())
    (folder / "XTwice.fbt").write_text(xmldocs.twice())
    return folder


async def open_with(data: Path, lib: Path, slice_events: int | None = None) -> Orchestrator:
    store = await Store.open(data_dir=data)
    loader = Loader(fourdiac_folders=[lib], store=store, rescan_interval=0)
    orch = Orchestrator(loader, store, clock=TestClock(), slice_events=slice_events)
    orch._owns_store = True
    await orch.restore()
    return orch


@pytest.fixture
async def orch(tmp_path: Path, lib: Path) -> AsyncIterator[Orchestrator]:
    o = await open_with(tmp_path / "data", lib)
    try:
        yield o
    finally:
        await o.close()


async def settled(orch: Orchestrator, name: str) -> None:
    device = orch.app(name).device
    assert device is not None
    await device.settle()


async def test_an_uploaded_system_runs_its_mapped_resource(orch: Orchestrator) -> None:
    app = await orch.create_system("plant", xml=xmldocs.system(), filename="Plant.sys", start=True)
    await settled(orch, "plant")
    assert orch.read("plant", CV).value == 3  # START.COLD counted once with STEP 3
    orch.fire("plant", "App.count.CU")  # one name per pin: the resource is not part of it
    await settled(orch, "plant")
    assert orch.read("plant", CV).value == 6
    orch.fire("plant", "R.App.count.CU")  # the resource-qualified form is still accepted
    await settled(orch, "plant")
    assert orch.read("plant", "App.count.CV").value == 9
    assert app.type_name == "Plant"
    assert {b["path"] for b in app.blocks()} == {"START", "App.count"}


async def test_a_system_on_disk_and_one_listed_by_name(orch: Orchestrator, lib: Path) -> None:
    (lib / "Plant.sys").write_text(xmldocs.system(step="4"))
    await orch.create_system("by_path", path=lib / "Plant.sys", start=True)
    await orch.create_system("by_name", system="Plant", start=True)
    for name in ("by_path", "by_name"):
        await settled(orch, name)
        assert orch.read(name, CV).value == 4
    assert orch.app("by_name").definition == {"system": "Plant", "path": str(lib / "Plant.sys")}


async def test_a_system_stored_in_the_database_runs_by_name(orch: Orchestrator) -> None:
    await orch.loader.save_xml(xmldocs.system("Stored", step="5").encode(), filename="S.sys")
    app = await orch.create_system("s", system="Stored", start=True)
    await settled(orch, "s")
    assert orch.read("s", CV).value == 5
    assert app.definition == {"system": "Stored", "version": "1.0"}


async def test_an_uploaded_composite_fbt_is_an_app_with_relative_paths(
    orch: Orchestrator,
) -> None:
    app = await orch.create_system("t", xml=xmldocs.twice(), filename="XTwice.fbt", start=True)
    orch.fire("t", "CU")
    await settled(orch, "t")
    assert (orch.read("t", "CV").value, orch.read("t", "C.CV").value) == (2, 2)
    assert (app.type_name, app.type_version) == ("XTwice", "1.0")


async def test_a_composite_fbt_in_a_4diac_folder_is_an_app_type(orch: Orchestrator) -> None:
    await orch.create("t", "XTwice", parameters={"C.STEP": 5}, start=True)
    orch.fire("t", "CU")
    await settled(orch, "t")
    assert orch.read("t", "CV").value == 5


@pytest.mark.parametrize(
    ("xml", "says"),
    [
        (xmldocs.system(fb_type="Missing"), "Plant.sys:5: <FB> type 'Missing'"),
        (xmldocs.system(step="'text'"), "Plant.sys:5"),
        ("<System Name='P'>", "Plant.sys:1"),
    ],
)
async def test_a_bad_system_is_refused_naming_file_and_line(
    orch: Orchestrator, xml: str, says: str
) -> None:
    with pytest.raises(BadDefinition) as caught:
        await orch.create_system("bad", xml=xml, filename="Plant.sys")
    assert says in str(caught.value)
    assert "fbrt-4diac-" not in str(caught.value)
    assert orch.apps() == []


async def test_system_definitions_must_name_one_source(orch: Orchestrator, lib: Path) -> None:
    with pytest.raises(BadDefinition, match="exactly one"):
        await orch.create_system("x", xml=xmldocs.system(), system="Plant")
    with pytest.raises(BadDefinition, match=r"must end in \.sys"):
        await orch.create_system("x", xml=xmldocs.system(), filename="Plant.xml")
    with pytest.raises(BadDefinition, match="no such file"):
        await orch.create_system("x", path=lib / "Nope.sys")


async def test_4diac_apps_are_restored_with_their_values(tmp_path: Path, lib: Path) -> None:
    data = tmp_path / "data"
    first = await open_with(data, lib)
    await first.create_system("plant", xml=xmldocs.system(), filename="Plant.sys", start=True)
    await first.write("plant", "R.App.count.STEP", 10)  # kept under the pin's one name
    assert first.app("plant").values == {"App.count.STEP": 10}
    await first.loader.save_xml(xmldocs.counter("Stored", step=7).encode())
    await first.create("stored", "Stored", start=True)
    await first.create_system("fbt", xml=xmldocs.twice(), filename="XTwice.fbt")
    await first.close()

    second = await open_with(data, lib)
    try:
        states = {a.name: (a.state, a.error) for a in second.apps()}
        assert states == {
            "fbt": ("created", None),
            "plant": ("running", None),
            "stored": ("running", None),
        }
        await settled(second, "plant")
        assert second.read("plant", "App.count.STEP").value == 10
        before = second.read("plant", CV).value
        assert isinstance(before, int)
        second.fire("plant", "App.count.CU")
        second.fire("stored", "CU")
        await settled(second, "plant")
        await settled(second, "stored")
        assert second.read("plant", CV).value == before + 10
        assert second.read("stored", "CV").value == 7
    finally:
        await second.close()


async def test_slice_events_is_set_on_every_resource_of_an_app(tmp_path: Path, lib: Path) -> None:
    orch = await open_with(tmp_path / "data", lib, slice_events=500)
    try:
        app = await orch.create_system("plant", xml=xmldocs.system(), filename="Plant.sys")
        assert app.device is not None
        assert [r.slice_events for r in app.device.resources.values()] == [500]
    finally:
        await orch.close()
