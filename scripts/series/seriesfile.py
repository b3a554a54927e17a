"""`patches/series`: the patch files in order, and where the rendered commits go.

One patch file name a line; `#` starts a comment. Two comments mark the place
of a commit rendered at apply time rather than stored: one that mentions
"syscall wiring" (its table entries and number depend on the tree) and one that
mentions "selftests" (the project's selftests/, carried into the tree).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

from harness.errors import UserError

WIRING = "#wiring"  # never a file name: a line starting with # is a comment
SELFTESTS = "#selftests"
COMMENTS = {
    WIRING: "# syscall wiring: rendered at apply time by refpage-ci syscalls render",
    SELFTESTS: "# selftests: rendered at apply time from the project's selftests/",
}
WIRING_COMMENT = COMMENTS[WIRING]
_RENDERED_RE = ((WIRING, re.compile(r"^#.*\bsyscall wiring\b", re.I)),
                (SELFTESTS, re.compile(r"^#\s*selftests\b", re.I)))


@dataclass(frozen=True)
class Entry:
    name: Optional[str]  # the patch file; None for a rendered commit
    lineno: int
    rendered: Optional[str] = None  # WIRING or SELFTESTS

    @property
    def wiring(self):
        return self.rendered == WIRING

    @property
    def selftests(self):
        return self.rendered == SELFTESTS

    @property
    def item(self):
        """What render() takes back: the file name, or the rendered commit's kind."""
        return self.name or self.rendered


@dataclass(frozen=True)
class Series:
    entries: Tuple[Entry, ...]
    header: Tuple[str, ...] = ()  # comment lines before the first entry, kept by refresh

    @property
    def patches(self):
        return tuple(e.name for e in self.entries if not e.rendered)

    @property
    def has_wiring(self):
        return any(e.wiring for e in self.entries)


def parse(text, origin="series"):
    """The entries of a series file; UserError on a line that cannot be a patch name."""
    entries, header, seen = [], [], {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            kind = next((k for k, pattern in _RENDERED_RE if pattern.match(line)), None)
            if kind:
                if any(e.rendered == kind for e in entries):
                    raise UserError(f"{origin}:{lineno}: a second {kind[1:]} line; keep one")
                entries.append(Entry(None, lineno, kind))
            elif not entries:
                header.append(raw.rstrip())
            continue
        name = line.split()[0]
        if len(line.split()) > 1 and not line.split()[1].startswith("#"):
            raise UserError(f"{origin}:{lineno}: {line!r}: quilt options are not supported; "
                            "write one patch file name a line")
        if "/" in name or name in (".", ".."):
            raise UserError(f"{origin}:{lineno}: {name!r}: name a file in the patches folder itself")
        if name in seen:
            raise UserError(f"{origin}:{lineno}: {name} is listed twice (also line {seen[name]})")
        seen[name] = lineno
        entries.append(Entry(name, lineno))
    return Series(tuple(entries), tuple(header))


def load(patches_dir):
    """The series of a patches folder, every listed file checked to exist."""
    patches_dir = Path(patches_dir)
    path = patches_dir / "series"
    if not path.is_file():
        raise UserError(f"{path}: no such file; write the series file (one patch a line) or pass --patches DIR")
    series = parse(path.read_text(), str(path))
    if not series.patches:
        raise UserError(f"{path} lists no patches; add the patch files, one a line")
    missing = [n for n in series.patches if not (patches_dir / n).is_file()]
    if missing:
        raise UserError(f"{path} lists {', '.join(missing)}, missing from {patches_dir}; "
                        "add them or drop them from the series")
    return series


def render(names, header=()):
    """Series file text: entries are file names, or WIRING / SELFTESTS for a rendered commit's line."""
    lines = list(header)
    for name in names:
        lines.append(COMMENTS.get(name) or name)
    return "\n".join(lines) + "\n"
