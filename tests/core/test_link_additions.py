"""Changing a running resource: additions are linked on their own, anything else relinks all.

Each test counts the full links, so it fails both when an addition is not linked right (the
events do not flow as the network says) and when additions fall back to relinking everything.
"""

from __future__ import annotations

import pytest

from fbruntime.core import Resource
from fbruntime.core import resource as resource_module

from .blocks import Counter, Recorder, Scale, Source, Split
from .test_composite import line_type


@pytest.fixture
def full_links(monkeypatch: pytest.MonkeyPatch) -> list[Resource]:
    """The resources fully relinked, one entry per full link."""
    linked: list[Resource] = []
    original = resource_module.link

    def counting(res: Resource) -> None:
        linked.append(res)
        original(res)

    monkeypatch.setattr(resource_module, "link", counting)
    return linked


async def fire(res: Resource, path: str) -> None:
    res.fire(path)
    await res.settle()


async def test_a_data_connection_added_while_running_reaches_the_entries_already_called(
    full_links: list[Resource],
) -> None:
    res = Resource()
    res.add("P", Source, STEP=7)
    res.add("S", Split)
    res.add("R", Recorder)
    res.connect("S.EO1", "R.REQ")
    res.start()
    await fire(res, "S.EI")
    full_before = len(full_links)

    # R gains a sampled input: S, which calls R's entry, must call R's new entry, and P must
    # start copying OUT to where R samples it.
    res.connect("P.OUT", "R.IN")
    await fire(res, "P.REQ")
    await fire(res, "S.EI")

    assert res.network.instances["R"].seen == [0, 7]
    assert len(full_links) == full_before


async def test_fbs_and_event_connections_added_while_running_run_at_once(
    full_links: list[Resource],
) -> None:
    res = Resource()
    res.add("S", Split)
    res.add("A", Counter)
    res.connect("S.EO1", "A.CU")
    res.start()
    await fire(res, "S.EI")
    full_before = len(full_links)

    for name in ("B", "C"):
        res.add(name, Counter)
        await res.settle()  # the dispatcher relinks between the changes, as over TCP
    res.connect("S.EO2", "B.CU")
    await res.settle()
    res.connect("B.CO", "C.CU")
    await fire(res, "S.EI")

    assert [res.read(f"{n}.CV") for n in "ABC"] == [2, 1, 1]
    assert len(full_links) == full_before


async def test_a_composite_added_while_running_is_linked_inside_and_out(
    full_links: list[Resource],
) -> None:
    res = Resource()
    res.add("X", Scale, IN=1.5)
    res.start()
    await res.settle()
    full_before = len(full_links)

    res.add("L", line_type())
    res.add("C", Counter)
    res.connect("X.CNF", "L.REQ")
    res.connect("X.OUT", "L.X")
    res.connect("L.CNF", "C.CU")
    await fire(res, "X.REQ")

    assert res.read("L.Y") == 30.0  # 1.5 * 2 inside * K 10
    assert res.read("C.CV") == 1
    assert len(full_links) == full_before


async def test_removing_or_reconnecting_relinks_the_whole_resource(
    full_links: list[Resource],
) -> None:
    res = Resource()
    res.add("S", Split)
    res.add("A", Counter)
    res.add("B", Counter)
    res.connect("S.EO1", "A.CU")
    res.connect("S.EO1", "B.CU")
    res.start()
    await res.settle()
    full_before = len(full_links)

    res.network.disconnect("S.EO1", "A.CU")
    res.connect("S.EO2", "A.CU")  # same number of connections as before: not additions only
    await fire(res, "S.EI")
    assert len(full_links) == full_before + 1
    res.network.remove("B")
    await fire(res, "S.EI")
    assert len(full_links) == full_before + 2

    assert res.read("A.CV") == 2
