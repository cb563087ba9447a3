"""4diac interface files (.fbt) for operations, so the 4diac IDE can draw pipelines.

``fbrt pipeline fbt --out DIR`` writes one file per operation: a function block type with the
operation's params as data inputs (their IEC types, defaults as initial values), its result pins
as data outputs, and one event pair: ``REQ`` (WITH every input) starts it, ``CNF`` (WITH every
output) says it finished. The file has no body (a service interface FB: the runtime provides
the behaviour) and names its operation in an attribute, ``fbrt::operation``, which
:mod:`.fourdiac_import` reads back. Put the files in the 4diac project's type library, draw an
application with them, save, and ``fbrt pipeline import App.sys``.

The type name is the operation name with every character that 4diac does not allow in a name
replaced by ``_`` (``http.get_json`` -> ``http_get_json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import quoteattr

from fbruntime.core import FBType

from .operation import OperationRegistry

__all__ = ["OPERATION_ATTRIBUTE", "fbt_text", "type_name", "write_fbt_files"]

OPERATION_ATTRIBUTE = "fbrt::operation"
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_]")


def type_name(operation: str) -> str:
    """The 4diac type name of an operation: ``http.get_json`` -> ``http_get_json``."""
    name = _NOT_IN_NAME.sub("_", operation)
    return name if name[:1].isalpha() else "op_" + name


def _attr(value: str) -> str:
    return quoteattr(value, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _initial(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("$", "$$").replace("'", "$'") + "'"
    return None


def fbt_text(operation: str, fbtype: FBType, description: str = "") -> str:
    """The .fbt file of one operation (see the module docstring)."""
    interface = fbtype.interface
    inputs = interface.data_inputs
    outputs = interface.data_outputs
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<FBType Name={_attr(type_name(operation))} Comment={_attr(description)}>",
        f'\t<Identification Standard="61499-2" Function={_attr("fbrt pipeline operation " + operation)}/>',
        f'\t<VersionInfo Organization="fbrt" Version={_attr(fbtype.version or "1.0")} '
        'Author="fbrt pipeline fbt" Remarks="generated from the operation; regenerate, do not edit"/>',
        "\t<InterfaceList>",
        "\t\t<EventInputs>",
        '\t\t\t<Event Name="REQ" Type="Event" Comment="run the operation">',
        *(f"\t\t\t\t<With Var={_attr(port.name)}/>" for port in inputs),
        "\t\t\t</Event>",
        "\t\t</EventInputs>",
        "\t\t<EventOutputs>",
        '\t\t\t<Event Name="CNF" Type="Event" Comment="the operation finished">',
        *(f"\t\t\t\t<With Var={_attr(port.name)}/>" for port in outputs),
        "\t\t\t</Event>",
        "\t\t</EventOutputs>",
    ]
    for tag, ports in (("InputVars", inputs), ("OutputVars", outputs)):
        if not ports:
            continue
        lines.append(f"\t\t<{tag}>")
        for port in ports:
            initial = _initial(port.initial) if tag == "InputVars" else None
            extra = f" InitialValue={_attr(initial)}" if initial is not None else ""
            lines.append(
                f"\t\t\t<VarDeclaration Name={_attr(port.name)} Type={_attr(port.type.name)}"
                f"{extra} Comment={_attr(port.comment or '')}/>"
            )
        lines.append(f"\t\t</{tag}>")
    lines += [
        "\t</InterfaceList>",
        f'\t<Attribute Name="{OPERATION_ATTRIBUTE}" Type="STRING" Value={_attr(operation)}/>',
        "</FBType>",
        "",
    ]
    return "\n".join(lines)


def write_fbt_files(
    registry: OperationRegistry, folder: Path, names: Iterable[str] | None = None
) -> list[Path]:
    """Write the .fbt file of each operation (all, or ``names``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in sorted(names if names is not None else registry):
        spec = registry[name]
        path = folder / f"{type_name(name)}.fbt"
        path.write_text(fbt_text(name, registry.fbtype(name), spec.description), encoding="utf-8")
        written.append(path)
    return written
