"""Kernel splats on the console: what fails a run even when every test passed."""

import re
from dataclasses import dataclass

PATTERNS = (
    ("oops", r"Oops"),
    ("bug", r"BUG:"),
    ("kernel-bug", r"kernel BUG at"),
    ("warning", r"WARNING:"),
    ("cut-here", r"-+\[ cut here \]-+"),
    ("panic", r"Kernel panic - not syncing"),
    ("kasan", r"KASAN:"),
    ("kfence", r"KFENCE:"),
    ("bad-page-map", r"Bad page map"),
    ("bad-page-state", r"Bad page state"),
    ("bad-rss", r"Bad rss-counter state"),
    ("soft-lockup", r"soft lockup"),
    ("hung-task", r"blocked for more than \d+ seconds"),
    ("rcu-stall", r"rcu: INFO: rcu_\w+ (self-)?detected stall"),
    ("unable-to-handle", r"Unable to handle kernel"),
    ("gpf", r"general protection fault"),
    ("unhandled-fault", r"Unhandled fault"),
)
_ANY = re.compile("|".join(f"(?P<{n.replace('-', '_')}>{p})" for n, p in PATTERNS))
# console_msg_format=syslog: every kernel line starts with <facility * 8 + level>, maybe [time].
# The kernel's own facility is 0; what userspace writes to /dev/kmsg cannot have it (<12>, ...).
KERNEL_LINE = re.compile(r"^<([0-7])>(\[\s*\d+\.\d+\]\s?)?")
# A record the kernel printed while a program was mid-line follows the program's text on one line
# (mremap_test: "...Destination 1MB-aligned<4>__vm_enough_memory: pid: 493, ..."; a call trace's
# frames are indented: "...dontneed_restores_pattern<4> dump_backtrace+0xa0/0xdc").
_MID_LINE = re.compile(r"<[0-7]>(\[\s*\d+\.\d+\]\s?)? *[A-Za-z_][\w.\-]*[:\s+]")


@dataclass(frozen=True)
class Splat:
    kind: str
    line_number: int
    line: str

    def excerpt(self, lines, before=5, after=25):
        lo, hi = max(0, self.line_number - before), min(len(lines), self.line_number + after)
        return "\n".join(lines[lo:hi])


def is_kernel_line(line):
    return KERNEL_LINE.match(line) is not None


def strip_level(line):
    return KERNEL_LINE.sub("", line, count=1)


def split_line(line):
    """(the program's text or None, the kernel's record or None) of one console line."""
    if is_kernel_line(line):
        return None, line
    m = _MID_LINE.search(line, 1)
    return (line, None) if m is None else (line[:m.start()], line[m.start():])


def find(lines):
    """Splats among the kernel's records only: a test printing "BUG:" is not a splat."""
    found = []
    for i, line in enumerate(lines):
        record = split_line(line)[1]
        m = record and _ANY.search(strip_level(record))
        if m:
            found.append(Splat(m.lastgroup.replace("_", "-"), i, line))
    return found


def split_streams(lines):
    """(userspace lines, kernel lines) of a stretch of console output."""
    user, kernel = [], []
    for line in lines:
        text, record = split_line(line)
        if text is not None:
            user.append(text)
        if record is not None:
            kernel.append(record)
    return user, kernel
