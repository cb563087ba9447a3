"""Building networks: every refusal names both ends and says why."""

from __future__ import annotations

import pytest

from fbruntime.core import (
    Block,
    ConnectionError_,
    DataInput,
    DefinitionError,
    EventInput,
    NetworkError,
    NoSuchObject,
    Resource,
)

from .blocks import Counter, Recorder, Scale, Source, Split


def build() -> Resource:
    res = Resource()
    res.add("S", Split)
    res.add("C", Counter)
    res.add("R", Recorder)
    res.add("SRC", Source)
    res.add("SC", Scale)
    return res


@pytest.mark.parametrize(
    ("source", "destination", "message"),
    [
        ("S.EO9", "C.CU", "block S (Split) has no pin 'EO9'"),
        ("X.EO1", "C.CU", "no block named 'X'"),
        ("S.EO1", "C.PV", "S.EO1 is an event pin but C.PV is a data pin"),
        ("C.CV", "R.REQ", "C.CV is an data pin but R.REQ is a event pin"),
        ("C.CU", "S.EI", "C.CU is not a source"),
        ("S.EO1", "C.CO", "C.CO is not a destination"),
        ("SRC.OUT", "C.PV", "SRC.OUT is DINT, C.PV is UINT"),
        ("SC.OUT", "R.IN", "SC.OUT is REAL, R.IN is DINT"),
        ("CU", "C.CU", "'CU' names no block pin"),
    ],
)
def test_bad_connection_is_refused_naming_both_ends(
    source: str, destination: str, message: str
) -> None:
    res = build()
    with pytest.raises(NetworkError) as err:
        res.connect(source, destination)
    assert message in str(err.value)
    assert res.network.event_connections == [] and res.network.data_connections == []


def test_second_source_on_a_data_input_is_refused_under_forte_rules() -> None:
    res = build()
    res.network.data_fan_in = False  # as the 4diac importer builds it (Python allows fan-in)
    res.connect("SRC.OUT", "R.IN")
    res.add("SRC2", Source)
    with pytest.raises(ConnectionError_) as err:
        res.connect("SRC2.OUT", "R.IN")
    assert "R.IN already has a source (SRC.OUT)" in str(err.value)


def test_duplicate_event_connection_is_refused() -> None:
    res = build()
    res.connect("S.EO1", "C.CU")
    with pytest.raises(ConnectionError_, match="exists already"):
        res.connect("S.EO1", "C.CU")


def test_duplicate_block_name_is_refused() -> None:
    res = build()
    with pytest.raises(NetworkError, match="a block named 'S' already exists"):
        res.add("S", Split)


def test_disconnect_and_remove() -> None:
    res = build()
    res.connect("S.EO1", "C.CU")
    res.connect("SRC.OUT", "R.IN")
    res.network.disconnect("S.EO1", "C.CU")
    assert res.network.event_connections == []
    res.network.remove("R")
    assert res.network.data_connections == []
    res.add("R2", Recorder)
    res.connect("SRC.OUT", "R2.IN")  # the old source slot was freed
    with pytest.raises(NoSuchObject):
        res.network.disconnect("S.EO1", "C.CU")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, 7), ("UINT#9", 9), ("16#10", 16), ("1_000", 1000), (70000, 70000 & 0xFFFF)],
)
def test_parameters_accept_values_and_literals(value: object, expected: int) -> None:
    res = build()
    res.write("C.PV", value)
    assert res.read("C.PV") == expected


def test_bad_literal_names_pin_literal_and_type() -> None:
    res = build()
    with pytest.raises(NetworkError) as err:
        res.write("C.PV", "T#5s")
    text = str(err.value)
    assert "C.PV" in text and "T#5s" in text and "UINT" in text


def test_unknown_paths_are_named() -> None:
    res = build()
    with pytest.raises(NoSuchObject, match=r"no block at 'Nope\.X'"):
        res.read("Nope.X")
    with pytest.raises(NoSuchObject, match=r"C \(Counter\) has no pin 'XX'"):
        res.read("C.XX")


def test_block_needs_a_handler_for_each_event_input() -> None:
    with pytest.raises(DefinitionError, match="event input GO has no handler"):

        class NoHandler(Block):
            GO = EventInput()


def test_with_must_name_a_data_input() -> None:
    with pytest.raises(DefinitionError, match="WITH 'X', which is not a data input"):

        class BadWith(Block):
            GO = EventInput(with_=("X",))

            def on_GO(self) -> None:
                pass


def test_pin_names_cannot_shadow_the_block_api() -> None:
    with pytest.raises(DefinitionError, match="pin name 'sleep' is reserved"):

        class Clash(Block):
            GO = EventInput()
            sleep = DataInput("INT")

            def on_GO(self) -> None:
                pass


def test_block_metadata_and_interface() -> None:
    info = Scale.fbtype.describe()
    assert (info["name"], info["version"], info["description"], info["kind"]) == (
        "Scale",
        "2.1",
        "OUT := IN * GAIN",
        "python",
    )
    assert [p["name"] for p in info["interface"]["data_inputs"]] == ["IN", "GAIN"]
    assert Scale.fbtype.interface.parameter_names() == ("GAIN",)
    assert Counter.fbtype.name == "Counter"  # the class name when no name is given


def test_subclass_inherits_and_extends_pins() -> None:
    from fbruntime.core import EventOutput

    class Base(Block):
        REQ = EventInput()
        CNF = EventOutput()

        def on_REQ(self) -> None:
            self.CNF()

    class Child(Base):
        EXTRA = DataInput("BOOL", True)

    assert Child.fbtype.interface.pin_names == ("REQ", "CNF", "EXTRA")
    assert Child("c").EXTRA is True


def test_event_types_are_declared_and_kept() -> None:
    from fbruntime.core import EventOutput

    class Init(Block):
        INIT = EventInput(type_name="EInit")
        INITO = EventOutput()

        def on_INIT(self) -> None:
            self.INITO()

    itf = Init.fbtype.interface
    assert itf.event_inputs[0].type_name == "EInit"
    assert itf.event_outputs[0].type_name == "Event"


async def test_source_type_names_the_connected_output_type() -> None:
    res = build()
    res.connect("C.CV", "SC.IN")
    sc = res.find("SC")[0]
    assert sc.rt__source_type("IN").name == "UINT"
    assert sc.rt__source_type("GAIN") is None


def test_a_typed_literal_on_an_any_pin_keeps_its_type() -> None:
    from fbruntime.core import EventOutput

    class Show(Block):
        REQ = EventInput(with_=("IN",))
        CNF = EventOutput()
        IN = DataInput("ANY")

        def on_REQ(self) -> None:
            self.CNF()

    res = Resource()
    res.add("S", Show)
    res.write("S.IN", "INT#42")
    show = res.find("S")[0]
    assert res.read("S.IN") == 42 and show.rt__source_type("IN").name == "INT"
    with pytest.raises(NetworkError, match="bad literal"):
        res.write("S.IN", "INT#x")
