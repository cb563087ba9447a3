"""``when``: the small, safe expression language of branch conditions.

A task with ``"when": "check.temperature > 25 and params.notify"`` runs only when the condition
holds for the results of its upstream tasks; otherwise it is skipped with a reason that shows the
values the condition saw. The language is parsed here once, when the pipeline is validated, into
a tree of :class:`Expr` nodes that the runner evaluates: nothing is ever ``eval``-ed, no name
reaches Python, and the only things a condition can read are the references it names.

Grammar (lowest precedence first)::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") sum]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/" | "%") unary)*
    unary      := "-" unary | primary
    primary    := number | string | "true" | "false" | "null" | "[" [expr ("," expr)*] "]"
                | function "(" expr ")" | reference | "(" expr ")"
    function   := "len" | "lower" | "upper" | "abs" | "min" | "max" | "sum"

``min``, ``max`` and ``sum`` take a list of numbers (a map's result, say: ``max(temps) > 25``).

A reference is written as in ``dependent_params`` (``fetch.items[0]["content-type"]``), so a
task id or key containing ``-`` swallows a minus written without spaces: write ``a - 1``.
Values compare as JSON does: ``true`` is not ``1``; ordering needs two numbers or two strings.
The condition holds when its value is *truthy* (not ``false``, ``null``, ``0``, ``""``, ``[]``
or ``{}``). A condition that cannot be evaluated (a missing key, comparing a string with a
number) fails the task with the reason, instead of quietly choosing a branch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from .problems import json_kind
from .references import Reference, ReferenceSyntaxError, ResolutionError, _Scanner, resolve

__all__ = [
    "Condition",
    "ConditionError",
    "ConditionSyntaxError",
    "parse_condition",
    "truthy",
]

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
FUNCTIONS = frozenset({"len", "lower", "upper", "abs", "min", "max", "sum"})
MAX_LENGTH = 2000
"""A condition is a line, not a program."""

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


class ConditionSyntaxError(ValueError):
    """A ``when`` string that is not a valid condition; names the column."""

    def __init__(self, text: str, column: int, reason: str) -> None:
        self.text = text
        self.column = column
        self.reason = reason
        super().__init__(f"invalid condition {text!r}: {reason} (column {column})")


class ConditionError(ValueError):
    """A condition that cannot be evaluated on the values it got."""


def truthy(value: object) -> bool:
    """JSON truthiness: ``false``, ``null``, ``0``, ``""``, ``[]`` and ``{}`` are false."""
    return bool(value)


def shown(value: object, limit: int = 60) -> str:
    """A value as JSON, shortened for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: object, right: object) -> bool:
    # JSON equality: a boolean is never a number (Python says True == 1).
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(_equal, left, right))
    return left == right


def _order(op: str, left: object, right: object) -> bool:
    if not (
        (_is_number(left) and _is_number(right))
        or (isinstance(left, str) and isinstance(right, str))
    ):
        raise ConditionError(
            f"cannot compare {json_kind(left)} ({shown(left)}) {op} {json_kind(right)} "
            f"({shown(right)}); '<' and friends need two numbers or two strings"
        )
    a: Any = left
    b: Any = right
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _contains(item: object, container: object) -> bool:
    if isinstance(container, str):
        if not isinstance(item, str):
            raise ConditionError(f"'in' a string needs a string on the left, got {json_kind(item)}")
        return item in container
    if isinstance(container, Mapping):
        return item in container if isinstance(item, str) else False
    if isinstance(container, list | tuple):
        return any(_equal(item, member) for member in container)
    raise ConditionError(
        f"'in' needs a list, an object or a string on the right, got {json_kind(container)}"
    )


def _arith(op: str, left: object, right: object) -> object:
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    if not (_is_number(left) and _is_number(right)):
        raise ConditionError(
            f"{shown(left)} {op} {shown(right)}: arithmetic needs two numbers "
            f"(got {json_kind(left)} and {json_kind(right)})"
        )
    a: float = left  # type: ignore[assignment]
    b: float = right  # type: ignore[assignment]
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise ConditionError(f"{shown(left)} {op} {shown(right)}: division by zero")
    return a / b if op == "/" else a % b


def _function(name: str, value: object) -> object:
    if name == "len":
        if isinstance(value, str | list | tuple | Mapping):
            return len(value)
        raise ConditionError(f"len() needs a string, a list or an object, got {json_kind(value)}")
    if name in ("lower", "upper"):
        if not isinstance(value, str):
            raise ConditionError(f"{name}() needs a string, got {json_kind(value)}")
        return value.lower() if name == "lower" else value.upper()
    if name in ("min", "max", "sum"):
        if not isinstance(value, list | tuple) or not all(_is_number(v) for v in value):
            raise ConditionError(f"{name}() needs a list of numbers, got {shown(value)}")
        if name == "sum":
            return sum(value)
        if not value:
            raise ConditionError(f"{name}() of an empty list")
        return min(value) if name == "min" else max(value)
    if not _is_number(value):
        raise ConditionError(f"abs() needs a number, got {json_kind(value)}")
    return abs(value)  # type: ignore[arg-type]


# -- the tree -----------------------------------------------------------------------------------

Results: TypeAlias = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Literal:
    value: object

    def evaluate(self, results: Results) -> object:
        return self.value


@dataclass(frozen=True, slots=True)
class Ref:
    reference: Reference

    def evaluate(self, results: Results) -> object:
        try:
            return resolve(self.reference, results)
        except ResolutionError as error:
            raise ConditionError(str(error)) from None


@dataclass(frozen=True, slots=True)
class ListOf:
    items: tuple[Expr, ...]

    def evaluate(self, results: Results) -> object:
        return [item.evaluate(results) for item in self.items]


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    argument: Expr

    def evaluate(self, results: Results) -> object:
        return _function(self.name, self.argument.evaluate(results))


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr

    def evaluate(self, results: Results) -> object:
        return not truthy(self.operand.evaluate(results))


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Expr

    def evaluate(self, results: Results) -> object:
        value = self.operand.evaluate(results)
        if not _is_number(value):
            raise ConditionError(f"cannot negate {json_kind(value)} ({shown(value)})")
        return -value  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]

    def evaluate(self, results: Results) -> object:
        want = self.op == "or"
        for operand in self.operands:
            if truthy(operand.evaluate(results)) is want:
                return want
        return not want


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Expr
    right: Expr

    def evaluate(self, results: Results) -> object:
        a = self.left.evaluate(results)
        b = self.right.evaluate(results)
        op = self.op
        if op == "==":
            return _equal(a, b)
        if op == "!=":
            return not _equal(a, b)
        if op in ("<", "<=", ">", ">="):
            return _order(op, a, b)
        if op == "in":
            return _contains(a, b)
        if op == "not in":
            return not _contains(a, b)
        return _arith(op, a, b)


Expr: TypeAlias = Literal | Ref | ListOf | Call | Not | Negate | Logic | Binary


def _references(expr: Expr, found: list[Reference]) -> None:
    if isinstance(expr, Ref):
        found.append(expr.reference)
    elif isinstance(expr, ListOf):
        for item in expr.items:
            _references(item, found)
    elif isinstance(expr, Call | Not | Negate):
        _references(expr.argument if isinstance(expr, Call) else expr.operand, found)
    elif isinstance(expr, Logic):
        for operand in expr.operands:
            _references(operand, found)
    elif isinstance(expr, Binary):
        _references(expr.left, found)
        _references(expr.right, found)


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed ``when``: its text, its tree and the references it reads."""

    text: str
    expr: Expr
    references: tuple[Reference, ...]

    def holds(self, results: Results) -> bool:
        """Whether the condition is true; :class:`ConditionError` if it cannot be evaluated."""
        return truthy(self.expr.evaluate(results))

    def explain(self, results: Results) -> str:
        """What the condition saw, for a skip reason: ``fetch.temp = 12, params.min = 20``."""
        parts: list[str] = []
        for reference in dict.fromkeys(self.references):
            try:
                parts.append(f"{reference} = {shown(resolve(reference, results))}")
            except ResolutionError:
                parts.append(f"{reference} has no value")
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.text


# -- the parser ---------------------------------------------------------------------------------

Token: TypeAlias = tuple[str, object, int]  # (kind, value, position)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokenize(text)
        self.index = 0

    def fail(self, reason: str, pos: int | None = None) -> ConditionSyntaxError:
        if pos is None:
            pos = self.tokens[self.index][2]
        return ConditionSyntaxError(self.text, pos + 1, reason)

    def _tokenize(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        pos = 0
        length = len(text)
        while pos < length:
            char = text[pos]
            if char in " \t\r\n":
                pos += 1
                continue
            if char in "'\"":
                value, pos = self._string(text, pos)
                tokens.append(("value", value, pos))
                continue
            number = _NUMBER.match(text, pos)
            if number is not None and (
                number.end() >= length or text[number.end()] not in _ID_CHARS
            ):
                literal = number.group()
                is_float = any(c in literal for c in ".eE")
                tokens.append(("value", float(literal) if is_float else int(literal), pos))
                pos = number.end()
                continue
            if char in _ID_CHARS and char != "-":
                word_end = pos
                while word_end < length and text[word_end] in _ID_CHARS:
                    word_end += 1
                word = text[pos:word_end]
                follows = text[word_end] if word_end < length else ""
                if word in KEYWORDS and follows not in (".", "["):
                    tokens.append(("word", word, pos))
                    pos = word_end
                    continue
                rest = text[word_end:].lstrip(" \t")
                if word in FUNCTIONS and rest.startswith("("):
                    tokens.append(("function", word, pos))
                    pos = word_end
                    continue
                scanner = _Scanner(text, pos)
                try:
                    reference = scanner.reference(in_template=True)
                except ReferenceSyntaxError as error:
                    raise ConditionSyntaxError(text, error.column, error.reason) from None
                tokens.append(("ref", reference, pos))
                pos = scanner.pos
                continue
            for op in _OPERATORS:
                if text.startswith(op, pos):
                    tokens.append(("op", op, pos))
                    pos += len(op)
                    break
            else:
                if char == "=":
                    raise ConditionSyntaxError(text, pos + 1, "use '==' to compare")
                if text.startswith("&&", pos) or text.startswith("||", pos) or char == "!":
                    raise ConditionSyntaxError(
                        text, pos + 1, "write 'and', 'or' and 'not' instead of '&&', '||', '!'"
                    )
                raise ConditionSyntaxError(text, pos + 1, f"unexpected {char!r}")
        tokens.append(("end", None, length))
        return tokens

    @staticmethod
    def _string(text: str, start: int) -> tuple[str, int]:
        quote = text[start]
        pos = start + 1
        chars: list[str] = []
        while pos < len(text):
            char = text[pos]
            if char == "\\" and pos + 1 < len(text):
                chars.append(_ESCAPES.get(text[pos + 1], text[pos + 1]))
                pos += 2
            elif char == quote:
                return "".join(chars), pos + 1
            else:
                chars.append(char)
                pos += 1
        raise ConditionSyntaxError(text, start + 1, "the quote is never closed")

    # -- recursive descent ------------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, value: object) -> bool:
        token = self.tokens[self.index]
        return token[0] == kind and token[1] == value

    def expect_op(self, op: str, opened: int | None = None) -> None:
        if not self.at("op", op):
            where = f" to close the one at column {opened + 1}" if opened is not None else ""
            raise self.fail(f"expected {op!r}{where}, found {self._found()}")
        self.index += 1

    def _found(self) -> str:
        kind, value, _ = self.peek()
        if kind == "end":
            return "the end"
        if kind == "ref":
            return repr(str(value))
        return repr(value) if kind != "value" else shown(value)

    def parse(self) -> Expr:
        if self.peek()[0] == "end":
            raise self.fail("the condition is empty")
        expr = self.or_()
        if self.peek()[0] != "end":
            raise self.fail(f"unexpected {self._found()} after a complete condition")
        return expr

    def or_(self) -> Expr:
        operands = [self.and_()]
        while self.at("word", "or"):
            self.index += 1
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else Logic("or", tuple(operands))

    def and_(self) -> Expr:
        operands = [self.not_()]
        while self.at("word", "and"):
            self.index += 1
            operands.append(self.not_())
        return operands[0] if len(operands) == 1 else Logic("and", tuple(operands))

    def not_(self) -> Expr:
        if self.at("word", "not"):
            self.index += 1
            return Not(self.not_())
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.sum()
        kind, value, _ = self.peek()
        op: str | None = None
        if kind == "op" and value in ("==", "!=", "<", "<=", ">", ">="):
            op = str(value)
            self.index += 1
        elif kind == "word" and value == "in":
            op = "in"
            self.index += 1
        elif (
            kind == "word" and value == "not" and self.tokens[self.index + 1][:2] == ("word", "in")
        ):
            op = "not in"
            self.index += 2
        if op is None:
            return left
        right = self.sum()
        kind, value, _ = self.peek()
        if (kind == "op" and value in ("==", "!=", "<", "<=", ">", ">=")) or (
            kind == "word" and value == "in"
        ):
            raise self.fail("comparisons do not chain: write 'a < b and b < c'")
        return Binary(op, left, right)

    def sum(self) -> Expr:
        left = self.product()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            op = str(self.take()[1])
            left = Binary(op, left, self.product())
        return left

    def product(self) -> Expr:
        left = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "%"):
            op = str(self.take()[1])
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.at("op", "-"):
            self.index += 1
            operand = self.unary()
            if isinstance(operand, Literal) and _is_number(operand.value):
                return Literal(-operand.value)  # type: ignore[operator]
            return Negate(operand)
        return self.primary()

    def primary(self) -> Expr:
        kind, value, pos = self.take()
        if kind == "value":
            return Literal(value)
        if kind == "ref":
            assert isinstance(value, Reference)
            return Ref(value)
        if kind == "word" and value in ("true", "false", "null"):
            return Literal({"true": True, "false": False, "null": None}[str(value)])
        if kind == "function":
            opened = self.peek()[2]
            self.expect_op("(")
            argument = self.or_()
            self.expect_op(")", opened)
            return Call(str(value), argument)
        if kind == "op" and value == "(":
            inner = self.or_()
            self.expect_op(")", pos)
            return inner
        if kind == "op" and value == "[":
            items: list[Expr] = []
            if not self.at("op", "]"):
                items.append(self.or_())
                while self.at("op", ","):
                    self.index += 1
                    items.append(self.or_())
            self.expect_op("]", pos)
            return ListOf(tuple(items))
        self.index -= 1
        if kind == "word":
            raise self.fail(f"expected a value, found the keyword {value!r}")
        raise self.fail(f"expected a value, found {self._found()}")


def parse_condition(text: str) -> Condition:
    """Parse a ``when`` string; :class:`ConditionSyntaxError` names what and where."""
    if len(text) > MAX_LENGTH:
        raise ConditionSyntaxError(
            text[:40] + "...", 1, f"a condition may be at most {MAX_LENGTH} characters long"
        )
    expr = _Parser(text).parse()
    found: list[Reference] = []
    _references(expr, found)
    return Condition(text, expr, tuple(found))
