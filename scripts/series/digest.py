"""One digest of everything that decides an applied series besides its base: the port's series
file and patches, the code that renders the wiring and the selftests commit, and selftests/.

Every command that keeps a tree with the series applied (the default boot, repro, bench)
re-applies when it changes, and only then.
"""

import hashlib
from pathlib import Path

from harness import paths

from . import seriesfile

# The code that renders the wiring and the selftests commit; a bench or chart change is not in it.
RENDERERS = ("scripts/series", "scripts/syscalls")


def digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def series_digest(patches_dir, selftests_dir=None):
    patches_dir = Path(patches_dir)
    series = seriesfile.load(patches_dir)
    files = [patches_dir / "series"] + [patches_dir / name for name in series.patches]
    code = [f for folder in RENDERERS for f in sorted((paths.PROJECT / folder).rglob("*"))
            if f.suffix in (".py", ".j2", ".tbl")]
    tests = sorted(Path(selftests_dir or paths.SELFTESTS).rglob("*"))
    return digest(*(f"{f.name}\0".encode() + f.read_bytes() for f in files + code + tests if f.is_file()))
