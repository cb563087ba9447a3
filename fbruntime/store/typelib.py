"""Stored types: FB, composite and pipeline types kept as source text, by name and version.

Several versions of a type coexist; asking by name alone gives the newest version. "Newest" compares
versions the way people write them (``1.10`` after ``1.9``, ``1.0rc1`` before ``1.0``), and falls
back to the time of saving when two versions compare equal. The store keeps the source verbatim and
does not parse it: the Loader turns it into a type.
"""

from __future__ import annotations

import builtins
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.errors import Conflict, NotFound
from fbruntime.store.models import TypeRow
from fbruntime.store.repository import Repository


class TypeFormat(StrEnum):
    PYTHON = "python"
    XML = "xml"
    COMPOSITE_JSON = "composite-json"
    PIPELINE_JSON = "pipeline-json"


@dataclass(frozen=True)
class TypeInfo:
    id: int
    name: str
    version: str
    kind: str
    format: TypeFormat
    description: str
    content_hash: str
    created_at: datetime


@dataclass(frozen=True)
class StoredType(TypeInfo):
    source: str


_VERSION_PART = re.compile(r"\d+|[A-Za-z]+")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key for version strings: numbers numerically, a letter tag before the release it tags."""
    parts: list[tuple[int, int, str]] = []
    for token in _VERSION_PART.findall(version):
        if token.isdigit():
            parts.append((2, int(token), ""))
        else:
            parts.append((0, 0, token.lower()))
    parts.append((1, 0, ""))
    return tuple(parts)


def content_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _info(row: TypeRow) -> TypeInfo:
    return TypeInfo(
        row.id,
        row.name,
        row.version,
        row.kind,
        TypeFormat(row.format),
        row.description,
        row.content_hash,
        row.created_at,
    )


def _stored(row: TypeRow) -> StoredType:
    return StoredType(
        row.id,
        row.name,
        row.version,
        row.kind,
        TypeFormat(row.format),
        row.description,
        row.content_hash,
        row.created_at,
        row.source,
    )


def _newest_first(rows: builtins.list[TypeRow]) -> builtins.list[TypeRow]:
    return sorted(rows, key=lambda r: (version_key(r.version), r.created_at, r.id), reverse=True)


class TypeRepository(Repository):
    async def save(
        self,
        name: str,
        version: str,
        source: str,
        *,
        format: TypeFormat | str,
        kind: str,
        description: str = "",
        replace: bool = False,
    ) -> StoredType:
        """Store one version of a type.

        Saving the same source again is a no-op; different source under an existing version is
        refused unless ``replace`` is set, so a deployed version never changes behind its users.
        """
        if not name.strip():
            raise ValueError("a stored type needs a non-empty name")
        if not version.strip():
            raise ValueError(f"type {name!r}: a stored type needs a non-empty version")
        try:
            fmt = TypeFormat(format)
        except ValueError:
            known = ", ".join(f.value for f in TypeFormat)
            raise ValueError(f"type {name!r}: unknown format {format!r} (known: {known})") from None
        digest = content_hash(source)
        now = self._now()

        async def op(session: AsyncSession) -> StoredType:
            row = await session.scalar(
                select(TypeRow).where(TypeRow.name == name, TypeRow.version == version)
            )
            if row is None:
                row = TypeRow(
                    name=name,
                    version=version,
                    kind=kind,
                    format=fmt.value,
                    source=source,
                    description=description,
                    content_hash=digest,
                    created_at=now,
                )
                session.add(row)
                await session.flush()
            elif row.content_hash != digest or row.kind != kind or row.format != fmt.value:
                if not replace:
                    raise Conflict(
                        f"type {name!r} version {version!r} is already stored with different "
                        "content; save it under a new version, or pass replace=True"
                    )
                row.kind, row.format, row.source = kind, fmt.value, source
                row.description, row.content_hash = description, digest
            elif row.description != description:
                row.description = description
            return _stored(row)

        return await self._writer.execute(op)

    async def get(self, name: str, version: str | None = None) -> StoredType | None:
        """The given version, or the newest one when ``version`` is None."""

        async def query(session: AsyncSession) -> StoredType | None:
            statement = select(TypeRow).where(TypeRow.name == name)
            if version is not None:
                row = await session.scalar(statement.where(TypeRow.version == version))
                return None if row is None else _stored(row)
            rows = _newest_first(builtins.list(await session.scalars(statement)))
            return _stored(rows[0]) if rows else None

        return await self._read(query)

    async def require(self, name: str, version: str | None = None) -> StoredType:
        """Like :meth:`get`, but a missing type raises :class:`NotFound` saying what exists."""
        found = await self.get(name, version)
        if found is not None:
            return found
        if version is None:
            raise NotFound(f"type {name!r} is not stored in the database")
        versions = [v.version for v in await self.versions(name)]
        have = f"stored versions: {', '.join(versions)}" if versions else "no version is stored"
        raise NotFound(f"type {name!r} version {version!r} is not stored ({have})")

    async def versions(self, name: str) -> builtins.list[TypeInfo]:
        """Every stored version of ``name``, newest first."""

        async def query(session: AsyncSession) -> builtins.list[TypeInfo]:
            rows = builtins.list(await session.scalars(select(TypeRow).where(TypeRow.name == name)))
            return [_info(row) for row in _newest_first(rows)]

        return await self._read(query)

    async def list(
        self,
        *,
        kind: str | None = None,
        format: TypeFormat | str | None = None,
        newest_only: bool = True,
    ) -> builtins.list[TypeInfo]:
        """Stored types by name (and newest version first), without their source."""

        async def query(session: AsyncSession) -> builtins.list[TypeInfo]:
            statement = select(TypeRow)
            if kind is not None:
                statement = statement.where(TypeRow.kind == kind)
            if format is not None:
                statement = statement.where(TypeRow.format == TypeFormat(format).value)
            by_name: dict[str, builtins.list[TypeRow]] = {}
            for row in await session.scalars(statement):
                by_name.setdefault(row.name, []).append(row)
            result: builtins.list[TypeInfo] = []
            for name in sorted(by_name):
                ordered = _newest_first(by_name[name])
                result.extend(_info(row) for row in (ordered[:1] if newest_only else ordered))
            return result

        return await self._read(query)

    async def delete(self, name: str, version: str | None = None) -> int:
        """Remove one version, or every version when ``version`` is None; returns how many."""

        async def op(session: AsyncSession) -> int:
            statement = delete(TypeRow).where(TypeRow.name == name)
            if version is not None:
                statement = statement.where(TypeRow.version == version)
            result = await session.execute(statement)
            return int(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)
