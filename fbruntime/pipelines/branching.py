"""Trigger rules: given what a task's dependencies did so far, run it, skip it, or wait.

The runner counts, per waiting task, how many dependencies ended and how many of those failed
(or were skipped because something upstream failed: Airflow's ``upstream_failed``) or were
skipped (a condition or a rule said no). :func:`verdict` turns the counts into a decision; it is
asked when a dependency ends without a result, and, for a task with a rule other than
``all_success``, when one succeeds. A rule already lost skips the task at once (so everything
after a failure is marked skipped without waiting for unrelated branches); otherwise the rule is
decided once every dependency has ended. See FORMAT.md for the table.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = ["Verdict", "verdict"]

Verdict: TypeAlias = "tuple[str, bool] | Literal[True] | None"
"""``True``: run; ``(reason, counts_as_failure)``: skip; ``None``: wait for more."""


def verdict(
    rule: str,
    *,
    arrived: int,
    needed: int,
    failed: int,
    skipped: int,
    source: str | None = None,
) -> tuple[str, bool] | Literal[True] | None:
    """The decision for a task with ``rule`` (``source``: the dependency that just ended)."""
    complete = arrived >= needed
    succeeded = arrived - failed - skipped
    what = f"{source!r}" if source is not None else "a dependency"
    if rule == "all_success":
        if failed:
            return (f"upstream task {what} failed", True)
        if skipped:
            return (f"dependency {what} was skipped (trigger_rule all_success)", False)
    elif rule in ("none_failed", "none_failed_min_one_success"):
        if failed:
            return (f"upstream task {what} failed (trigger_rule {rule})", True)
    elif rule == "all_failed" and (succeeded or skipped):
        return (f"a dependency did not fail (trigger_rule {rule})", False)
    if not complete:
        return None
    if rule in ("all_success", "none_failed", "all_done", "all_failed"):
        return True
    if rule in ("none_failed_min_one_success", "one_success"):
        if succeeded:
            return True
        return (f"no dependency succeeded (trigger_rule {rule})", bool(failed))
    if rule == "one_failed":
        if failed:
            return True
        return (f"no dependency failed (trigger_rule {rule})", False)
    raise AssertionError(f"unknown trigger rule {rule!r}")
