"""Ctrl-C that cannot be lost.

Python drops a KeyboardInterrupt raised inside an at-fork callback or a
finaliser ("Exception ignored in ..."): a SIGINT landing while pexpect forks
QEMU would be swallowed and the run would go on. The handler also records the
interrupt, and `check()` (called at every progress line) raises it again.
"""

import signal

_pending = False


def install():
    signal.signal(signal.SIGINT, _on_sigint)


def _on_sigint(signum, frame):
    global _pending
    _pending = True
    raise KeyboardInterrupt


def pending():
    return _pending


def check():
    """Raise KeyboardInterrupt if a Ctrl-C arrived, even one that was swallowed."""
    if _pending:
        raise KeyboardInterrupt


def reset():
    global _pending
    _pending = False
