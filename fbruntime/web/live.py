"""Live values of one level, sampled at a fixed rate, so the browser's load never follows the
event rate: a resource running millions of events a second costs the page the same few frames a
second as an idle one.

Per sample the watcher reads every data pin of the level's blocks (and of the border, inside a
composite), the event totals, each block's state, ECC state, forced pins and fault, and the
application's state, and yields only what changed since the last frame.

Event counts are the engine's own totals since each block was created (``rt__event_totals``,
counted always, as FORTE's monitoring does), so a page opened late shows the same numbers as one
open from the start, and watching installs nothing in the engine: opening or closing a page
never relinks a resource.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fbruntime.core import FBInstance
from fbruntime.orchestrator import Application
from fbruntime.orchestrator.values import pin_value
from fbruntime.web.structure import Level, block_status, join, resolve_level

__all__ = ["LevelWatch", "watch_level"]

MAX_TEXT = 200


@dataclass
class LevelWatch:
    """The pins, counters and blocks of one level; :meth:`sample` reads them all once."""

    app: Application
    level: Level
    pins: list[tuple[str, FBInstance, str, Any]] = field(default_factory=list)
    blocks: list[tuple[str, FBInstance]] = field(default_factory=list)

    @classmethod
    def open(cls, app: Application, path: str) -> LevelWatch:
        level = resolve_level(app, path)
        watch = cls(app, level)
        if level.resource is None:
            return watch
        members = [(p, inst) for _, inst, p in level.blocks]
        if level.owner is not None:
            members.append((level.owner_path, level.owner))
        for bpath, inst in members:
            watch.blocks.append((bpath, inst))
            itf = inst.rt__type.interface
            for port in itf.data_ports():
                watch.pins.append((join(bpath, port.name), inst, port.name, port.type))
        return watch

    def close(self) -> None:
        """Nothing to undo: the engine counts whether anyone watches or not."""
        self.pins.clear()
        self.blocks.clear()

    def sample(self) -> dict[str, Any]:
        values: dict[str, str] = {}
        for path, inst, pin, typ in self.pins:
            try:
                text = pin_value(path, typ, getattr(inst, pin)).literal
            except Exception as exc:  # a block may hold a value its type cannot print
                text = f"<{type(exc).__name__}>"
            values[path] = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
        counts: dict[str, int] = {}
        blocks: dict[str, dict[str, Any]] = {}
        for path, inst in self.blocks:
            for event, n in inst.rt__event_totals().items():
                counts[join(path, event)] = n
            blocks[path] = block_status(inst)
        return {
            "app": {"state": self.app.state, "error": self.app.error},
            "values": values,
            "counts": counts,
            "blocks": blocks,
        }


def _diff(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    if old is None:
        return {"full": True, **new}
    out: dict[str, Any] = {"full": False}
    if new["app"] != old["app"]:
        out["app"] = new["app"]
    for key in ("values", "counts", "blocks"):
        changed = {k: v for k, v in new[key].items() if old[key].get(k) != v}
        if changed:
            out[key] = changed
    return out


async def watch_level(
    app: Application,
    path: str,
    *,
    interval: float,
    max_frames: int | None = None,
    alive: Any = None,
) -> AsyncIterator[dict[str, Any]]:
    """Frames for the page: a full one first, then what changed, at most one per ``interval``.

    A frame is sent at least every ten intervals even when nothing changed, so a client (or a
    proxy) can tell a quiet system from a dead connection. ``alive`` is the Orchestrator's
    current Application for the name: when it is replaced or deleted, the stream ends.
    """
    watch = LevelWatch.open(app, path)
    last: dict[str, Any] | None = None
    sent = 0
    quiet = 0
    try:
        while max_frames is None or sent < max_frames:
            if alive is not None and alive() is not app:
                yield {"gone": True}
                return
            frame = _diff(watch.sample(), last)
            if last is None or len(frame) > 1 or quiet >= 10:
                last = _merge(last, frame)
                quiet = 0
                sent += 1
                yield frame
            else:
                quiet += 1
            await asyncio.sleep(interval)
    finally:
        watch.close()


def _merge(last: dict[str, Any] | None, frame: dict[str, Any]) -> dict[str, Any]:
    if last is None or frame.get("full"):
        return {k: v for k, v in frame.items() if k != "full"}
    merged = dict(last)
    if "app" in frame:
        merged["app"] = frame["app"]
    for key in ("values", "counts", "blocks"):
        if key in frame:
            merged[key] = {**last[key], **frame[key]}
    return merged
