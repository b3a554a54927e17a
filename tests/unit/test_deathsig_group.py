"""run_group (real processes, seconds): what it started goes when refpage-ci is SIGKILLed or interrupted."""

import os
import signal
import subprocess
import sys
import time

from procfs import alive

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The parent runs a "make" whose recipe forks a long sleep, then waits in run_group.
PARENT = ("import sys\n"
          "from harness import process\n"
          "process.run_group(['sh', '-c', 'sleep 100 & echo $! > ' + sys.argv[1] + '; wait'])\n")


def _grandchild(tmp_path, sig):
    pidfile = tmp_path / "pid"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(pidfile)], cwd=PROJECT)
    deadline = time.monotonic() + 10
    while not (pidfile.is_file() and pidfile.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    sleeper = int(pidfile.read_text())
    assert alive(sleeper)
    parent.send_signal(sig)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while alive(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sleeper


def test_a_sigkill_of_the_parent_ends_the_recipes_children(tmp_path):
    assert not alive(_grandchild(tmp_path, signal.SIGKILL))


def test_ctrl_c_in_the_parent_ends_them_too(tmp_path):
    assert not alive(_grandchild(tmp_path, signal.SIGINT))


def test_a_sigkilled_leader_leaves_nothing_of_its_group_behind(tmp_path):
    # the chaos test's "SIGKILL to make" in the config step: make dies, its sub-make and conf ran on
    from harness import process
    pidfile = tmp_path / "pid"
    script = f"sleep 100 & echo $! > {pidfile}; kill -KILL $$"
    started = time.monotonic()
    status = process.run_group(["sh", "-c", script])
    sleeper = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while alive(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status != 0 and not alive(sleeper)
    assert time.monotonic() - started < 10
