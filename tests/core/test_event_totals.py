"""Event totals: every event pin counts from the block's creation, as FORTE's monitoring does."""

from __future__ import annotations

from fbruntime.core import CompositeBuilder, FBState, Resource

from .blocks import Counter, Faulty, Split


async def test_inputs_and_outputs_count_from_creation_through_a_chain() -> None:
    res = Resource()
    res.add("S", Split)
    res.add("A", Counter, PV=100)
    res.add("B", Split)
    res.connect("S.EO1", "A.CU")
    res.connect("A.CO", "B.EI")
    res.start()
    for _ in range(5):
        res.fire("S.EI")
    await res.settle()
    s, _ = res.find("S")
    a, _ = res.find("A")
    b, _ = res.find("B")
    assert s.rt__event_totals() == {"EI": 5, "EO1": 5, "EO2": 5}  # EO2 has no connection
    assert a.rt__event_totals() == {"CU": 5, "R": 0, "CO": 5}
    assert b.rt__event_totals() == {"EI": 5, "EO1": 5, "EO2": 5}


async def test_fan_out_counts_the_output_once_and_each_destination() -> None:
    res = Resource()
    res.add("S", Split)
    for name in "XYZ":
        res.add(name, Counter, PV=100)
        res.connect("S.EO1", f"{name}.CU")
    res.start()
    res.fire("S.EI")
    res.fire("S.EI")
    await res.settle()
    assert res.find("S")[0].rt__event_total("EO1") == 2
    assert [res.find(n)[0].rt__event_total("CU") for n in "XYZ"] == [2, 2, 2]


async def test_fan_in_adds_up_every_source() -> None:
    res = Resource()
    res.add("S", Split)
    res.add("T", Split)
    res.add("C", Counter, PV=100)
    res.connect("S.EO1", "C.CU")
    res.connect("S.EO2", "C.CU")
    res.connect("T.EO1", "C.CU")
    res.start()
    res.fire("S.EI")
    res.fire("T.EI")
    await res.settle()
    c = res.find("C")[0]
    assert c.rt__event_total("CU") == 3 == res.read("C.CV")
    assert res.find("S")[0].rt__event_totals() == {"EI": 1, "EO1": 1, "EO2": 1}


async def test_totals_survive_relinking_and_are_not_those_of_a_watch() -> None:
    res = Resource()
    res.add("S", Split)
    res.add("C", Counter, PV=100)
    res.connect("S.EO1", "C.CU")
    res.start()
    for _ in range(3):
        res.fire("S.EI")
    await res.settle()
    c = res.find("C")[0]
    watch = res.watch_events(c, "CU")  # relinks; a watch counts from now on
    res.add("D", Counter)  # relinks again
    res.connect("S.EO2", "D.CU")
    res.fire("S.EI")
    await res.settle()
    assert c.rt__event_total("CU") == 4
    assert watch[0] == 1
    s = res.find("S")[0]
    assert s.rt__event_totals() == {"EI": 4, "EO1": 4, "EO2": 4}  # EO2 was unconnected for 3
    assert res.find("D")[0].rt__event_total("CU") == 1


async def test_an_arrival_that_faults_is_still_counted() -> None:
    res = Resource()
    res.add("F", Faulty)
    res.start()
    res.fire("F.REQ")  # D = 0 divides by zero
    await res.settle()
    f = res.find("F")[0]
    assert f.rt__fault is not None
    assert f.rt__event_totals() == {"REQ": 1, "CNF": 0}


async def test_composite_interface_and_inner_pins_count() -> None:
    b = CompositeBuilder("Pair")
    b.event_input("REQ")
    b.event_output("CNF")
    b.add("In", Split)
    b.add("Cnt", Counter, PV=100)
    b.connect("REQ", "In.EI")
    b.connect("In.EO1", "Cnt.CU")
    b.connect("Cnt.CO", "CNF")
    res = Resource()
    res.add("P", b.build())
    res.add("After", Counter, PV=100)
    res.connect("P.CNF", "After.CU")
    res.start()
    for _ in range(4):
        res.fire("P.REQ")
    await res.settle()
    assert res.find("P")[0].rt__event_totals() == {"REQ": 4, "CNF": 4}
    assert res.find("P.In")[0].rt__event_totals() == {"EI": 4, "EO1": 4, "EO2": 4}
    assert res.find("P.Cnt")[0].rt__event_total("CU") == 4
    assert res.find("After")[0].rt__event_total("CU") == 4


async def test_a_total_can_be_reset_as_the_management_protocol_does() -> None:
    res = Resource()
    res.add("S", Split)
    res.start()
    res.fire("S.EI")
    res.fire("S.EI")
    await res.settle()
    s = res.find("S")[0]
    s.rt__set_event_total("EO2")
    s.rt__set_event_total("EI", 10)
    res.fire("S.EI")
    await res.settle()
    assert s.rt__event_totals() == {"EI": 11, "EO1": 3, "EO2": 1}


def test_a_drained_resource_counts_without_an_event_loop() -> None:
    res = Resource()
    res.add("S", Split)
    res.add("C", Counter, PV=100)
    res.connect("S.EO1", "C.CU")
    for fb in res.network.walk():
        fb.rt__state = FBState.RUNNING
    res.relink_if_needed()
    s = res.find("S")[0]
    res.queue.append(s.rt__entries["EI"])
    res.queue.append(res.external_entry(s, "EI"))
    res.drain()
    # The first entry went in behind the dispatcher's back: only the external one is an arrival.
    assert s.rt__event_total("EI") == 1
    assert s.rt__event_total("EO1") == 2 == res.find("C")[0].rt__event_total("CU")
