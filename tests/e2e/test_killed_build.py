"""refpage-ci SIGKILLed in the middle of a kernel build: make, its compilers and its linker go too."""

import os
import re
import time
from pathlib import Path

import pytest

from test_concurrency import wait_until

pytestmark = pytest.mark.e2e

_LINKER = re.compile(rb"(^|/|-)ld(\.bfd)?$")


def _ours(token):
    """argv of every process of this test's build."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if token in Path(f"/proc/{pid}/environ").read_bytes():
                yield Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue


def linking(token):
    """scripts/link-vmlinux.sh runs its linker: a shell's child, silent until it is done."""
    argvs = list(_ours(token))
    return any(b"link-vmlinux.sh" in b" ".join(a) for a in argvs) and \
        any(_LINKER.search(a[0]) for a in argvs)


def test_a_sigkill_mid_link_leaves_nothing_running_and_the_next_build_works(cli, tmp_path):
    from harness import paths
    source = paths.cache_dir() / "worktrees" / "series-6.12" / "mm" / "refpage.c"
    if source.exists():
        os.utime(source)  # mm/refpage.o again, then the kernel relinks
    proc = cli.popen("build", "--arch", "arm64", "--out", tmp_path / "killed")
    wait_until(lambda: linking(cli.token.encode()), proc, "the kernel links")
    proc.kill()
    proc.communicate()
    deadline = time.monotonic() + 10
    while cli.leftover_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cli.leftover_processes() == [], "make, a compiler or the linker outlived refpage-ci"
    again = cli("build", "--arch", "arm64", "--out", tmp_path / "again")
    assert again.returncode == 0, again.stderr[-3000:]
