"""A saved console transcript read back into command results: the pure half of the console protocol.

The live console (harness.console) and `refpage-ci parse` both cut a command's lines out of the
transcript here. What a transcript cannot say is kept beside it in console.json, written when the
run ends: each command's name, line and marker secret, whether it timed out or the guest died, and
why the boot stopped, if it did. Which marker lines are ours is decided by those secrets alone.
"""

import enum
import itertools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Optional

from . import markers, splats, wholefile
from .errors import UserError

RECORD = "console.json"


@dataclass
class CommandResult:
    command: str
    status: object  # int, or None when QEMU died or the command timed out
    output: list = field(default_factory=list)   # userspace lines
    kernel: list = field(default_factory=list)   # kernel lines printed meanwhile
    timed_out: bool = False
    guest_died: bool = False
    seconds: float = 0.0
    secret: str = ""  # its markers' (harness.markers)
    batch: str = ""   # the secret of the batch it ran in at once with others, if it did


@dataclass(frozen=True)
class Sent:
    """One command as the console sent it."""
    name: str
    command: str
    secret: str
    timed_out: bool = False
    guest_died: bool = False
    seconds: float = 0.0
    batch: str = ""


class Stop(enum.Enum):
    """Why a boot did not run every command: what callers decide on, not the error's wording."""
    NOT_READY = "not ready"      # no shell prompt (QEMU exited or timed out before it)
    TIMEOUT = "timeout"          # a command, or the whole run, went past its time
    GUEST_DIED = "guest died"    # QEMU exited while a command ran


@dataclass(frozen=True)
class BootOutcome:
    """The boot phase's value: made once QEMU is gone (pipeline.boot), or from a saved transcript."""
    results: list            # CommandResult per command
    splats: list
    boot_seconds: float = None
    error: str = None        # why the boot itself did not get to run everything
    console: list = field(default_factory=list)  # the transcript's lines, \r removed
    stop: Optional[Stop] = None


def lines_of(data):
    """The transcript's lines as the live console decodes them (UTF-8 with replacement, \\r dropped)."""
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    return [piece.decode("utf-8", "replace").replace("\r", "") for piece in pieces]


def outcome(data, saved):
    """The boot's outcome from its transcript's bytes and its console.json: the run's, offline."""
    lines = lines_of(data)
    return BootOutcome(results(lines, saved.sent), splats.find(lines), error=saved.error, console=lines,
                       stop=Stop(saved.stop) if saved.stop else None)


def end_match(lines, marks):
    """(index of the line with the command's end marker, the marker's match), or (None, None)."""
    for i, line in enumerate(lines):
        found = marks.end.search(line.encode("utf-8", "surrogateescape"))
        if found:
            return i, found
    return None, None


def end_marker(lines, marks):
    """(index of the line with the command's end marker, its exit status), or (None, None)."""
    i, found = end_match(lines, marks)
    return i, None if found is None else int(found.group(1))


def command_lines(lines, marks):
    """(userspace output, kernel lines) of the command under `marks`, `lines` starting where it was sent."""
    user, kernel = splats.split_streams(lines)
    return marks.output(user), kernel


def member_lines(lines, tags):
    """{tag: its lines, the tag taken off} of a batch's console lines. A line the kernel cut (its
    record printed mid-line) goes on, untagged, on the next line: that is the same member's."""
    found, cut = {tag: [] for tag in tags}, None
    for line in lines:
        tag = next((t for t in tags if line.startswith(t)), None)
        if tag is not None:
            found[tag].append(line[len(tag):])
            cut = tag if splats.split_line(line)[1] is not None else None
        elif cut is not None and not splats.is_kernel_line(line):
            found[cut].append(line)
            cut = None
    return found


def _seconds(found, fallback):
    if found is None:
        return fallback
    try:
        return max(0.0, float(found.group(3)) - float(found.group(2)))
    except (TypeError, ValueError):
        return fallback


def batch_results(lines, sent, seconds=0.0, stopped=None):
    """A CommandResult per member of one batch (`sent`, Sents of one batch secret), cut from the
    batch's console lines by their tags: its exit status and times from its own end marker, and
    every kernel line of the batch, as any of them may have caused it. A member without its end
    marker timed out, or was lost with the guest: `stopped` (a Stop) says which, or its Sent does."""
    kernel = splats.split_streams(lines)[1]
    tagged = member_lines(lines, [markers.Markers(s.secret).tag for s in sent])
    return [_member(item, tagged, kernel, seconds, stopped) for item in sent]


def _member(item, tagged, kernel, seconds, stopped):
    marks = markers.Markers(item.secret)
    own = tagged[marks.tag]
    ended = end_match(own, marks)[1]
    died = ended is None and (item.guest_died or stopped is Stop.GUEST_DIED)
    timed_out = ended is None and not died and (item.timed_out or stopped is Stop.TIMEOUT)
    res = CommandResult(item.command, None if ended is None else int(ended.group(1)),
                        command_lines(own, marks)[0], kernel, timed_out, died,
                        item.seconds or _seconds(ended, seconds), item.secret, item.batch)
    res.name = item.name
    return res


def results(lines, sent):
    """A CommandResult per sent command, each cut from its own part of the whole transcript; the
    members of a batch from the batch's part."""
    found, start, at = [], 0, 0
    while at < len(sent):
        item = sent[at]
        group = list(itertools.takewhile(lambda s: s.batch == item.batch, sent[at:])) if item.batch else [item]
        marks = markers.Markers(item.batch or item.secret)
        stop, status = end_marker(lines[start:], marks)
        part = lines[start:] if stop is None else lines[start:start + stop + 1]
        found += batch_results(part, group) if item.batch else [_one(item, part, marks, status)]
        start = len(lines) if stop is None else start + stop + 1
        at += len(group)
    return found


def _one(item, part, marks, status):
    output, kernel = command_lines(part, marks)
    lost = item.timed_out or item.guest_died
    res = CommandResult(item.command, None if lost else status, output, kernel, item.timed_out,
                        item.guest_died, item.seconds, item.secret)
    res.name = item.name
    return res


@dataclass(frozen=True)
class Saved:
    """What a run leaves for `parse`: its arch, how its output is judged, its commands, its stop."""
    arch: str
    parse_tap: object  # True, False or results.AUTO
    sent: List[Sent]
    error: Optional[str] = None
    stop: Optional[str] = None  # a Stop's value

    @classmethod
    def of(cls, arch, parse_tap, outcome):
        sent = [Sent(r.name, r.command, r.secret, r.timed_out, r.guest_died, r.seconds, r.batch)
                for r in outcome.results]
        return cls(arch, parse_tap, sent, outcome.error, outcome.stop.value if outcome.stop else None)

    def save(self, folder):
        data = {"arch": self.arch, "parse_tap": self.parse_tap, "error": self.error, "stop": self.stop,
                "commands": [asdict(s) for s in self.sent]}
        wholefile.write_text(Path(folder) / RECORD, json.dumps(data, indent=1) + "\n")


def load(path):
    """The console.json beside a console.log (or named itself); one clear line when it is not there."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        return Saved(data["arch"], data["parse_tap"], [Sent(**c) for c in data["commands"]], data.get("error"),
                     data.get("stop"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; parse reads the {RECORD} a boot writes beside its "
                        "console.log (boots from before it was written cannot be parsed)") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{path}: not a {RECORD} of refpage-ci ({type(exc).__name__}: {exc})") from None

