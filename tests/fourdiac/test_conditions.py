from __future__ import annotations

import pytest

from fbruntime.fourdiac.conditions import parse_condition

EVENTS = ["CU", "R", "CLK", "EI", "INIT", "REQ"]


@pytest.mark.parametrize(
    ("text", "event", "guard"),
    [
        ("CLK&D", "CLK", "D"),
        ("EI & (NOT G)", "EI", "(NOT G)"),
        ("CU[CV < 65535]", "CU", "CV < 65535"),
        ("CLK[CV < MIN(3, N-1)]", "CLK", "CV < MIN(3, N-1)"),
        ("INIT[TRUE = QI]", "INIT", "TRUE = QI"),
        ("REQ[a[1] > 0]", "REQ", "a[1] > 0"),
        ("R", "R", None),
        ("DM.E1", "DM.E1", None),
        ("UP_IN.E1[UP_IN.D1]", "UP_IN.E1", "UP_IN.D1"),
        ("[K = 0]", None, "K = 0"),
        ("NOT G", None, "NOT G"),
        ("G", None, "G"),
        ("1", None, None),
        ("TRUE", None, None),
        ("CU[1]", "CU", None),
        ("", None, None),
    ],
)
def test_condition_forms_split_into_event_and_guard(
    text: str, event: str | None, guard: str | None
) -> None:
    condition = parse_condition(text, EVENTS, adapters=["DM", "UP_IN"])
    assert (condition.event, condition.guard) == (event, guard)
    assert condition.text == text


def test_bare_name_is_an_event_when_events_are_unknown() -> None:
    assert parse_condition("G").event == "G"


def test_event_names_match_case_insensitively() -> None:
    assert parse_condition("cu", EVENTS).event == "cu"


def test_first_edition_guard_without_event_stays_a_guard() -> None:
    condition = parse_condition("A & B", EVENTS)
    assert (condition.event, condition.guard) == (None, "A & B")
