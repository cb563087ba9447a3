"""Splits ST text into tokens with line and column, the first step of compiling an algorithm.

Written by hand around one master regular expression because it is fast, has no grammar to load at
import time, and lets typed literals (``T#1s``, ``INT#-5``, ``STRING# 'x'``) be cut out whole so that
``fbruntime.iec`` alone decides what a literal means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import STError

KEYWORDS = frozenset(
    [
        "IF",
        "THEN",
        "ELSIF",
        "ELSE",
        "END_IF",
        "CASE",
        "OF",
        "END_CASE",
        "FOR",
        "TO",
        "BY",
        "DO",
        "END_FOR",
        "WHILE",
        "END_WHILE",
        "REPEAT",
        "UNTIL",
        "END_REPEAT",
        "EXIT",
        "CONTINUE",
        "RETURN",
        "AND",
        "OR",
        "XOR",
        "NOT",
        "MOD",
        "TRUE",
        "FALSE",
        "VAR",
        "VAR_TEMP",
        "VAR_INPUT",
        "VAR_OUTPUT",
        "VAR_IN_OUT",
        "END_VAR",
        "CONSTANT",
        "ARRAY",
        "ALGORITHM",
        "END_ALGORITHM",
        "FUNCTION",
        "END_FUNCTION",
        "PACKAGE",
        "USES",
        "IMPORT",
        "METHOD",
        "END_METHOD",
    ]
)

_TIME_PREFIXES = frozenset({"T", "TIME", "LT", "LTIME"})
_DATE_PREFIXES = frozenset({"D", "DATE", "LD", "LDATE"})
_TOD_PREFIXES = frozenset({"TOD", "TIME_OF_DAY", "LTOD", "LTIME_OF_DAY"})
_DT_PREFIXES = frozenset({"DT", "DATE_AND_TIME", "LDT", "LDATE_AND_TIME"})
_STRING_PREFIXES = frozenset({"STRING", "WSTRING", "CHAR", "WCHAR"})

_VALUE_AFTER_PREFIX = {
    **dict.fromkeys(_TIME_PREFIXES, re.compile(r"[+-]?[0-9A-Za-z_.]+")),
    **dict.fromkeys(_DATE_PREFIXES, re.compile(r"\d+-\d+-\d+")),
    **dict.fromkeys(_TOD_PREFIXES, re.compile(r"\d+:\d+:\d+(?:\.\d+)?")),
    **dict.fromkeys(_DT_PREFIXES, re.compile(r"\d+-\d+-\d+-\d+:\d+:\d+(?:\.\d+)?")),
    **dict.fromkeys(
        _STRING_PREFIXES, re.compile(r"\s*(?:'(?:\$.|[^$'])*'|\"(?:\$.|[^$\"])*\")", re.S)
    ),
}
_OTHER_VALUE = re.compile(
    r"\s*[+-]?\s*(?:\d+#[0-9A-Za-z_]+|\d[\d_]*\.\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*(?:[eE][+-]?\d+)?"
    r"|[A-Za-z_]\w*)"
)

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<nl>\n)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>\(\*|/\*)
  | (?P<based>\d+\#[0-9A-Za-z_]+)
  | (?P<real>\d[\d_]*\.\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*[eE][+-]?\d+)
  | (?P<int>\d[\d_]*)
  | (?P<ident>[A-Za-z_]\w*(?:\s*::\s*[A-Za-z_]\w*)*)
  | (?P<string>'(?:\$.|[^$'\n])*')
  | (?P<wstring>"(?:\$.|[^$"\n])*")
  | (?P<bit>\.%[XxBbWwDdLl]?\d+)
  | (?P<op>:=|=>|<=|>=|<>|\*\*|\.\.|[-+*/&=<>()\[\],;:.#^])
    """,
    re.X | re.S,
)


@dataclass(slots=True)
class Token:
    kind: str  # ident kw int real string wstring typed bit op eof
    value: str
    line: int
    col: int


def tokenize(
    text: str, *, origin: str = "", line_offset: int = 0, algorithm: str = ""
) -> list[Token]:
    """Tokens of ``text``; comments (nested ``(* *)``, ``/* */``, ``//``) are dropped."""
    tokens: list[Token] = []
    pos = 0
    line = 1
    line_start = 0
    n = len(text)
    match = _TOKEN.match
    append = tokens.append

    def fail(message: str, at: int) -> STError:
        return STError(
            message,
            origin=origin,
            line=line + line_offset,
            column=at - line_start + 1,
            algorithm=algorithm,
        )

    while pos < n:
        m = match(text, pos)
        if m is None:
            raise fail(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup
        value = m.group()
        col = pos - line_start + 1
        end = m.end()
        if kind == "ws":
            pos = end
            continue
        if kind == "nl":
            line += 1
            line_start = end
            pos = end
            continue
        if kind == "lcomment":
            pos = end
            continue
        if kind == "bcomment":
            pos = _skip_comment(text, pos, fail)
            # count the newlines the comment spanned
            line += text.count("\n", m.start(), pos)
            last_nl = text.rfind("\n", m.start(), pos)
            if last_nl >= 0:
                line_start = last_nl + 1
            continue
        if kind == "ident":
            value = re.sub(r"\s+", "", value)
            if end < n and text[end] == "#" and "::" not in value:
                literal, end = _typed_literal(text, value, end + 1, fail)
                append(Token("typed", literal, line, col))
                pos = end
                continue
            upper = value.upper()
            if upper in KEYWORDS:
                append(Token("kw", upper, line, col))
            else:
                append(Token("ident", value, line, col))
        elif kind == "based":
            append(Token("int", value, line, col))
        elif kind == "bit":
            spec = value[2:]
            size = spec[0].upper() if spec[0].isalpha() else "X"
            digits = spec[1:] if spec[0].isalpha() else spec
            append(Token("bit", size + digits, line, col))
        else:
            assert kind is not None
            append(Token(kind, value, line, col))
        pos = end
    append(Token("eof", "", line, pos - line_start + 1))
    return tokens


def _skip_comment(text: str, pos: int, fail: object) -> int:
    """Index just past the block comment that starts at ``pos``; ``(* *)`` comments nest."""
    opener = text[pos : pos + 2]
    closer = "*)" if opener == "(*" else "*/"
    depth = 0
    i = pos
    n = len(text)
    while i < n:
        two = text[i : i + 2]
        if two == opener:
            depth += 1
            i += 2
        elif two == closer:
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    assert callable(fail)
    raise fail("comment is never closed", pos)


def _typed_literal(text: str, prefix: str, pos: int, fail: object) -> tuple[str, int]:
    """Cut the value part of ``PREFIX#value`` starting at ``pos``; returns the literal text and end."""
    upper = prefix.upper()
    pattern = _VALUE_AFTER_PREFIX.get(upper, _OTHER_VALUE)
    m = pattern.match(text, pos)
    if m is None:
        assert callable(fail)
        raise fail(f"malformed {prefix}# literal", pos)
    value = m.group()
    value = re.sub(r"\s+", "", value) if upper not in _STRING_PREFIXES else value.strip()
    return f"{prefix}#{value}", m.end()
