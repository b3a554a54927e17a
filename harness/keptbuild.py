"""Programs built for the guest and kept in the cache (regress's mm programs, the project's
selftests): keyed by every input of their compile, and published whole, a folder renamed into
place, so a run killed while building leaves no entry rather than half of one."""

import contextlib
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from . import process


def digest(machine, sources, *words):
    """sources: (root, files) pairs, each file keyed by its path under root and its bytes; words: what
    else decides the build (the programs asked for)."""
    h = hashlib.sha256("\0".join((machine.name, compiler(machine.compiler()), *words)).encode())
    for root, files in sources:
        for path in files:
            h.update(str(Path(path).relative_to(root)).encode() + b"\0")
            h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()[:16]


@contextlib.contextmanager
def publishing(folder):
    """A fresh folder beside `folder` to fill; it becomes `folder` only when the block ends without error."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        yield work
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@functools.lru_cache(maxsize=None)
def compiler(cc):
    """The compiler's name, its driver's bytes and its libc.a's size and time: a reinstalled toolchain misses."""
    driver = shutil.which(cc)
    if not driver:
        return cc
    libc = process.run([cc, "-print-file-name=libc.a"]).stdout.strip()
    stamp = os.stat(libc) if libc and os.path.isabs(libc) and os.path.exists(libc) else None
    return repr((cc, hashlib.sha256(Path(driver).read_bytes()).hexdigest(),
                 (stamp.st_size, stamp.st_mtime_ns) if stamp else None))
