"""FourdiacErrors for one model element, shared by the modules that build runtime types.

Every failure of the build step names file, line and element: :func:`error_at` takes them from
the element's :class:`~fbruntime.fourdiac.errors.Origin`, :func:`st_error` from a Structured Text
compile error (whose line is already the line in the file).
"""

from __future__ import annotations

from fbruntime.fourdiac.errors import FourdiacError, Origin
from fbruntime.st import STError


def error_at(origin: Origin, element: str, message: str) -> FourdiacError:
    return FourdiacError(origin.file, origin.line, element, message)


def st_error(exc: STError, file: str, element: str) -> FourdiacError:
    what = f"algorithm {exc.algorithm}: " if exc.algorithm else ""
    return FourdiacError(file, exc.line, element, f"{what}{exc.message}")
