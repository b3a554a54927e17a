"""The console's markers: where a command's output begins and ends, and its exit status.

Each command gets a fresh secret. It exists in the guest only inside the shell that parses
the command line we send (echo is off, it is not in the environment, a file or the kernel
command line), so no guest program can know it before the marker carrying it is printed,
and printing an old or guessed one decides nothing. The line we send spells the secret in
two quoted halves, so even an echo of it never reads as a marker.

A batch runs several commands at once (`boot --parallel`): each member's lines reach the console
through a loop of shell builtins that puts its secret in front of every line, so the lines of
each are told apart however they interleave, and no secret is in any process's argv.
"""

import re
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Markers:
    secret: str

    @classmethod
    def fresh(cls):
        return cls(secrets.token_hex(8))

    @property
    def begin(self):
        return f"@@{self.secret} begin@@".encode()

    @property
    def end(self):
        """Matches the end marker; group 1 is the exit status, 2 and 3 a batch member's start and end
        (the guest's uptime, when /proc gave it)."""
        return re.compile(rb"@@" + self.secret.encode() + rb" rc=(\d+)(?: t=([\d.]*)-([\d.]*))?@@")

    @property
    def tag(self):
        """What a batch member's every line starts with on the console."""
        return f"{self.secret}|"

    def _words(self):
        half = len(self.secret) // 2
        return f"{self.secret[:half]} {self.secret[half:]}"

    def wrap(self, command):
        """The shell text that runs `command` between the two markers, stdin from /dev/null."""
        words = self._words()
        # One line, eval'ed: the shell never waits for a continuation line, so a command cut short
        # cannot leave it reading one ("unexpected end of file (expecting "}")" was seen once).
        quoted = _quoted(command)
        return (f"printf '\\n@@%s%s begin@@\\n' {words}; eval '{quoted}' </dev/null; "
                f"printf '\\n@@%s%s rc=%d@@\\n' {words} \"$?\"\n")

    def member(self, command):
        """A batch member: `command` between its markers, its start and end times in the end marker,
        every line it prints (a last one without newline too) tagged, all of it in the background."""
        words = self._words()
        quoted = _quoted(command)
        run = (f"read t0 _ </proc/uptime; printf '\\n@@%s%s begin@@\\n' {words}; (eval '{quoted}') </dev/null; "
               f"r=$?; read t1 _ </proc/uptime; printf '\\n@@%s%s rc=%d t=%s-%s@@\\n' {words} \"$r\" \"$t0\" \"$t1\"")
        tagging = f"while IFS= read -r l || [ -n \"$l\" ]; do printf '%s%s|%s\\n' {words} \"$l\"; done"
        return f"{{ {run}; }} 2>&1 | {tagging} &"

    def output(self, lines):
        """A command's userspace lines among the console's: those between its markers, less the
        empty line the end marker's leading newline makes after output that ended with one."""
        begin, end = self.begin.decode(), f"@@{self.secret} rc="
        start = next((i + 1 for i, line in enumerate(lines) if line == begin), 0)
        stop = next((i for i in range(start, len(lines)) if lines[i].startswith(end)), None)
        out = lines[start:stop]
        if stop is not None and out and out[-1] == "":
            out = out[:-1]
        return out


def _quoted(command):
    """`command` escaped to stand inside the single quotes of an eval argument."""
    return command.replace("'", "'\\''")


def batch(marks, members):
    """One line that runs every (Markers, command) of `members` at once in a subshell (no job control
    notices), waits for all, then prints the end marker of `marks`, the batch's own."""
    return marks.wrap(f"( {' '.join(m.member(command) for m, command in members)} wait )")


def prompt_line(prompt):
    """Sets the shell's prompt without exporting it; the prompt in two quoted halves, as above."""
    half = len(prompt) // 2
    return f"PS2= PS1='{prompt[:half]}''{prompt[half:]}'"
