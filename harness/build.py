"""Build: the kernel image and its uapi headers, incrementally, with the log kept."""

import re
import signal
import subprocess
import time
from pathlib import Path

from . import kbuild
from .errors import StageFailed

_STEP = re.compile(r"^\s{2}([A-Z][A-Z0-9_]{1,10})\s+(\S+)")
_COMPILER_ERROR = re.compile(r"^\S+:\d+(:\d+)?: (fatal )?error: ")
MAKE_GRACE_SECONDS = 20


def step_of(line):
    """(kind, target) of a kbuild step line such as `  CC      mm/refpage.o`, else None."""
    m = _STEP.match(line)
    return m.groups() if m else None


def compiler_errors(lines):
    """The compiler's own `file:line: error:` lines, with the line after each (the source)."""
    found = []
    lines = list(lines)
    for i, line in enumerate(lines):
        if _COMPILER_ERROR.match(line):
            found.append(line)
            if i + 1 < len(lines) and lines[i + 1].startswith(" "):
                found.append(lines[i + 1])
    return found


def build(machine, tree, build_dir, log, jobs=None, progress=None):
    """`make <image> headers_install`; returns the kernel image path."""
    jobs = jobs or kbuild.default_jobs()
    cmd = kbuild.make_command(machine, tree, build_dir, machine.target, "headers_install", jobs=jobs)
    started = time.monotonic()
    steps = _run_logged(cmd, log, progress, started)
    image = kbuild.kernel_image(machine, build_dir)
    if progress:
        progress(f"build: {machine.name} done in {time.monotonic() - started:.0f}s "
                 f"({steps} steps) -> {image}")
    return image


def _stop(make):
    """Let make reap its compilers and delete half-written targets, as it does on Ctrl-C."""
    make.send_signal(signal.SIGINT)
    try:
        make.wait(timeout=MAKE_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        make.kill()
        make.wait()


def _run_logged(cmd, log, progress, started):
    steps = 0
    with open(log, "a") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                errors="replace", env=kbuild.compiler_env())
        try:
            for line in proc.stdout:
                out.write(line)
                step = step_of(line)
                if step:
                    steps += 1
                    if progress:
                        progress.status(f"build: {time.monotonic() - started:4.0f}s  "
                                        f"{steps:5d} steps  {step[0]:7s} {step[1]}")
            proc.wait()
        finally:
            if proc.poll() is None:
                _stop(proc)
    if proc.returncode:
        lines = Path(log).read_text(errors="replace").splitlines()
        errors = compiler_errors(lines) or lines[-25:]
        raise StageFailed(f"build: make failed (exit {proc.returncode}); full log: {log}",
                          "\n".join(errors[:40]))
    return steps
