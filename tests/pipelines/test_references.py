from __future__ import annotations

from dataclasses import dataclass

import pytest

from fbruntime.pipelines import (
    Reference,
    ReferenceSyntaxError,
    ResolutionError,
    Template,
    evaluate,
    parse_dependent,
    parse_reference,
    parse_template,
    render,
    resolve,
)


@pytest.mark.parametrize(
    ("text", "task_id", "path"),
    [
        ("fetch", "fetch", ()),
        ("fetch.items", "fetch", ("items",)),
        ("fetch.items[0].name", "fetch", ("items", 0, "name")),
        ("fetch.items[-1]", "fetch", ("items", -1)),
        ('fetch.headers["content-type"]', "fetch", ("headers", "content-type")),
        ("fetch.headers['a.b c']", "fetch", ("headers", "a.b c")),
        ('fetch["say \\"hi\\""]', "fetch", ('say "hi"',)),
        ("fetch.content-type", "fetch", ("content-type",)),
        ("get-data_2.x_y", "get-data_2", ("x_y",)),
        ("1st.value", "1st", ("value",)),
        ("m[0][1]", "m", (0, 1)),
    ],
)
def test_reference_parses_into_task_and_path(
    text: str, task_id: str, path: tuple[str | int, ...]
) -> None:
    assert parse_reference(text) == Reference(task_id, path)


@pytest.mark.parametrize(
    ("reference", "text"),
    [
        (Reference("fetch", ("items", 0, "name")), "fetch.items[0].name"),
        (Reference("fetch", ("a.b",)), 'fetch["a.b"]'),
        (Reference("fetch", ('q"',)), 'fetch["q\\""]'),
        (Reference("fetch", ("0",)), 'fetch["0"]'),
        (Reference("fetch"), "fetch"),
    ],
)
def test_reference_prints_in_the_form_it_parses_from(reference: Reference, text: str) -> None:
    assert str(reference) == text
    assert parse_reference(text) == reference


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid reference '': expected a task id, found the end (column 1)"),
        (".x", "invalid reference '.x': expected a task id, found '.' (column 1)"),
        ("-a", "invalid reference '-a': expected a task id, found '-' (column 1)"),
        (
            "fetch..x",
            "invalid reference 'fetch..x': expected a name after '.', found '.' "
            '(a key with other characters is written ["key"]) (column 7)',
        ),
        (
            "fetch.",
            "invalid reference 'fetch.': expected a name after '.', found the end "
            '(a key with other characters is written ["key"]) (column 7)',
        ),
        (
            "fetch.items.0",
            "invalid reference 'fetch.items.0': a list index goes in brackets: write [0], "
            "not .0 (column 14)",
        ),
        (
            "fetch[x]",
            "invalid reference 'fetch[x]': expected an index like [0] or a quoted key like "
            "[\"name\"] after '[' (column 7)",
        ),
        (
            "fetch[0",
            "invalid reference 'fetch[0': expected ']' to close the '[' at column 6 (column 8)",
        ),
        (
            "fetch['a",
            'invalid reference "fetch[\'a": the quote opened at column 7 is never closed '
            "(column 9)",
        ),
        ("fetch x", "invalid reference 'fetch x': unexpected ' ' after 'fetch' (column 6)"),
        (
            "fetch.a b",
            "invalid reference 'fetch.a b': unexpected ' ' after 'fetch.a' (column 8)",
        ),
    ],
)
def test_bad_reference_is_refused_with_position(text: str, message: str) -> None:
    with pytest.raises(ReferenceSyntaxError) as caught:
        parse_reference(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Hi ${user.name}!", ("Hi ", Reference("user", ("name",)), "!")),
        ("${a}${b}", (Reference("a"), Reference("b"))),
        ("${ a.x }", (Reference("a", ("x",)),)),
        ("cost: $${price}", ("cost: ${price}",)),
        ("$5 and ${a}", ("$5 and ", Reference("a"))),
        ('${a["}"]}', (Reference("a", ("}",)),)),
    ],
)
def test_template_splits_literal_text_and_references(text: str, parts: tuple[object, ...]) -> None:
    template = parse_template(text)
    assert template.parts == parts
    assert parse_template(str(template)) == template


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Hi ${user.name",
            "invalid reference 'Hi ${user.name': expected '}' to close the '${' at column 4, "
            "found the end (column 15)",
        ),
        (
            "Hi ${user name}",
            "invalid reference 'Hi ${user name}': expected '}' to close the '${' at column 4, "
            "found 'n' (column 11)",
        ),
        ("${}", "invalid reference '${}': expected a task id, found '}' (column 3)"),
    ],
)
def test_bad_template_is_refused_with_position(text: str, message: str) -> None:
    with pytest.raises(ReferenceSyntaxError) as caught:
        parse_template(text)
    assert str(caught.value) == message


def test_dependent_value_is_a_template_only_when_it_contains_a_hole() -> None:
    assert parse_dependent("fetch.items") == Reference("fetch", ("items",))
    assert parse_dependent("n=${fetch.n}") == Template(("n=", Reference("fetch", ("n",))))


@dataclass
class Weather:
    city: str
    _secret: str = "hidden"


RESULTS: dict[str, object] = {
    "fetch": {"items": [{"name": "a"}, {"name": "b"}], "headers": {"content-type": "json"}},
    "obj": Weather("Berlin"),
    "count": 3,
}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("fetch", RESULTS["fetch"]),
        ("fetch.items[1].name", "b"),
        ("fetch.items[-1].name", "b"),
        ('fetch.headers["content-type"]', "json"),
        ("obj.city", "Berlin"),
        ("count", 3),
    ],
)
def test_resolve_walks_dicts_lists_and_attributes(text: str, value: object) -> None:
    assert resolve(parse_reference(text), RESULTS) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "missing.x",
            "task 'send', param 'text': cannot resolve 'missing.x': task 'missing' has no "
            "result (it has not run, or it failed) at 'missing'",
        ),
        (
            "fetch.items[5].name",
            "task 'send', param 'text': cannot resolve 'fetch.items[5].name': index 5 is out "
            "of range (a list of 2 items) at 'fetch.items'",
        ),
        (
            "fetch.items[0].nme",
            "task 'send', param 'text': cannot resolve 'fetch.items[0].nme': key 'nme' is "
            "missing (keys: name) at 'fetch.items[0]'",
        ),
        (
            "fetch.items.name",
            "task 'send', param 'text': cannot resolve 'fetch.items.name': cannot take key "
            "'name' of a list of 2 items at 'fetch.items'",
        ),
        (
            "fetch.headers[0]",
            "task 'send', param 'text': cannot resolve 'fetch.headers[0]': cannot take index "
            "[0] of an object; only lists have indexes at 'fetch.headers'",
        ),
        (
            "obj.country",
            "task 'send', param 'text': cannot resolve 'obj.country': a Weather has no "
            "attribute 'country' at 'obj'",
        ),
        (
            "obj._secret",
            "task 'send', param 'text': cannot resolve 'obj._secret': cannot take key "
            "'_secret' of a Weather at 'obj'",
        ),
        (
            "count.real",
            "task 'send', param 'text': cannot resolve 'count.real': cannot take key 'real' "
            "of a number (3) at 'count'",
        ),
    ],
)
def test_resolve_names_task_param_and_where_it_stopped(text: str, message: str) -> None:
    with pytest.raises(ResolutionError) as caught:
        resolve(parse_reference(text), RESULTS, task="send", param="text")
    assert str(caught.value) == message


def test_resolution_error_without_consumer_starts_with_the_reference() -> None:
    with pytest.raises(ResolutionError) as caught:
        resolve(Reference("fetch", ("nope",)), RESULTS)
    assert str(caught.value).startswith("cannot resolve 'fetch.nope': key 'nope' is missing")
    assert caught.value.reached == Reference("fetch")


def test_render_inserts_strings_as_is_and_other_values_as_json() -> None:
    template = parse_template("${fetch.items[0].name} ${count} ${fetch.items[1]} ${none} ${yes}")
    results = {**RESULTS, "none": None, "yes": True}
    assert render(template, results) == 'a 3 {"name": "b"} null true'


def test_evaluate_keeps_the_type_of_a_plain_reference() -> None:
    items = [{"name": "a"}, {"name": "b"}]
    assert evaluate(parse_dependent("fetch.items"), RESULTS) == items
    assert evaluate(parse_dependent("${count}"), RESULTS) == "3"


# -- fallbacks: "a ?? b" --------------------------------------------------------------------


def test_a_fallback_takes_the_first_reference_with_a_value() -> None:
    from fbruntime.pipelines.references import Fallback

    value = parse_dependent("hot.text ?? mild.text")
    assert value == Fallback((Reference("hot", ("text",)), Reference("mild", ("text",))))
    assert str(value) == "hot.text ?? mild.text"
    assert evaluate(value, {"hot": None, "mild": {"text": "ok"}}) == "ok"
    assert evaluate(value, {"hot": {"text": "warm"}, "mild": None}) == "warm"
    assert evaluate(value, {"hot": None, "mild": None}) is None


def test_a_fallback_works_inside_a_template() -> None:
    template = parse_template("Today: ${hot ?? mild ?? cold}!")
    assert [str(r) for r in template.references] == ["hot", "mild", "cold"]
    assert str(template) == "Today: ${hot ?? mild ?? cold}!"
    assert evaluate(template, {"hot": None, "mild": None, "cold": "brr"}) == "Today: brr!"


def test_a_fallback_where_nothing_resolves_says_why() -> None:
    with pytest.raises(ResolutionError, match="key 'x' is missing"):
        evaluate(parse_dependent("a.x ?? b.x"), {"a": {}, "b": {}})


@pytest.mark.parametrize(
    ("text", "message"),
    [("a ??", "expected a task id, found the end"), ("a ?? b c", "join alternatives with '??'")],
)
def test_a_broken_fallback_is_a_syntax_error(text: str, message: str) -> None:
    with pytest.raises(ReferenceSyntaxError, match=message):
        parse_dependent(text)
