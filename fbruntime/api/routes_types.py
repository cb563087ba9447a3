"""``/api/types``: list, describe, upload (composite JSON, 4diac XML, Python when enabled), delete.

Python source is refused unless the server was started with ``--allow-python-upload``: loading
Python runs it, so an upload is code execution on the server with the server's rights.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fbruntime.api.bodies import read_limited
from fbruntime.api.context import Reader, Writer
from fbruntime.api.errors import ApiError
from fbruntime.loader import CompositeDefinition

__all__ = ["router"]

router = APIRouter(prefix="/api/types", tags=["types"])


@router.get("")
async def list_types(ctx: Reader, kind: str | None = None) -> Any:
    """Every available type: name, version, description, kind, source, origin, error."""
    entries = await ctx.orchestrator.loader.list_all()
    return [e.as_dict() for e in entries if kind is None or e.kind == kind]


@router.get("/{name}")
async def get_type(ctx: Reader, name: str, version: str | None = None) -> Any:
    """One type with its interface (pins, types, WITH)."""
    loader = ctx.orchestrator.loader
    await loader.refresh()
    entry = loader.entry(name, version)
    fbtype = await loader.load(name, version)
    return {**entry.as_dict(), "interface": fbtype.describe()["interface"]}


@router.post("/composite", status_code=201)
async def upload_composite(
    ctx: Writer, definition: CompositeDefinition, replace: bool = False
) -> Any:
    """Store a composite definition (see fbruntime.loader.composite_json for the format)."""
    entry = await ctx.orchestrator.loader.save_composite(definition, replace=replace)
    return entry.as_dict()


@router.post("/xml", status_code=201)
async def upload_xml(
    ctx: Writer, request: Request, filename: str = "upload.fbt", replace: bool = False
) -> Any:
    """Store a 4diac type file (the request body), read through the safe XML parser."""
    data = await read_limited(request, ctx.settings.max_upload_bytes)
    entry = await ctx.orchestrator.loader.save_xml(data, filename=filename, replace=replace)
    return entry.as_dict()


@router.post("/python", status_code=201)
async def upload_python(ctx: Writer, request: Request, replace: bool = False) -> Any:
    """Store a Python block file (the request body). Off unless --allow-python-upload."""
    if not ctx.settings.allow_python_upload:
        raise ApiError(
            403,
            "refused",
            "Python uploads are switched off: loading Python source runs it on the server; "
            "start the server with --allow-python-upload to accept them",
        )
    data = await read_limited(request, ctx.settings.max_upload_bytes)
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(422, "bad_definition", f"the source is not UTF-8: {exc}") from None
    entry = await ctx.orchestrator.loader.save_python(source, replace=replace)
    return entry.as_dict()


@router.delete("/{name}")
async def delete_type(ctx: Writer, name: str, version: str | None = None) -> JSONResponse:
    removed = await ctx.orchestrator.loader.delete(name, version)
    return JSONResponse({"deleted": removed, "name": name, "version": version})
