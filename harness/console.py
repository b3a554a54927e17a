"""The serial console, driven with pexpect: boot, prompt, commands, splats, reaping.

The guest's /init turns terminal echo off, so what the shell prints between a command's
markers (harness.markers) is exactly that command's output (and the kernel lines that
landed in between, told apart by their <level> prefix). The console is read as bytes:
console.log keeps what the guest sent, byte for byte, and the lines are decoded from it.
"""

import codecs
import secrets
import signal
import time

import pexpect

from . import deathsig, markers, splats, transcript
from .transcript import CommandResult

READY = b"refpage-ci: init ready"
_READ = 1 << 16
_WINDOW = _READ + 1024  # more than one read: a marker split across two reads is still found


def _decode(line):
    return line.decode("utf-8", "replace").replace("\r", "")


class Transcript:
    """pexpect's logfile_read: every byte on disk as it came, the lines decoded in memory, a live echo."""

    def __init__(self, path, live=None):
        self.file = open(path, "wb")
        self.live = live
        self._live_text = codecs.getincrementaldecoder("utf-8")("replace")
        self.lines = []
        self._partial = []  # the pieces of the line still open: a long line is joined once

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.file.write(data)
        if self.live:
            self.live.write(self._live_text.decode(data))
        *complete, rest = data.split(b"\n")
        for piece in complete:
            self.lines.append(_decode(b"".join(self._partial + [piece])))
            self._partial = []
        if rest:
            self._partial.append(rest)

    def flush(self):
        self.file.flush()
        if self.live:
            self.live.flush()

    def all_lines(self):
        return self.lines + ([_decode(b"".join(self._partial))] if self._partial else [])

    def close(self):
        self.file.close()


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
        self.child = pexpect.spawn(self.argv[0], self.argv[1:], echo=False, timeout=None,
                                   maxread=_READ, dimensions=(50, 250),
                                   preexec_fn=deathsig.on_parent_death(signal.SIGKILL))
        self.child.logfile_read = self.transcript

    def wait_ready(self, timeout):
        """Wait for init's cue, then set a prompt only we know: its appearance is the ready marker."""
        self._expect(READY, timeout)
        self.child.sendline(markers.prompt_line(self.prompt))
        self._expect(self.prompt.encode(), timeout)
        return time.monotonic() - self.started

    def run(self, command, timeout):
        """Run one shell command in the guest; its exit status comes back under a fresh secret."""
        start = time.monotonic()
        mark = len(self.transcript.lines)
        marks = markers.Markers.fresh()
        self.child.send(marks.wrap(command))
        result = CommandResult(command, None, secret=marks.secret)
        stopped, result.status = self._await_end(marks, start, timeout)
        result.timed_out = stopped is transcript.Stop.TIMEOUT
        result.guest_died = stopped is transcript.Stop.GUEST_DIED
        result.seconds = time.monotonic() - start
        result.output, result.kernel = transcript.command_lines(self.transcript.all_lines()[mark:], marks)
        return result

    def run_batch(self, commands, timeout):
        """Run (name, shell command) pairs at once in the guest; a CommandResult each, in order, told
        apart by their tags (harness.markers.batch), each with its own exit status and time."""
        start = time.monotonic()
        mark = len(self.transcript.lines)
        batch = markers.Markers.fresh()
        members = [markers.Markers.fresh() for _ in commands]
        self.child.send(markers.batch(batch, [(m, line) for m, (_, line) in zip(members, commands)]))
        stopped, _ = self._await_end(batch, start, timeout)
        sent = [transcript.Sent(name, line, m.secret, batch=batch.secret) for m, (name, line) in zip(members, commands)]
        return transcript.batch_results(self.transcript.all_lines()[mark:], sent, time.monotonic() - start, stopped)

    def _await_end(self, marks, start, timeout):
        """Until the end marker of `marks` (within `timeout` of `start`) and the prompt after it:
        (None, the exit status), or (the Stop that came first, None)."""
        try:
            self.child.expect_exact(marks.begin, timeout=timeout)
            left = max(0.0, start + timeout - time.monotonic())
            self.child.expect(marks.end, timeout=left, searchwindowsize=_WINDOW)
            status = int(self.child.match.group(1))
            self._expect(self.prompt.encode(), timeout=30)
        except pexpect.TIMEOUT:
            return transcript.Stop.TIMEOUT, None
        except pexpect.EOF:
            return transcript.Stop.GUEST_DIED, None
        return None, status

    def send_line(self, line):
        """A line to the guest's shell as it is, no markers (bench: the time to a first output)."""
        self.child.sendline(line)

    def wait_for(self, pattern, timeout):
        """Until `pattern` (a regular expression) shows; ConsoleTimeout or GuestDied otherwise."""
        self._expect(pattern, timeout, self.child.expect)

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

    def _expect(self, pattern, timeout, expect=None):
        try:
            (expect or self.child.expect_exact)(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            raise ConsoleTimeout(pattern, timeout) from None
        except pexpect.EOF:
            raise GuestDied(pattern) from None


class ConsoleTimeout(Exception):
    def __init__(self, pattern, timeout):
        super().__init__(f"no {_shown(pattern)!r} on the console within {timeout:.0f}s")


class GuestDied(Exception):
    def __init__(self, pattern):
        super().__init__(f"QEMU exited while waiting for {_shown(pattern)!r}")


def _shown(pattern):
    return pattern.decode() if isinstance(pattern, bytes) else pattern
