"""The ``when`` language: what conditions mean, and how bad ones are reported."""

from __future__ import annotations

import re

import pytest

from fbruntime.pipelines.conditions import (
    ConditionError,
    ConditionSyntaxError,
    parse_condition,
)
from fbruntime.pipelines.references import Reference

RESULTS = {
    "check": {"temp": 12, "city": "Berlin", "tags": ["cold", "dry"], "ok": True, "none": None},
    "count": 3,
    "users-list": [{"name": "ann"}, {"name": "bob"}],
    "params": {"limit": 10, "notify": False, "mode": "fast"},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("check.temp > 10", True),
        ("check.temp > params.limit and not params.notify", True),
        ("check.temp >= 12 and check.temp <= 12", True),
        ("check.temp < 0 or check.ok", True),
        ("check.city == 'Berlin'", True),
        ('check.city != "Paris"', True),
        ("'cold' in check.tags", True),
        ("'hot' not in check.tags", True),
        ("'city' in check", True),
        ("'erl' in check.city", True),
        ("len(users-list) == 2", True),
        ("users-list[-1].name == 'bob'", True),
        ("upper(params.mode) == 'FAST'", True),
        ("lower('ABC') == 'abc'", True),
        ("abs(-3) == count", True),
        ("max([1, 5, 2]) == 5 and min([1, 5]) == 1 and sum([1, 2.5]) == 3.5", True),
        ("count * 2 + 1 == 7", True),
        ("count - 1 == 2", True),
        ("count % 2 == 1 and count / 2 == 1.5", True),
        ("-count < 0", True),
        ("check.none == null", True),
        ("check.none", False),
        ("params.notify", False),
        ("check.tags", True),
        ("[]", False),
        ("[1, 2] == [1, 2]", True),
        ("true == 1", False),  # JSON: a boolean is not a number
        ("1 == 1.0", True),
        ("not (check.temp > 10)", False),
        ("'a' + 'b' == 'ab'", True),
        ("check.city == 'Ber\\'lin'", False),
    ],
)
def test_conditions_evaluate_like_json(text: str, expected: bool) -> None:
    assert parse_condition(text).holds(RESULTS) is expected


def test_references_are_collected_in_order() -> None:
    condition = parse_condition("check.temp > params.limit or len(users-list[0].name) > 2")
    assert condition.references == (
        Reference("check", ("temp",)),
        Reference("params", ("limit",)),
        Reference("users-list", (0, "name")),
    )


def test_explain_shows_the_values_the_condition_saw() -> None:
    condition = parse_condition("check.temp > params.limit and missing.x")
    assert condition.explain(RESULTS) == (
        "check.temp = 12, params.limit = 10, missing.x has no value"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the condition is empty (column 1)"),
        ("a >", "expected a value, found the end (column 4)"),
        ("a = 1", "use '==' to compare (column 3)"),
        ("a && b", "write 'and', 'or' and 'not' instead of '&&', '||', '!' (column 3)"),
        ("(a", "expected ')' to close the one at column 1, found the end (column 3)"),
        ("a < b < c", "comparisons do not chain: write 'a < b and b < c' (column 7)"),
        ("and", "expected a value, found the keyword 'and' (column 1)"),
        ("a.0", "a list index goes in brackets: write [0], not .0 (column 4)"),
        ("a b", "unexpected 'b' after a complete condition (column 3)"),
        ("'open", "the quote is never closed (column 1)"),
        ("a ; b", "unexpected ';' (column 3)"),
        ("len(a", "expected ')' to close the one at column 4, found the end (column 6)"),
    ],
)
def test_syntax_errors_name_the_column(text: str, message: str) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)
    assert str(caught.value) == f"invalid condition {text!r}: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("check.city < 3", "cannot compare a string"),
        ("count + 'x' == 1", "arithmetic needs two numbers"),
        ("count / 0 > 1", "division by zero"),
        ("len(count) > 0", "len() needs a string, a list or an object, got a number"),
        ("check.nope == 1", "key 'nope' is missing"),
        ("1 in count", "'in' needs a list, an object or a string"),
        ("-check.city", "cannot negate a string"),
        ("max(check.tags) > 1", 'max() needs a list of numbers, got ["cold", "dry"]'),
        ("min([]) > 1", "min() of an empty list"),
    ],
)
def test_conditions_that_cannot_be_evaluated_say_why(text: str, message: str) -> None:
    with pytest.raises(ConditionError, match=re.escape(message)):
        parse_condition(text).holds(RESULTS)


def test_a_keyword_followed_by_a_path_is_a_task_reference() -> None:
    # A task may be called "in" or "null"; with a path it cannot be the keyword.
    assert parse_condition("null.x == 1").holds({"null": {"x": 1}})
