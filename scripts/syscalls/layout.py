"""How a table aligns its columns, learned from its own recent lines.

Each table pads its columns its own way: tabs to a tab stop (most), spaces after
the number (s390), wider or narrower name columns. For every column after the
first, the most common start column (tabs expanded to 8) and the most common
kind of gap (tabs or spaces) among the sample lines make the layout; a new line
pads to those, with at least one separator when a field is too long.
"""

import re
from collections import Counter
from dataclasses import dataclass
from typing import Tuple

TAB = 8
_FIELD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Column:
    start: int  # display column where the field begins
    gap: str  # "\t" or " ": what pads up to it


@dataclass(frozen=True)
class Layout:
    columns: Tuple[Column, ...]  # for fields 2, 3, ...; the first field starts at column 0


def learn(lines):
    """The layout of sample lines (the table's recent entries)."""
    starts, gaps = {}, {}
    for line in lines:
        previous_end = None
        for index, match in enumerate(_FIELD_RE.finditer(line)):
            if index:
                starts.setdefault(index, []).append(display_width(line[:match.start()]))
                gap = line[previous_end:match.start()]
                gaps.setdefault(index, []).append("\t" if "\t" in gap else " ")
            previous_end = match.end()
    columns = tuple(Column(start=_mode(starts[i]), gap=_mode(gaps[i])) for i in sorted(starts))
    return Layout(columns=columns)


def format_fields(fields, layout):
    """The fields as one line, padded the way the layout says."""
    text = fields[0]
    for index, field in enumerate(fields[1:]):
        column = layout.columns[index] if index < len(layout.columns) else Column(0, "\t")
        text += _pad(display_width(text), column)
        text += field
    return text


def display_width(text):
    return len(text.expandtabs(TAB))


def _pad(width, column):
    if column.gap == " ":
        return " " * max(1, column.start - width)
    tabs = 0
    while width < column.start or tabs == 0:
        width = (width // TAB + 1) * TAB
        tabs += 1
    return "\t" * tabs


def _mode(values):
    """The most common value; on a tie, the one seen last (the newest style)."""
    counts = Counter(values)
    best = max(counts.values())
    return [v for v in values if counts[v] == best][-1]
