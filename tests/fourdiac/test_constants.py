"""Global constants named from InitialValues, parameters and ST, resolved the IDE's way."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from fbruntime.core import CompositeType
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.library import TypeLibrary
from tests.fourdiac import xmlfix as x


def compiler(package: str = "", imports: Sequence[str] = ()) -> str:
    body = "".join(f'<Import declaration="{i}"/>' for i in imports)
    attr = f' packageName="{package}"' if package else ""
    return f"<CompilerInfo{attr}>{body}</CompilerInfo>"


def in_package(xml: str, package: str, imports: Sequence[str] = ()) -> str:
    """``xml`` (one of xmlfix's documents) with a CompilerInfo as the root's first child."""
    return re.sub(
        r"(<(?:FBType|Function|DataType)\b[^>]*>)",
        lambda m: m.group(1) + compiler(package, imports),
        xml,
        count=1,
    )


def gcf(
    name: str, package: str, constants: Sequence[tuple[str, str, str]], *, new_format: bool = True
) -> str:
    """A ``.gcf``; ``new_format`` writes the 3.x ST source (``GLOBALCONSTANTS name``), else the
    older one in which constants are named ``package::NAME``."""
    decls = "".join(
        f'<VarDeclaration Name="{n}" Type="{t}" InitialValue="{v}"/>' for n, t, v in constants
    )
    header = f"PACKAGE {package};\n" if package else ""
    if new_format:
        header += f"GLOBALCONSTANTS {name}\n"
    source = header + "VAR_GLOBAL CONSTANT\nEND_VAR\n"
    return (
        f'{x.HEAD}<GlobalConstants Name="{name}">{compiler(package)}'
        f"<GlobalConstants>{decls}</GlobalConstants>"
        f"<OriginalSource><![CDATA[{source}]]></OriginalSource></GlobalConstants>"
    )


def struct(name: str, package: str, members: Sequence[tuple[str, str, str]]) -> str:
    decls = "".join(
        f'<VarDeclaration Name="{n}" Type="{t}"' + (f' InitialValue="{v}"' if v else "") + "/>"
        for n, t, v in members
    )
    return (
        f'{x.HEAD}<DataType Name="{name}">{compiler(package)}'
        f"<StructuredType>{decls}</StructuredType></DataType>"
    )


def put(folder: Path, relative: str, text: str) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def holder(name: str, var_type: str, initial: str) -> str:
    """A Simple FB whose single output is initialised with ``initial``."""
    itf = x.interface(ei=[("REQ", [])], eo=[("CNF", ["V"])], do=[("V", var_type, initial)])
    return x.simple(name, itf, {"REQ": ""})


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    put(tmp_path, "const/IDs.gcf", gcf("IDs", "bus::const", [("ID_NULL", "UINT", "UINT#16#FFFF")]))
    put(tmp_path, "io/Pin_S.dtp", struct("Pin_S", "bus::io", [("Pin", "USINT", "")]))
    put(
        tmp_path, "io/DI.gcf", gcf("DI", "bus::io", [("Invalid", "bus::io::Pin_S", "(Pin := 255)")])
    )
    put(
        tmp_path, "io/DO.gcf", gcf("DO", "bus::io", [("Invalid", "bus::io::Pin_S", "(Pin := 254)")])
    )
    put(
        tmp_path,
        "seq/sequence.gcf",
        gcf(
            "sequence",
            "bus::seq",
            [("NO_TIME", "TIME", "TIME#9223372036854775807ns"), ("S1", "SINT", "SINT#1")],
        ),
    )
    return tmp_path


@pytest.mark.parametrize(
    ("package", "imports", "var_type", "initial", "expected"),
    [
        ("app", ["bus::const::IDs::ID_NULL"], "UINT", "ID_NULL", 0xFFFF),
        ("app", ["bus::const::IDs"], "UINT", "IDs::ID_NULL", 0xFFFF),
        ("app", ["bus::const::*"], "UINT", "IDs::ID_NULL", 0xFFFF),
        ("app", [], "UINT", "bus::const::IDs::ID_NULL", 0xFFFF),
        ("bus::const", [], "UDINT", "IDs::ID_NULL", 0xFFFF),
        ("app", ["bus::seq::sequence::NO_TIME"], "TIME", "NO_TIME", 9223372036854775807),
    ],
)
def test_initial_value_naming_a_constant_gets_its_value(
    lib: Path,
    package: str,
    imports: list[str],
    var_type: str,
    initial: str,
    expected: int,
) -> None:
    put(lib, "app/H.fbt", in_package(holder("H", var_type, initial), package, imports))
    port = x.types_in(lib).get("H").interface.data_port("V")
    assert port is not None and port.initial_value() == expected


def test_struct_typed_var_takes_the_struct_constant_of_the_right_gcf(lib: Path) -> None:
    put(lib, "io/DIX.fbt", in_package(holder("DIX", "bus::io::Pin_S", "DI::Invalid"), "bus::io"))
    put(lib, "io/DOX.fbt", in_package(holder("DOX", "bus::io::Pin_S", "DO::Invalid"), "bus::io"))
    put(
        lib,
        "app/AIX.fbt",
        in_package(holder("AIX", "bus::io::Pin_S", "Invalid"), "app", ["bus::io::DO::Invalid"]),
    )
    types = x.types_in(lib)
    pins = {}
    for name in ("DIX", "DOX", "AIX"):
        port = types.get(name).interface.data_port("V")
        assert port is not None
        pins[name] = port.initial_value().Pin
    assert pins == {"DIX": 255, "DOX": 254, "AIX": 254}


def test_constants_inside_an_aggregate_literal_are_replaced(lib: Path) -> None:
    put(
        lib,
        "app/Pool_S.dtp",
        in_package(
            struct("Pool_S", "app", [("Id", "UINT", "IDs::ID_NULL"), ("Scale", "REAL", "1.0")]),
            "app",
            ["bus::const::IDs"],
        ),
    )
    put(
        lib,
        "app/P.fbt",
        in_package(
            holder("P", "app::Pool_S", "(Id := ID_NULL, Scale := 2.0)"),
            "app",
            ["bus::const::IDs::ID_NULL", "app::Pool_S"],
        ),
    )
    put(lib, "app/Q.fbt", in_package(holder("Q", "app::Pool_S", ""), "app"))
    types = x.types_in(lib)
    given = types.get("P").interface.data_port("V")
    default = types.get("Q").interface.data_port("V")
    assert given is not None and default is not None
    assert (given.initial_value().Id, given.initial_value().Scale) == (0xFFFF, 2.0)
    assert default.initial_value().Id == 0xFFFF  # the member's own InitialValue names it


async def test_st_reads_qualified_constants_through_an_import(lib: Path) -> None:
    itf = x.interface(ei=[("REQ", [])], eo=[("CNF", ["N"])], do=[("N", "SINT")])
    put(
        lib,
        "app/S.fbt",
        in_package(
            x.simple("S", itf, {"REQ": "N := sequence::S1 + 1;"}), "app", ["bus::seq::sequence"]
        ),
    )
    res = x.resource_with(("S", x.types_in(lib).get("S")))
    res.start()
    res.fire("S.REQ")
    await res.settle()
    assert res.read("S.N") == 2


@pytest.mark.parametrize(
    ("gcf_package", "fct_package"),
    [("sig", "sig"), ("", "")],
    ids=["older format, own package", "no package, global name"],
)
async def test_older_gcf_constants_are_named_by_package_only(
    tmp_path: Path, gcf_package: str, fct_package: str
) -> None:
    put(
        tmp_path,
        "SIG.gcf",
        gcf("SIGNALS", gcf_package, [("LIMIT_W", "WORD", "WORD#16#FAFF")], new_format=False),
    )
    body = (
        "FUNCTION TOP : WORD\nVAR_INPUT\n  X : WORD;\nEND_VAR\nTOP := X AND LIMIT_W;\nEND_FUNCTION"
    )
    itf = x.interface(
        ei=[("REQ", ["X"])], eo=[("CNF", [""])], di=[("X", "WORD")], do=[("", "WORD")]
    )
    fct = (
        f'{x.HEAD}<Function Name="TOP">{compiler(fct_package)}{itf}'
        f"<FunctionBody><ST><![CDATA[{body}]]></ST></FunctionBody></Function>"
    )
    put(tmp_path, "TOP.fct", fct)
    res = x.resource_with(("T", x.types_in(tmp_path).get("TOP")))
    res.write("T.X", 0xFFFF)
    res.start()
    res.fire("T.REQ")
    await res.settle()
    assert res.read("T.OUT") == 0xFAFF


def test_new_format_constant_is_not_visible_by_package_alone(lib: Path) -> None:
    library = TypeLibrary([lib])
    assert library.find_constant("ID_NULL", "bus::const") is None
    found = library.find_constant("IDs::ID_NULL", "bus::const")
    assert found is not None and found[1].name == "ID_NULL"


def test_bare_word_naming_no_constant_stays_an_old_unquoted_string(lib: Path) -> None:
    put(lib, "app/W.fbt", in_package(holder("W", "STRING", "hello"), "app"))
    port = x.types_in(lib).get("W").interface.data_port("V")
    assert port is not None and port.initial_value() == "hello"


@pytest.mark.parametrize(
    ("var_type", "initial", "message"),
    [
        ("UINT", "NOT_DEFINED", "V InitialValue"),
        ("SINT", "IDs::ID_NULL", "constant IDs::ID_NULL is UINT and cannot initialise a SINT"),
    ],
)
def test_bad_constant_reference_names_file_line_and_pin(
    lib: Path, var_type: str, initial: str, message: str
) -> None:
    put(lib, "app/B.fbt", in_package(holder("B", var_type, initial), "app", ["bus::const::IDs"]))
    with pytest.raises(FourdiacError) as info:
        x.types_in(lib).get("B")
    assert info.value.file.endswith("B.fbt") and info.value.line > 0
    assert message in str(info.value)


def test_composite_inner_parameter_may_name_a_constant(lib: Path) -> None:
    itf = x.interface(
        ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "UINT")], do=[("OUT", "UINT")]
    )
    put(lib, "app/PASS.fbt", in_package(x.simple("PASS", itf, {"REQ": "OUT := IN;"}), "app"))
    net = x.network(
        [("P", "PASS", {"IN": "IDs::ID_NULL"})],
        events=[("REQ", "P.REQ"), ("P.CNF", "CNF")],
        data=[("P.OUT", "OUT")],
    )
    outer = x.interface(ei=[("REQ", [])], eo=[("CNF", ["OUT"])], do=[("OUT", "UINT")])
    put(lib, "app/C.fbt", in_package(x.composite("C", outer, net), "app", ["bus::const::IDs"]))
    composite = x.types_in(lib).get("C")
    assert isinstance(composite, CompositeType)
    blocks = {b.name: b for b in composite.blocks}
    assert blocks["P"].params["IN"] == 0xFFFF
