"""Who may mark unfinished runs interrupted: only a process that runs pipelines alone.

After a crash, the runs the dead process left ``running`` are marked interrupted when pipelines
start again. But ``fbrt serve`` and ``fbrt pipeline run`` may share one data folder at the same
time (the README's tour does), and a process that starts must not take the *other* live
process's runs for crashed ones. So every process that runs pipelines holds a shared lock on
``<data>/pipelines.lock`` for as long as it runs them; at its start it first asks for the lock
alone (exclusive, without waiting). Granted, no other process runs pipelines on this folder:
every unfinished run is a crashed one. Refused, another process is alive: recovery is left to
the next process that starts alone. The operating system drops a dead process's lock, so a kill
-9 leaves nothing behind.

The lock is an advisory ``flock`` on a local file: it sees the processes of this machine that use
the same data folder. Runs kept in one PostgreSQL database by processes on several machines are
recovered by whichever starts alone on its machine; that is documented, not solved here.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: every start recovers, as before leases
    fcntl = None  # type: ignore[assignment]

__all__ = ["RunnerLease"]

LOCK_FILE = "pipelines.lock"


class RunnerLease:
    """The shared lock of one process that runs pipelines on a data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    def take(self) -> bool:
        """Hold the lock (shared) from now on; True when no other process held it, so the
        unfinished runs in the store are crashed ones."""
        if fcntl is None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except BlockingIOError:
            alone = False
        fcntl.flock(fd, fcntl.LOCK_SH)  # from exclusive: a conversion; else waits for no one
        self._fd = fd
        return alone

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing drops the lock
