"""Built selftests kept by what they are built from, so a new worktree or build folder reuses them.

The key is every input of the compile: the arch, the cross compiler's bytes and its libc.a,
the project's selftest sources, the kernel's installed uapi headers and the tree's kselftest
headers. A hit is an entry whose stamp is written: the binaries go in first, each whole
(wholefile), the stamp last, so a run killed while storing leaves a miss, never a half entry.
"""

import functools
import hashlib
import os
import shutil
from pathlib import Path

from . import paths, process, wholefile

STAMP = ".complete"


def key(machine, tree, headers):
    h = hashlib.sha256(machine.name.encode())
    h.update(_compiler(machine.compiler()).encode())
    for root, pattern in ((paths.SELFTESTS, "*"), (Path(headers), "**/*"),
                          (Path(tree) / "tools" / "testing" / "selftests", "*.h")):
        for path in sorted(p for p in root.glob(pattern) if p.is_file()):
            h.update(b"\0%s\0" % str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:20]


def folder(machine, digest):
    return paths.cache_dir() / "selftests" / f"{machine.name}-{digest}"


def lookup(machine, digest, names):
    """The cached binaries in `names`' order, or None when the entry is not complete."""
    entry = folder(machine, digest)
    return [entry / n for n in names] if (entry / STAMP).is_file() else None


def store(machine, digest, binaries):
    """Keep copies of `binaries`; a failure to store (a full disk) costs the next run a build, no more."""
    entry = folder(machine, digest)
    try:
        entry.mkdir(parents=True, exist_ok=True)
        for binary in binaries:
            wholefile.write_bytes(entry / binary.name, binary.read_bytes(), 0o755)
        wholefile.write_text(entry / STAMP, "\n".join(b.name for b in binaries) + "\n")
    except OSError:
        shutil.rmtree(entry, ignore_errors=True)


@functools.lru_cache(maxsize=None)
def _compiler(cc):
    """The compiler driver's bytes and its libc.a's size and time: a reinstalled toolchain misses."""
    driver = shutil.which(cc)
    if not driver:
        return cc
    libc = process.run([cc, "-print-file-name=libc.a"]).stdout.strip()
    stamp = os.stat(libc) if libc and os.path.isabs(libc) and os.path.exists(libc) else None
    facts = (hashlib.sha256(Path(driver).read_bytes()).hexdigest(),
             (stamp.st_size, stamp.st_mtime_ns) if stamp else None)
    return repr(facts)
