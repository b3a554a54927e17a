"""The one file lock (flock): held for a block, waited for (saying so first) or refused in one line.

The lock goes when its holder does, even by SIGKILL; a reader of /proc/locks sees who holds it.
"""

import contextlib
import fcntl
from pathlib import Path

from .errors import UserError


@contextlib.contextmanager
def held(path, waiting=None, refused=None, shared=False):
    """flock `path` (made, with its folder, if missing) for the block.

    Busy: with `refused`, a UserError of that text at once; else wait, calling `waiting()` first."""
    with acquire(path, waiting, refused, shared) as f:
        yield f


def acquire(path, waiting=None, refused=None, shared=False):
    """held's lock without the block: the open file, held until it is closed or the process ends
    (a run keeping a worktree for its whole life)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    f = open(path, "a")
    try:
        fcntl.flock(f, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        if refused:
            f.close()
            raise UserError(refused) from None
        if waiting:
            waiting()
        fcntl.flock(f, mode)
    return f
