"""Compile every ST algorithm, transition guard and function found in the shared corpus.

Informational: the corpus has files that use features outside fbrt (vendor functions, types that
are not in the corpus). The test prints the compile rate, the time and the failures, and fails
only if the rate drops below a floor, so a regression in the compiler still shows.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from fbruntime import iec
from fbruntime.st import (
    CallableInterface,
    CompiledFunction,
    STError,
    STScope,
    VarInfo,
    compile_algorithms,
    compile_condition,
    compile_function,
)

CORPUS = Path("/work/shared/corpus")
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _files(*exts: str) -> list[Path]:
    out = []
    for d, _, names in os.walk(CORPUS):
        out.extend(Path(d) / f for f in names if f.lower().endswith(exts))
    return sorted(out)


def _type(decl: Any, structs: dict[str, iec.StructType]) -> iec.IecType:
    name = decl.get("Type").split("::")[-1]
    t = iec.lookup_type(name, structs=structs)
    size = decl.get("ArraySize")
    if size:
        lo, hi = iec.parse_array_size(size)
        t = iec.ArrayType(t, lo, hi)
    return t


def _interface(path: Path, structs: dict[str, iec.StructType]) -> CallableInterface | None:
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except etree.XMLSyntaxError:
        return None
    il = root.find("InterfaceList")
    if il is None:
        return None

    def pins(tag: str) -> dict[str, iec.IecType]:
        out: dict[str, iec.IecType] = {}
        for d in il.findall(f"{tag}/VarDeclaration"):
            try:
                out[d.get("Name")] = _type(d, structs)
            except iec.IecError:
                out[d.get("Name")] = iec.elementary("LREAL")
        return out

    return CallableInterface(
        event_inputs=tuple(e.get("Name") for e in il.findall("EventInputs/Event")),
        inputs={**pins("InputVars"), **pins("InOutVars")},
        outputs=pins("OutputVars"),
        event_outputs=tuple(e.get("Name") for e in il.findall("EventOutputs/Event")),
    )


def _library() -> tuple[dict[str, Path], dict[str, iec.StructType], dict[str, Any]]:
    by_name: dict[str, Path] = {}
    for p in _files(".fbt", ".adp"):
        by_name.setdefault(p.stem.upper(), p)
    structs: dict[str, iec.StructType] = {}
    for p in _files(".dtp"):
        try:
            root = etree.parse(str(p), _PARSER).getroot()
            members = []
            for d in root.iter("VarDeclaration"):
                members.append((d.get("Name"), _type(d, structs), None))
            structs[root.get("Name")] = iec.StructType(root.get("Name"), tuple(members))
        except Exception:
            continue
    constants: dict[str, Any] = {}
    for p in _files(".gcf"):
        root = etree.parse(str(p), _PARSER).getroot()
        for d in root.iter("VarDeclaration"):
            try:
                t = _type(d, structs)
                value = iec.parse_literal(d.get("InitialValue") or "", t)[1]
            except Exception:
                continue
            constants[d.get("Name")] = (t, value)
    return by_name, structs, constants


def _scope(root: Any, lib: Any, functions: dict[str, CompiledFunction]) -> STScope:
    by_name, structs, constants = lib
    variables: dict[str, VarInfo] = {}
    kinds = {
        "InterfaceList/InputVars": "input",
        "InterfaceList/OutputVars": "output",
        "InterfaceList/InOutVars": "inout",
        "*/InternalVars": "internal",
        "*/InternalConstVars": "constant",
    }
    for path, kind in kinds.items():
        for d in root.findall(f"{path}/VarDeclaration"):
            try:
                t = _type(d, structs)
            except iec.IecError:
                continue
            variables[d.get("Name")] = VarInfo(d.get("Name"), t, kind)  # type: ignore[arg-type]
    instances: dict[str, CallableInterface] = {}
    for fb in root.findall("*/InternalVars/FB"):
        p = by_name.get(fb.get("Type").split("::")[-1].upper())
        iface = _interface(p, structs) if p else None
        if iface is not None:
            instances[fb.get("Name")] = iface
    adapters: dict[str, CallableInterface] = {}
    for ad in root.findall("InterfaceList/Sockets/AdapterDeclaration") + root.findall(
        "InterfaceList/Plugs/AdapterDeclaration"
    ):
        p = by_name.get(ad.get("Type").split("::")[-1].upper())
        iface = _interface(p, structs) if p else None
        if iface is not None:
            if ad.getparent().tag == "Sockets":  # a socket sees the adapter's pins mirrored
                iface = CallableInterface(
                    iface.event_outputs, iface.outputs, iface.inputs, iface.event_inputs
                )
            adapters[ad.get("Name")] = iface
    return STScope(variables, instances, adapters, functions, constants, structs)


def _guard(cond: str) -> str | None:
    """The guard part of a 4diac transition condition, or None for event-only ones."""
    cond = cond.strip()
    m = re.match(r"^[\w.]*\[(.*)\]$", cond, re.S)
    if m:
        return m.group(1)
    if re.fullmatch(r"[A-Za-z_]\w*(\.\w+)?", cond) and cond not in ("TRUE", "FALSE"):
        return None
    if "&" in cond and re.match(r"^[A-Za-z_]\w*\s*&", cond):
        return cond.split("&", 1)[1]
    return cond


def test_corpus_st_compiles() -> None:
    lib = _library()
    functions: dict[str, CompiledFunction] = {}
    failures: list[str] = []
    total = 0
    started = time.perf_counter()
    for p in _files(".fct"):
        root = etree.parse(str(p), _PARSER).getroot()
        for st in root.iter("ST"):
            total += 1
            try:
                scope = STScope({}, constants=lib[2], structs=lib[1], functions=functions)
                f = compile_function(st.get("Text") or st.text or "", origin=str(p), scope=scope)
                functions[f.name] = f
            except (STError, iec.IecError) as exc:
                failures.append(str(exc))
    for p in _files(".fbt"):
        try:
            root = etree.parse(str(p), _PARSER).getroot()
        except etree.XMLSyntaxError:
            continue
        algorithms = {
            a.get("Name"): (a.find("ST").get("Text") or a.find("ST").text or "")
            for a in root.iter("Algorithm")
            if a.find("ST") is not None
        }
        guards = [g for t in root.iter("ECTransition") if (g := _guard(t.get("Condition") or ""))]
        if not algorithms and not guards:
            continue
        scope = _scope(root, lib, functions)
        total += len(algorithms)
        try:
            compile_algorithms(root.get("Name"), algorithms, scope, origin=str(p))
        except (STError, iec.IecError) as exc:
            failures.append(str(exc))
        for g in guards:
            total += 1
            try:
                compile_condition(g, scope, origin=str(p))
            except (STError, iec.IecError) as exc:
                failures.append(f"{exc} [guard {g!r}]")
    elapsed = time.perf_counter() - started
    print(f"\nST corpus: {total - len(failures)}/{total} compiled in {elapsed:.2f}s")
    for f in failures:
        print("  ", f.replace(str(CORPUS) + "/", ""))
    assert total > 500
    assert len(failures) <= total * 0.05
