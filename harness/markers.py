"""The console's markers: where a command's output begins and ends, and its exit status.

Each command gets a fresh secret. It exists in the guest only inside the shell that parses
the command line we send (echo is off, it is not in the environment, a file or the kernel
command line), so no guest program can know it before the marker carrying it is printed,
and printing an old or guessed one decides nothing. The line we send spells the secret in
two quoted halves, so even an echo of it never reads as a marker.
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
        """Matches the end marker; group 1 is the exit status."""
        return re.compile(rb"@@" + self.secret.encode() + rb" rc=(\d+)@@")

    def wrap(self, command):
        """The shell text that runs `command` between the two markers, stdin from /dev/null."""
        half = len(self.secret) // 2
        words = f"{self.secret[:half]} {self.secret[half:]}"
        # One line, eval'ed: the shell never waits for a continuation line, so a command cut short
        # cannot leave it reading one ("unexpected end of file (expecting "}")" was seen once).
        quoted = command.replace("'", "'\\''")
        return (f"printf '\\n@@%s%s begin@@\\n' {words}; eval '{quoted}' </dev/null; "
                f"printf '\\n@@%s%s rc=%d@@\\n' {words} \"$?\"\n")

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


def prompt_line(prompt):
    """Sets the shell's prompt without exporting it; the prompt in two quoted halves, as above."""
    half = len(prompt) // 2
    return f"PS2= PS1='{prompt[:half]}''{prompt[half:]}'"
