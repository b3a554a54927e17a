"""A scratch folder that goes with refpage-ci, even when refpage-ci is SIGKILLed.

A helper process waits on a pipe only refpage-ci holds; the pipe closes when refpage-ci is
done with the folder or dies, and the helper then removes whatever is left of it.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from . import process

# A second pass: a child of refpage-ci killed with it may have written one more file meanwhile.
_REMOVE_AT_EOF = 'cat >/dev/null; rm -rf -- "$1" 2>/dev/null || { sleep 1; rm -rf -- "$1"; }'


@contextlib.contextmanager
def scratch_folder(parent, prefix):
    """A new folder in `parent`, removed when the block ends (renamed away, it is kept)."""
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    read_end, write_end = os.pipe()
    # its own session: a Ctrl-C at the terminal stops refpage-ci, not the helper that cleans after it
    helper = process.start(["sh", "-c", _REMOVE_AT_EOF, "sh", folder], stdin=read_end, stdout=process.DEVNULL,
                           stderr=process.DEVNULL, outlives_us=True)
    os.close(read_end)
    try:
        yield folder
    finally:
        os.close(write_end)
        helper.wait()


def remove_stale(parent, prefix):
    """Scratch folders a helper never got to (a machine that went down): the caller holds the lock
    that makes them nobody's."""
    for stale in Path(parent).glob(f"{prefix}*"):
        process.run(["rm", "-rf", "--", stale])
