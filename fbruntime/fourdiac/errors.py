"""Where things come from and what went wrong, shared by every reader in this package.

Every model element carries an :class:`Origin` so that the build step, the ST compiler and the
runtime can name the file and line of whatever they reject.  Problems that must not stop a whole
library scan are kept as :class:`Problem` data; problems that stop one file raise
:class:`FourdiacError`, which carries the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    """A file and a 1-based line (0 when the line is unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, kept as data so that a scan can go on."""

    file: str
    line: int
    element: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        element = f" <{self.element}>" if self.element else ""
        return f"{where}:{element} {self.message}"


class FourdiacError(Exception):
    """A 4diac input that cannot be read; the message names file, line and element."""

    def __init__(self, file: str, line: int, element: str, message: str) -> None:
        self.problem = Problem(file, line, element, message)
        super().__init__(str(self.problem))

    @property
    def file(self) -> str:
        return self.problem.file

    @property
    def line(self) -> int:
        return self.problem.line

    @property
    def element(self) -> str:
        return self.problem.element

    @property
    def reason(self) -> str:
        return self.problem.message
