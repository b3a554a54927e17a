"""Children that must not outlive refpage-ci, even when it is SIGKILLed: the kernel signals them."""

import contextlib
import ctypes
import os
import signal
import subprocess

# The command leads a process group of its own, under a shell that passes a SIGTERM to the whole
# group: when refpage-ci dies, even by SIGKILL, the kernel sends it one, and no compiler or linker
# that a make recipe's shell started runs on.
_GROUP = 'trap "kill -TERM 0" TERM; "$@" & wait $!'
GRACE_SECONDS = 20

_PR_SET_PDEATHSIG = 1


def on_parent_death(sig):
    """A preexec_fn: the child gets `sig` when refpage-ci dies (QEMU SIGKILL; make SIGTERM, which
    it passes to its compilers and deletes their half-written targets)."""
    parent = os.getpid()

    def arm():
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)
        except OSError:
            return
        if os.getppid() != parent:  # it died before the prctl took hold
            os._exit(1)
    return arm


def spawn_group(cmd, **popen):
    """`cmd` (make, typically) as the leader of a process group that goes with refpage-ci."""
    return subprocess.Popen(["sh", "-c", _GROUP, "sh", *map(str, cmd)], start_new_session=True,
                            preexec_fn=on_parent_death(signal.SIGTERM), **popen)


def stop_group(proc, grace=GRACE_SECONDS):
    """SIGTERM to the group (make deletes its half-written targets), SIGKILL after `grace` s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def run_group(cmd, **popen):
    """subprocess.run for a command that starts others: an exception here (Ctrl-C) stops them all."""
    proc = spawn_group(cmd, **popen)
    try:
        proc.wait()
    finally:
        if proc.poll() is None:
            stop_group(proc)
    return proc.returncode
