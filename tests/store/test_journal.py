"""The journal's own connection on a SQLite file: never stalls the event loop, never lets the
WAL grow without bound."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from fbruntime.store import Store, journal


async def test_an_append_waits_off_the_loop_while_another_writer_holds_the_file(
    tmp_path: Path,
) -> None:
    store = await Store.open(data_dir=tmp_path)
    try:
        await store.deployments.append_journal("D", [("R", "a")])
        blocker = sqlite3.connect(tmp_path / "fbrt.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        append = asyncio.create_task(store.deployments.append_journal("D", [("R", "b")]))
        for _ in range(50):
            await asyncio.sleep(0)  # the loop runs on while the append waits for the lock
        assert not append.done()
        blocker.execute("COMMIT")
        blocker.close()
        await asyncio.wait_for(append, 10)
        assert [e.request for e in await store.deployments.load_journal("D")] == ["a", "b"]
    finally:
        await store.close()


async def test_appends_are_checkpointed_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "CHECKPOINT_EVERY", 20)
    store = await Store.open(data_dir=tmp_path)
    try:
        for i in range(400):
            await store.deployments.append_journal("D", [("R", f"request {i}")])
            await asyncio.sleep(0)
        connection = store.deployments._journal
        assert connection is not None and connection._checkpoint is not None
        await connection._checkpoint
        await store.deployments.append_journal("D", [("R", "last")])
        # The WAL was restarted: it holds the appends since the last checkpoint (a few dozen
        # pages at most), not a page or two for each of the 401.
        probe = sqlite3.connect(tmp_path / "fbrt.db")
        ((busy, frames, _),) = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        probe.close()
        assert busy == 0 and 0 < frames < 120
        assert len(await store.deployments.load_journal("D")) == 401
    finally:
        await store.close()
