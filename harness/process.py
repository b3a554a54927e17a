"""The seam to other processes: every command refpage-ci starts (make, git, QEMU's probes, xz, ssh's
rsync, distcc) goes through here, so the environment, Ctrl-C and the log are decided once.

- The environment: ours, without the variables that would point make at another arch, compiler or
  output folder, or git at another repository; a captured command (whose output we parse) in the
  C locale. A logged one keeps ours: ccache hashes the locale, and a build's objects stay cached.
- Ctrl-C: a captured `run` dies with us, unless `let_finish` (git: never killed with index.lock
  held); a command that starts others (make) leads a process group that goes with refpage-ci,
  SIGTERM first so make deletes its half-written targets, SIGKILL after a grace period.
- A logged command appends `$ argv` and its output to the log and returns its status; `tail`
  picks the lines a failure shows.
"""

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

from . import deathsig

DEVNULL, PIPE, STDOUT = subprocess.DEVNULL, subprocess.PIPE, subprocess.STDOUT
TimeoutExpired = subprocess.TimeoutExpired
CalledProcessError = subprocess.CalledProcessError

# Variables that would point make at another architecture, compiler or output folder.
KBUILD_VARIABLES = ("ARCH", "SUBARCH", "CROSS_COMPILE", "KBUILD_OUTPUT", "O", "LLVM", "CC", "MAKEFLAGS")
# Variables that would point git at another repository or index than the tree's own.
GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")
STRIPPED = KBUILD_VARIABLES + GIT_VARIABLES

# The command leads a process group of its own, under a shell that passes a SIGTERM to the whole
# group: when refpage-ci dies, even by SIGKILL, the kernel sends it one, and no compiler or linker
# that a make recipe's shell started runs on.
_GROUP = 'trap "kill -TERM 0" TERM; "$@" & wait $!'
GRACE_SECONDS = 20


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


def environment(extra=None, c_locale=False):
    """Our environment for a child: STRIPPED removed, then `extra` (which may set any of them)."""
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED}
    if c_locale:
        env["LC_ALL"] = "C"
    env.update(extra or {})
    return env


def run(argv, *, cwd=None, input=None, env=None, timeout=None, let_finish=False):
    """argv to completion, output captured; never raises on its exit status (127: not found).

    `env` adds to environment(); `timeout` raises TimeoutExpired with the child killed;
    `let_finish` runs it in its own session and waits for it through a Ctrl-C, then re-raises.
    """
    argv = tuple(str(a) for a in argv)
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=environment(env, c_locale=True), text=True, errors="replace",
                                stdin=PIPE if input is not None else DEVNULL, stdout=PIPE, stderr=PIPE,
                                start_new_session=let_finish)
    except FileNotFoundError:
        return Result(argv, 127, "", f"{argv[0]}: command not found")
    with proc:
        out, err = _communicate(proc, input, timeout, let_finish)
    return Result(argv, proc.returncode, out, err)


def _communicate(proc, input, timeout, let_finish):
    interrupted = None
    while True:
        try:
            out, err = proc.communicate(input, timeout=timeout)
            break
        except KeyboardInterrupt as exc:
            if not let_finish:
                proc.kill()
                raise
            interrupted, input = exc, None
        except TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    if interrupted:
        raise interrupted
    return out, err


def spawn_group(argv, env=None, cwd=None, **popen):
    """`argv` (make, typically) as the leader of a process group that goes with refpage-ci."""
    return subprocess.Popen(["sh", "-c", _GROUP, "sh", *map(str, argv)], start_new_session=True, cwd=cwd,
                            env=environment(env), preexec_fn=deathsig.on_parent_death(signal.SIGTERM),
                            **popen)


def stop_group(proc, grace=GRACE_SECONDS):
    """End `proc`'s process group: SIGTERM (make deletes its half-written targets), SIGKILL after
    `grace` s. Also when the leader has already exited: a SIGKILLed make leaves its sub-makes and
    kconfig's conf running on, writing .config for nobody."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    try:
        proc.wait(timeout=grace)
        while time.monotonic() < deadline:
            os.killpg(proc.pid, 0)
            time.sleep(0.05)
    except (TimeoutExpired, ProcessLookupError):
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def run_group(argv, env=None, cwd=None, **popen):
    """subprocess.run for a command that starts others: nothing it started outlives it, even when
    an exception here (Ctrl-C) comes first."""
    proc = spawn_group(argv, env=env, cwd=cwd, **popen)
    try:
        proc.wait()
    finally:
        stop_group(proc)
    return proc.returncode


def run_logged(argv, log, env=None, cwd=None):
    """argv in its process group, `$ argv` and its output appended to `log`; its exit status."""
    with open(log, "a") as out:
        out.write("$ " + " ".join(map(str, argv)) + "\n")
        out.flush()
        return run_group(argv, env=env, cwd=cwd, stdout=out, stderr=STDOUT, stdin=DEVNULL)


def tail(log, wanted=None, lines=15, limit=25):
    """The lines of `log` a failure shows: those `wanted(line)` picks, else the last `lines`."""
    text = Path(log).read_text(errors="replace").splitlines()
    picked = [line for line in text if wanted(line)] if wanted else []
    return "\n".join((picked or text[-lines:])[-limit:])


def start(argv, env=None, cwd=None, outlives_us=False, **popen):
    """A long-lived child (a daemon) in its own session, the caller stops it; SIGKILLed if refpage-ci
    dies, unless `outlives_us` (a helper that cleans up after refpage-ci)."""
    preexec = None if outlives_us else deathsig.on_parent_death(signal.SIGKILL)
    return subprocess.Popen([str(a) for a in argv], env=environment(env), cwd=cwd, start_new_session=True,
                            preexec_fn=preexec, **popen)
