"""Boot files (``.fboot``): management requests stored one per line, replayed at start-up.

Each entry is ``<dst>;<Request ...>`` with an empty dst for device-level commands, as FORTE's
``ForteBootFileLoader`` reads them: the line is split at its FIRST ``;`` only (so ``;`` inside a
value, e.g. ``&apos;``, is safe; DINASORE split on every ``;``), physical lines are joined until the
request is complete, and loading stops at the first command that fails. Unlike FORTE we skip blank
lines, accept CRLF, tell a multi-line request's end from its start tag rather than from any line
ending in ``/>``, and report the physical line where the failing request starts.

The same format serves export and persistence: `write_boot_file` writes commands back, atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.requests import RequestError, parse_request, render_request
from fbruntime.mgmt.target import ManagementTarget

_START_TAG = re.compile(r"<Request\b[^>]*>")


@dataclass(frozen=True, slots=True)
class BootEntry:
    line: int
    dst: str
    request: str


class BootFileError(Exception):
    """A boot file that cannot be read or whose command failed; names the file and line."""

    def __init__(self, path: str, line: int, message: str, reason: Reason | None = None) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.reason = reason


def read_boot_text(text: str, path: str = "<boot file>") -> Iterator[BootEntry]:
    """The entries of boot-file *text*, in order; raises `BootFileError` at a malformed line."""
    start_line = 0
    dst = ""
    pending: list[str] = []
    line_number = 0
    # Only LF (and CRLF) end a line: latin-1 text may hold bytes str.splitlines() would split on.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    for line_number, raw in enumerate((line.removesuffix("\r") for line in lines), start=1):
        if not pending:
            if not raw.strip():
                continue
            dst, separator, request = raw.partition(";")
            if not separator:
                raise BootFileError(
                    path, line_number, "no ';' between the destination and the request"
                )
            start_line = line_number
            pending.append(request)
        else:
            pending.append(raw)
        request_text = "\n".join(pending)
        if _is_complete(request_text):
            yield BootEntry(start_line, dst.strip(), request_text.strip())
            pending.clear()
    if pending:
        raise BootFileError(
            path,
            start_line,
            f"the request starting here is not closed by '</Request>' (file ends at line {line_number})",
        )


def _is_complete(request: str) -> bool:
    head = request.lstrip()
    if not head.startswith("<Request"):
        return True  # not a request at all: let the parser say what is wrong with it
    start_tag = _START_TAG.match(head)
    if start_tag is None:
        return False  # the start tag itself continues on the next line
    return start_tag.group().endswith("/>") or head.rstrip().endswith("</Request>")


def read_boot_file(path: str | os.PathLike[str]) -> Iterator[BootEntry]:
    """The entries of the boot file at *path* (bytes read as latin-1, like FORTE)."""
    try:
        data = Path(path).read_bytes()
    except OSError as failure:
        raise BootFileError(os.fspath(path), 0, f"cannot read the boot file: {failure}") from None
    return read_boot_text(data.decode("latin-1"), os.fspath(path))


async def run_boot_file(path: str | os.PathLike[str], target: ManagementTarget) -> int:
    """Execute every command of the boot file on *target*; returns how many ran.

    Stops at the first request that does not parse or does not succeed, raising `BootFileError`
    with the file, the line and the reply's Reason. Commands before it stay executed, as in FORTE.
    """
    return await run_boot_entries(read_boot_file(path), target, os.fspath(path))


async def run_boot_entries(
    entries: Iterable[BootEntry], target: ManagementTarget, path: str = "<boot file>"
) -> int:
    executed = 0
    for entry in entries:
        try:
            request = parse_request(entry.request)
        except RequestError as refused:
            raise BootFileError(
                path, entry.line, f"{refused.message} ({refused.reason.value})", refused.reason
            ) from None
        response = await target.execute(entry.dst, request.command)
        if not response.ok:
            where = f"resource {entry.dst!r}" if entry.dst else "the device"
            raise BootFileError(
                path,
                entry.line,
                f"request {request.id} on {where} failed with {response.reason.value}: "
                f"{request.command!r}",
                response.reason,
            )
        executed += 1
    return executed


def format_boot_file(entries: Iterable[tuple[str, Command]]) -> str:
    """Boot-file text for ``(dst, command)`` pairs, request IDs numbered from 1."""
    lines: list[str] = []
    for request_id, (dst, command) in enumerate(entries, start=1):
        if ";" in dst or "\n" in dst or "\r" in dst:
            raise ValueError(f"a destination cannot contain ';' or a line break: {dst!r}")
        lines.append(f"{dst};{render_request(request_id, command)}\n")
    return "".join(lines)


def write_boot_file(path: str | os.PathLike[str], entries: Iterable[tuple[str, Command]]) -> None:
    """Write a boot file atomically: readers see the old file or the new one, never half of one."""
    target = Path(path)
    data = format_boot_file(entries).encode("latin-1", errors="xmlcharrefreplace")
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
