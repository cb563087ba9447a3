"""Templates find their blocks by name through the Loader that loads them: across files of its
folders, JSON composites and the database, whatever order the files are read in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fbruntime import CompositeBuilder, Loader, Resource
from fbruntime.store import Store

Writer = Callable[[str, str], Path]

GAIN = """
from fbruntime import Block, DataInput, DataOutput, EventInput, EventOutput, Parameter


class {cls}(Block):
    name = "{name}"

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("LREAL")
    K = Parameter("LREAL", {k})
    OUT = DataOutput("LREAL")

    def on_REQ(self) -> None:
        self.OUT = self.IN * self.K
        self.CNF()
"""


def chain(name: str, first: str, second: str, *, by_ref: bool = False) -> str:
    """A template file: ``first`` then ``second`` in a line, named by text (or through ref)."""
    a, b = (f'ref("{first}")', f'ref("{second}")') if by_ref else (f'"{first}"', f'"{second}"')
    return f"""
from fbruntime import CompositeBuilder
from fbruntime.loader import ref

b = CompositeBuilder("{name}")
b.event_input("REQ", with_=["IN"])
b.event_output("CNF", with_=["OUT"])
b.data_input("IN", "LREAL")
b.data_output("OUT", "LREAL")
b.add("A", {a})
b.add("B", {b})
for src, dst in [
    ("REQ", "A.REQ"), ("IN", "A.IN"), ("A.CNF", "B.REQ"), ("A.OUT", "B.IN"),
    ("B.CNF", "CNF"), ("B.OUT", "OUT"),
]:
    b.connect(src, dst)
{name} = b.build()
"""


async def answer(fbtype: object, x: float) -> float:
    async with Resource() as res:
        res.add("T", fbtype)  # type: ignore[arg-type]
        res.start()
        value = (await res.call("T.REQ", IN=x)).values["OUT"]
        assert isinstance(value, float)
        return value


async def test_a_python_template_names_blocks_of_other_files_in_any_order(
    write_file: Writer,
) -> None:
    # "Amp" sorts before "Gain" and "Stage": the scan imports them when Amp asks.
    write_file("Amp.py", chain("Amp", "Gain", "Stage"))
    write_file("Gain.py", GAIN.format(cls="Gain", name="Gain", k=2.0))
    write_file("Stage.py", GAIN.format(cls="TripleStage", name="Stage", k=3.0))
    write_file("Outer.py", chain("Outer", "Amp", "Gain", by_ref=True))  # a template of templates
    loader = Loader([write_file("x", "").parent], include_library=False, rescan_interval=0)
    assert [e.error for e in loader.list()] == [None] * 4
    assert await answer(loader.get("Amp"), 1.5) == 9.0
    assert await answer(loader.get("Outer"), 1.0) == 12.0


async def test_json_and_python_templates_name_each_other(write_file: Writer) -> None:
    write_file("Gain.py", GAIN.format(cls="Gain", name="Gain", k=2.0))
    write_file("PyOfJson.py", chain("PyOfJson", "Twice", "Gain"))
    twice = {
        "name": "Twice",
        "interface": {
            "event_inputs": [{"name": "REQ", "with": ["IN"]}],
            "event_outputs": [{"name": "CNF", "with": ["OUT"]}],
            "data_inputs": [{"name": "IN", "type": "LREAL"}],
            "data_outputs": [{"name": "OUT", "type": "LREAL"}],
        },
        "blocks": [{"name": "G", "type": "Gain"}, {"name": "H", "type": "Gain"}],
        "connections": [
            ["REQ", "G.REQ"],
            ["IN", "G.IN"],
            ["G.CNF", "H.REQ"],
            ["G.OUT", "H.IN"],
            ["H.CNF", "CNF"],
            ["H.OUT", "OUT"],
        ],
    }
    write_file("Twice.json", json.dumps(twice))
    loader = Loader([write_file("x", "").parent], include_library=False, rescan_interval=0)
    assert await answer(loader.get("PyOfJson"), 1.0) == 8.0


async def test_templates_nest_across_the_database(write_file: Writer, store: Store) -> None:
    loader = Loader([write_file("Amp.py", chain("Amp", "Gain", "Stored")).parent], store=store)
    loader.rescan_interval = 0
    broken = [e for e in loader.list() if e.name == "Amp"]
    assert broken and broken[0].error is not None and "'Gain'" in broken[0].error
    # The block and a stored template of it arrive in the database: Amp now loads.
    await loader.save_python(GAIN.format(cls="Gain", name="Gain", k=2.0))
    await loader.save_python(GAIN.format(cls="StoredGain", name="Stored", k=5.0))
    await loader.save_python(chain("StoredLine", "Amp", "Gain"))
    assert await answer(await loader.load("Amp"), 1.0) == 10.0
    assert await answer(await loader.load("StoredLine"), 1.0) == 20.0
    # A fresh Loader over the same database builds them synchronously after one refresh.
    again = Loader([write_file("x", "").parent], store=store)
    await again.refresh()
    assert await answer(again.get("StoredLine"), 0.5) == 10.0


async def test_a_stored_block_is_found_by_its_class_name(store: Store) -> None:
    loader = Loader(store=store, include_library=False)
    await loader.save_python(GAIN.format(cls="GainBlock", name="Gain", k=4.0))
    entry = loader.entry("GainBlock")
    assert (entry.name, entry.class_name, entry.source) == ("Gain", "GainBlock", "database")
    fresh = Loader(store=store, include_library=False)
    assert (await fresh.load("GainBlock")).name == "Gain"


async def test_a_script_names_shipped_blocks_without_a_loader() -> None:
    b = CompositeBuilder("Count3")
    b.event_input("CU")
    b.event_output("CO", with_=["CV"])
    b.data_output("CV", "UINT")
    b.add("C", "E_CTU", PV=3)
    for src, dst in [("CU", "C.CU"), ("C.CUO", "CO"), ("C.CV", "CV")]:
        b.connect(src, dst)
    async with Resource() as res:
        res.add("K", b.build())
        res.add("S", "E_SPLIT")  # a network takes names too
        res.start()
        await res.call("K.CU")
        assert (await res.call("K.CU")).values == {"CV": 2}
