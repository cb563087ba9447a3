"""A fast path for the two calls clients make in tight loops: reading a value and firing an event.

Routing, dependency injection and response validation cost FastAPI about as much as the HTTP
parsing itself, so these two are answered here, in a plain ASGI middleware, when everything is
in order. Anything unusual (an error, a missing or wrong token, a body) falls through to the
FastAPI route, which does the same thing again and renders the error the one documented way; so
the fast path never changes what a client sees, only how quickly it sees it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from fbruntime.api.auth import verify_token
from fbruntime.api.context import ApiContext
from fbruntime.orchestrator import OrchestratorError

__all__ = ["FastPath"]

_PREFIX = "/api/apps/"
_JSON = [(b"content-type", b"application/json")]


class FastPath:
    def __init__(self, app: ASGIApp, ctx: ApiContext) -> None:
        self.app = app
        self.ctx = ctx
        self._good_token: bytes | None = None

    def _authorised(self, scope: Scope) -> bool:
        for key, value in scope["headers"]:
            if key == b"authorization":
                if value == self._good_token:
                    return True
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and verify_token(token.strip(), self.ctx.token_hash):
                    self._good_token = value
                    return True
                return False
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(_PREFIX):
            answer = self._answer(scope)
            if answer is not None:
                status, body = answer
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [*_JSON, (b"content-length", str(len(body)).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _answer(self, scope: Scope) -> tuple[int, bytes] | None:
        name, sep, rest = scope["path"][len(_PREFIX) :].partition("/")
        if not sep:
            return None
        kind, sep, pin = rest.partition("/")
        if not sep or not pin:
            return None
        method = scope["method"]
        try:
            if kind == "values" and method == "GET":
                if not self.ctx.settings.loopback and not self._authorised(scope):
                    return None
                value: Any = self.ctx.orchestrator.read(name, pin).as_dict()
                return 200, json.dumps(value).encode()
            if kind == "events" and method == "POST":
                if not self._authorised(scope) or _has_body(scope):
                    return None
                self.ctx.orchestrator.fire(name, pin)
                return 202, json.dumps({"fired": pin}).encode()
        except OrchestratorError:
            return None
        return None


def _has_body(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"content-length" and value not in (b"0", b""):
            return True
        if key == b"transfer-encoding":
            return True
    return False
