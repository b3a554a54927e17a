"""make's process group (real shells, seconds): its status comes back, and one SIGTERM ends it all."""

import os
import signal
import time

from harness import build
from procfs import alive


def test_the_status_and_output_come_back():
    proc = build.spawn(["sh", "-c", "echo '  CC      mm/x.o'; exit 3"])
    out, _ = proc.communicate(timeout=10)
    assert (proc.returncode, out) == (3, "  CC      mm/x.o\n")


def test_a_sigterm_to_the_leader_ends_the_grandchildren_too():
    # a recipe's shell that forks its linker: make's own SIGTERM would stop the shell, not it
    proc = build.spawn(["sh", "-c", "sh -c 'sleep 100; :' & echo $!; wait"])
    shell = int(proc.stdout.readline())
    time.sleep(0.3)
    kids = [int(p) for p in open(f"/proc/{shell}/task/{shell}/children").read().split()]
    os.kill(proc.pid, signal.SIGTERM)  # what the kernel sends when refpage-ci dies
    proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while any(map(alive, [shell, *kids])) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, [shell, *kids]))
