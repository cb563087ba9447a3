from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from fbruntime.pipelines import RetryPolicy, delay_for_attempt, error_kinds, should_retry


def test_policy_defaults_are_no_retry_five_seconds_no_backoff_one_day_cap() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.retry_delay, policy.backoff) == (0, 5.0, 1.0)
    assert (policy.max_delay, policy.jitter, policy.no_retry_on) == (86400.0, 0.0, ())


@pytest.mark.parametrize(
    ("settings", "attempts", "delays"),
    [
        ({"retry_delay": 5}, [1, 2, 3], [5, 5, 5]),
        ({"retry_delay": 1, "backoff": 2}, [1, 2, 3, 4], [1, 2, 4, 8]),
        ({"retry_delay": 2, "backoff": 3, "max_delay": 20}, [1, 2, 3, 4], [2, 6, 18, 20]),
        ({"retry_delay": 0, "backoff": 2}, [1, 5], [0, 0]),
        ({"retry_delay": 10, "backoff": 10, "max_delay": 1000}, [3, 4, 10_000], [1000, 1000, 1000]),
        ({"retry_delay": 1, "backoff": 2}, [100_000], [86400]),
    ],
)
def test_delay_grows_by_backoff_up_to_the_cap(
    settings: dict[str, float], attempts: list[int], delays: list[float]
) -> None:
    policy = RetryPolicy.model_validate(settings)
    assert [delay_for_attempt(policy, attempt) for attempt in attempts] == delays


def test_jitter_is_deterministic_for_a_seeded_rng_and_never_passes_the_delay() -> None:
    policy = RetryPolicy(retry_delay=10, backoff=2, max_delay=40, jitter=0.5)
    first = [delay_for_attempt(policy, n, random.Random(7)) for n in range(1, 6)]
    again = [delay_for_attempt(policy, n, random.Random(7)) for n in range(1, 6)]
    assert first == again
    for attempt, delay in zip(range(1, 6), first, strict=True):
        full = min(10 * 2 ** (attempt - 1), 40)
        assert full * 0.5 <= delay <= full


class FixedRandom:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(
    ("jitter", "u", "delay"), [(0.0, 0.9, 8.0), (1.0, 0.25, 6.0), (0.5, 0.5, 6.0)]
)
def test_jitter_takes_off_a_random_share_of_the_delay(
    jitter: float, u: float, delay: float
) -> None:
    policy = RetryPolicy(retry_delay=8, jitter=jitter)
    assert delay_for_attempt(policy, 1, FixedRandom(u)) == delay


def test_attempts_are_numbered_from_one() -> None:
    with pytest.raises(ValueError, match="attempts are numbered from 1, got 0"):
        delay_for_attempt(RetryPolicy(), 0)
    with pytest.raises(ValueError, match="attempts are numbered from 1, got 0"):
        should_retry(RetryPolicy(), 0, "x")


@pytest.mark.parametrize(
    ("max_retries", "attempt", "expected"),
    [(0, 1, False), (1, 1, True), (1, 2, False), (3, 3, True), (3, 4, False)],
)
def test_should_retry_counts_retries_after_the_first_attempt(
    max_retries: int, attempt: int, expected: bool
) -> None:
    policy = RetryPolicy(max_retries=max_retries)
    assert should_retry(policy, attempt, RuntimeError("boom")) is expected


class AuthError(PermissionError):
    kind = "http.401"


@pytest.mark.parametrize(
    ("no_retry_on", "error", "expected"),
    [
        (("ValueError",), ValueError("bad"), False),
        (("ValueError",), KeyError("k"), True),
        (("OSError",), ConnectionRefusedError(), False),
        (("builtins.ConnectionRefusedError",), ConnectionRefusedError(), False),
        (("http.401",), AuthError(), False),
        (("PermissionError",), AuthError(), False),
        (("http.401",), PermissionError(), True),
        (("timeout",), "timeout", False),
        (("timeout",), "crash", True),
        (("TimeoutError",), TimeoutError(), False),
    ],
)
def test_no_retry_on_matches_kind_class_names_and_bases(
    no_retry_on: tuple[str, ...], error: BaseException | str, expected: bool
) -> None:
    policy = RetryPolicy(max_retries=5, no_retry_on=no_retry_on)
    assert should_retry(policy, 1, error) is expected


def test_error_kinds_lists_kind_then_class_hierarchy() -> None:
    kinds = error_kinds(AuthError())
    assert kinds[0] == "http.401"
    assert kinds[1:3] == ("AuthError", f"{__name__}.AuthError")
    assert "OSError" in kinds and "BaseException" in kinds and "object" not in kinds


def test_cap_below_first_delay_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"max_delay \(3\) is smaller than retry_delay \(10\)"
    ):
        RetryPolicy(retry_delay=10, max_delay=3)


@pytest.mark.parametrize(
    "settings",
    [{"max_retries": -1}, {"retry_delay": -1}, {"backoff": 0.5}, {"jitter": 1.5}, {"max_delay": 0}],
)
def test_out_of_range_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        RetryPolicy.model_validate(settings)
