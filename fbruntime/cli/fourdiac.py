"""``fbrt types [DIR...]``: list the block types of some folders, each with what is wrong with it.

Python blocks and JSON composites (through the Loader, as ``fbrt serve --folder`` would load them)
and 4diac XML types. Every FB type is also built (ST compiled, ECC generated, templates
resolved), so a listing shows the problems a run would hit. Without a folder it lists the types
fbrt has built in (FORTE's standard library, ``fbruntime.builtin``); the shipped Python and JSON
blocks are the folders ``blocks`` and ``composites``. ``--json`` prints one JSON document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from fbruntime.builtin import EXCLUDED, BuiltinLibrary, builtin_types, forte_type_names
from fbruntime.cli._fail import fail
from fbruntime.fourdiac.build import FourdiacTypes
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.library import FB_TAGS


def list_builtin_types() -> list[dict[str, Any]]:
    """One row per type fbrt has built in (FORTE's names), each built to show it works."""
    catalog = builtin_types()
    rows = []
    for name in forte_type_names():
        row: dict[str, Any] = {"name": name, "qualified_name": name, "version": "", "kind": ""}
        row.update(description=EXCLUDED.get(name, ""), file="fbrt-builtin", problems=[])
        if name not in EXCLUDED:
            try:
                built = catalog.get(name)
            except Exception as exc:  # a broken built-in is listed, not fatal
                row["problems"] = [f"{name}: {type(exc).__name__}: {exc}"]
            else:
                if built is not None:
                    row.update(version=built.version, kind=built.kind)
                    row["description"] = built.description
        rows.append(row)
    return rows


def list_native(dirs: list[Path]) -> list[dict[str, Any]]:
    """Python blocks and JSON composites: one row per type (or per file that fails to load)."""
    from fbruntime.loader import Loader

    loader = Loader(dirs)  # the shipped library too: templates in the folders may name it
    wanted = [d.resolve() for d in dirs]
    rows = []
    for entry in loader.list():
        origin = Path(entry.origin).resolve()
        if entry.format == "xml" or not any(origin.is_relative_to(d) for d in wanted):
            continue
        rows.append(
            {
                "name": entry.name,
                "qualified_name": entry.name,
                "version": entry.version,
                "description": entry.description,
                "kind": entry.kind,
                "file": entry.origin,
                "problems": [entry.error] if entry.error else [],
            }
        )
    return rows


def list_types(dirs: list[Path]) -> list[dict[str, Any]]:
    """One row per file: name, qualified name, version, description, kind, file, problems."""
    if not dirs:
        return list_builtin_types()
    rows = list_native(dirs)
    types = FourdiacTypes(dirs, prefer_xml=True, native=BuiltinLibrary())
    for info in types.library.list_types():
        problems = [str(p) for p in info.problems]
        kind = info.kind.value if info.kind is not None else ""
        entry = types.library.resolve(info.qualified_name, tags=FB_TAGS)
        if entry is not None and entry.file == info.file and not problems:
            try:
                built = types.build_entry(entry)
                kind = built.kind
            except FourdiacError as exc:
                if types.native_of(info.name) is not None:
                    kind = f"{kind} (native)"
                else:
                    problems.append(str(exc))
        rows.append(
            {
                "name": info.name,
                "qualified_name": info.qualified_name,
                "version": info.version,
                "description": info.description,
                "kind": kind,
                "file": info.file,
                "problems": problems,
            }
        )
    return rows


def register(app: typer.Typer) -> None:
    @app.command("types")
    def types_command(
        dirs: Annotated[
            list[Path] | None,
            typer.Argument(
                help="folders of Python blocks, JSON composites and 4diac types; "
                "none: the built-in types"
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """List block types (Python, JSON, 4diac XML): name, version, kind, description, problems."""
        for folder in dirs or []:
            if not folder.exists():
                fail(f"{folder}: no such file or folder")
        rows = list_types(dirs or [])
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
        else:
            for row in rows:
                flag = "!" if row["problems"] else " "
                typer.echo(
                    f"{flag} {row['name']:<28} {row['version']:<8} {row['kind']:<12} "
                    f"{row['description']}"
                )
                for problem in row["problems"]:
                    typer.echo(f"    {problem}")
        if any(row["problems"] for row in rows):
            raise typer.Exit(1)
