"""Small 4diac XML documents written by the tests (both file generations), and a runner.

Imported by the tests as ``xmlfix``; nothing here comes from a real project.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fbruntime.core import Resource, TestClock
from fbruntime.fourdiac.build import FourdiacTypes

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def events(tag: str, items: Sequence[tuple[str, Sequence[str]]]) -> str:
    body = "".join(
        f'<Event Name="{name}" Type="Event">'
        + "".join(f'<With Var="{v}"/>' for v in withs)
        + "</Event>"
        for name, withs in items
    )
    return f"<{tag}>{body}</{tag}>"


def vars_(tag: str, items: Sequence[tuple[str, str] | tuple[str, str, str]]) -> str:
    body = ""
    for item in items:
        init = f' InitialValue="{item[2]}"' if len(item) > 2 else ""
        body += f'<VarDeclaration Name="{item[0]}" Type="{item[1]}"{init}/>'
    return f"<{tag}>{body}</{tag}>"


def interface(
    ei: Sequence[tuple[str, Sequence[str]]] = (),
    eo: Sequence[tuple[str, Sequence[str]]] = (),
    di: Sequence[Any] = (),
    do: Sequence[Any] = (),
    inout: Sequence[Any] = (),
    sockets: Sequence[tuple[str, str]] = (),
    plugs: Sequence[tuple[str, str]] = (),
) -> str:
    adapters = ""
    if sockets:
        adapters += (
            "<Sockets>"
            + "".join(f'<AdapterDeclaration Name="{n}" Type="{t}"/>' for n, t in sockets)
            + "</Sockets>"
        )
    if plugs:
        adapters += (
            "<Plugs>"
            + "".join(f'<AdapterDeclaration Name="{n}" Type="{t}"/>' for n, t in plugs)
            + "</Plugs>"
        )
    return (
        "<InterfaceList>"
        + events("EventInputs", ei)
        + events("EventOutputs", eo)
        + vars_("InputVars", di)
        + vars_("OutputVars", do)
        + (vars_("InOutVars", inout) if inout else "")
        + adapters
        + "</InterfaceList>"
    )


def basic(
    name: str,
    itf: str,
    states: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    transitions: Sequence[tuple[str, str, str]],
    algorithms: dict[str, str],
    *,
    internals: Sequence[Any] = (),
    internal_fbs: Sequence[tuple[str, str]] = (),
    old: bool = False,
) -> str:
    """``old``: 1st generation (DOCTYPE, ST in Text=); else 3.x (CDATA with ALGORITHM)."""
    ecc = "<ECC>"
    for state, actions in states:
        ecc += f'<ECState Name="{state}">'
        for alg, out in actions:
            a = f' Algorithm="{alg}"' if alg else ""
            o = f' Output="{out}"' if out else ""
            ecc += f"<ECAction{a}{o}/>"
        ecc += "</ECState>"
    for src, dst, cond in transitions:
        cond = cond.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        ecc += f'<ECTransition Source="{src}" Destination="{dst}" Condition="{cond}"/>'
    ecc += "</ECC>"
    algs = ""
    for alg, text in algorithms.items():
        if old:
            escaped = (
                text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace('"', "&quot;")
                .replace("\n", "&#10;")
            )
            algs += f'<Algorithm Name="{alg}"><ST Text="{escaped}"/></Algorithm>'
        else:
            algs += (
                f'<Algorithm Name="{alg}"><ST><![CDATA[ALGORITHM {alg}\n{text}\n'
                "END_ALGORITHM]]></ST></Algorithm>"
            )
    internal = ""
    if internals or internal_fbs:
        internal = "<InternalVars>" + vars_("X", internals)[3:-4]
        internal += "".join(f'<FB Name="{n}" Type="{t}"/>' for n, t in internal_fbs)
        internal += "</InternalVars>"
    doctype = (
        '<!DOCTYPE FBType SYSTEM "http://www.holobloc.com/xml/LibraryElement.dtd">\n' if old else ""
    )
    return (
        f'{HEAD}{doctype}<FBType Name="{name}" Comment="test type">'
        '<VersionInfo Version="1.0" Author="t" Date="2024-01-01"/>'
        f"{itf}<BasicFB>{internal}{ecc}{algs}</BasicFB></FBType>"
    )


def simple(name: str, itf: str, algorithms: dict[str, str]) -> str:
    algs = "".join(
        f'<Algorithm Name="{a}"><ST><![CDATA[{t}]]></ST></Algorithm>' for a, t in algorithms.items()
    )
    return f'{HEAD}<FBType Name="{name}">{itf}<SimpleFB>{algs}</SimpleFB></FBType>'


def service(name: str, itf: str, generic_class: str = "") -> str:
    attr = (
        f'<Attribute Name="eclipse4diac::core::GenericClassName" Type="STRING" '
        f"Value=\"'{generic_class}'\"/>"
        if generic_class
        else ""
    )
    return f'{HEAD}<FBType Name="{name}">{itf}{attr}</FBType>'


def adapter(name: str, itf: str) -> str:
    return f'{HEAD}<AdapterType Name="{name}">{itf}</AdapterType>'


def network(
    fbs: Sequence[tuple[str, str, dict[str, str]]],
    events: Sequence[tuple[str, str]] = (),
    data: Sequence[tuple[str, str]] = (),
    adapters: Sequence[tuple[str, str]] = (),
    tag: str = "FBNetwork",
) -> str:
    body = ""
    for name, type_name, params in fbs:
        body += f'<FB Name="{name}" Type="{type_name}">'
        body += "".join(
            f'<Parameter Name="{k}" Value="{v.replace(chr(39), "&apos;")}"/>'
            for k, v in params.items()
        )
        body += "</FB>"
    for group, items in (
        ("EventConnections", events),
        ("DataConnections", data),
        ("AdapterConnections", adapters),
    ):
        if items:
            body += (
                f"<{group}>"
                + "".join(f'<Connection Source="{s}" Destination="{d}"/>' for s, d in items)
                + f"</{group}>"
            )
    return f"<{tag}>{body}</{tag}>"


def composite(name: str, itf: str, net: str) -> str:
    return f'{HEAD}<FBType Name="{name}">{itf}{net}</FBType>'


def system(name: str, app_network: str, extra: str = "") -> str:
    return (
        f'{HEAD}<System Name="{name}"><Application Name="App">'
        f"{app_network.replace('<FBNetwork>', '<SubAppNetwork>').replace('</FBNetwork>', '</SubAppNetwork>')}"
        f"</Application>{extra}</System>"
    )


def types_in(folder: Path, *, prefer_xml: bool = True) -> FourdiacTypes:
    return FourdiacTypes([folder], prefer_xml=prefer_xml, native={})


def resource_with(*instances: tuple[str, Any], clock: TestClock | None = None) -> Resource:
    res = Resource("RES", clock=clock or TestClock())
    for name, t in instances:
        res.add(name, t)
    return res


class Trace:
    """Collects (block, event, values) of every event a resource sends."""

    def __init__(self, res: Resource) -> None:
        self.items: list[tuple[str, str, dict[str, Any]]] = []
        res.add_tracer(lambda e: self.items.append((e.path, e.event, dict(e.values))))

    def events(self) -> list[str]:
        return [f"{p}.{e}" for p, e, _ in self.items]
