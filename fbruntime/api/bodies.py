"""Request bodies (pydantic), and reading raw uploads within the size limit."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from fbruntime.api.errors import ApiError

__all__ = ["CreateApp", "WriteValue", "read_limited"]


class CreateApp(BaseModel):
    """Create an application from a type name (``type``) or an inline ``composite`` definition."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    type: str | None = None
    version: str | None = None
    composite: dict[str, Any] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    start: bool = False


class WriteValue(BaseModel):
    """A value: JSON (``42``, ``true``) or IEC literal text (``"T#100ms"``, ``"16#FF"``)."""

    model_config = ConfigDict(extra="forbid")

    value: Any


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, refusing (413) as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the upload is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"the upload is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
