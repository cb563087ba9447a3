"""The two error kinds of the ST compiler: faults found while compiling and faults while running.

Both carry the place in the user's file (origin, line mapped through the caller's line offsets)
so that the importer and the engine can show them without knowing anything about ST.
"""

from __future__ import annotations


class STError(Exception):
    """A compile error: the ST text is malformed, mistyped, or names something unknown."""

    def __init__(
        self,
        message: str,
        *,
        origin: str = "",
        line: int = 0,
        column: int = 0,
        algorithm: str = "",
    ) -> None:
        self.message = message
        self.origin = origin
        self.line = line
        self.column = column
        self.algorithm = algorithm
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.origin or '<st>'}:{self.line}:{self.column}"
        where = f" in algorithm {self.algorithm}" if self.algorithm else ""
        return f"{place}:{where}: {self.message}" if where else f"{place}: {self.message}"


class STRuntimeError(Exception):
    """A fault while running compiled ST (division by zero, index out of bounds, bad conversion)."""

    def __init__(
        self, message: str, *, algorithm: str = "", line: int = 0, origin: str = ""
    ) -> None:
        self.message = message
        self.algorithm = algorithm
        self.line = line
        self.origin = origin
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.origin or '<st>'}:{self.line}"
        where = f" in algorithm {self.algorithm}" if self.algorithm else ""
        return f"{place}:{where}: {self.message}"


class STFault(Exception):
    """Raised by runtime helpers; the algorithm wrapper turns it into an STRuntimeError with a line."""


class WatchdogTrip(STFault):
    """Raised by a loop's watchdog check; the algorithm wrapper turns it into the engine's
    ``WatchdogExpired`` naming the file, the algorithm and the loop's ST line."""
