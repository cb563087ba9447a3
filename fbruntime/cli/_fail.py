"""One-line errors for the commands: ``fbrt: <file>:<line>: what is wrong``, never a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer

__all__ = ["fail"]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` as one line on stderr and leave with ``code``."""
    typer.echo(f"fbrt: {message}", err=True)
    raise typer.Exit(code)
