"""The one seam to other processes (make, the kernel's header scripts, cpp, git).

Everything else takes a `run` argument defaulting to `run` here, so tests can
hand in a fake and the pure parts never start a process.
"""

import os
import subprocess
from dataclasses import dataclass
from typing import Tuple

# Variables that would point make at another architecture, compiler or output folder.
_KBUILD_VARIABLES = ("ARCH", "SUBARCH", "CROSS_COMPILE", "KBUILD_OUTPUT", "O", "LLVM", "CC", "MAKEFLAGS")


@dataclass(frozen=True)
class Result:
    argv: Tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self):
        return self.returncode == 0

    @property
    def output(self):
        return (self.stdout + self.stderr).strip()


def run(argv, cwd=None):
    """Run argv to completion in a clean, C-locale environment; never raises on exit status."""
    env = {k: v for k, v in os.environ.items() if k not in _KBUILD_VARIABLES}
    env["LC_ALL"] = "C"
    argv = tuple(str(a) for a in argv)
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, errors="replace")
    except FileNotFoundError:
        return Result(argv, 127, "", f"{argv[0]}: command not found")
    return Result(argv, done.returncode, done.stdout, done.stderr)
