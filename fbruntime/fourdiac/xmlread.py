"""Safe XML reading for 4diac files: no DTD, no entities, no network, bounded size and depth.

Old 4diac files start with ``<!DOCTYPE FBType SYSTEM "http://www.holobloc.com/xml/…dtd">``.  The
DOCTYPE is tolerated and ignored: the parser never loads it, never resolves entities (internal or
external) and never touches the network, so a hostile file cannot read local files or call out.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from fbruntime.fourdiac.errors import FourdiacError

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Larger than any real 4diac file (the biggest system in the corpus is 1.8 MB)."""

MAX_DEPTH = 64
"""Real files nest about 12 deep (subapps in subapps); deeper input is refused."""


def line_of(element: etree._Element) -> int:
    """The element's source line, 0 when lxml does not know it."""
    line = element.sourceline
    return line if isinstance(line, int) else 0


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        load_dtd=False,
        no_network=True,
        resolve_entities=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _check_depth(root: etree._Element, file: str, max_depth: int) -> None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > max_depth:
                raise FourdiacError(
                    file,
                    line_of(element),
                    str(element.tag),
                    f"elements nest deeper than {max_depth} levels",
                )
        else:
            depth -= 1


def parse_bytes(
    data: bytes, file: str, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH
) -> etree._Element:
    """Parse *data* (named *file* in errors) and return its root element."""
    if len(data) > max_bytes:
        raise FourdiacError(
            file, 0, "", f"file is {len(data)} bytes, more than the {max_bytes} allowed"
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        message = exc.msg or str(exc)
        raise FourdiacError(file, line, "", f"malformed XML: {message}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for declaration in dtd.iterentities():  # type: ignore[union-attr]  # stubs lag lxml
            # Internal entities would be expanded inside attribute values; refuse them all.
            raise FourdiacError(
                file,
                0,
                "!DOCTYPE",
                f"entity declaration {declaration.name!r} is not allowed in 4diac files",
            )
    _check_depth(root, file, max_depth)
    for entity in root.iter(etree.Entity):
        raise FourdiacError(
            file,
            line_of(entity),
            "",
            f"entity reference {entity.text} is not allowed (entities are never expanded)",
        )
    return root


def parse_file(
    path: str | Path, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH
) -> etree._Element:
    """Read and parse one file from disk with the size and depth limits."""
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise FourdiacError(
                file, 0, "", f"file is {size} bytes, more than the {max_bytes} allowed"
            )
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FourdiacError(file, 0, "", f"cannot read file: {exc.strerror or exc}") from None
    return parse_bytes(data, file, max_bytes=max_bytes, max_depth=max_depth)
