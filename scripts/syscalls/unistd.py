"""The hand-written syscall lists of older trees, and the edits that extend them.

Before 6.11 the generic list lived in `include/uapi/asm-generic/unistd.h` and arm64's
compat list in `arch/arm64/include/asm/unistd32.h`, both as

    #define __NR_futex_waitv 449
    __SYSCALL(__NR_futex_waitv, sys_futex_waitv)

with the count (`__NR_syscalls`, `__NR_compat_syscalls`) kept by hand. Later trees
still carry the generic one (exported to userspace), in step with the tables.
"""

import re
from collections import Counter

from .table import CountDefine, Entry, Table

_DEFINE_RE = re.compile(r"^#define\s+__NR(3264)?_(\w+)\s+(\d+)\s*$")
_CALL_RE = re.compile(r"^(__SYSCALL|__SC_\w+)\((__NR(?:3264)?_\w+|\d+),\s*([^)]*)\)")
_COUNT_RE = re.compile(r"^(#define\s+(__NR_\w*syscalls)\s+)(\d+)(.*)$")
_OPEN_RE = re.compile(r"^\s*#\s*if")
_CLOSE_RE = re.compile(r"^\s*#\s*endif")
_LOOKAHEAD = 3


def is_list(text):
    """Whether a header holds a numbered syscall list (not just a wrapper that includes one)."""
    return any(_DEFINE_RE.match(line) for line in text.splitlines()) and "__SYSCALL(" in text


def parse_unistd(text, path, arch, variant):
    lines = tuple(text.splitlines())
    entries = tuple(_entries(lines))
    return Table(path=path, arch=arch, variant=variant, kind="unistd", lines=lines, entries=entries)


def _entries(lines):
    for index, line in enumerate(lines):
        define = _DEFINE_RE.match(line)
        if define and not define.group(2).endswith("syscalls"):
            yield _defined_entry(lines, index, define)
            continue
        call = _CALL_RE.match(line)
        if call and call.group(2).isdigit():  # a reserved slot: `__SYSCALL(7, sys_ni_syscall)`
            yield Entry(number=int(call.group(2)), abi="reserved", name="", entry=call.group(3).strip(),
                        lineno=index + 1, last_lineno=index + 1)


def _defined_entry(lines, index, define):
    is3264, name, number = define.groups()
    macro = f"__NR{is3264 or ''}_{name}"
    for later in range(index + 1, min(index + 1 + _LOOKAHEAD, len(lines))):
        call = _CALL_RE.match(lines[later])
        if call and call.group(2) == macro:
            points = [p.strip() for p in call.group(3).split(",")]
            return Entry(number=int(number), abi="3264" if is3264 else "", name=name,
                         entry=points[0], compat=points[1] if len(points) > 1 else None,
                         lineno=index + 1, last_lineno=later + 1)
    return Entry(number=int(number), abi="3264" if is3264 else "", name=name, entry=None,
                 lineno=index + 1, last_lineno=index + 1)


def find_count(text, path):
    """The `#define __NR_..syscalls N` in a file, or None."""
    for lineno, line in enumerate(text.splitlines(), 1):
        match = _COUNT_RE.match(line)
        if match:
            return CountDefine(path=path, lineno=lineno, macro=match.group(2), value=int(match.group(3)))
    return None


def bump_count(line, value):
    """The count line with its number replaced, its spacing kept."""
    match = _COUNT_RE.match(line)
    return f"{match.group(1)}{value}{match.group(4)}"


def insertion_after(table, entry):
    """The line after which a new entry goes: past `entry`, outside any #if block it sits in.

    A list's entries mostly sit at one preprocessor depth; the newest entry may be
    inside an `#ifdef __ARCH_WANT_...` block, and a new syscall must not inherit it.
    """
    depths = _depths(table.lines)
    baseline = Counter(depths[e.lineno - 1] for e in table.entries).most_common(1)[0][0]
    after = entry.last_lineno
    while after < len(table.lines) and _depth_after(depths, table.lines, after) > baseline:
        after += 1
    return after


def blank_line_before(table, entry):
    """Whether the list separates its newest entries with a blank line."""
    return entry.lineno >= 2 and not table.lines[entry.lineno - 2].strip()


def _depths(lines):
    """The #if nesting depth in effect at each line (before the line itself acts)."""
    depth, out = 0, []
    for line in lines:
        out.append(depth)
        if _OPEN_RE.match(line):
            depth += 1
        elif _CLOSE_RE.match(line):
            depth -= 1
    return out


def _depth_after(depths, lines, lineno):
    line = lines[lineno - 1]
    depth = depths[lineno - 1]
    if _OPEN_RE.match(line):
        return depth + 1
    if _CLOSE_RE.match(line):
        return depth - 1
    return depth
