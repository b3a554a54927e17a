"""Children that must not outlive refpage-ci, even when it is SIGKILLed: the kernel signals them."""

import ctypes
import os

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

