"""Forcing pins (``/api/apps/{name}/forces``) and checking a token (``GET /api/auth/check``).

A force is the management protocol's ``force="true"`` (FORTE's forced value): the pin keeps the
value whatever its connection or its block writes, until it is released. Forces are debugging,
so, as in FORTE, they are not stored and do not survive a restart of the server. A forced
output is mirrored into its connection at once, as the management protocol does.

``GET /api/auth/check`` costs one hash and answers 204 for a good token, 401 otherwise: the page
checks a token when it is entered, not when the first action fails.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from fbruntime.api.bodies import WriteValue
from fbruntime.api.context import Reader, Writer
from fbruntime.core import FBInstance, Resource
from fbruntime.orchestrator import Application, PinNotFound
from fbruntime.orchestrator.values import pin_value, typed_value

__all__ = ["auth_router", "connected_source", "forces_router"]

auth_router = APIRouter(prefix="/api/auth", tags=["auth"])
forces_router = APIRouter(prefix="/api/apps", tags=["apps"])


@auth_router.get("/check", status_code=204, response_class=Response)
async def check_token(ctx: Writer) -> Response:
    """204 when the bearer token is right (401, saying why, when it is missing or wrong)."""
    return Response(status_code=204)


def _data_pin(app: Application, path: str) -> tuple[Resource, FBInstance, str, Any]:
    res, inst, pin = app.resolve(path)
    port = inst.rt__type.interface.data_port(pin) if pin else None
    if pin is None or port is None:
        raise PinNotFound(f"application {app.name!r}: {path!r} is not a data pin")
    return res, inst, pin, port


def connected_source(inst: FBInstance, pin: str) -> str | None:
    """``FB.OUT`` (or the composite's own pin) feeding data input ``pin``, if one does."""
    parent = inst.rt__parent
    net = getattr(parent, "rt__network", None)
    if net is None and inst.rt__resource is not None:
        net = inst.rt__resource.network
    conn = net.data_source(inst, pin) if net is not None else None
    if conn is None:
        return None
    return conn.src_pin if conn.src_fb is None else f"{conn.src_fb.rt__name}.{conn.src_pin}"


def _forces(app: Application) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if app.device is None:
        return out
    for res in app.device.resources.values():
        for inst in res.network.walk():
            for pin in inst.rt__forced:
                port = inst.rt__type.interface.data_port(pin)
                if port is None:
                    continue
                rel = _app_path(app, res, f"{inst.rt__path()}.{pin}")
                out.append(pin_value(rel, port.type, getattr(inst, pin)).as_dict())
    return out


def _app_path(app: Application, res: Resource, path: str) -> str:
    return app.pin_name(res, path)  # the pin's one name (fbruntime.core.device)


@forces_router.get("/{name}/forces")
async def list_forces(ctx: Reader, name: str) -> Any:
    """Every forced pin of the application with the value it is held at."""
    return _forces(ctx.orchestrator.app(name))


@forces_router.put("/{name}/forces/{path:path}")
async def force_pin(ctx: Writer, name: str, path: str, body: WriteValue) -> JSONResponse:
    """Hold a data pin at a value until it is released (not stored: debugging, as in FORTE)."""
    app = ctx.orchestrator.app(name)
    res, inst, pin, port = _data_pin(app, path)
    value = typed_value(path, port.type, body.value)
    res.force(f"{inst.rt__path()}.{pin}", value)
    buffer = inst.rt__buffers.get(pin)
    if buffer is not None:
        buffer.v = value  # a forced output reaches its connection at once, as FORTE
    return JSONResponse({**pin_value(path, port.type, value).as_dict(), "forced": True})


@forces_router.delete("/{name}/forces/{path:path}")
async def release_pin(ctx: Writer, name: str, path: str) -> JSONResponse:
    """Release a forced pin: connections and the block write it again."""
    app = ctx.orchestrator.app(name)
    res, inst, pin, port = _data_pin(app, path)
    res.unforce(f"{inst.rt__path()}.{pin}")
    return JSONResponse(
        {**pin_value(path, port.type, getattr(inst, pin)).as_dict(), "forced": False}
    )
