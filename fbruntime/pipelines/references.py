"""How a task's ``dependent_params`` point into the results of earlier tasks.

A dependent param's value is a string in one of two forms (see FORMAT.md for the full story):

* a **reference** (the primary form): ``"fetch"``, ``"fetch.items[0].name"``,
  ``'fetch.headers["content-type"]'``. The param receives the referenced value itself, of
  whatever type it is (a list stays a list).
* a **template**: any string containing ``${...}``, e.g. ``"Hello ${fetch.user.name}!"``. Each
  ``${reference}`` is replaced by the referenced value (strings as they are, anything else as
  JSON) and the param always receives a string. ``$${`` writes a literal ``${``.
* a **fallback**: references joined by ``??`` (``"hot ?? mild"``, also inside ``${...}``): the
  first one that has a value, for the join after a branch, where only one side ran (a skipped
  task has no result). ``null`` when none has one.

Grammar of a reference (no spaces, except around it inside ``${ ... }``)::

    reference := task_id segment*
    task_id   := [A-Za-z0-9_] [A-Za-z0-9_-]*
    segment   := "." name                     a key of a dict or an attribute of an object
               | "[" ["-"] digits "]"          an index into a list (negative counts from the end)
               | "[" quoted "]"               a key with any characters: ["a.b"] or ['a b']
    name      := [A-Za-z_] [A-Za-z0-9_-]*

Parsing happens once, when the pipeline is validated; the runner keeps the parsed
:class:`Reference`/:class:`Template` objects and only walks them (:func:`resolve`, :func:`render`).
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = [
    "DependentValue",
    "Fallback",
    "PathItem",
    "Reference",
    "ReferenceSyntaxError",
    "ResolutionError",
    "Template",
    "evaluate",
    "parse_dependent",
    "parse_reference",
    "parse_template",
    "render",
    "resolve",
]

PathItem: TypeAlias = str | int

_ID_START = frozenset(string.ascii_letters + string.digits + "_")
_ID_CHARS = _ID_START | {"-"}
_NAME_START = frozenset(string.ascii_letters + "_")
_NAME_CHARS = _NAME_START | frozenset(string.digits + "-")
_DIGITS = frozenset(string.digits)
_QUOTES = frozenset("\"'")
_LIST_KEYS_SHOWN = 10


def _is_name(text: str) -> bool:
    return bool(text) and text[0] in _NAME_START and all(c in _NAME_CHARS for c in text)


def _quote_key(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'["{escaped}"]'


def _path_text(task_id: str, path: Sequence[PathItem]) -> str:
    parts = [task_id]
    for item in path:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif _is_name(item):
            parts.append(f".{item}")
        else:
            parts.append(_quote_key(item))
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Reference:
    """A task's result, or a value inside it reached by ``path`` (keys, attributes, indexes)."""

    task_id: str
    path: tuple[PathItem, ...] = ()

    def __str__(self) -> str:
        return _path_text(self.task_id, self.path)


@dataclass(frozen=True, slots=True)
class Template:
    """A string with ``${reference}`` holes; literal text and references in order."""

    parts: tuple[str | Reference | Fallback, ...]

    @property
    def references(self) -> tuple[Reference, ...]:
        found: list[Reference] = []
        for part in self.parts:
            if isinstance(part, Reference):
                found.append(part)
            elif isinstance(part, Fallback):
                found.extend(part.options)
        return tuple(found)

    def __str__(self) -> str:
        return "".join(
            part.replace("${", "$${") if isinstance(part, str) else "${" + str(part) + "}"
            for part in self.parts
        )


@dataclass(frozen=True, slots=True)
class Fallback:
    """``a ?? b``: the first of the references that has a value."""

    options: tuple[Reference, ...]

    @property
    def references(self) -> tuple[Reference, ...]:
        return self.options

    def __str__(self) -> str:
        return " ?? ".join(str(option) for option in self.options)


DependentValue: TypeAlias = Reference | Template | Fallback


class ReferenceSyntaxError(ValueError):
    """A dependent param string that is not a valid reference or template."""

    def __init__(self, text: str, column: int, reason: str) -> None:
        self.text = text
        self.column = column
        self.reason = reason
        super().__init__(f"invalid reference {text!r}: {reason} (column {column})")


class _Scanner:
    """Reads one reference out of ``text`` starting at ``pos``; shared by both forms."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos

    def fail(self, reason: str, pos: int | None = None) -> ReferenceSyntaxError:
        return ReferenceSyntaxError(self.text, (self.pos if pos is None else pos) + 1, reason)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take_while(self, chars: frozenset[str]) -> str:
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos] in chars:
            self.pos += 1
        return text[start : self.pos]

    def reference(self, *, in_template: bool) -> Reference:
        start = self.pos
        if self.peek() not in _ID_START:
            found = repr(self.peek()) if self.peek() else "the end"
            raise self.fail(f"expected a task id, found {found}")
        task_id = self.take_while(_ID_CHARS)
        path: list[PathItem] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == ".":
                self.pos += 1
                path.append(self.name())
            elif char == "[":
                self.pos += 1
                path.append(self.bracket())
            elif in_template:
                break
            else:
                raise self.fail(f"unexpected {char!r} after {self.text[start : self.pos]!r}")
        return Reference(task_id, tuple(path))

    def name(self) -> str:
        char = self.peek()
        if char in _DIGITS:
            digits = self.take_while(_DIGITS)
            raise self.fail(f"a list index goes in brackets: write [{digits}], not .{digits}")
        if char not in _NAME_START:
            found = repr(char) if char else "the end"
            raise self.fail(
                f"expected a name after '.', found {found} "
                '(a key with other characters is written ["key"])'
            )
        return self.take_while(_NAME_CHARS)

    def bracket(self) -> PathItem:
        opened = self.pos - 1
        char = self.peek()
        item: PathItem
        if char in _QUOTES:
            item = self.quoted(char)
        else:
            sign = ""
            if char == "-":
                sign = "-"
                self.pos += 1
            digits = self.take_while(_DIGITS)
            if not digits:
                raise self.fail(
                    "expected an index like [0] or a quoted key like [\"name\"] after '['",
                )
            item = int(sign + digits)
        if self.peek() != "]":
            raise self.fail(f"expected ']' to close the '[' at column {opened + 1}")
        self.pos += 1
        return item

    def quoted(self, quote: str) -> str:
        opened = self.pos
        self.pos += 1
        chars: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                chars.append(text[self.pos + 1])
                self.pos += 2
            elif char == quote:
                self.pos += 1
                return "".join(chars)
            else:
                chars.append(char)
                self.pos += 1
        raise self.fail(f"the quote opened at column {opened + 1} is never closed")


def parse_reference(text: str) -> Reference:
    """Parse the primary form, e.g. ``"fetch.items[0].name"``."""
    scanner = _Scanner(text, 0)
    return scanner.reference(in_template=False)


_BLANKS = frozenset(" \t")


def _alternatives(scanner: _Scanner, first: Reference) -> Reference | Fallback:
    """After a reference: more of them joined by ``??``, if any follow."""
    options = [first]
    while True:
        start = scanner.pos
        scanner.take_while(_BLANKS)
        if not scanner.text.startswith("??", scanner.pos):
            scanner.pos = start
            break
        scanner.pos += 2
        scanner.take_while(_BLANKS)
        options.append(scanner.reference(in_template=True))
    return first if len(options) == 1 else Fallback(tuple(options))


def parse_fallback(text: str) -> Reference | Fallback:
    """``"a.x ?? b"``: references joined by ``??`` (a single one is just a Reference)."""
    scanner = _Scanner(text, 0)
    scanner.take_while(_BLANKS)
    found = _alternatives(scanner, scanner.reference(in_template=True))
    scanner.take_while(_BLANKS)
    if scanner.pos < len(text):
        raise scanner.fail(
            f"unexpected {text[scanner.pos]!r}; join alternatives with '??' (like 'a ?? b')"
        )
    return found


def parse_template(text: str) -> Template:
    """Parse a string with ``${reference}`` holes; ``$${`` is a literal ``${``."""
    parts: list[str | Reference | Fallback] = []
    literal: list[str] = []
    pos = 0
    while True:
        found = text.find("${", pos)
        if found < 0:
            literal.append(text[pos:])
            break
        if found > 0 and text[found - 1] == "$":
            literal.append(text[pos : found - 1] + "${")
            pos = found + 2
            continue
        literal.append(text[pos:found])
        scanner = _Scanner(text, found + 2)
        scanner.take_while(_BLANKS)
        reference = _alternatives(scanner, scanner.reference(in_template=True))
        scanner.take_while(_BLANKS)
        if scanner.peek() != "}":
            found_char = repr(scanner.peek()) if scanner.peek() else "the end"
            raise scanner.fail(
                f"expected '}}' to close the '${{' at column {found + 1}, found {found_char}"
            )
        pos = scanner.pos + 1
        if any(literal):
            parts.append("".join(literal))
        literal = []
        parts.append(reference)
    if any(literal):
        parts.append("".join(literal))
    return Template(tuple(parts))


def parse_dependent(text: str) -> DependentValue:
    """A template if the string contains ``${``, a fallback if ``??``, else a reference."""
    if "${" in text:
        return parse_template(text)
    if "??" in text:
        return parse_fallback(text)
    return parse_reference(text)


class ResolutionError(LookupError):
    """A reference that does not lead to a value in the results the runner has."""

    def __init__(
        self,
        reference: Reference,
        reached: Reference,
        reason: str,
        *,
        task: str | None = None,
        param: str | None = None,
    ) -> None:
        self.reference = reference
        self.reached = reached
        self.reason = reason
        self.task = task
        self.param = param
        where = []
        if task is not None:
            where.append(f"task {task!r}")
        if param is not None:
            where.append(f"param {param!r}")
        prefix = ", ".join(where) + ": " if where else ""
        at = "" if reached == reference else f" at {str(reached)!r}"
        super().__init__(f"{prefix}cannot resolve {str(reference)!r}: {reason}{at}")


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({json.dumps(value)})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return f"a list of {len(value)} items"
    return f"a {type(value).__name__}"


def _keys(mapping: Mapping[Any, Any]) -> str:
    keys = [str(key) for key in list(mapping)[: _LIST_KEYS_SHOWN + 1]]
    if not keys:
        return "it is empty"
    if len(keys) > _LIST_KEYS_SHOWN:
        return "keys: " + ", ".join(keys[:_LIST_KEYS_SHOWN]) + ", ..."
    return "keys: " + ", ".join(keys)


_NO_ATTRIBUTES = (str, bytes, bytearray, int, float, bool, list, tuple, type(None))


def _step(value: object, item: PathItem) -> object:
    """One step down; raises ``LookupError`` with the reason when there is nothing there."""
    if isinstance(item, int):
        if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
            try:
                return value[item]
            except IndexError:
                raise LookupError(
                    f"index {item} is out of range ({_describe(value)})",
                ) from None
        if isinstance(value, Mapping) and item in value:
            return value[item]
        raise LookupError(
            f"cannot take index [{item}] of {_describe(value)}; only lists have indexes"
        )
    if isinstance(value, Mapping):
        if item in value:
            return value[item]
        raise LookupError(f"key {item!r} is missing ({_keys(value)})")
    if not item.startswith("_") and not isinstance(value, _NO_ATTRIBUTES):
        try:
            return getattr(value, item)
        except AttributeError:
            raise LookupError(f"{_describe(value)} has no attribute {item!r}") from None
    raise LookupError(f"cannot take key {item!r} of {_describe(value)}")


def resolve(
    reference: Reference,
    results: Mapping[str, object],
    *,
    task: str | None = None,
    param: str | None = None,
) -> object:
    """The value ``reference`` points at; ``task``/``param`` name the consumer in errors."""
    try:
        value = results[reference.task_id]
    except KeyError:
        raise ResolutionError(
            reference,
            Reference(reference.task_id),
            f"task {reference.task_id!r} has no result (it has not run, or it failed)",
            task=task,
            param=param,
        ) from None
    for index, item in enumerate(reference.path):
        try:
            value = _step(value, item)
        except LookupError as error:
            reached = Reference(reference.task_id, reference.path[:index])
            raise ResolutionError(
                reference, reached, str(error.args[0]), task=task, param=param
            ) from None
    return value


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def first_of(
    fallback: Fallback,
    results: Mapping[str, object],
    *,
    task: str | None = None,
    param: str | None = None,
) -> object:
    """The first option that has a value; ``None`` if none has one.

    A task without a result (skipped, so ``null``) has no value, nor has anything inside it.
    When every option fails for another reason (a missing key: a typo?), the first such error
    is raised.
    """
    error: ResolutionError | None = None
    resolved = False
    for option in fallback.options:
        if results.get(option.task_id) is None:
            resolved = True
            continue
        try:
            value = resolve(option, results, task=task, param=param)
        except ResolutionError as failed:
            error = error or failed
            continue
        if value is not None:
            return value
        resolved = True
    if resolved or error is None:
        return None
    raise error


def render(
    template: Template,
    results: Mapping[str, object],
    *,
    task: str | None = None,
    param: str | None = None,
) -> str:
    """Fill the template's holes: strings as they are, other values as JSON."""
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Reference):
            out.append(_as_text(resolve(part, results, task=task, param=param)))
        else:
            out.append(_as_text(first_of(part, results, task=task, param=param)))
    return "".join(out)


def evaluate(
    value: DependentValue,
    results: Mapping[str, object],
    *,
    task: str | None = None,
    param: str | None = None,
) -> object:
    """The value a dependent param receives: the referenced value, or the rendered string."""
    if isinstance(value, Reference):
        return resolve(value, results, task=task, param=param)
    if isinstance(value, Fallback):
        return first_of(value, results, task=task, param=param)
    return render(value, results, task=task, param=param)
