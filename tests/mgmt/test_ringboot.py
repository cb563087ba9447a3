from __future__ import annotations

import pytest
from lxml import etree

from fbruntime.mgmt.bootfile import read_boot_text, run_boot_entries
from fbruntime.mgmt.commands import CreateConnection, CreateFB, Start, WriteParameter
from fbruntime.mgmt.requests import parse_request
from fbruntime.mgmt.ringboot import ring_boot_file, ring_commands

from .conftest import TYPE_LIBRARY, RecordingTarget


def connections(n: int, k: int) -> list[tuple[str, str]]:
    return [
        (command.source, command.destination)
        for _, command in ring_commands(n, k)
        if isinstance(command, CreateConnection)
    ]


def test_with_no_splits_the_counter_feeds_the_switch_directly() -> None:
    assert ("CTR.CO", "SWI.EI") in connections(10, 0)


def test_the_splits_are_chained_on_eo1_between_counter_and_switch() -> None:
    chain = [c for c in connections(10, 3) if c[0] in {"CTR.CO", "S1.EO1", "S2.EO1", "S3.EO1"}]
    assert chain == [
        ("CTR.CO", "S1.EI"),
        ("S1.EO1", "S2.EI"),
        ("S2.EO1", "S3.EI"),
        ("S3.EO1", "SWI.EI"),
    ]


def test_the_ring_has_the_benchmark_topology() -> None:
    commands = ring_commands(1000, 2, resource="BENCH")
    assert commands[0] == ("", CreateFB("BENCH", "EMB_RES"))
    assert commands[-1] == ("BENCH", Start())
    fbs = {c.name: c.type_name for dst, c in commands[1:] if isinstance(c, CreateFB)}
    assert fbs == {
        "SPL0": "E_SPLIT", "SW": "E_STOPWATCH", "CTR": "E_CTUD_UDINT", "S1": "E_SPLIT",
        "S2": "E_SPLIT", "SWI": "E_SWITCH", "OUT": "OUT_ANY_CONSOLE", "END": "STEST_END",
    }  # fmt: skip
    assert ("BENCH", WriteParameter("1000", "CTR.PV")) in commands
    assert ("BENCH", WriteParameter("TRUE", "OUT.QI")) in commands
    assert set(connections(1000, 2)) >= {
        ("START.COLD", "SPL0.EI"), ("SPL0.EO1", "SW.START"), ("SPL0.EO2", "CTR.CU"),
        ("CTR.QU", "SWI.G"), ("SWI.EO0", "CTR.CU"), ("SWI.EO1", "SW.STOP"),
        ("SW.EO", "OUT.REQ"), ("SW.TD", "OUT.IN"), ("OUT.CNF", "END.REQ"),
    }  # fmt: skip
    assert all(dst == "BENCH" for dst, _ in commands[1:])


async def test_the_boot_file_text_replays_to_the_same_commands() -> None:
    target = RecordingTarget()
    count = await run_boot_entries(read_boot_text(ring_boot_file(50, 4)), target)
    assert target.calls == ring_commands(50, 4)
    assert count == len(target.calls)


@pytest.mark.parametrize(("n", "k"), [(0, 1), (5, -1)])
def test_a_ring_needs_rounds_and_a_non_negative_split_count(n: int, k: int) -> None:
    with pytest.raises(ValueError, match="ring"):
        ring_commands(n, k)


def _type_ports(type_name: str) -> set[str]:
    [path] = [p for p in TYPE_LIBRARY.rglob(f"{type_name}.fbt")]
    root = etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True)).getroot()
    return {
        element.get("Name", "")
        for element in root.iter("Event", "VarDeclaration")
        if element.getparent() is not None
        and element.getparent().tag in {"EventInputs", "EventOutputs", "InputVars", "OutputVars"}  # type: ignore[union-attr]
    }


@pytest.mark.skipif(not TYPE_LIBRARY.exists(), reason="corpus not present")
def test_every_pin_the_ring_uses_exists_on_its_type_in_the_4diac_library() -> None:
    commands = ring_commands(10, 2)
    types = {c.name: c.type_name for _, c in commands[1:] if isinstance(c, CreateFB)}
    ports = {name: _type_ports(type_name) for name, type_name in types.items()}
    endpoints = [end for pair in connections(10, 2) for end in pair]
    endpoints += [c.destination for _, c in commands if isinstance(c, WriteParameter)]
    for endpoint in endpoints:
        fb, port = endpoint.split(".")
        if fb == "START":
            continue
        assert port in ports[fb], f"{types[fb]} has no pin {port}"


def test_every_line_is_a_request_in_the_ide_layout() -> None:
    lines = ring_boot_file(3, 1).splitlines()
    assert lines[0] == ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>'
    assert lines[-1] == f'RES;<Request ID="{len(lines)}" Action="START"/>'
    for entry in read_boot_text("\n".join(lines)):
        assert parse_request(entry.request).id == str(entry.line)
