"""The serial console, driven with pexpect: boot, prompt, commands, splats, reaping.

The guest's /init turns terminal echo off, so what the shell prints between a
command and its exit-status marker is exactly that command's output (and the
kernel lines that landed in between, told apart by their <level> prefix).
"""

import ctypes
import secrets
import signal
import time
from dataclasses import dataclass, field

import pexpect

from . import splats

READY = "refpage-ci: init ready"
_MARKER = r"@@rc=(\d+)@@"


@dataclass
class CommandResult:
    command: str
    status: object  # int, or None when QEMU died or the command timed out
    output: list = field(default_factory=list)   # userspace lines
    kernel: list = field(default_factory=list)   # kernel lines printed meanwhile
    timed_out: bool = False
    guest_died: bool = False
    seconds: float = 0.0


class Transcript:
    """pexpect's logfile_read: keeps every byte on disk, the lines in memory, and can echo live."""

    def __init__(self, path, live=None):
        self.file = open(path, "w", encoding="utf-8", errors="replace")
        self.live = live
        self.lines = []
        self._partial = ""

    def write(self, data):
        if isinstance(data, bytes):  # interact() logs raw bytes
            data = data.decode("utf-8", "replace")
        self.file.write(data)
        if self.live:
            self.live.write(data)
        text = self._partial + data.replace("\r", "")
        *complete, self._partial = text.split("\n")
        self.lines.extend(complete)

    def flush(self):
        self.file.flush()
        if self.live:
            self.live.flush()

    def all_lines(self):
        return self.lines + ([self._partial] if self._partial else [])

    def close(self):
        self.file.close()


def _die_with_parent():
    """QEMU must not outlive us, even if we are SIGKILLed."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Console:
    def __init__(self, argv, transcript_path, live=None):
        self.argv = argv
        self.transcript = Transcript(transcript_path, live)
        self.child = None
        self.prompt = f"rci-{secrets.token_hex(4)}> "
        self.started = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self.started = time.monotonic()
        self.child = pexpect.spawn(self.argv[0], self.argv[1:], encoding="utf-8",
                                   codec_errors="replace", echo=False, timeout=None,
                                   dimensions=(50, 250), preexec_fn=_die_with_parent)
        self.child.logfile_read = self.transcript

    def wait_ready(self, timeout):
        """Wait for init, then set a prompt only we know and wait for it."""
        self._expect(READY, timeout)
        self.child.sendline(f"export PS2= PS1='{self.prompt}'")
        self._expect(self.prompt, timeout)
        return time.monotonic() - self.started

    def run(self, command, timeout):
        """Run one shell command in the guest; its exit status comes back reliably."""
        start = time.monotonic()
        mark = len(self.transcript.lines)
        self.child.send("{ " + command + "\n} </dev/null; printf '\\n@@rc=%d@@\\n' \"$?\"\n")
        result = CommandResult(command, None)
        try:
            self.child.expect(_MARKER, timeout=timeout)
            result.status = int(self.child.match.group(1))
            self._expect(self.prompt, timeout=30)
        except pexpect.TIMEOUT:
            result.timed_out = True
        except pexpect.EOF:
            result.guest_died = True
        result.seconds = time.monotonic() - start
        lines = self.transcript.lines[mark:]
        user, result.kernel = splats.split_streams(lines)
        result.output = _command_output(user, self.prompt)
        return result

    def interact(self):
        self.child.interact(escape_character=None)

    def splats(self):
        return splats.find(self.transcript.all_lines())

    def power_off(self, timeout=15):
        if self.child is None or not self.child.isalive():
            return
        try:
            self.child.sendline("poweroff -f")
            self.child.expect(pexpect.EOF, timeout=timeout)
        except (pexpect.TIMEOUT, OSError):
            pass

    def close(self):
        if self.child is not None:
            try:
                if self.child.isalive():
                    self.child.terminate(force=True)
            finally:
                self.child.close(force=True)
        self.transcript.close()

    def _expect(self, pattern, timeout):
        try:
            self.child.expect_exact(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            raise ConsoleTimeout(pattern, timeout) from None
        except pexpect.EOF:
            raise GuestDied(pattern) from None


def _command_output(lines, prompt):
    """The command's own lines. Echo is off, so its first line shares the prompt's line; the
    first command's also carries busybox's own prompt, printed before ours was set."""
    out = [l.rsplit(prompt, 1)[-1] for l in lines if not l.startswith("@@rc=")]
    while out and not out[-1].strip():
        out.pop()
    return out


class ConsoleTimeout(Exception):
    def __init__(self, pattern, timeout):
        super().__init__(f"no {pattern!r} on the console within {timeout:.0f}s")


class GuestDied(Exception):
    def __init__(self, pattern):
        super().__init__(f"QEMU exited while waiting for {pattern!r}")
