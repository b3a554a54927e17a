"""A saved console transcript read back into command results: the pure half of the console protocol.

The live console (harness.console) and `refpage-ci parse` both cut a command's lines out of the
transcript here. What a transcript cannot say is kept beside it in console.json, written when the
run ends: each command's name, line and marker secret, whether it timed out or the guest died, and
why the boot stopped, if it did. Which marker lines are ours is decided by those secrets alone.
"""

import enum
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


@dataclass(frozen=True)
class Sent:
    """One command as the console sent it."""
    name: str
    command: str
    secret: str
    timed_out: bool = False
    guest_died: bool = False
    seconds: float = 0.0


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


def end_marker(lines, marks):
    """(index of the line with the command's end marker, its exit status), or (None, None)."""
    for i, line in enumerate(lines):
        found = marks.end.search(line.encode("utf-8", "surrogateescape"))
        if found:
            return i, int(found.group(1))
    return None, None


def command_lines(lines, marks):
    """(userspace output, kernel lines) of the command under `marks`, `lines` starting where it was sent."""
    user, kernel = splats.split_streams(lines)
    return marks.output(user), kernel


def results(lines, sent):
    """A CommandResult per sent command, each cut from its own part of the whole transcript."""
    found, start = [], 0
    for item in sent:
        marks = markers.Markers(item.secret)
        stop, status = end_marker(lines[start:], marks)
        part = lines[start:] if stop is None else lines[start:start + stop + 1]
        output, kernel = command_lines(part, marks)
        lost = item.timed_out or item.guest_died
        res = CommandResult(item.command, None if lost else status, output, kernel, item.timed_out,
                            item.guest_died, item.seconds, item.secret)
        res.name = item.name
        found.append(res)
        start = len(lines) if stop is None else start + stop + 1
    return found


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
        sent = [Sent(r.name, r.command, r.secret, r.timed_out, r.guest_died, r.seconds) for r in outcome.results]
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

