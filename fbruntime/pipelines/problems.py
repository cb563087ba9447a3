"""What goes wrong in a pipeline config, said so a user can fix it.

Every check in this package reports a :class:`Problem` instead of raising at the first mistake, so a
user who uploads a config with five typos sees all five at once. :class:`PipelineError` carries the
list; its ``str()`` is the report a CLI or API returns as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["PipelineError", "Problem", "json_kind"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake: which task (``None`` for the pipeline itself), which field, what is wrong.

    ``field`` is a path inside the task (or the pipeline), written the way the JSON reads:
    ``operation``, ``dependencies[1]``, ``independent_params.url``, ``params.chat_id``.
    """

    task: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.task is not None:
            where.append(f"task {self.task!r}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class PipelineError(ValueError):
    """A pipeline config that cannot be used, with every problem found in it."""

    def __init__(
        self,
        problems: Iterable[Problem],
        *,
        source: str | None = None,
        dag: str | None = None,
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        self.dag = dag
        super().__init__(self._describe())

    def _describe(self) -> str:
        what = "pipeline"
        if self.dag is not None:
            what += f" {self.dag!r}"
        if self.source is not None:
            what += f" ({self.source})"
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{what} has {count} {noun}:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._describe()


def json_kind(value: object) -> str:
    """What a value is, in JSON's words, for a message: "a string", "null", "an object"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"
