"""One writer per build folder: concurrent runs on the same tree and config take turns."""

import contextlib
import fcntl
from pathlib import Path


@contextlib.contextmanager
def held(build_dir, progress=None):
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    # Inside the folder: a build folder in a tree then leaves nothing beside it for git to see.
    with open(build_dir / ".refpage-ci.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress(f"build: waiting for another refpage-ci run using {build_dir}")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
