"""Conformance: each built-in type's interface against the IDE's type library, where it has one.

Run as ``python tests/conformance/builtin_interfaces.py /work/shared/corpus``. For every type
fbrt has built in (FORTE's list, ``fbruntime.builtin``) whose name the IDE's 1.0.0 library
defines in a ``.fbt``/``.fct``/``.adp``, the file is read with fbrt's own reader and compared
pin by pin: event inputs and outputs with their WITH lists and event types, data inputs and
outputs with their types, plugs and sockets. A Function's unnamed return output counts as fbrt's
``OUT``. Every difference must be one of EXPECTED_DIFFERENCES, where FORTE (whose interface the
built-in has) and the IDE's file disagree; anything else exits 1. Prints one summary line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fbruntime import iec
from fbruntime.builtin import EXCLUDED, builtin_types, forte_type_names
from fbruntime.core.interface import Interface
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.model import AdapterType
from fbruntime.fourdiac.model import Interface as XmlInterface
from fbruntime.fourdiac.reader import read_file

IDE_LIBRARY = "4diac-ide/data/typelibrary"

EXPECTED_DIFFERENCES: dict[str, str] = {}
"""``"<type>: <what differs>"`` -> why FORTE's interface (the built-in's) is kept."""

Signature = dict[str, list[tuple[str, ...]]]


def built_signature(itf: Interface) -> Signature:
    return {
        "event inputs": [(e.name, ",".join(e.with_), e.type_name) for e in itf.event_inputs],
        "event outputs": [(e.name, ",".join(e.with_), e.type_name) for e in itf.event_outputs],
        "data inputs": [(d.name, d.type.name) for d in (*itf.data_inputs, *itf.inouts)],
        "data outputs": [(d.name, d.type.name) for d in itf.data_outputs],
        "sockets": [(a.name, a.type_name) for a in itf.sockets],
        "plugs": [(a.name, a.type_name) for a in itf.plugs],
    }


def _plain(type_name: str) -> str:
    return type_name.rsplit("::", 1)[-1]


def xml_signature(itf: XmlInterface) -> Signature:
    def ret(name: str) -> str:
        return name or "OUT"  # a Function's unnamed return value

    def events(evs: tuple) -> list[tuple[str, ...]]:  # type: ignore[type-arg]
        return [
            (e.name, ",".join(ret(v) for v in e.with_vars), _plain(e.type_name or "Event"))
            for e in evs
        ]

    return {
        "event inputs": events(itf.event_inputs),
        "event outputs": events(itf.event_outputs),
        "data inputs": [(v.name, _type(v)) for v in (*itf.inputs, *itf.in_outs)],
        "data outputs": [(ret(v.name), _type(v)) for v in itf.outputs],
        "sockets": [(a.name, _plain(a.type_name)) for a in itf.sockets],
        "plugs": [(a.name, _plain(a.type_name)) for a in itf.plugs],
    }


def _type(var: object) -> str:
    name = _plain(getattr(var, "type_name", ""))
    elementary = iec.find_elementary(name)
    if elementary is not None:
        name = elementary.name  # DT is DATE_AND_TIME
    size = getattr(var, "array_size", "") or ""
    return f"ARRAY [{size}] OF {name}" if size else name


def library_files(corpus: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((corpus / IDE_LIBRARY).rglob("*")):
        if path.suffix.lower() in (".fbt", ".fct", ".adp"):
            found.setdefault(path.stem, path)
    return found


def differences(name: str, built: Signature, xml: Signature) -> list[str]:
    found = []
    for part in built:
        if built[part] != xml[part]:
            found.append(f"{name}: {part}: fbrt {built[part]} / IDE {xml[part]}")
    return found


def main(corpus: Path) -> int:
    files = library_files(corpus)
    catalog = builtin_types()
    compared = 0
    unexpected: list[str] = []
    seen_expected: set[str] = set()
    for name in forte_type_names():
        plain = name.rsplit("__", 1)[-1]
        path = files.get(plain)
        if path is None or name in EXCLUDED:
            continue
        try:
            model = read_file(path)
        except FourdiacError as exc:
            unexpected.append(f"{path}: cannot be read: {exc}")
            continue
        built = catalog.get(name)
        if built is None:
            unexpected.append(f"{name}: not built")
            continue
        compared += 1
        for diff in differences(
            name, built_signature(built.interface), xml_signature(model.interface)
        ):
            key = diff.split(": fbrt ")[0]
            if key in EXPECTED_DIFFERENCES:
                seen_expected.add(key)
            else:
                unexpected.append(diff)
    for name in ("ATimeOut", "ARTimeOut"):
        path = files.get(name)
        model = read_file(path) if path is not None else None
        built_model = catalog.adapter(name)
        if isinstance(model, AdapterType) and built_model is not None:
            compared += 1
            for diff in differences(
                name, xml_signature(built_model.interface), xml_signature(model.interface)
            ):
                unexpected.append(diff)
    for line in unexpected:
        print(line)
    stale = set(EXPECTED_DIFFERENCES) - seen_expected
    for key in sorted(stale):
        print(f"expected difference no longer seen: {key}")
    print(
        f"builtin interfaces: {compared} compared with the IDE library, "
        f"{len(seen_expected)} expected differences, {len(unexpected)} unexpected"
    )
    return 1 if unexpected or stale else 0


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
    sys.exit(main(root))
