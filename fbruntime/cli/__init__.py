"""The ``fbrt`` command: a thin shell over the library (typer).

Each sub-command group lives in its own module here and exposes ``register(app)``; this package
finds them, so adding a command never edits a shared file. Nothing in fbruntime imports the CLI.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated

import typer

app = typer.Typer(
    name="fbrt",
    help="fbrt: run IEC 61499 function block networks (4diac projects and Python blocks).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"fbrt {version('fbrt')}")
        except PackageNotFoundError:  # pragma: no cover (run from a checkout, not installed)
            typer.echo("fbrt (not installed)")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    """fbrt: run IEC 61499 function block networks (4diac projects and Python blocks)."""


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _info.name.startswith("_"):
        _module = importlib.import_module(f"{__name__}.{_info.name}")
        _register = getattr(_module, "register", None)
        if _register is not None:
            _register(app)

__all__ = ["app", "main"]


def main() -> None:
    """The ``fbrt`` entry point: the typer app, with problems of the environment (a data
    directory that is a file, a database that is not one) said in one line, not a traceback."""
    try:
        app()
    except Exception as exc:
        from fbruntime.store.errors import StoreUnavailable

        if not isinstance(exc, StoreUnavailable):
            raise
        typer.echo(f"fbrt: {exc}", err=True)
        raise SystemExit(2) from None
