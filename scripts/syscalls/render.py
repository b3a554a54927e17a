"""The new lines for every table, from the jinja2 templates beside this module.

`plan()` is pure: tables in, one `Addition` per table out (what to insert where,
and the count to bump in the hand-written lists), nothing written.
"""

from collections import Counter
from dataclasses import dataclass, replace
from typing import Optional, Tuple

import jinja2

from harness.errors import UserError

from . import layout, numbering, unistd
from .table import CountDefine, Table

_RECENT = 32


@dataclass(frozen=True)
class Addition:
    table: Table
    abi: Optional[str]  # the ABI column written ("common", "i386", "n32", ...); None in a unistd list
    number: int  # as this table writes it (alpha: +110)
    after_lineno: int  # insert after this line (1-based); 0 when already present
    lines: Tuple[str, ...]  # the lines to insert; () when already present
    count: Optional[CountDefine] = None  # the hand-kept count to raise ...
    count_value: Optional[int] = None  # ... to this

    @property
    def pending(self):
        return bool(self.lines) or self.count_value is not None


@dataclass(frozen=True)
class Plan:
    name: str
    entry: str
    choice: numbering.Choice
    additions: Tuple[Addition, ...]

    @property
    def number(self):
        return self.choice.number

    @property
    def pending(self):
        return tuple(a for a in self.additions if a.pending)


def plan(tables, name, entry):
    choice = numbering.choose(tables, name, entry)
    return Plan(name=name, entry=entry, choice=choice,
                additions=tuple(_addition(t, choice, name, entry) for t in tables))


def _addition(table, choice, name, entry):
    number = choice.in_table(table)
    count, count_value = _count_change(table, number)
    abi = None if table.kind == "unistd" else abi_of_new_entries(table)
    kept = Addition(table, abi, number, 0, (), count, count_value)  # entry present: no lines, the count may rise
    if any(e.name == name for e in table.entries):
        return kept
    if table.kind == "unistd":
        return _unistd_lines(kept, name, entry)
    return _tbl_line(kept, name, entry)


def _tbl_line(addition, name, entry):
    """The addition with its table line and where it goes."""
    table, abi, number = addition.table, addition.abi, addition.number
    compat = entry if _compat_column_required(table) else None
    line = template("tbl_entry.j2").render(number=str(number), abi=abi, name=name, entry=entry,
                                            compat=compat, layout=_layout(table, abi))
    return replace(addition, after_lineno=_predecessor(table, number).last_lineno, lines=(line,))


def _unistd_lines(addition, name, entry):
    """The addition with its lines of the unistd list and where they go."""
    table, number = addition.table, addition.number
    before = _predecessor(table, number)
    text = template("unistd_entry.j2").render(number=number, name=name, entry=entry,
                                               blank_before=unistd.blank_line_before(table, before))
    return replace(addition, after_lineno=unistd.insertion_after(table, before), lines=tuple(text.split("\n")))


def abi_of_new_entries(table):
    """The ABI the table gives its recent syscalls: common, i386, n32, ..."""
    recent = [e.abi for e in table.entries if numbering.unified(e)][-_RECENT:]
    return Counter(recent).most_common(1)[0][0] if recent else "common"


def _compat_column_required(table):
    """s390 writes both entry columns on every line; the others only when they differ."""
    with_entry = [e for e in table.entries if e.entry]
    return bool(with_entry) and all(e.compat for e in with_entry)


def _layout(table, abi):
    sample = [e for e in table.entries if numbering.unified(e) and e.abi == abi][-_RECENT:]
    return layout.learn([table.lines[e.lineno - 1] for e in sample])


def _predecessor(table, number):
    """The entry the new one follows: the last unified entry, in file order, numbered below it."""
    below = [e for e in table.entries if numbering.unified(e) and e.number < number]
    if not below:
        raise UserError(f"{table.path}: no syscall numbered below {number} to place the new entry "
                        "after; is it a syscall table?")
    return max(below, key=lambda e: e.last_lineno)


def _count_change(table, number):
    if table.count is None or table.count.value > number:
        return table.count, None
    return table.count, number + 1


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("scripts.syscalls", "templates"),
                          trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                          autoescape=False)
_ENV.filters["columns"] = layout.format_fields


def template(name):
    """A template of this package (the report and the selftest header render through it too)."""
    return _ENV.get_template(name)
