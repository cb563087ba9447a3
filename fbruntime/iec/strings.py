"""Quoted character-string literals: the ``$`` escapes of IEC 61131-3, read and written.

STRING literals are single-quoted with two-digit ``$hh`` escapes, WSTRING literals double-quoted
with four-digit ``$hhhh``. Printing follows FORTE: ``$$``, the own quote, ``$N $P $R $T`` and
``$hh`` for other non-printable STRING characters.

One deliberate difference from FORTE: FORTE reads ``$L`` as the byte 0x10, a slip (the standard
says line feed). fbrt reads ``$L`` as line feed, the same character as ``$N``.
"""

from __future__ import annotations

__all__ = ["escape", "scan_quoted", "unescape_char"]

_SIMPLE = {
    "$": "$",
    "'": "'",
    '"': '"',
    "L": "\n",
    "N": "\n",
    "P": "\f",
    "R": "\r",
    "T": "\t",
}
_HEX = frozenset("0123456789abcdefABCDEF")
_PRINTED = {"$": "$$", "\n": "$N", "\f": "$P", "\r": "$R", "\t": "$T"}


def unescape_char(text: str, pos: int, wide: bool) -> tuple[str, int]:
    """Read the escape whose ``$`` is at ``text[pos]``; return the character and the next index."""
    nxt = text[pos + 1 : pos + 2]
    if not nxt:
        raise ValueError("'$' at the end of the string (write '$$' for a dollar sign)")
    digits = 4 if wide else 2
    code = text[pos + 1 : pos + 1 + digits]
    if len(code) == digits and all(c in _HEX for c in code):
        return chr(int(code, 16)), pos + 1 + digits
    simple = _SIMPLE.get(nxt.upper())
    if simple is None:
        hint = "4 hex digits" if wide else "2 hex digits"
        raise ValueError(f"unknown escape '${nxt}' (use $$ $' $\" $L $N $P $R $T or $ and {hint})")
    return simple, pos + 2


def scan_quoted(text: str, start: int) -> tuple[str, int]:
    """Read the quoted string that opens at ``text[start]``; return its value and the index after.

    The quote character (``'`` or ``"``) decides STRING or WSTRING escapes.
    """
    quote = text[start]
    wide = quote == '"'
    out: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "$":
            ch, i = unescape_char(text, i, wide)
            out.append(ch)
        elif c == quote:
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise ValueError(f"missing closing quote {quote}")


def escape(value: str, wide: bool) -> str:
    """The body of a quoted literal for ``value`` (without the quotes)."""
    quote = '"' if wide else "'"
    out: list[str] = []
    for c in value:
        printed = _PRINTED.get(c)
        if printed is not None:
            out.append(printed)
        elif c == quote:
            out.append("$" + c)
        elif wide:
            code = ord(c)
            out.append(f"${code:04X}" if code < 0x20 or 0x7F <= code < 0xA0 else c)
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append(f"${ord(c):02X}")
    return "".join(out)
