"""Simple, Function, composite, generic F_*, internal FBs, in-outs and adapters from XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import Resource
from fbruntime.fourdiac.errors import FourdiacError
from tests.fourdiac import xmlfix as x

REQ_CNF = x.interface(
    ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "INT")], do=[("OUT", "INT")]
)


async def fire(res: Resource, *paths: str) -> None:
    for path in paths:
        res.fire(path)
        await res.settle()


def write(folder: Path, name: str, text: str, ext: str = "fbt") -> None:
    (folder / f"{name}.{ext}").write_text(text, encoding="utf-8")


async def test_simple_fb_runs_the_algorithm_named_after_the_event_then_all_outputs(
    tmp_path: Path,
) -> None:
    itf = x.interface(
        ei=[("REQ", ["IN"]), ("NEG", ["IN"])],
        eo=[("CNF", ["OUT"]), ("DONE", [])],
        di=[("IN", "INT")],
        do=[("OUT", "INT")],
    )
    write(tmp_path, "DBL", x.simple("DBL", itf, {"REQ": "OUT := IN * 2;", "NEG": "OUT := -IN;"}))
    res = x.resource_with(("D", x.types_in(tmp_path).get("DBL")))
    trace = x.Trace(res)
    res.write("D.IN", 21)
    res.start()
    await fire(res, "D.REQ")
    assert res.read("D.OUT") == 42
    await fire(res, "D.NEG")
    assert res.read("D.OUT") == -21
    assert trace.events() == ["D.CNF", "D.DONE", "D.CNF", "D.DONE"]


async def test_function_fct_runs_its_body_on_any_event_and_names_the_return_pin(
    tmp_path: Path,
) -> None:
    body = (
        "FUNCTION SCALE : REAL\nVAR_INPUT\n  X : REAL;\n  K : REAL;\nEND_VAR\n"
        "SCALE := X * K;\nEND_FUNCTION"
    )
    itf = x.interface(
        ei=[("REQ", ["X", "K"])],
        eo=[("CNF", [""])],
        di=[("X", "REAL"), ("K", "REAL")],
        do=[("", "REAL")],
    )
    write(
        tmp_path,
        "SCALE",
        f'{x.HEAD}<Function Name="SCALE">{itf}<FunctionBody><ST><![CDATA[{body}]]></ST>'
        "</FunctionBody></Function>",
        "fct",
    )
    t = x.types_in(tmp_path).get("SCALE")
    assert t.kind == "function" and t.interface.data_port("OUT") is not None
    res = x.resource_with(("S", t))
    res.write("S.X", 1.5)
    res.write("S.K", 4.0)
    res.start()
    await fire(res, "S.REQ")
    assert res.read("S.OUT") == 6.0


async def test_internal_fb_of_a_basic_fb_is_invoked_synchronously_from_st(tmp_path: Path) -> None:
    write(tmp_path, "DBL", x.simple("DBL", REQ_CNF, {"REQ": "OUT := IN * 2;"}))
    write(
        tmp_path,
        "OUTER",
        x.basic(
            "OUTER",
            REQ_CNF,
            [("S0", []), ("S1", [("RUN", "CNF")])],
            [("S0", "S1", "REQ"), ("S1", "S0", "1")],
            {"RUN": "inner.REQ(IN := IN + 1);\nOUT := inner.OUT;"},
            internal_fbs=[("inner", "DBL")],
        ),
    )
    res = x.resource_with(("O", x.types_in(tmp_path).get("OUTER")))
    res.write("O.IN", 4)
    res.start()
    await fire(res, "O.REQ")
    assert res.read("O.OUT") == 10
    assert res.find("O")[0].inner.OUT == 10  # type: ignore[attr-defined]


async def test_inout_variable_is_read_and_written_by_the_algorithm(tmp_path: Path) -> None:
    itf = x.interface(ei=[("REQ", ["ACC"])], eo=[("CNF", ["ACC"])], inout=[("ACC", "DINT")])
    write(tmp_path, "ACCU", x.simple("ACCU", itf, {"REQ": "ACC := ACC + 5;"}))
    res = x.resource_with(("A", x.types_in(tmp_path).get("ACCU")))
    res.start()
    await fire(res, "A.REQ", "A.REQ")
    assert res.read("A.ACC") == 10


async def test_generic_f_add_takes_the_type_of_its_connections_and_wraps_like_it(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "F_ADD",
        x.service(
            "F_ADD",
            x.interface(
                ei=[("REQ", ["IN1", "IN2"])],
                eo=[("CNF", ["OUT"])],
                di=[("IN1", "ANY_MAGNITUDE"), ("IN2", "ANY_MAGNITUDE")],
                do=[("OUT", "ANY_MAGNITUDE")],
            ),
            "GEN_ADD",
        ),
    )
    src = x.interface(ei=[("REQ", [])], eo=[("CNF", ["V"])], do=[("V", "SINT", "100")])
    write(tmp_path, "SRC", x.simple("SRC", src, {}))
    sys_text = x.system(
        "S",
        x.network(
            [("Src", "SRC", {}), ("Add", "F_ADD", {"IN2": "SINT#100"})],
            events=[("Src.CNF", "Add.REQ")],
            data=[("Src.V", "Add.IN1")],
        ),
    )
    write(tmp_path, "S", sys_text, "sys")
    from fbruntime.fourdiac import load_device, resolve_trigger

    device = load_device(tmp_path / "S.sys", prefer_xml=True)
    res, fb, event = resolve_trigger(device, "App.Src.REQ")
    inst = res.find("App.Add")[0]
    assert inst.rt__type.interface.data_port("OUT").type.name == "SINT"
    device.start()
    await fire(res, f"{fb}.{event}")
    assert res.read("App.Add.OUT") == -56  # 200 wraps in SINT


async def test_adapter_plug_and_socket_exchange_events_and_shared_data(tmp_path: Path) -> None:
    write(
        tmp_path,
        "APING",
        x.adapter(
            "APING",
            x.interface(ei=[("RSP", [])], eo=[("PING", ["D"])], do=[("D", "INT")]),
        ),
        "adp",
    )
    client = x.basic(
        "CLIENT",
        x.interface(
            ei=[("REQ", [])], eo=[("CNF", ["R"])], do=[("R", "INT")], plugs=[("P", "APING")]
        ),
        [("S0", []), ("SEND", [("PUT", "P.PING")]), ("GOT", [("GET", "CNF")])],
        [("S0", "SEND", "REQ"), ("SEND", "S0", "1"), ("S0", "GOT", "P.RSP")],
        {"PUT": "P.D := 7;", "GET": "R := P.D;"},
    )
    client = client.replace('<ECTransition Source="GOT"', "")
    client = client.replace(
        "</ECC>", '<ECTransition Source="GOT" Destination="S0" Condition="1"/></ECC>'
    )
    server = x.basic(
        "SERVER",
        x.interface(ei=[], eo=[], sockets=[("S", "APING")]),
        [("S0", []), ("ANS", [("DBL", "S.RSP")])],
        [("S0", "ANS", "S.PING[S.D > 0]"), ("ANS", "S0", "1")],
        {"DBL": "S.D := S.D * 3;"},
    )
    write(tmp_path, "CLIENT", client)
    write(tmp_path, "SERVER", server)
    sys_text = x.system(
        "S",
        x.network([("C", "CLIENT", {}), ("V", "SERVER", {})], adapters=[("C.P", "V.S")]),
    )
    write(tmp_path, "S", sys_text, "sys")
    from fbruntime.fourdiac import load_device

    device = load_device(tmp_path / "S.sys")
    res = next(iter(device.resources.values()))
    trace = x.Trace(res)
    device.start()
    await fire(res, "App.C.REQ")
    assert res.read("App.C.R") == 21
    assert trace.events() == ["START.COLD", "App.C.CNF"]  # the default EMB_RES has START


async def test_composite_stays_a_runtime_composite_with_addressable_inner_pins(
    tmp_path: Path,
) -> None:
    write(tmp_path, "DBL", x.simple("DBL", REQ_CNF, {"REQ": "OUT := IN * 2;"}))
    write(
        tmp_path,
        "QUAD",
        x.composite(
            "QUAD",
            REQ_CNF,
            x.network(
                [("A", "DBL", {}), ("B", "DBL", {})],
                events=[("REQ", "A.REQ"), ("A.CNF", "B.REQ"), ("B.CNF", "CNF")],
                data=[("IN", "A.IN"), ("A.OUT", "B.IN"), ("B.OUT", "OUT")],
            ),
        ),
    )
    t = x.types_in(tmp_path).get("QUAD")
    assert t.kind == "composite"
    res = x.resource_with(("Q", t))
    res.write("Q.IN", 3)
    res.start()
    await fire(res, "Q.REQ")
    assert res.read("Q.OUT") == 12 and res.read("Q.A.OUT") == 6


def test_a_service_fb_without_native_implementation_is_reported_by_name(tmp_path: Path) -> None:
    write(tmp_path, "MYIO", x.service("MYIO", x.interface(ei=[("INIT", [])], eo=[("INITO", [])])))
    with pytest.raises(FourdiacError, match="MYIO is a service interface FB"):
        x.types_in(tmp_path).get("MYIO")


async def test_system_flattens_subapps_writes_parameters_that_survive_reset(
    tmp_path: Path,
) -> None:
    write(tmp_path, "DBL", x.simple("DBL", REQ_CNF, {"REQ": "OUT := IN * 2;"}))
    sub = (
        '<SubApp Name="Sub"><SubAppInterfaceList/>'
        + x.network([("D", "DBL", {"IN": "5"})], tag="SubAppNetwork")
        + "</SubApp>"
    )
    app = x.network([]).replace("</FBNetwork>", sub + "</FBNetwork>")
    write(tmp_path, "S", x.system("S", app), "sys")
    from fbruntime.fourdiac import load_device, resolve_trigger

    device = load_device(tmp_path / "S.sys")
    res, fb, event = resolve_trigger(device, "App.Sub.D.REQ")
    assert fb == "App.Sub.D"
    device.start()
    await fire(res, f"{fb}.{event}")
    assert res.read("App.Sub.D.OUT") == 10
    await device.stop()
    device.reset()
    assert res.read("App.Sub.D.IN") == 5 and res.read("App.Sub.D.OUT") == 0


def test_load_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    from fbruntime.fourdiac import LoadError, load_device

    write(
        tmp_path,
        "S",
        x.system("S", x.network([("A", "NOPE", {}), ("B", "ALSO_NOPE", {})])),
        "sys",
    )
    with pytest.raises(LoadError) as info:
        load_device(tmp_path / "S.sys")
    text = str(info.value)
    assert "'NOPE'" in text and "'ALSO_NOPE'" in text and "S.sys:" in text


async def test_simple_fb_calls_its_internal_fbs_by_event_with_and_without_arguments(
    tmp_path: Path,
) -> None:
    counter_itf = x.interface(
        ei=[("INC", ["STEP"]), ("RST", [])],
        eo=[("CNF", ["N"])],
        di=[("STEP", "INT")],
        do=[("N", "INT")],
    )
    write(
        tmp_path, "ACC", x.simple("ACC", counter_itf, {"INC": "N := N + STEP;", "RST": "N := 0;"})
    )
    outer_itf = x.interface(
        ei=[("REQ", ["IN"]), ("CLR", [])],
        eo=[("CNF", ["OUT"])],
        di=[("IN", "INT")],
        do=[("OUT", "INT")],
    )
    algorithms = (
        '<Algorithm Name="REQ"><ST><![CDATA[acc.INC(STEP := IN);\nOUT := acc.N;]]></ST></Algorithm>'
        '<Algorithm Name="CLR"><ST><![CDATA[acc.RST();\nOUT := acc.N;]]></ST></Algorithm>'
    )
    write(
        tmp_path,
        "SUM",
        f'{x.HEAD}<FBType Name="SUM">{outer_itf}<SimpleFB><InternalVars>'
        '<FB Name="acc" Type="ACC"/></InternalVars>'
        f"{algorithms}</SimpleFB></FBType>",
    )
    res = x.resource_with(("S", x.types_in(tmp_path).get("SUM")))
    res.start()
    for value in (3, 4):
        res.write("S.IN", value)
        await fire(res, "S.REQ")
    assert res.read("S.OUT") == 7
    await fire(res, "S.CLR")
    assert res.read("S.OUT") == 0


async def test_function_declared_without_a_body_sends_its_outputs_unchanged(
    tmp_path: Path,
) -> None:
    itf = x.interface(ei=[("REQ", [])], eo=[("CNF", ["Y"])], do=[("Y", "INT", "5")])
    write(tmp_path, "NOP", f'{x.HEAD}<Function Name="NOP">{itf}</Function>', "fct")
    t = x.types_in(tmp_path).get("NOP")
    assert t.kind == "function"
    res = x.resource_with(("F", t))
    trace = x.Trace(res)
    res.start()
    await fire(res, "F.REQ")
    assert trace.events() == ["F.CNF"] and res.read("F.Y") == 5


def test_function_body_in_another_language_is_refused_by_name(tmp_path: Path) -> None:
    itf = x.interface(ei=[("REQ", [])], eo=[("CNF", [])])
    write(
        tmp_path,
        "JV",
        f'{x.HEAD}<Function Name="JV">{itf}<FunctionBody><Other Language="Java" Text="x"/>'
        "</FunctionBody></Function>",
        "fct",
    )
    with pytest.raises(FourdiacError, match="cannot run \\(only Structured Text\\)"):
        x.types_in(tmp_path).get("JV")
