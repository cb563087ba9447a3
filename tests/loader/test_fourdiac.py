"""4diac XML through the Loader: folders listed by kind, FB types built, stored XML loadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import FBType, Resource
from fbruntime.loader import Loader, LoaderError, TypeNotFound
from fbruntime.store import Store

from . import xmldocs
from .conftest import block_source


async def count(fbtype: FBType, times: int, **params: int) -> int:
    """CV after ``times`` CU events to one instance in a started resource."""
    res = Resource("RES")
    res.add("X", fbtype, **params)
    res.start()
    for _ in range(times):
        res.fire("X.CU")
    await res.settle()
    value = res.read("X.CV")
    assert isinstance(value, int)
    return value


PY_STEP = """
from fbruntime.core import Block, DataOutput, EventInput, EventOutput, Parameter


class PyStep(Block):
    CU = EventInput()
    CO = EventOutput(with_=("CV",))
    STEP = Parameter("DINT", 1)
    CV = DataOutput("DINT")

    def on_CU(self) -> None:
        self.CV += self.STEP
        self.CO()
"""


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return xmldocs.write_library(tmp_path / "4diac")


@pytest.fixture
def loader(lib: Path) -> Loader:
    return Loader(fourdiac_folders=[lib], rescan_interval=0)


@pytest.mark.parametrize(
    ("name", "kind", "version"),
    [
        ("XCounter", "basic", "1.2"),
        ("XTwice", "composite", "1.0"),
        ("XAdp", "adapter", ""),
        ("XSub", "subapp", ""),
        ("Plant", "system", "1.0"),
        ("EMB_RES", "resource", ""),
        ("FORTE_PC", "device", ""),
    ],
)
def test_a_4diac_folder_is_listed_with_kinds_and_versions(
    loader: Loader, lib: Path, name: str, kind: str, version: str
) -> None:
    entries = [e for e in loader.list() if e.format == "xml" and e.name == name]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.kind, entry.version, entry.source) == (kind, version, "file")
    assert Path(entry.origin).parent == lib


async def test_a_basic_fb_from_xml_runs_its_ecc(loader: Loader) -> None:
    counter = loader.get("XCounter")
    assert (counter.kind, counter.version) == ("basic", "1.2")
    assert await count(counter, 3, STEP=5) == 15


async def test_a_composite_fbt_resolves_its_inner_xml_type(loader: Loader) -> None:
    twice = loader.get("XTwice.fbt")
    assert twice.kind == "composite"
    assert await count(twice, 4) == 8


async def test_a_composite_fbt_may_name_a_python_block_of_the_loader(tmp_path: Path) -> None:
    py = tmp_path / "py"
    py.mkdir()
    (py / "PyStep.py").write_text(PY_STEP)
    xml = tmp_path / "xml"
    xml.mkdir()
    (xml / "Wrap.fbt").write_text(xmldocs.twice("Wrap", inner="PyStep"))
    loader = Loader([py], fourdiac_folders=[xml], rescan_interval=0)
    assert await count(loader.get("Wrap"), 3) == 6


def test_a_python_type_hides_xml_of_the_same_name(tmp_path: Path, lib: Path) -> None:
    py = tmp_path / "py"
    py.mkdir()
    (py / "XCounter.py").write_text(block_source("XCounter"))
    loader = Loader([py], fourdiac_folders=[lib], rescan_interval=0)
    assert loader.get("XCounter").kind == "python"
    assert {e.format for e in loader.list() if e.name == "XCounter"} == {"python", "xml"}


def test_a_broken_algorithm_names_file_and_line(loader: Loader, lib: Path) -> None:
    with pytest.raises(LoaderError) as caught:
        loader.get("XBroken")
    message = str(caught.value)
    assert str(lib / "XBroken.fbt") in message
    assert "NOPE" in message


@pytest.mark.parametrize(
    ("name", "says"),
    [("XAdp", "is a 4diac adapter type"), ("Plant", "is a 4diac system")],
)
def test_listed_kinds_that_are_not_blocks_refuse_to_load(
    loader: Loader, name: str, says: str
) -> None:
    with pytest.raises(LoaderError, match=says):
        loader.get(name)


async def test_an_edited_xml_file_is_built_again(loader: Loader, lib: Path) -> None:
    assert await count(loader.get("XCounter"), 1) == 1
    (lib / "XCounter.fbt").write_text(xmldocs.counter(version="1.3", step=7))
    assert loader.entry("XCounter").version == "1.3"
    assert await count(loader.get("XCounter"), 1) == 7


def test_an_unreadable_xml_file_is_listed_with_its_error(loader: Loader, lib: Path) -> None:
    (lib / "Bad.fbt").write_text("<FBType Name='Bad'><InterfaceList>")
    entry = next(e for e in loader.list() if e.name == "Bad")
    assert entry.error is not None and "Bad.fbt" in entry.error
    with pytest.raises(TypeNotFound):
        loader.get("Bad")


async def test_stored_xml_types_load_and_name_each_other(store: Store) -> None:
    loader = Loader(store=store, include_library=True)
    await loader.save_xml(xmldocs.counter().encode(), filename="XCounter.fbt")
    await loader.save_xml(xmldocs.twice().encode(), filename="XTwice.fbt")
    entry = loader.entry("XTwice")
    assert (entry.source, entry.format, entry.kind) == ("database", "xml", "composite")
    assert await count(await loader.load("XTwice"), 2) == 4
    assert await count(await loader.load("XCounter", "1.2"), 1) == 1


async def test_a_stored_xml_version_is_built_from_its_own_text(store: Store) -> None:
    loader = Loader(store=store)
    await loader.save_xml(xmldocs.counter(version="1.0", step=1).encode())
    await loader.save_xml(xmldocs.counter(version="2.0", step=10).encode())
    assert await count(await loader.load("XCounter"), 1) == 10
    assert await count(await loader.load("XCounter", "1.0"), 1) == 1


async def test_stored_xml_errors_name_the_stored_type_not_a_temporary_file(store: Store) -> None:
    loader = Loader(store=store)
    await loader.save_xml(xmldocs.broken_algorithm().encode(), filename="XBroken.fbt")
    with pytest.raises(LoaderError) as caught:
        await loader.load("XBroken")
    assert "<database:XBroken@1.2>" in str(caught.value)
    assert "fbrt-4diac-" not in str(caught.value)


async def test_a_stored_xml_survives_a_new_loader(tmp_path: Path, store: Store) -> None:
    await Loader(store=store).save_xml(xmldocs.counter().encode())
    fresh = Loader(store=store)
    assert await count(await fresh.load("XCounter"), 2) == 2


async def test_systems_are_found_in_folders_and_the_database(lib: Path, store: Store) -> None:
    loader = Loader(fourdiac_folders=[lib], store=store)
    path, entry = await loader.system_file("Plant")
    assert path == lib / "Plant.sys" and entry.source == "file"
    await loader.save_xml(xmldocs.system("Stored").encode(), filename="Stored.sys")
    path, entry = await loader.system_file("Stored")
    assert entry.source == "database" and path.read_text().startswith("<?xml")
    with pytest.raises(TypeNotFound, match="systems: Plant, Stored"):
        await loader.system_file("Nope")


def test_4diac_networks_keep_forte_single_data_source(tmp_path: Path, lib: Path) -> None:
    """Fan-in of data is for networks built in Python and JSON; an .fbt or a .sys that feeds
    one input from two outputs is refused, as FORTE refuses it."""
    doubled = xmldocs.twice("XDouble").replace(
        '<DataConnections><Connection Source="C.CV" Destination="CV"/>',
        '<DataConnections><Connection Source="C.CV" Destination="CV"/>'
        '<Connection Source="C.CV" Destination="D.STEP"/>'
        '<Connection Source="E.CV" Destination="D.STEP"/>',
    )
    doubled = doubled.replace(
        '<FB Name="C" Type="XCounter">',
        '<FB Name="D" Type="XCounter"/><FB Name="E" Type="XCounter"/><FB Name="C" Type="XCounter">',
    )
    (lib / "XDouble.fbt").write_text(doubled)
    loader = Loader(fourdiac_folders=[lib], rescan_interval=0)
    with pytest.raises(LoaderError, match=r"D\.STEP already has a source"):
        loader.get("XDouble")


def test_a_4diac_system_feeding_one_input_twice_is_refused(lib: Path) -> None:
    from fbruntime import fourdiac

    plant = xmldocs.system().replace(
        '<FB Name="count" Type="XCounter"><Parameter Name="STEP" Value="3"/></FB>',
        '<FB Name="count" Type="XCounter"/><FB Name="a" Type="XCounter"/>'
        '<FB Name="b" Type="XCounter"/><DataConnections>'
        '<Connection Source="a.CV" Destination="count.STEP"/>'
        '<Connection Source="b.CV" Destination="count.STEP"/></DataConnections>',
    )
    plant = plant.replace(
        '<Mapping From="App.count" To="D.R"/>',
        '<Mapping From="App.count" To="D.R"/><Mapping From="App.a" To="D.R"/>'
        '<Mapping From="App.b" To="D.R"/>',
    )
    (lib / "Plant.sys").write_text(plant)
    with pytest.raises(fourdiac.LoadError, match=r"App\.count\.STEP already has a source"):
        fourdiac.load_device(lib / "Plant.sys")
