"""``python -m fbruntime.cli`` is ``fbrt``."""

from fbruntime.cli import app

app()
