"""The single writer: every write goes through one task that commits in batches.

Callers on the event path call :meth:`Writer.submit`, which only puts the operation on an
``asyncio.Queue`` and returns; the writer task takes what has queued up and commits it in one
transaction once it has ``max_batch`` operations or ``max_delay`` seconds have passed since the first
one, whichever comes first. Callers that need the result (an API request creating a record) use
:meth:`Writer.execute`, which goes through the same queue, so writes keep their order, and is
committed at once together with whatever is queued before it, without waiting for the delay.

A failed batch is rolled back and replayed one operation per transaction, so one bad write does not
take its neighbours down. A failure of an awaited write is raised to its caller; a failure of a
submitted write is logged, passed to ``on_error``, and raised by the next :meth:`flush` or
:meth:`close`. Writes still queued when the process is killed outright are lost, which is at most
``max_delay`` seconds of them; :meth:`close` drains the queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fbruntime.store.errors import StoreWriteError, WriteFailure, WriterClosed

T = TypeVar("T")
Op = Callable[[AsyncSession], Awaitable[T]]
"""A write: given a session inside a transaction, change rows and return a plain value."""

log = logging.getLogger(__name__)

MAX_UNREPORTED = 1000


@dataclass(slots=True)
class _Item:
    op: Op[Any] | None
    future: asyncio.Future[Any] | None
    stop: bool = False


class Writer:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_batch: int = 200,
        max_delay: float = 0.05,
        on_error: Callable[[WriteFailure], None] | None = None,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        if max_delay < 0:
            raise ValueError(f"max_delay must not be negative, got {max_delay}")
        self._sessions = sessions
        self.max_batch = max_batch
        self.max_delay = max_delay
        self._on_error = on_error
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._unreported: list[WriteFailure] = []
        # Waiting callers (execute, flush, close) in the queue: commit without the delay.
        self._waiting = 0
        self._wake = asyncio.Event()
        self.batches_committed = 0

    @property
    def pending(self) -> int:
        """Operations queued and not yet taken by the writer task."""
        return self._queue.qsize()

    def start(self) -> None:
        """Start the writer task on the running event loop."""
        if self._closed:
            raise WriterClosed("the store writer was closed; open the store again")
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="fbrt-store-writer"
            )

    def submit(self, op: Op[Any]) -> None:
        """Queue a write and return at once; a failure surfaces at the next flush or close."""
        self._check_open()
        self._queue.put_nowait(_Item(op, None))
        if self._queue.qsize() >= self.max_batch:
            self._wake.set()

    async def execute(self, op: Op[T]) -> T:
        """Queue a write, wait until it is committed, and return its result (or raise its error)."""
        self._check_open()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put_urgent(_Item(op, future))
        return await future

    async def flush(self) -> None:
        """Wait until everything submitted so far is committed; raise failures of submitted writes."""
        if self._task is not None and not self._task.done():
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._put_urgent(_Item(None, future))
            await future
        self._raise_unreported()

    async def close(self) -> None:
        """Commit what is queued, stop the task, and raise failures not yet reported."""
        if self._closed:
            return
        self._closed = True
        task = self._task
        if task is not None and not task.done():
            self._put_urgent(_Item(None, None, stop=True))
            await task
        self._raise_unreported()

    def _put_urgent(self, item: _Item) -> None:
        self._queue.put_nowait(item)
        self._waiting += 1
        self._wake.set()

    def _check_open(self) -> None:
        if self._closed:
            raise WriterClosed("the store writer is closed; no more writes are accepted")
        if self._task is None:
            raise WriterClosed("the store writer was not started; call Writer.start() first")

    def _raise_unreported(self) -> None:
        if self._unreported:
            failures, self._unreported = self._unreported, []
            raise StoreWriteError(failures)

    async def _run(self) -> None:
        while True:
            batch = await self._collect()
            try:
                await self._commit([item for item in batch if item.op is not None])
            except Exception as error:  # a bug here must not stop all later writes
                log.exception("store writer: unexpected error while committing a batch")
                for item in batch:
                    if item.future is not None and not item.future.done():
                        item.future.set_exception(error)
            stop = False
            for item in batch:
                if item.op is None and item.future is not None and not item.future.done():
                    item.future.set_result(None)
                stop = stop or item.stop
            if stop:
                return

    async def _collect(self) -> list[_Item]:
        """Take one item; unless something is urgent or a batch is full, let more gather first."""
        first = await self._queue.get()
        if (
            not _urgent(first)
            and self._waiting == 0
            and self._queue.qsize() + 1 < self.max_batch
            and self.max_delay > 0
        ):
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.max_delay)
            except TimeoutError:
                pass
        batch = [first]
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
            except asyncio.QueueEmpty:
                break
        self._waiting -= sum(1 for item in batch if _urgent(item))
        return batch

    async def _commit(self, items: list[_Item]) -> None:
        if not items:
            return
        try:
            results = await self._transaction(items)
        except Exception as error:
            if len(items) == 1:
                self._fail(items[0], error)
                return
            log.debug(
                "store writer: batch of %d failed (%r); replaying one by one", len(items), error
            )
            for item in items:
                try:
                    (result,) = await self._transaction([item])
                except Exception as single_error:
                    self._fail(item, single_error)
                else:
                    _resolve(item, result)
            return
        for item, result in zip(items, results, strict=True):
            _resolve(item, result)

    async def _transaction(self, items: list[_Item]) -> list[Any]:
        results: list[Any] = []
        async with self._sessions() as session, session.begin():
            for item in items:
                assert item.op is not None
                results.append(await item.op(session))
        self.batches_committed += 1
        return results

    def _fail(self, item: _Item, error: Exception) -> None:
        if item.future is not None:
            if not item.future.done():
                item.future.set_exception(error)
            return
        failure = WriteFailure(_describe(item.op), error, datetime.now(UTC))
        log.error("store write failed: %s", failure.operation, exc_info=error)
        if len(self._unreported) < MAX_UNREPORTED:
            self._unreported.append(failure)
        if self._on_error is not None:
            try:
                self._on_error(failure)
            except Exception:  # a broken callback must not stop the writer
                log.exception("store writer: on_error callback raised")


def _urgent(item: _Item) -> bool:
    return item.future is not None or item.stop


def _resolve(item: _Item, result: Any) -> None:
    if item.future is not None and not item.future.done():
        item.future.set_result(result)


def _describe(op: Op[Any] | None) -> str:
    text = repr(op)
    return text if len(text) <= 300 else text[:297] + "..."
