"""What the kernel's generated syscall headers (and `cpp -dM`) say about one syscall.

Three kinds of generated header come out of a table:
    unistd_64.h        #define __NR_mseal 462            (or `(__NR_Linux + 462)`,
                       `(__X32_SYSCALL_BIT + 462)`; arm64 compat: `__NR_compat32_mseal`)
    syscall_table_*.h  __SYSCALL(462, sys_mseal)     (or `__SYSCALL_WITH_COMPAT(...)`)
    unistd_nr_*.h      #define __NR_N32_Linux_syscalls 463   (a count: one past the highest)
"""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

_DEFINE_RE = re.compile(r"^\s*#\s*define\s+(\w+)[ \t]+(.+?)\s*$", re.M)
_VALUE_RE = re.compile(r"^(?:(\d+)|\(\s*(\w+)\s*\+\s*(\d+)\s*\))$")
_TABLE_RE = re.compile(r"^__SYSCALL\w*\((\d+),\s*(\w+)", re.M)
_CMD_RE = re.compile(r"^(?:saved)?cmd_\S+\s*:=\s*(.*)$", re.M)


@dataclass(frozen=True)
class Finding:
    """What one header says: `ok` False with `text` saying what is wrong; None when it has no syscalls."""

    ok: bool
    text: str


@dataclass(frozen=True)
class Command:
    """The header-generation command kbuild saved in `.<header>.cmd`."""

    tables: Tuple[str, ...]  # absolute paths of the `.tbl` inputs
    abis: Optional[Tuple[str, ...]]  # None: every ABI


def defines(text):
    """{macro: value} for every object-like #define (header text or `cpp -dM` output)."""
    return {name: value for name, value in _DEFINE_RE.findall(text) if "(" not in name}


def number_of(value):
    """463 from '463' or '(__NR_Linux + 463)'; None for anything else."""
    match = _VALUE_RE.match(value.strip())
    if not match:
        return None
    return int(match.group(1) or match.group(3))


def check(text, name, entry, expected):
    """Whether a generated header gives `name` the number `expected`; None if it lists no syscalls."""
    values = defines(text)
    numbers = {k: v for k, v in values.items() if k.startswith("__NR_") and not k.endswith("syscalls")}
    counts = {k: v for k, v in values.items() if k.startswith("__NR") and k.endswith("syscalls")}
    table = _TABLE_RE.findall(text)
    if not (numbers or counts or table):
        return None
    problems, seen = [], []
    if numbers:
        _check_define(numbers, name, expected, problems, seen)
    if table:
        _check_table(table, entry, expected, problems, seen)
    for macro, value in counts.items():
        count = number_of(value)
        if count is None or count <= expected:
            problems.append(f"{macro} {value} does not cover {expected}")
        else:
            seen.append(f"{macro} {value}")
    return Finding(ok=not problems, text="; ".join(problems or seen))


def _check_define(numbers, name, expected, problems, seen):
    ours = {k: v for k, v in numbers.items() if k == f"__NR_{name}" or k.endswith(f"_{name}")}
    if not ours:
        problems.append(f"no __NR_{name}")
    for macro, value in ours.items():
        if number_of(value) == expected:
            seen.append(f"{macro} {value}")
        else:
            problems.append(f"{macro} is {value}, expected {expected}")


def _check_table(table, entry, expected, problems, seen):
    slots = [int(n) for n, point in table if point == entry]
    if slots == [expected]:
        seen.append(f"__SYSCALL({expected}, {entry})")
    else:
        problems.append(f"{entry} at {slots or 'no slot'}, expected [{expected}]")


def saved_command(text):
    """The command in a kbuild `.cmd` file: which tables went in, with which --abis."""
    match = _CMD_RE.search(text)
    if not match:
        return None
    words = shlex.split(match.group(1))
    tables = tuple(w for w in words if w.endswith(".tbl"))
    abis = None
    if "--abis" in words[:-1]:
        abis = tuple(words[words.index("--abis") + 1].split(","))
    return Command(tables=tables, abis=abis)


def command_for(header):
    """The saved command that generated `header`, or None (s390 uses filechk, which saves none)."""
    cmd = Path(header).with_name(f".{Path(header).name}.cmd")
    return saved_command(cmd.read_text(errors="replace")) if cmd.is_file() else None
