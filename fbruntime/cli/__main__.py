"""``python -m fbruntime.cli`` is ``fbrt``."""

from fbruntime.cli import main

main()
