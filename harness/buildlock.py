"""One writer per build folder: concurrent runs on the same tree and config take turns."""

import contextlib
from pathlib import Path

from . import lock


@contextlib.contextmanager
def held(build_dir, progress=None):
    build_dir = Path(build_dir)
    say = (lambda: progress(f"build: waiting for another refpage-ci run using {build_dir}")) if progress else None
    # Inside the folder: a build folder in a tree then leaves nothing beside it for git to see.
    with lock.held(build_dir / ".refpage-ci.lock", waiting=say):
        yield
