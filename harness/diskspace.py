"""Free space: a phase that would fill its folder says so in one line, and leaves nothing half written."""

import contextlib
import errno
import shutil
from pathlib import Path

from . import process
from .errors import StageFailed

_MIB = 1 << 20


def _mib(n):
    return f"{(n + _MIB - 1) // _MIB} MiB"


def full(folder, needed, what):
    free = shutil.disk_usage(folder).free
    return StageFailed(f"{what}: no room in {folder}: it needs about {_mib(needed)}, {_mib(free)} are free; "
                       "free some space there, or put the cache on a bigger disk (REFPAGE_CI_CACHE=DIR)")


def require(folder, needed, what):
    """Refuse to start when `folder` has less than `needed` bytes free."""
    folder = Path(folder)
    if shutil.disk_usage(folder).free < needed:
        raise full(folder, needed, what)


@contextlib.contextmanager
def no_room_is_one_line(folder, needed, what):
    """A write that fills the disk anyway (the estimate was short, or others wrote meanwhile)."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        raise full(Path(folder), needed, what) from None


def unpacked_size(tarball):
    """What a .tar.xz unpacks to (xz's index says, without unpacking); else a generous guess."""
    tarball = Path(tarball)
    if tarball.name.endswith(".xz"):
        res = process.run(["xz", "--robot", "--list", tarball])
        totals = [line.split("\t") for line in res.stdout.splitlines() if line.startswith("totals\t")]
        if res.returncode == 0 and totals:
            return int(totals[0][4])
    return tarball.stat().st_size * 12
