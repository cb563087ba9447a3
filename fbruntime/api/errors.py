"""Errors as JSON with the right status: ``{"error": kind, "detail": message, ...}``.

404 unknown application, pin or type; 409 wrong state or a name taken; 422 a bad value (with the
literal and the expected type) or a bad definition; 403 a switched-off upload; 413 too large.
Messages are cut to 2,000 characters and echoed literals to 200. Anything unexpected is a bug:
a one-line 500 for the client, the traceback in the server's log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fbruntime.iec.limits import shorten
from fbruntime.loader import LoaderError, TypeNotFound, UploadRefused
from fbruntime.orchestrator import (
    AppExists,
    AppFailed,
    AppNotFound,
    BadDefinition,
    BadValue,
    PinNotFound,
    Unsupported,
    WrongState,
)
from fbruntime.store import Conflict, NotFound

__all__ = ["ApiError", "install_error_handlers"]

_log = logging.getLogger("fbruntime.api")


class ApiError(Exception):
    def __init__(self, status: int, kind: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.extra = status, kind, detail, extra


_STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (AppNotFound, 404, "not_found"),
    (PinNotFound, 404, "not_found"),
    (TypeNotFound, 404, "not_found"),
    (NotFound, 404, "not_found"),
    (WrongState, 409, "wrong_state"),
    (AppExists, 409, "conflict"),
    (Conflict, 409, "conflict"),
    (UploadRefused, 403, "refused"),
    (BadValue, 422, "bad_value"),
    (BadDefinition, 422, "bad_definition"),
    (LoaderError, 422, "bad_definition"),
    (Unsupported, 501, "unsupported"),
    (AppFailed, 500, "app_failed"),
)


_DETAIL_LIMIT = 2_000


def _body(status: int, kind: str, detail: str, **extra: Any) -> JSONResponse:
    # Messages name the bad value; a client that sent megabytes does not get them back.
    if len(detail) > _DETAIL_LIMIT:
        detail = f"{detail[:_DETAIL_LIMIT]}... ({len(detail):,} characters)"
    return JSONResponse({"error": kind, "detail": detail, **extra}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _body(exc.status, exc.kind, exc.detail, **exc.extra)

    async def known(request: Request, exc: Exception) -> JSONResponse:
        for cls, status, kind in _STATUS:
            if isinstance(exc, cls):
                extra: dict[str, Any] = {}
                detail = str(exc)
                if isinstance(exc, BadValue):
                    literal = exc.literal
                    if len(repr(literal)) > 220:
                        literal = shorten(literal, 200)
                        detail = (
                            f"{exc.path}: {literal} is not a valid {exc.expected}: "
                            f"{exc.reason[:1_000]}"
                        )
                    extra = {"path": exc.path, "literal": literal, "expected": exc.expected}
                return _body(status, kind, detail, **extra)
        return await unexpected(request, exc)

    async def too_deep(request: Request, exc: Exception) -> JSONResponse:
        return _body(422, "too_deep", "the request is nested too deeply to be read")

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug, not bad input: one line for the client, the traceback in the server's log.
        _log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return _body(500, "internal", f"{type(exc).__name__}: {exc}")

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        return _body(422, "validation", problems)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return _body(exc.status_code, "http", str(exc.detail))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for cls, _, _ in _STATUS:
        app.add_exception_handler(cls, known)
    app.add_exception_handler(RecursionError, too_deep)
    app.add_exception_handler(Exception, unexpected)
