"""A syscall table: the `.tbl` format, and the model every list is parsed into.

A `.tbl` line is `<number> <abi> <name> [<entry point> [<compat entry point> [noreturn]]]`,
whitespace-separated; `#` starts a comment line. The kernel's scripts select lines
with `grep -E '^[0-9]+[[:space:]]'`, so anything else that is not a comment or blank
would be silently dropped by them: here it is an error naming the file and line.
"""

import re
from dataclasses import dataclass, field
from typing import Optional, Tuple

from harness.errors import UserError

_ENTRY_RE = re.compile(r"^(\d+)\s+(\S+)\s+(\S+)((?:\s+\S+){0,3})\s*$")


@dataclass(frozen=True)
class Entry:
    number: int
    abi: str
    name: str
    entry: Optional[str]
    compat: Optional[str] = None
    lineno: int = 0  # 1-based line of the entry (the `#define` in a unistd list)
    last_lineno: int = 0  # its last line (the `__SYSCALL(...)` in a unistd list)
    extra: Tuple[str, ...] = ()


@dataclass(frozen=True)
class CountDefine:
    """`#define __NR_syscalls 451`: one past the highest number, kept by hand in older trees."""

    path: str
    lineno: int
    macro: str
    value: int


@dataclass(frozen=True)
class Table:
    path: str  # relative to the tree, the real file (not a symlink)
    arch: str  # "x86", "mips", or "generic" for the list shared by many architectures
    variant: str  # "64", "n32", "compat", ... ; "" when the architecture has one table
    kind: str  # "tbl" or "unistd"
    lines: Tuple[str, ...]  # the file's lines, without line ends
    entries: Tuple[Entry, ...]
    aliases: Tuple[str, ...] = ()  # symlinks in the tree that point at this file
    count: Optional[CountDefine] = None
    consumers: Tuple[str, ...] = field(default=())  # architectures built from a generic list

    @property
    def label(self):
        return f"{self.arch} {self.variant}".strip()

    def where(self, lineno):
        return f"{self.path}:{lineno}"


def parse_tbl(text, path, arch="", variant=""):
    """Parse a `.tbl` file; raise UserError("path:line: ...") on a line it cannot read."""
    lines = tuple(text.splitlines())
    entries = tuple(_parse_line(line, path, n) for n, line in enumerate(lines, 1) if _is_entry(line))
    if not entries:
        raise UserError(f"{path}: no syscall entries in this table; is it a syscall table?")
    return Table(path=path, arch=arch, variant=variant, kind="tbl", lines=lines, entries=entries)


def _is_entry(line):
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _parse_line(line, path, lineno):
    match = _ENTRY_RE.match(line)
    if not match:
        raise UserError(f"{path}:{lineno}: cannot parse {line.strip()!r}: expected "
                        "'<number> <abi> <name> [<entry point> [<compat entry point>]]' "
                        "starting in column 1; fix the line")
    number, abi, name, rest = match.groups()
    tail = rest.split()
    return Entry(number=int(number), abi=abi, name=name,
                 entry=tail[0] if tail else None,
                 compat=tail[1] if len(tail) > 1 else None,
                 lineno=lineno, last_lineno=lineno, extra=tuple(tail[2:]))
