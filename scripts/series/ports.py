"""The ports of the series: one folder a base under patches/, picked per tree by its version.

`patches/<X.Y>/` holds a port: its `series` file (whose `# base:` line names
the tree it targets) and its patches. What every port shares (the cover
letter, the changelog, the man page, the bug patches) stays in `patches/`;
a port folder may carry its own copy of any of them, which then wins.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from harness import paths
from harness.errors import UserError

_BASE = re.compile(r"^#\s*base:\s*(?P<base>.+?)\s*$", re.M)
_NAME = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class Port:
    name: str
    folder: Path
    base: str

    @property
    def version(self):
        return _version(self.name) if _NAME.match(self.name) else ()

    def line(self):
        return f"port {self.name} (base: {self.base})"


def shared_file(folder, name):
    """A port folder's own copy, else the one shared by every port in the folder above it."""
    own = Path(folder) / name
    return own if own.exists() else Path(folder).parent / name


def _version(text):
    return tuple(int(n) for n in re.findall(r"\d+", text)[:2])


def load(folder):
    """A port folder, or any folder with a series file (`--patches DIR`)."""
    folder = Path(folder).expanduser().resolve()
    series = folder / "series"
    if not series.is_file():
        raise UserError(f"{folder}: no series file, so not a port of the series; pass a folder "
                        f"such as {paths.PATCHES / 'X.Y'}")
    m = _BASE.search(series.read_text(errors="replace"))
    return Port(folder.name, folder, m.group("base") if m else "not named in its series file")


def known(root=None):
    """Every port under patches/, oldest base first."""
    root = Path(root or paths.PATCHES)
    found = [load(p) for p in root.iterdir() if p.is_dir() and _NAME.match(p.name) and (p / "series").is_file()]
    return sorted(found, key=lambda p: p.version)


def named(name, root=None):
    ports = known(root)
    for port in ports:
        if port.name == name:
            return port
    raise UserError(f"--port {name}: no such port; the series has {', '.join(p.name for p in ports)}")


def for_version(kernel_version, ports):
    """X.Y's own port; any other tree newer than the oldest port gets the newest (linux-next moves
    forward from it), an older one the oldest."""
    if not ports:
        raise UserError(f"{paths.PATCHES} holds no port of the series (patches/X.Y/series)")
    want = _version(kernel_version)
    exact = [p for p in ports if p.version == want]
    if exact:
        return exact[0]
    return ports[-1] if want > ports[0].version else ports[0]


def choose(kernel_version, name=None, folder=None, root=None):
    """--patches DIR, else --port NAME, else the port for the tree's version."""
    if folder:
        return load(folder)
    if name:
        return named(name, root)
    return for_version(kernel_version, known(root))
