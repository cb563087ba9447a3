"""Stored types: save and load by name, versions side by side, the newest as the default."""

from __future__ import annotations

import pytest

from fbruntime.store import Conflict, NotFound, Store, TypeFormat
from fbruntime.store.typelib import version_key

from .conftest import FakeClock

XML = """<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="COUNTER" Comment="zählt «events»">
  <InterfaceList/>
</FBType>
"""


async def test_a_saved_type_loads_back_by_name_with_its_source_verbatim(store: Store) -> None:
    saved = await store.types.save(
        "COUNTER", "1.0", XML, format="xml", kind="basic", description="counts events"
    )
    loaded = await store.types.get("COUNTER")
    assert loaded == saved
    assert loaded is not None
    assert loaded.source == XML
    assert (loaded.format, loaded.kind, loaded.description) == (
        TypeFormat.XML,
        "basic",
        "counts events",
    )
    assert len(loaded.content_hash) == 64


@pytest.mark.parametrize(
    ("versions", "newest"),
    [
        (["1.0", "1.9", "1.10"], "1.10"),
        (["1.10", "1.9", "1.0"], "1.10"),
        (["2", "10"], "10"),
        (["1.0", "1.0.1"], "1.0.1"),
        (["1.0rc1", "1.0"], "1.0"),
        (["1.0", "1.0rc1"], "1.0"),
        (["1.0a", "1.0b"], "1.0b"),
    ],
)
async def test_the_newest_version_is_the_default(
    store: Store, clock: FakeClock, versions: list[str], newest: str
) -> None:
    for version in versions:
        clock.advance(1)
        await store.types.save("T", version, f"source {version}", format="python", kind="basic")
    found = await store.types.get("T")
    assert found is not None
    assert (found.version, found.source) == (newest, f"source {newest}")


async def test_older_versions_stay_loadable_by_name_and_version(store: Store) -> None:
    for version in ("1.0", "2.0"):
        await store.types.save("T", version, f"v{version}", format="python", kind="basic")
    old = await store.types.get("T", "1.0")
    assert old is not None and old.source == "v1.0"
    assert [v.version for v in await store.types.versions("T")] == ["2.0", "1.0"]
    assert await store.types.get("T", "3.0") is None
    assert await store.types.get("U") is None


async def test_saving_the_same_source_again_changes_nothing(store: Store, clock: FakeClock) -> None:
    first = await store.types.save("T", "1.0", "x = 1", format="python", kind="basic")
    clock.advance(60)
    again = await store.types.save("T", "1.0", "x = 1", format="python", kind="basic")
    assert again == first


async def test_changing_a_stored_version_needs_replace(store: Store) -> None:
    await store.types.save("T", "1.0", "x = 1", format="python", kind="basic")
    with pytest.raises(Conflict, match=r"'T' version '1\.0' is already stored"):
        await store.types.save("T", "1.0", "x = 2", format="python", kind="basic")
    replaced = await store.types.save(
        "T", "1.0", "x = 2", format="python", kind="basic", replace=True
    )
    assert replaced.source == "x = 2"
    assert [v.version for v in await store.types.versions("T")] == ["1.0"]


async def test_list_gives_newest_versions_without_source_and_filters(store: Store) -> None:
    await store.types.save("B", "1", "b1", format="xml", kind="basic")
    await store.types.save("B", "2", "b2", format="xml", kind="basic")
    await store.types.save("A", "1", "{}", format="composite-json", kind="composite")
    await store.types.save("P", "1", "{}", format="pipeline-json", kind="pipeline")
    newest = await store.types.list()
    assert [(t.name, t.version) for t in newest] == [("A", "1"), ("B", "2"), ("P", "1")]
    assert not hasattr(newest[0], "source")
    every = await store.types.list(newest_only=False)
    assert [(t.name, t.version) for t in every] == [("A", "1"), ("B", "2"), ("B", "1"), ("P", "1")]
    assert [t.name for t in await store.types.list(kind="pipeline")] == ["P"]
    assert [t.name for t in await store.types.list(format=TypeFormat.XML)] == ["B"]


async def test_delete_removes_one_version_or_all(store: Store) -> None:
    for version in ("1", "2", "3"):
        await store.types.save("T", version, version, format="python", kind="basic")
    assert await store.types.delete("T", "3") == 1
    newest = await store.types.get("T")
    assert newest is not None and newest.version == "2"
    assert await store.types.delete("T") == 2
    assert await store.types.get("T") is None
    assert await store.types.delete("T") == 0


async def test_require_says_which_versions_exist(store: Store) -> None:
    await store.types.save("T", "1.0", "x", format="python", kind="basic")
    with pytest.raises(NotFound, match=r"'T' version '2.0' is not stored \(stored versions: 1.0\)"):
        await store.types.require("T", "2.0")
    with pytest.raises(NotFound, match="type 'U' is not stored"):
        await store.types.require("U")
    assert (await store.types.require("T")).version == "1.0"


@pytest.mark.parametrize(
    ("name", "version", "fmt", "message"),
    [
        ("", "1", "python", "non-empty name"),
        ("T", " ", "python", "non-empty version"),
        ("T", "1", "yaml", "unknown format 'yaml'"),
    ],
)
async def test_invalid_types_are_refused_before_writing(
    store: Store, name: str, version: str, fmt: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await store.types.save(name, version, "x", format=fmt, kind="basic")


@pytest.mark.parametrize(
    ("older", "newer"),
    [("1.9", "1.10"), ("1.0", "1.0.1"), ("1.0rc1", "1.0"), ("0.9", "1"), ("1.0.dev1", "1.0")],
)
def test_version_key_orders_as_people_expect(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)
