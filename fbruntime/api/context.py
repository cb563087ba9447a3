"""What every route needs: the Orchestrator, the settings, and the token check (dependencies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from fbruntime.api.auth import verify_token
from fbruntime.api.errors import ApiError
from fbruntime.api.settings import ApiSettings
from fbruntime.orchestrator import Orchestrator

__all__ = ["ApiContext", "Reader", "Writer", "context", "read_access", "write_access"]


@dataclass
class ApiContext:
    orchestrator: Orchestrator
    settings: ApiSettings
    token_hash: dict[str, str]


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.fbrt
    return ctx


def _check(request: Request, ctx: ApiContext) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401,
            "unauthorized",
            "this call needs the API token: send 'Authorization: Bearer <token>'",
        )
    if not verify_token(token.strip(), ctx.token_hash):
        raise ApiError(401, "unauthorized", "the API token is wrong")


async def write_access(request: Request) -> ApiContext:
    """Every mutating call needs the token."""
    ctx = context(request)
    _check(request, ctx)
    return ctx


async def read_access(request: Request) -> ApiContext:
    """Reads need the token only when the server is reachable beyond loopback."""
    ctx = context(request)
    if not ctx.settings.loopback:
        _check(request, ctx)
    return ctx


Reader = Annotated[ApiContext, Depends(read_access)]
Writer = Annotated[ApiContext, Depends(write_access)]
