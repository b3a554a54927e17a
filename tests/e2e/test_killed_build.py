"""refpage-ci SIGKILLed in the middle of a kernel build: make and its compilers go with it."""

import os
import time

import pytest

from test_concurrency import in_kernel_build, wait_until

pytestmark = pytest.mark.e2e


def test_a_sigkill_mid_build_leaves_no_make_and_the_next_build_works(cli, tmp_path):
    from harness import paths
    header = paths.cache_dir() / "worktrees" / "series-6.12" / "include" / "linux" / "refpage.h"
    if header.exists():
        os.utime(header)  # its includers recompile and the kernel relinks: make has work
    proc = cli.popen("build", "--arch", "arm64", "--out", tmp_path / "killed")
    wait_until(lambda: in_kernel_build(proc.pid), proc, "make builds the kernel")
    time.sleep(2)
    proc.kill()
    proc.communicate()
    deadline = time.monotonic() + 20
    while cli.leftover_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cli.leftover_processes() == [], "make or a compiler outlived refpage-ci"
    again = cli("build", "--arch", "arm64", "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr[-3000:]
