"""Settings the runtime keeps across restarts, as JSON values under string keys.

For values the runtime itself decides (the API token's hash, the last deployed device); the
configuration a user writes lives in files and the environment, not here.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.models import JsonValue, SettingRow
from fbruntime.store.repository import Repository


class SettingsRepository(Repository):
    async def get(self, key: str, default: JsonValue = None) -> JsonValue:
        async def query(session: AsyncSession) -> JsonValue:
            row = await session.get(SettingRow, key)
            return default if row is None else row.value

        return await self._read(query)

    async def set(self, key: str, value: JsonValue) -> None:
        now = self._now()

        async def op(session: AsyncSession) -> None:
            row = await session.get(SettingRow, key)
            if row is None:
                session.add(SettingRow(key=key, value=value, updated_at=now))
            else:
                row.value, row.updated_at = value, now

        await self._writer.execute(op)

    async def delete(self, key: str) -> bool:
        async def op(session: AsyncSession) -> bool:
            result = await session.execute(delete(SettingRow).where(SettingRow.key == key))
            return bool(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)

    async def all(self) -> dict[str, JsonValue]:
        async def query(session: AsyncSession) -> dict[str, JsonValue]:
            rows = await session.scalars(select(SettingRow).order_by(SettingRow.key))
            return {row.key: row.value for row in rows}

        return await self._read(query)
