"""Who has talked to a Telegram bot: @username -> private chat id, per bot.

The Bot API sends a message to a user only by their numeric chat id; an ``@name`` works for
channels alone. A bot learns a user's chat id when the user writes to it, so the bot records
each sender here and ``telegram.send_message`` looks ``@alice`` up. Usernames are kept in lower
case (Telegram treats them case-insensitively); ``bot_id`` is the number before the colon of the
bot's token, so two bots never share their address books.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.models import TelegramChatRow
from fbruntime.store.repository import Repository

__all__ = ["ChatRepository", "KnownChat"]


@dataclass(frozen=True)
class KnownChat:
    bot_id: str
    username: str
    chat_id: int
    first_name: str | None
    updated_at: datetime


class ChatRepository(Repository):
    async def remember(
        self, bot_id: str, username: str, chat_id: int, first_name: str | None = None
    ) -> None:
        """Record (or refresh) that ``@username`` talks to the bot in chat ``chat_id``."""
        name = username.lstrip("@").lower()
        now = self._now()

        async def op(session: AsyncSession) -> None:
            row = await session.get(TelegramChatRow, (bot_id, name))
            if row is None:
                session.add(
                    TelegramChatRow(
                        bot_id=bot_id,
                        username=name,
                        chat_id=chat_id,
                        first_name=first_name,
                        updated_at=now,
                    )
                )
            else:
                row.chat_id, row.first_name, row.updated_at = chat_id, first_name, now

        await self._writer.execute(op)

    async def lookup(self, bot_id: str, username: str) -> int | None:
        """The chat id of ``@username`` for this bot, or None if they never wrote to it."""
        name = username.lstrip("@").lower()

        async def query(session: AsyncSession) -> int | None:
            row = await session.get(TelegramChatRow, (bot_id, name))
            return None if row is None else row.chat_id

        return await self._read(query)

    async def list(self, bot_id: str) -> list[KnownChat]:
        async def query(session: AsyncSession) -> list[KnownChat]:
            rows = await session.scalars(
                select(TelegramChatRow)
                .where(TelegramChatRow.bot_id == bot_id)
                .order_by(TelegramChatRow.username)
            )
            return [
                KnownChat(r.bot_id, r.username, r.chat_id, r.first_name, r.updated_at) for r in rows
            ]

        return await self._read(query)
