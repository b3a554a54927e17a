import io
import os
import signal

import pytest

from harness import interrupt
from harness.progress import Progress


@pytest.fixture(autouse=True)
def handler():
    previous = signal.getsignal(signal.SIGINT)
    interrupt.install()
    interrupt.reset()
    yield
    interrupt.reset()
    signal.signal(signal.SIGINT, previous)


def swallow_sigint_in_a_fork():
    """What pexpect's fork does to a Ctrl-C: the at-fork callback's exception is ignored."""
    armed = [True]

    def deliver():  # at-fork callbacks cannot be removed: this one fires once
        if armed.pop() if armed else False:
            os.kill(os.getpid(), signal.SIGINT)
    os.register_at_fork(after_in_parent=deliver)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_sigint_swallowed_during_fork_is_raised_at_the_next_progress_line():
    swallow_sigint_in_a_fork()  # returns normally: Python printed "Exception ignored"
    assert interrupt.pending()
    with pytest.raises(KeyboardInterrupt):
        Progress(io.StringIO())("boot: shell prompt after 0.4s")


def test_without_a_sigint_progress_goes_on():
    out = io.StringIO()
    Progress(out)("build: arm64 done")
    assert out.getvalue() == "build: arm64 done\n"
    interrupt.check()


def test_the_handler_raises_at_once_too():
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
    assert interrupt.pending()
