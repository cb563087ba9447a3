"""Values cannot grow past FORTE's STRING length or a bounded number of elements, and errors
never repeat a huge value."""

from __future__ import annotations

import pytest

from fbruntime import iec
from fbruntime.iec.limits import MAX_ELEMENTS, shorten


def test_a_string_holds_at_most_65534_characters() -> None:
    string = iec.elementary("STRING")
    assert string.coerce("x" * 65_534) == "x" * 65_534
    with pytest.raises(iec.IecValueError) as info:
        string.coerce("x" * 5_000_000)
    assert "at most 65,534 characters; this value has 5,000,000" in str(info.value)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: iec.ArrayType(iec.elementary("LREAL"), 0, 100_000_000), "100,000,001 values"),
        (
            lambda: iec.ArrayType(iec.ArrayType(iec.elementary("INT"), 0, 9_999), 0, 999),
            "10,000,000 values",
        ),
    ],
    ids=["flat", "nested"],
)
def test_an_array_type_holding_too_many_values_is_refused(make: object, words: str) -> None:
    with pytest.raises(iec.IecTypeError) as info:
        make()  # type: ignore[operator]
    assert words in str(info.value) and f"{MAX_ELEMENTS:,}" in str(info.value)


def test_a_literal_too_long_or_repeating_too_often_is_refused_briefly() -> None:
    with pytest.raises(iec.LiteralError) as info:
        iec.parse_literal("9" * 2_000_000, iec.elementary("DINT"))
    assert "2,000,000 characters" in str(info.value) and len(str(info.value)) < 300
    with pytest.raises(iec.LiteralError, match="more than 1,000,000 elements"):
        iec.parse_literal("[99999999999(1)]")


def test_shorten_keeps_messages_small() -> None:
    assert shorten("abc") == "'abc'"
    text = shorten("y" * 1_000_000)
    assert text.endswith("(1,000,000 characters)") and len(text) < 100
