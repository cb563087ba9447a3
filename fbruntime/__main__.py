"""``python -m fbruntime`` is ``fbrt``."""

from fbruntime.cli import app

app()
