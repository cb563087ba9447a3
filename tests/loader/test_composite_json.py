"""The composite definition format: folders, validation errors, round trips."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import CompositeBuilder, Resource
from fbruntime.loader import Loader, definition_of, parse_definition

from .conftest import block_source

Writer = Callable[[str, str], Path]


def twice_definition(**overrides: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": "Twice",
        "version": "1.0",
        "description": "adds one twice",
        "interface": {
            "event_inputs": [{"name": "REQ", "with": ["X"]}],
            "event_outputs": [{"name": "CNF", "with": ["Y"]}],
            "data_inputs": [{"name": "X", "type": "INT"}],
            "data_outputs": [{"name": "Y", "type": "INT"}],
        },
        "blocks": [{"name": "A", "type": "AddOne"}, {"name": "B", "type": "AddOne"}],
        "connections": [
            ["REQ", "A.REQ"],
            ["X", "A.IN"],
            {"from": "A.CNF", "to": "B.REQ"},
            ["A.OUT", "B.IN"],
            ["B.CNF", "CNF"],
            ["B.OUT", "Y"],
        ],
    }
    d.update(overrides)
    return d


async def test_a_json_composite_in_a_folder_runs(write_file: Writer) -> None:
    write_file("AddOne.py", block_source())
    path = write_file("Twice.json", json.dumps(twice_definition()))
    loader = Loader([path.parent], include_library=False, rescan_interval=0)
    entry = loader.entry("Twice")
    assert (entry.kind, entry.format, entry.error) == ("composite", "composite-json", None)
    res = Resource()
    res.add("T", loader.get("Twice"))
    res.start()
    res.write("T.X", 40)
    res.fire("T.REQ")
    await res.settle()
    assert res.read("T.Y") == 42


def test_a_composite_naming_a_missing_type_is_listed_with_the_error(write_file: Writer) -> None:
    path = write_file("Twice.json", json.dumps(twice_definition()))
    (entry,) = Loader([path.parent], include_library=False, rescan_interval=0).list()
    assert entry.error is not None and "no type named 'AddOne'" in entry.error


def test_a_composite_appears_once_its_inner_type_is_added(write_file: Writer) -> None:
    path = write_file("Twice.json", json.dumps(twice_definition()))
    loader = Loader([path.parent], include_library=False, rescan_interval=0)
    assert loader.entry is not None and loader.list()[0].error
    write_file("AddOne.py", block_source())
    assert {e.name: e.error for e in loader.list()} == {"AddOne": None, "Twice": None}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "name: String should have at least 1 character"),
        ({"format": "other/2"}, "format: Input should be 'fbrt-composite/1'"),
        ({"blocks": [{"name": "A"}]}, "blocks.0.type: Field required"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
    ],
)
def test_a_bad_definition_names_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_definition(twice_definition(**change), "upload.json")


def test_a_bad_json_text_names_the_line() -> None:
    with pytest.raises(ValueError, match=r"upload.json: not JSON: .* at line 2"):
        parse_definition('{\n"name": }', "upload.json")


def test_an_unknown_pin_type_is_refused(write_file: Writer) -> None:
    write_file("AddOne.py", block_source())
    bad = twice_definition()
    bad["interface"]["data_inputs"][0]["type"] = "FLOATY"
    path = write_file("Twice.json", json.dumps(bad))
    (broken,) = [
        e
        for e in Loader([path.parent], include_library=False, rescan_interval=0).list()
        if e.name == "Twice"
    ]
    assert broken.error is not None and "unknown type 'FLOATY'" in broken.error


def test_a_builder_composite_converts_to_a_definition_and_back(write_file: Writer) -> None:
    path = write_file("AddOne.py", block_source())
    loader = Loader([path.parent], include_library=False, rescan_interval=0)
    b = CompositeBuilder("Once", version="2.0", description="adds one")
    b.event_input("REQ", with_=["X"])
    b.event_output("CNF", with_=["Y"])
    b.data_input("X", "INT", 5)
    b.data_output("Y", "INT")
    b.add("A", loader.get("AddOne"), IN=3)
    for src, dst in (("REQ", "A.REQ"), ("X", "A.IN"), ("A.CNF", "CNF"), ("A.OUT", "Y")):
        b.connect(src, dst)
    definition = definition_of(b.build())
    again = parse_definition(definition.to_json())
    assert again == definition
    assert again.interface.data_inputs[0].initial == "5"
    assert again.blocks[0].params == {"IN": 3}


async def test_a_json_composite_may_feed_one_input_from_several_outputs(
    write_file: Writer,
) -> None:
    write_file("AddOne.py", block_source())
    either = twice_definition(
        name="Either",
        interface={
            "event_inputs": [{"name": "REQ", "with": ["X"]}, {"name": "DIRECT", "with": ["X"]}],
            "event_outputs": [{"name": "CNF", "with": ["Y"]}],
            "data_inputs": [{"name": "X", "type": "INT"}],
            "data_outputs": [{"name": "Y", "type": "INT"}],
        },
        connections=[
            ["REQ", "A.REQ"],
            ["X", "A.IN"],
            ["A.CNF", "B.REQ"],
            ["DIRECT", "B.REQ"],
            ["A.OUT", "B.IN"],  # B.IN has two sources: A's output and the composite's X
            ["X", "B.IN"],
            ["B.CNF", "CNF"],
            ["B.OUT", "Y"],
        ],
    )
    write_file("Either.json", json.dumps(either))
    loader = Loader([write_file("x", "").parent], include_library=False, rescan_interval=0)
    res = Resource()
    res.add("E", loader.get("Either"))
    res.start()
    assert (await res.call("E.REQ", X=10)).values == {"Y": 12}  # through A: 10 + 1 + 1
    assert (await res.call("E.DIRECT", X=10)).values == {"Y": 11}  # X straight into B
