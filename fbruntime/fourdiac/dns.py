"""Virtual DNS: ``%name%`` placeholders in parameter values, defined in ``virtualDNS.dns``.

The file is an XMI document written by the IDE; the active collection (``activeVirtualDNS``,
``//@availableDNSCollections.N``) holds ``virtualDNSEntries name=… value=…``.  It sits in the
project root, next to or above the ``.sys`` file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.xmlread import parse_file

DNS_FILE = "virtualDNS.dns"
_PLACEHOLDER = re.compile(r"%([^%\s]+)%")


def read_virtual_dns(path: str | Path) -> dict[str, str]:
    """The entries of the active collection (the first one when none is marked active)."""
    root = parse_file(path)
    collections = [c for c in root if c.tag == "availableDNSCollections"]
    if not collections:
        return {}
    index = 0
    active = root.get("activeVirtualDNS", "")
    match = re.search(r"availableDNSCollections\.(\d+)", active)
    if match:
        index = int(match.group(1))
    if index >= len(collections):
        raise FourdiacError(
            str(path), 0, "VirtualDNSManagement", f"active collection {active!r} does not exist"
        )
    return {
        entry.get("name", ""): entry.get("value", "")
        for entry in collections[index]
        if entry.tag == "virtualDNSEntries" and entry.get("name")
    }


def find_virtual_dns(system_file: str | Path, levels: int = 3) -> Path | None:
    """The ``virtualDNS.dns`` of the project holding *system_file*, searching upwards."""
    folder = Path(system_file).resolve().parent
    for _ in range(levels + 1):
        candidate = folder / DNS_FILE
        if candidate.is_file():
            return candidate
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def substitute(text: str, entries: Mapping[str, str]) -> tuple[str, list[str]]:
    """Replace every ``%name%``; returns the text and the names that have no entry."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in entries:
            return entries[name]
        missing.append(name)
        return match.group(0)

    return _PLACEHOLDER.sub(replace, text), missing
