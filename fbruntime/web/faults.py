"""A block's fault as a person reads it: what kind, what it said, how often, when, and where in
the block's own file (``Blink2Text.fbt:42``, ``Counter.py:17``).

The server's folders are nobody's business on the page (and they were the one thing shown when
an upload's temporary path became a block's name): every absolute path in a message is cut to
its file name, and the place is taken from the fault's traceback, in the type's own file only.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

__all__ = ["fault_dict", "scrub_paths"]

# /a/b/c.py, C:\a\b.fbt, ./x/y, with optional :line; only runs of at least two segments.
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/'\":,()\[\]]+){2,}")
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


def scrub_paths(text: str) -> str:
    """``text`` with every absolute path replaced by its last part."""
    return _PATH.sub(lambda m: PurePath(m.group(0).replace("\\", "/")).name, text)


def _where(detail: str, origin: str) -> str | None:
    """``file:line`` of the last traceback frame in the block's own file (its type's origin)."""
    frames = _FRAME.findall(detail or "")
    if not frames:
        return None
    name = PurePath(origin).name if origin else ""
    mine = [(f, n) for f, n in frames if name and PurePath(f).name == name]
    if not mine:
        return None
    file, line = mine[-1]
    return f"{PurePath(file).name}:{line}"


def fault_dict(fault: Any, fbtype: Any = None) -> dict[str, Any]:
    """The page's view of a :class:`~fbruntime.core.BlockFault` (no server paths in it)."""
    origin = str(getattr(fbtype, "origin", "") or "")
    at = getattr(fault, "at", 0.0) or None
    return {
        "event": fault.event,
        "kind": fault.kind,
        "message": scrub_paths(fault.message),
        "count": fault.count,
        "at": at,
        "where": _where(getattr(fault, "detail", ""), origin),
        "type_file": PurePath(origin).name if origin else None,
    }
