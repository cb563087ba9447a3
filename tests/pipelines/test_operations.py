from __future__ import annotations

from typing import Any

import pytest

from fbruntime.pipelines import NO_DEFAULT, OperationSpec, ParamSpec, param_type


@pytest.mark.parametrize(
    ("spec", "accepted", "refused"),
    [
        ("any", [None, 1, "x", [1], {"a": 1}, object()], []),
        ("str", ["", "x"], [1, None, b"x"]),
        ("string", ["x"], [1]),
        ("int", [0, -5, 10**30], [True, 1.0, "1"]),
        ("float", [1.5, 2], [True, "1.5"]),
        ("number", [1.5, 2], [False]),
        ("bool", [True, False], [0, 1, "true"]),
        ("list", [[], [1], (1,)], [{}, "ab"]),
        ("array", [[1]], [{}]),
        ("dict", [{}, {"a": 1}], [[], "x"]),
        ("object", [{}], [[]]),
        ("null", [None], [0, ""]),
        ("str|null", ["x", None], [1]),
        ("int | float", [1, 1.5], ["1"]),
        ("BOOL", [True], [1]),
        ("SINT", [-128, 127], [-129, 128]),
        ("INT", [-32768, 32767], [-32769, 32768, 1.0]),
        ("DINT", [-(2**31), 2**31 - 1], [2**31]),
        ("USINT", [0, 255], [-1, 256]),
        ("UINT", [65535], [65536, -1]),
        ("BYTE", [255], [256]),
        ("LWORD", [2**64 - 1], [2**64]),
        ("REAL", [1.0, 3], ["x"]),
        ("STRING", ["x"], [1]),
        ("ANY_NUM", [1, 1.5], ["1", True]),
        ("ANY_ELEMENTARY", [1, 1.5, "x", True], [None, []]),
        ("INT|int", [10**6], ["x"]),
        (str, ["x"], [1]),
        (int, [1], [True]),
        (float, [1, 1.0], [True]),
        (bool, [True], [1]),
        (list, [[1]], [{}]),
        (dict, [{}], [[]]),
        (Any, [object()], []),
        (object, [object()], []),
        (int | None, [1, None], ["x"]),
        (dict[str, int], [{}], [[]]),
        (list[str], [[]], [{}]),
    ],
)
def test_param_type_accepts_and_refuses(spec: Any, accepted: list[Any], refused: list[Any]) -> None:
    kind = param_type(spec)
    for value in accepted:
        assert kind.accepts(value), value
    for value in refused:
        assert not kind.accepts(value), value


def test_unknown_type_name_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"^unknown parameter type 'integr' \(known types: any, "):
        param_type("integr")


def test_type_names_are_case_sensitive_between_json_and_iec() -> None:
    assert param_type("int").accepts(70000)
    assert not param_type("INT").accepts(70000)
    with pytest.raises(ValueError, match="unknown parameter type 'Int'"):
        param_type("Int")


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ("INT", 70000, "expected INT (-32768..32767), got int 70000"),
        ("str", 3, "expected str, got int 3"),
        ("int", True, "expected int, got bool True"),
        ("dict|null", [1], "expected dict|null, got list [1]"),
    ],
)
def test_mismatch_says_what_was_expected_and_what_came(
    spec: str, value: object, message: str
) -> None:
    assert param_type(spec).mismatch(value) == message


def test_param_with_default_is_optional_and_default_must_fit() -> None:
    assert ParamSpec("a", "int").required
    assert not ParamSpec("a", "int", default=1).required
    assert not ParamSpec("a", "int|null", default=None).required
    assert not ParamSpec("a", "int", optional=True).required
    assert ParamSpec("a").type.name == "any"
    with pytest.raises(ValueError) as caught:
        ParamSpec("port", "UINT", default=-1)
    assert str(caught.value) == "parameter 'port': default expected UINT (0..65535), got int -1"


def test_operation_refuses_a_parameter_declared_twice() -> None:
    with pytest.raises(ValueError, match="operation 'op' declares parameter 'a' twice"):
        OperationSpec("op", [ParamSpec("a"), ParamSpec("a")])


def test_operation_defaults_are_only_those_with_a_default() -> None:
    spec = OperationSpec(
        "op",
        [ParamSpec("a", "int"), ParamSpec("b", "int", default=2), ParamSpec("c", optional=True)],
    )
    assert spec.defaults() == {"b": 2}
    assert list(spec.params) == ["a", "b", "c"]


async def _fetch(
    url: str, headers: dict[str, str] | None = None, *, timeout: float = 10.0
) -> object:
    """Fetch JSON.

    Longer text that is not the summary.
    """
    return None


def test_operation_spec_is_read_from_a_function_signature() -> None:
    spec = OperationSpec.from_callable("http.get_json", _fetch)
    assert spec.description == "Fetch JSON."
    assert not spec.extra_params
    assert [(p.name, p.type.name, p.default) for p in spec.params.values()] == [
        ("url", "str", NO_DEFAULT),
        ("headers", "dict|null", None),
        ("timeout", "float", 10.0),
    ]


def test_var_keyword_means_extra_params_and_unknown_annotations_mean_any() -> None:
    class Thing:
        pass

    def op(a: Thing, *args: int, **kwargs: object) -> None:
        return None

    spec = OperationSpec.from_callable("op", op, description="explicit")
    assert spec.extra_params
    assert spec.description == "explicit"
    assert list(spec.params) == ["a"]
    assert spec.params["a"].type.name == "any"


def test_positional_only_parameter_cannot_come_from_a_config() -> None:
    def op(a: int, /) -> None:
        return None

    with pytest.raises(ValueError) as caught:
        OperationSpec.from_callable("op", op)
    assert str(caught.value) == (
        "operation 'op': parameter 'a' is positional-only, so a config cannot pass it by name"
    )
