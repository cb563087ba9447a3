"""The built-in list is FORTE's, every name is creatable bare, and each interface is the facts'."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.builtin import EXCLUDED, BuiltinLibrary, BuiltinTypes, builtin_types, facts
from fbruntime.builtin.interfaces import conversion_types, packing_interface, parse_interface
from fbruntime.core import FBType
from fbruntime.core.interface import Interface
from fbruntime.iec import ArrayType
from fbruntime.mgmt.resolver import native_resolver

HERE = Path(__file__).parent


def recorded(name: str) -> list[str]:
    lines = (HERE / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


FORTE_FB_TYPES = recorded("forte_fb_types.txt")
FORTE_ADAPTER_TYPES = recorded("forte_adapter_types.txt")


def test_the_recorded_forte_list_is_the_whole_list() -> None:
    assert len(FORTE_FB_TYPES) == 463
    assert len(set(FORTE_FB_TYPES)) == 463


def test_the_catalog_knows_exactly_forte_s_names() -> None:
    catalog = builtin_types()
    assert {catalog.canonical(name) for name in FORTE_FB_TYPES} == set(FORTE_FB_TYPES)
    assert set(catalog.names()) | set(EXCLUDED) == set(FORTE_FB_TYPES)


def test_the_exclusions_are_few_and_say_why() -> None:
    assert set(EXCLUDED) <= set(FORTE_FB_TYPES)
    assert len(EXCLUDED) <= 4
    assert all(len(reason) > 30 for reason in EXCLUDED.values())


@pytest.mark.parametrize("name", FORTE_FB_TYPES)
def test_every_forte_type_is_creatable_on_a_bare_device(name: str) -> None:
    if name in ("EMB_RES", "RMT_RES", "DEV_MGR"):
        pytest.skip(EXCLUDED[name])
    fbtype = native_resolver()(name)
    assert fbtype is not None, name
    instance = fbtype.create("X")
    assert instance.rt__type.interface == fbtype.interface


def signature(itf: Interface) -> tuple[object, ...]:
    return (
        [(e.name, e.with_) for e in itf.event_inputs],
        [(e.name, e.with_) for e in itf.event_outputs],
        [(d.name, d.type.name) for d in itf.data_inputs],
        [(d.name, d.type.name) for d in itf.data_outputs],
        [(a.name, a.type_name) for a in itf.sockets],
        [(a.name, a.type_name) for a in itf.plugs],
    )


def facts_interface(name: str) -> Interface | None:
    if name in facts.INTERFACES:
        return parse_interface(facts.INTERFACES[name])
    if name in facts.PACKINGS:
        return packing_interface(name)
    if name in conversion_types():
        source, target = conversion_types()[name]
        return parse_interface(f"REQ(IN) > CNF(OUT) ; IN:{source} > OUT:{target}")
    return None


INTERFACED = [n for n in FORTE_FB_TYPES if facts_interface(n) is not None and n not in EXCLUDED]


@pytest.mark.parametrize("name", INTERFACED)
def test_each_built_in_has_forte_s_interface(name: str) -> None:
    built = builtin_types().get(name)
    expected = facts_interface(name)
    assert built is not None and expected is not None
    assert signature(built.interface) == signature(expected)


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("F_DT_TO_TOD", "REQ(IN) > CNF(OUT) ; IN:DATE_AND_TIME > OUT:TIME_OF_DAY"),
        ("F_TIME_IN_MS_TO_DINT", "REQ(IN) > CNF(OUT) ; IN:TIME > OUT:DINT"),
        ("F_WORD_BCD_TO_UINT", "REQ(IN) > CNF(OUT) ; IN:WORD > OUT:UINT"),
        ("F_STRING_AS_LREAL", "REQ(IN) > CNF(OUT) ; IN:STRING > OUT:LREAL"),
        ("REAL2REAL", "REQ(IN) > CNF(OUT) ; IN:REAL > OUT:REAL"),
        ("SPLIT_DWORD_INTO_WORDS", "REQ(IN) > CNF(WORD_00,WORD_01) ; IN:DWORD > WORD_00:WORD WORD_01:WORD"),
        ("FB_CTUD_ULINT", "REQ(CU,CD,R,LD,PV) > CNF(QU,QD,CV) ; CU:BOOL CD:BOOL R:BOOL LD:BOOL PV:ULINT > QU:BOOL QD:BOOL CV:ULINT"),
    ],
)  # fmt: skip
def test_rule_made_families_have_the_interfaces_forte_gives_them(name: str, spec: str) -> None:
    built = builtin_types().get(name)
    assert built is not None
    assert signature(built.interface) == signature(parse_interface(spec))


def test_names_ignore_case_and_forte_s_qualified_spellings_resolve() -> None:
    catalog = builtin_types()
    assert catalog.get("f_add") is catalog.get("F_ADD")
    resolver = native_resolver()
    assert resolver("utils__timing__F_NOW") is resolver("F_NOW") is not None
    assert resolver("iec61131::arithmetic::F_ADD") is catalog.get("F_ADD")


def test_a_type_is_built_only_when_named() -> None:
    catalog = BuiltinTypes()
    assert catalog.names()  # listing builds nothing
    assert catalog._built == {}
    catalog.get("F_ADD")
    assert list(catalog._built) == ["F_ADD"]


def test_the_importer_s_native_library_is_lazy_and_case_insensitive() -> None:
    library = BuiltinLibrary(shipped=False)
    assert library.get("BOOL2BOOL") is library.get("bool2bool")
    assert "ADD_3" in library
    assert library.get("NO_SUCH_TYPE") is None


def test_types_the_caller_adds_win_over_the_built_ins() -> None:
    own = builtin_types().get("E_CTU")
    assert isinstance(own, FBType)
    library = BuiltinLibrary({"F_ADD": own}, shipped=False)
    assert library["F_ADD"] is own


CONFIGURED = [
    ("ADD_3", ["IN1", "IN2", "IN3"], ["OUT"], "ANY_MAGNITUDE"),
    ("XOR_5", ["IN1", "IN2", "IN3", "IN4", "IN5"], ["OUT"], "ANY_BIT"),
    ("F_MOVE_1INT", ["IN"], ["OUT"], "INT"),
    ("F_MUX_3", ["K", "IN1", "IN2", "IN3"], ["OUT"], None),
    ("F_MUX_2_2", ["IN_1_1", "IN_1_2", "IN_2_1", "IN_2_2"], ["QO", "STATUS", "OUT_1", "OUT_2"], None),
    ("E_DEMUX_3", ["K"], [], None),
    ("E_MUX_2", [], ["K"], None),
    ("ARRAY2VALUES_3_INT", ["IN"], ["OUT_1", "OUT_2", "OUT_3"], None),
    ("VALUES2ARRAY_2_REAL", ["IN_1", "IN_2"], ["OUT"], None),
    ("ARRAY2ARRAY_4_BOOL", ["IN"], ["OUT"], None),
    ("CSV_WRITER_12", ["QI", "FILE_NAME", *[f"SD_{i}" for i in range(1, 13)]], ["QO", "STATUS"], None),
    ("PUBLISH_3", ["QI", "ID", "SD_1", "SD_2", "SD_3"], ["QO", "STATUS"], None),
    ("SUBSCRIBE_2", ["QI", "ID"], ["QO", "STATUS", "RD_1", "RD_2"], None),
    ("CLIENT_2_1", ["QI", "ID", "SD_1", "SD_2"], ["QO", "STATUS", "RD_1"], None),
    ("SERVER_1_3", ["QI", "ID", "SD_1"], ["QO", "STATUS", "RD_1", "RD_2", "RD_3"], None),
    ("PUBL_1", ["QI", "ID", "SD_1"], ["QO", "STATUS"], None),
    ("SUBL_2", ["QI", "ID"], ["QO", "STATUS", "RD_1", "RD_2"], None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "inputs", "outputs", "pin_type"), CONFIGURED)
def test_generic_blocks_are_configured_by_their_name_as_forte_does(
    name: str, inputs: list[str], outputs: list[str], pin_type: str | None
) -> None:
    built = native_resolver()(name)
    assert built is not None and built.name == name
    itf = built.interface
    assert [p.name for p in itf.data_inputs] == inputs
    assert [p.name for p in itf.data_outputs] == outputs
    if pin_type is not None:
        assert {p.type.name for p in (*itf.data_inputs, *itf.data_outputs)} == {pin_type}


def test_configured_event_pins_are_numbered_as_forte_numbers_them() -> None:
    demux = native_resolver()("E_DEMUX_3")
    emux = native_resolver()("E_MUX_3")
    assert demux is not None and emux is not None
    assert [e.name for e in demux.interface.event_outputs] == ["EO1", "EO2", "EO3"]
    assert [e.name for e in emux.interface.event_inputs] == ["EI1", "EI2", "EI3"]


def test_array_pins_of_configured_blocks_count_from_zero() -> None:
    built = native_resolver()("ARRAY2VALUES_3_INT")
    assert built is not None
    port = built.interface.data_port("IN")
    assert port is not None and isinstance(port.type, ArrayType)
    assert (port.type.lower, port.type.upper, port.type.element.name) == (0, 2, "INT")


@pytest.mark.parametrize(
    "name", ["ADD_1", "E_MUX_1", "F_MUX_1_1", "F_MOVE_1NOTATYPE", "ARRAY2VALUES_1_INT", "FOO_3"]
)
def test_names_forte_cannot_configure_are_unknown(name: str) -> None:
    assert native_resolver()(name) is None


def test_a_bare_generic_name_makes_a_block_without_pins_as_forte_does() -> None:
    built = native_resolver()("GEN_ADD")
    assert built is not None
    assert built.interface == Interface()
    assert built.create("G").rt__type.name == "GEN_ADD"


def test_the_adapter_types_are_forte_s() -> None:
    resolver = native_resolver()
    assert resolver.adapter_names() == FORTE_ADAPTER_TYPES
    for name in ("ATimeOut", "ARTimeOut"):
        model = resolver.adapter(name)
        assert model is not None
        assert [e.name for e in model.interface.event_inputs] == ["TimeOut"]
        assert [(e.name, e.with_vars) for e in model.interface.event_outputs] == [
            ("START", ("DT",)),
            ("STOP", ()),
        ]
        assert [(v.name, v.type_name) for v in model.interface.outputs] == [("DT", "TIME")]
