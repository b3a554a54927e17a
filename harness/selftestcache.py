"""Built selftests kept by what they are built from, so a new worktree or build folder reuses them.

The key is every input of the compile (harness.keptbuild): the arch and cross compiler, the
project's selftest sources, the kernel's installed uapi headers and the tree's kselftest headers.
An entry is published whole with its stamp inside it; a folder without the stamp is a miss.
"""

import shutil
from pathlib import Path

from . import buildlock, keptbuild, paths

STAMP = ".complete"


def key(machine, tree, headers):
    ksft = Path(tree) / "tools" / "testing" / "selftests"
    return keptbuild.digest(machine, [(paths.SELFTESTS, _files(paths.SELFTESTS.glob("*"))),
                                      (Path(headers), _files(Path(headers).rglob("*"))),
                                      (ksft, _files(ksft.glob("*.h")))])


def folder(machine, digest):
    return paths.cache_dir() / "selftests" / f"{machine.name}-{digest}"


def lookup(machine, digest, names):
    """The cached binaries in `names`' order, or None when the entry is not complete."""
    entry = folder(machine, digest)
    return [entry / n for n in names] if (entry / STAMP).is_file() else None


def store(machine, digest, binaries, progress=None):
    """Keep copies of `binaries`; a failure to store (a full disk) costs the next run a build, no more.
    Under the entries' lock, and only when no other run stored them meanwhile: a reader of an entry
    never sees it replaced."""
    entry = folder(machine, digest)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with buildlock.held(entry.parent, progress):
            if lookup(machine, digest, [b.name for b in binaries]) is not None:
                return
            with keptbuild.publishing(entry) as work:
                for binary in binaries:
                    shutil.copy(binary, work / binary.name)
                (work / STAMP).write_text("\n".join(b.name for b in binaries) + "\n")
    except OSError:
        pass


def _files(paths_):
    return sorted(p for p in paths_ if p.is_file())
