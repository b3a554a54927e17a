"""Which syscall tables and lists a kernel tree holds.

Every `arch/**/*.tbl`, the generic `scripts/syscall.tbl` (6.11 and later; arm64's
`syscall_64.tbl` is a symlink to it, so it is one table with an alias), and the
hand-written lists: `include/uapi/asm-generic/unistd.h` and `arch/*/include/asm/unistd32.h`
when they hold numbered entries (6.12's unistd32.h is only a wrapper). `tools/` keeps
copies for perf that its maintainers sync themselves: not ours to edit.
"""

import re
from dataclasses import replace
from pathlib import Path

from harness.errors import UserError

from . import unistd
from .table import parse_tbl

GENERIC_TABLE = "scripts/syscall.tbl"
GENERIC_LIST = "include/uapi/asm-generic/unistd.h"
COMPAT_LISTS = "arch/*/include/asm/unistd32.h"
_VARIANT_RE = re.compile(r"^syscall_(\w+)$")


def find_tables(tree):
    """All tables in the tree, each parsed; UserError when there are none."""
    tree = Path(tree).resolve()
    tables = _tbl_tables(tree) + _unistd_lists(tree)
    if not tables:
        raise UserError(f"{tree}: no syscall tables (looked for arch/**/*.tbl, {GENERIC_TABLE}, "
                        f"{GENERIC_LIST}); pass --tree with a Linux source tree")
    return tables


def architectures(tree):
    """The architectures of the tree: arch/<name>/Kconfig, without um (it borrows x86's tables)."""
    return sorted(p.parent.name for p in Path(tree).glob("arch/*/Kconfig") if p.parent.name != "um")


def _tbl_tables(tree):
    by_real = {}
    candidates = sorted(tree.glob("arch/**/*.tbl")) + [tree / GENERIC_TABLE]
    for path in candidates:
        if path.is_file():
            by_real.setdefault(path.resolve(), []).append(path.relative_to(tree).as_posix())
    tables = []
    for real, names in by_real.items():
        rel = _inside(tree, real)
        arch, variant = _naming(rel)
        aliases = tuple(n for n in names if n != rel)
        table = parse_tbl(real.read_text(errors="replace"), rel, arch, variant)
        tables.append(replace(table, aliases=aliases, consumers=_tbl_consumers(tree, rel, aliases)))
    return sorted(tables, key=lambda t: t.path)


def _unistd_lists(tree):
    lists = []
    for path, arch, variant in _list_candidates(tree):
        text = path.read_text(errors="replace")
        if not unistd.is_list(text):
            continue
        rel = path.relative_to(tree).as_posix()
        table = unistd.parse_unistd(text, rel, arch, variant)
        count = unistd.find_count(text, rel) or _sibling_count(tree, path)
        consumers = _list_consumers(tree) if rel == GENERIC_LIST else ()
        lists.append(replace(table, count=count, consumers=consumers))
    return lists


def _list_candidates(tree):
    generic = tree / GENERIC_LIST
    if generic.is_file():
        yield generic, "generic", "unistd.h"
    for path in sorted(tree.glob(COMPAT_LISTS)):
        yield path, path.parts[-4], "compat"


def _sibling_count(tree, path):
    """arm64 keeps `__NR_compat_syscalls` in asm/unistd.h beside unistd32.h."""
    sibling = path.with_name("unistd.h")
    if not sibling.is_file():
        return None
    return unistd.find_count(sibling.read_text(errors="replace"), sibling.relative_to(tree).as_posix())


def _naming(rel):
    parts = rel.split("/")
    if rel == GENERIC_TABLE:
        return "generic", ""
    stem = Path(rel).stem
    match = _VARIANT_RE.match(stem)
    variant = match.group(1) if match else ("" if stem == "syscall" else stem)
    return parts[1], variant


def _inside(tree, real):
    try:
        return real.relative_to(tree).as_posix()
    except ValueError:
        raise UserError(f"{real}: a syscall table outside the tree {tree} (through a symlink); "
                        "copy it into the tree") from None


def _tbl_consumers(tree, rel, aliases):
    if rel != GENERIC_TABLE:
        return ()
    users = {p.parts[-3] for p in tree.glob("arch/*/kernel/Makefile.syscalls")}
    users |= {a.split("/")[1] for a in aliases}
    return tuple(sorted(users))


def _list_consumers(tree):
    users = []
    for header in sorted(tree.glob("arch/*/include/uapi/asm/unistd.h")):
        if "asm-generic/unistd.h" in header.read_text(errors="replace"):
            users.append(header.parts[-5])
    return tuple(users)

