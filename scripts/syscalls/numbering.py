"""The number of a new syscall: one past the highest in the unified range, the same everywhere.

Since 5.1 every architecture numbers new syscalls alike. Alpha's table is shifted
(it adds 110); the mips ABI tables hold the plain number (the ABI base, `__NR_Linux`,
is added by the header generation); x86_64's x32 entries (512-547) are a range of
their own, not "the highest". Each table's shift is measured against the generic
list from the syscalls both have, so nothing here knows a kernel version.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from harness.errors import UserError

from .table import Entry

SEPARATE_RANGE_ABIS = frozenset({"x32"})
_NOT_NUMBERED_ALIKE = frozenset({"3264", "reserved"})  # the generic list's 32/64 pairs, gaps
_RECENT = 16


@dataclass(frozen=True)
class Choice:
    number: int  # in the unified numbering; a table holds number + offsets[table.path]
    reason: str
    offsets: Dict[str, int]
    highest: Optional[Tuple[int, str, Entry]]  # (unified number, table path, entry) below ours
    reused: bool  # the name was already there, with this number

    def in_table(self, table):
        return self.number + self.offsets[table.path]


def unified(entry):
    """Whether an entry counts in the unified numbering."""
    return entry.abi not in SEPARATE_RANGE_ABIS and entry.abi not in _NOT_NUMBERED_ALIKE and bool(entry.name)


def table_offsets(tables):
    """How much each table adds to the unified number, e.g. {alpha's table: 110, others: 0}."""
    reference = _reference(tables)
    ref_numbers = _numbers_by_name(reference)
    raw = {t.path: _offset_against(t, reference, ref_numbers) for t in tables}
    lowest = min(raw.values())
    return {path: value - lowest for path, value in raw.items()}


def choose(tables, name, entry):
    """The number for `name`, why, and each table's offset; UserError on a conflict."""
    offsets = table_offsets(tables)
    present = [(t, e) for t in tables for e in t.entries if e.name == name]
    highest = _highest(tables, offsets, name, _reference(tables).path)
    if present:
        number = _existing_number(present, offsets, name)
        reason = _reuse_reason(name, number, len({t.path for t, _ in present}), len(tables))
    elif highest is None:
        raise UserError(f"no numbered syscalls in the tables ({', '.join(t.path for t in tables)}); "
                        "pass --tree with a Linux source tree")
    else:
        number = highest[0] + 1
        reason = _reason(number, highest, offsets, tables)
    _check_entry_points(present, entry)
    choice = Choice(number=number, reason=reason, offsets=offsets, highest=highest, reused=bool(present))
    _check_free(tables, choice, name)
    return choice


def _reference(tables):
    """The generic list when the tree has one: the others are measured against it."""
    generic = [t for t in tables if t.arch == "generic"]
    return (generic or tables)[0]


def _numbers_by_name(table):
    numbers = {}
    for e in table.entries:
        if unified(e):
            numbers.setdefault(e.name, e.number)
    return numbers


def _offset_against(table, reference, ref_numbers):
    if table is reference:
        return 0
    shared = sorted(((ref_numbers[e.name], e.number) for e in table.entries
                     if unified(e) and e.name in ref_numbers), reverse=True)[:_RECENT]
    if not shared:
        raise UserError(f"{table.path}: shares no syscall names with {reference.path}, so its "
                        "numbering cannot be related to the others; is it a syscall table?")
    return Counter(own - ref for ref, own in shared).most_common(1)[0][0]


def _highest(tables, offsets, name, reference):
    """The highest unified entry other than `name`; on a tie, the one in the reference list."""
    candidates = [(e.number - offsets[t.path], t.path, e)
                  for t in tables for e in t.entries if unified(e) and e.name != name]
    return max(candidates, key=lambda c: (c[0], c[1] == reference)) if candidates else None


def _existing_number(present, offsets, name):
    numbers = {e.number - offsets[t.path] for t, e in present}
    if len(numbers) == 1:
        return numbers.pop()
    places = "; ".join(f"{t.where(e.lineno)} has {e.number}" + (f" (= {e.number - offsets[t.path]} "
                       f"unified)" if offsets[t.path] else "") for t, e in present)
    raise UserError(f"{name} is already present with different numbers: {places}; "
                    "remove the wrong entries and render again")


def _check_entry_points(present, entry):
    for table, e in present:
        if e.entry is not None and e.entry != entry:
            raise UserError(f"{table.where(e.lineno)}: {e.name} is already there with entry point "
                            f"{e.entry}, not {entry}; pass --entry {e.entry} or fix the line")


def _check_free(tables, choice, name):
    for table in tables:
        own = choice.in_table(table)
        for e in table.entries:
            if e.number == own and e.name != name:
                taken_by = e.name or f"a reserved slot ({e.entry})"
                raise UserError(f"{table.where(e.lineno)}: number {own} is already taken by "
                                f"{taken_by}; cannot give it to {name} (remove one of them)")


def _reuse_reason(name, number, holding, total):
    if holding == total:
        return f"{name} is already in all {total} tables as {number}"
    return f"{name} is already in {holding} of {total} tables as {number}; the others get the same number"


def _reason(number, highest, offsets, tables):
    top, path, entry = highest
    text = (f"{number} = one past {top}, the highest number in use in the unified range "
            f"({entry.name}, {path}:{entry.lineno})")
    notes = [f"{p} adds {off}" for p, off in sorted(offsets.items()) if off]
    for table in tables:
        apart = [e.number for e in table.entries if e.abi in SEPARATE_RANGE_ABIS]
        if apart:
            abis = "/".join(sorted({e.abi for e in table.entries if e.abi in SEPARATE_RANGE_ABIS}))
            notes.append(f"{table.path}'s {abis} range {min(apart)}-{max(apart)} is its own")
    return "; ".join([text] + notes)
