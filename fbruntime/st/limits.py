"""How deep and how large Structured Text may be: the compiler's own limits, checked as it reads.

The parser and the code generator recurse once per nesting level, and the generated Python has
limits of its own (100 levels of indentation, 200 of parentheses). Rather than let hostile or
generated text reach Python's ``RecursionError`` (or a 3,000-line traceback), each limit here is
checked where the text is read and answered with a one-line ``STError`` naming file, line and
column. The 613 algorithms of the 4diac corpus nest statements at most 5 deep and expressions
at most 6; FORTE's generated bit assembly is the deepest code known here (67).
"""

from __future__ import annotations

__all__ = ["MAX_EXPRESSION_DEPTH", "MAX_NESTING"]

MAX_NESTING = 64
"""Statements, parenthesised or called sub-expressions and unary operators nested in each other
(parser)."""

MAX_EXPRESSION_DEPTH = 128
"""Operators and calls stacked in one expression, long chains included (code generator): FORTE's
own ASSEMBLE_LWORD_FROM_BOOLS ORs 64 shifted bits, 67 deep; a 128-term sum is the longest."""
