"""Types kept in the database: saving, versions, loading by name, deleting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fbruntime.core import BlockType, Resource
from fbruntime.loader import Loader, LoaderError, TypeNotFound, UploadRefused
from fbruntime.store import Store

from .conftest import block_source
from .test_composite_json import twice_definition


def loader_on(store: Store, *folders: Path) -> Loader:
    return Loader(folders, include_library=False, rescan_interval=0, store=store)


async def test_python_source_is_saved_and_loaded_by_name(store: Store) -> None:
    loader = loader_on(store)
    entry = await loader.save_python(block_source(cls="Stored", version="1.0"))
    assert (entry.name, entry.version, entry.source, entry.format) == (
        "Stored",
        "1.0",
        "database",
        "python",
    )
    fresh = loader_on(store)  # another process: nothing in memory
    t = await fresh.load("Stored")
    assert isinstance(t, BlockType) and t.name == "Stored"
    assert fresh.get("Stored") is t


async def test_versions_coexist_and_the_newest_is_the_default(store: Store) -> None:
    loader = loader_on(store)
    for version, add in (("1.9", 1), ("1.10", 2), ("1.2", 3)):
        await loader.save_python(block_source(cls="Adder", version=version, add=add))
    assert (await loader.load("Adder")).version == "1.10"
    assert (await loader.load("Adder", "1.2")).version == "1.2"
    listed = [(e.name, e.version) for e in await loader.list_all()]
    assert listed == [("Adder", "1.10"), ("Adder", "1.2"), ("Adder", "1.9")]


async def test_the_same_version_with_other_source_is_refused(store: Store) -> None:
    loader = loader_on(store)
    await loader.save_python(block_source(cls="Adder", add=1))
    with pytest.raises(Exception, match="already stored with different content"):
        await loader.save_python(block_source(cls="Adder", add=2))


async def test_a_stored_composite_uses_stored_inner_types(store: Store) -> None:
    loader = loader_on(store)
    await loader.save_python(block_source())
    await loader.save_composite(twice_definition())
    fresh = loader_on(store)
    res = Resource()
    res.add("T", await fresh.load("Twice"))
    res.start()
    res.write("T.X", 1)
    res.fire("T.REQ")
    await res.settle()
    assert res.read("T.Y") == 3


async def test_a_composite_with_a_missing_inner_type_is_not_stored(store: Store) -> None:
    loader = loader_on(store)
    with pytest.raises(TypeNotFound, match="no type named 'AddOne'"):
        await loader.save_composite(json.dumps(twice_definition()))
    assert await store.types.list() == []


async def test_python_source_without_a_block_is_refused(store: Store) -> None:
    with pytest.raises(LoaderError, match="defines no Block subclass"):
        await loader_on(store).save_python("x = 1\n")
    with pytest.raises(LoaderError, match="ZeroDivisionError"):
        await loader_on(store).save_python("1 / 0\n")


async def test_deleting_removes_stored_versions(store: Store) -> None:
    loader = loader_on(store)
    await loader.save_python(block_source(cls="Adder", version="1.0"))
    await loader.save_python(block_source(cls="Adder", version="2.0", add=2))
    assert await loader.delete("Adder", "2.0") == 1
    assert (await loader.load("Adder")).version == "1.0"
    with pytest.raises(TypeNotFound, match=r"'Adder' version '2.0' is not stored"):
        await loader.delete("Adder", "2.0")


async def test_a_file_type_cannot_be_deleted_through_the_database(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "AddOne.py").write_text(block_source())
    with pytest.raises(UploadRefused, match="comes from a file"):
        await loader_on(store, tmp_path).delete("AddOne")


async def test_a_higher_stored_version_wins_over_the_file(store: Store, tmp_path: Path) -> None:
    (tmp_path / "AddOne.py").write_text(block_source(version="1.0"))
    loader = loader_on(store, tmp_path)
    await loader.save_python(block_source(version="1.5", add=5))
    assert (await loader.load("AddOne")).version == "1.5"
    assert (await loader.load("AddOne", "1.0")).version == "1.0"
