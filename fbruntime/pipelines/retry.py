"""When a failed task is tried again, and after how long.

The policy has the field set that Temporal, Celery and Dagster converged on: a retry count, a first
delay, an exponential ``backoff`` factor, a ``max_delay`` cap, ``jitter``, and error kinds that
must never be retried (``no_retry_on``: an expired token or bad input fails the same way every
time, so retrying only delays the bad news).

Attempts are numbered from 1: attempt 1 is the first run. With ``max_retries=3`` a task runs at
most 4 times. The delay after failed attempt ``n`` is::

    min(retry_delay * backoff ** (n - 1), max_delay) * (1 - jitter * u),   u uniform in [0, 1)

so the cap is a true upper bound, ``jitter=0`` is deterministic and ``jitter=1`` is "full jitter".
The power is never computed once it would pass the cap, so attempt 10,000 cannot overflow.

The runner owns the clock; this module only computes numbers and takes the random source as an
argument, so retry schedules are tested without sleeping.
"""

from __future__ import annotations

import math
import random
from typing import Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DEFAULT_MAX_DELAY",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_DELAY",
    "RandomSource",
    "RetryPolicy",
    "delay_for_attempt",
    "error_kinds",
    "should_retry",
]

DEFAULT_MAX_RETRIES = 0
DEFAULT_RETRY_DELAY = 5.0
DEFAULT_MAX_DELAY = 86_400.0


class RandomSource(Protocol):
    """Anything with ``random() -> float`` in [0, 1), e.g. ``random.Random(seed)``."""

    def random(self) -> float: ...


class RetryPolicy(BaseModel):
    """The retry settings of one task, after the task's overrides met the pipeline's defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    max_retries: int = Field(default=DEFAULT_MAX_RETRIES, ge=0)
    retry_delay: float = Field(default=DEFAULT_RETRY_DELAY, ge=0)
    backoff: float = Field(default=1.0, ge=1)
    max_delay: float = Field(default=DEFAULT_MAX_DELAY, gt=0)
    jitter: float = Field(default=0.0, ge=0, le=1)
    no_retry_on: tuple[str, ...] = Field(default=(), strict=False)

    @model_validator(mode="after")
    def _cap_covers_first_delay(self) -> Self:
        if self.max_delay < self.retry_delay:
            raise ValueError(
                f"max_delay ({self.max_delay:g}) is smaller than retry_delay "
                f"({self.retry_delay:g}); the cap would cut every delay",
            )
        return self


def delay_for_attempt(policy: RetryPolicy, attempt: int, rng: RandomSource | None = None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based) before the next one.

    ``rng`` is only consulted when the policy has jitter; without one the module's shared
    generator is used, which is fine in production and wrong in tests.
    """
    if attempt < 1:
        raise ValueError(f"attempts are numbered from 1, got {attempt}")
    delay = policy.retry_delay
    if delay > 0 and policy.backoff > 1 and attempt > 1:
        exponent = attempt - 1
        # Compare in log space so that huge attempt numbers hit the cap instead of overflowing.
        if exponent * math.log(policy.backoff) >= math.log(policy.max_delay / delay):
            delay = policy.max_delay
        else:
            delay = delay * policy.backoff**exponent
    delay = min(delay, policy.max_delay)
    if policy.jitter > 0 and delay > 0:
        source: RandomSource = rng if rng is not None else random
        delay -= delay * policy.jitter * source.random()
    return delay


def error_kinds(error: BaseException | str) -> tuple[str, ...]:
    """The names ``no_retry_on`` can match for an error.

    A string is its own kind (the runner may classify errors itself, e.g. ``"timeout"``). An
    exception is known by its ``kind`` attribute if it has a string one, and by the plain and the
    dotted name of every class it inherits from, so ``"OSError"`` also covers
    ``ConnectionRefusedError`` and ``"httpx.HTTPStatusError"`` names one class exactly.
    """
    if isinstance(error, str):
        return (error,)
    kinds: list[str] = []
    kind = getattr(error, "kind", None)
    if isinstance(kind, str):
        kinds.append(kind)
    for cls in type(error).__mro__:
        if cls is object:
            continue
        kinds.append(cls.__name__)
        kinds.append(f"{cls.__module__}.{cls.__qualname__}")
    return tuple(kinds)


def should_retry(policy: RetryPolicy, attempt: int, error: BaseException | str) -> bool:
    """Whether failed attempt ``attempt`` (1-based) gets another try."""
    if attempt < 1:
        raise ValueError(f"attempts are numbered from 1, got {attempt}")
    if attempt > policy.max_retries:
        return False
    if policy.no_retry_on:
        blocked = set(policy.no_retry_on)
        if any(kind in blocked for kind in error_kinds(error)):
            return False
    return True
