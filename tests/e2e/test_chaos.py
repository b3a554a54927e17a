"""`boot` interrupted at a random moment of a random phase, by a random signal: nothing of ours
runs on, nothing is half written, the tree is as it was, and the next plain run passes.

REFPAGE_CI_CHAOS_N iterations (5; `tox -e chaos`: 50), REFPAGE_CI_CHAOS_SEED (printed) replays
a run. Each iteration is a real build: mm/refpage.c is touched first. The unpack and the config
are not among the phases: they run once per tree and per config, not on every boot.
"""

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from conftest import _git
from test_concurrency import in_kernel_build

pytestmark = [pytest.mark.e2e, pytest.mark.full]

N = int(os.environ.get("REFPAGE_CI_CHAOS_N", "5"))
SEED = int(os.environ.get("REFPAGE_CI_CHAOS_SEED", "2026"))
ONE_TEST = ("--only", "refpage", "-t", "reads_pattern")
# phase -> the signals that make sense in it (whom, which)
SIGNALS = {
    "build": [("refpage-ci", signal.SIGINT), ("refpage-ci", signal.SIGKILL), ("make", signal.SIGKILL)],
    "qemu-start": [("refpage-ci", signal.SIGINT), ("refpage-ci", signal.SIGKILL), ("qemu", signal.SIGKILL)],
    "tests": [("refpage-ci", signal.SIGINT), ("refpage-ci", signal.SIGKILL), ("qemu", signal.SIGKILL)],
}
LONGEST = {"build": 2.0, "qemu-start": 0.8, "tests": 0.3}  # s into the phase: within it, mostly


def _children(pid):
    try:
        return [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _descendant(pid, needle):
    todo = _children(pid)
    while todo:
        kid = todo.pop()
        try:
            if needle in Path(f"/proc/{kid}/cmdline").read_bytes():
                return kid
        except OSError:
            continue
        todo += _children(kid)
    return None


def _in_phase(phase, proc, out):
    if phase == "build":
        return in_kernel_build(proc.pid)
    if phase == "qemu-start":
        return _descendant(proc.pid, b"qemu-system") is not None
    log = out / "console.log"
    return log.is_file() and b" begin@@" in log.read_bytes()


def _victim(whom, proc):
    if whom == "refpage-ci":
        return proc.pid
    return _descendant(proc.pid, b"qemu-system" if whom == "qemu" else b"headers_install")


def _no_half_written(build_dir, out):
    assert list(Path(build_dir).glob("*.tmp")) == [], "a half-written image"
    if (out / "metadata.json").exists():
        json.loads((out / "metadata.json").read_text())
    from harness import paths
    probe = paths.cache_dir() / "accel-probe.json"
    if probe.exists():
        json.loads(probe.read_text())
    assert list(paths.trees_dir().glob(".unpack-*")) == [], "a half-unpacked tree"


def test_interrupted_anywhere_nothing_is_left_and_the_next_run_passes(cli, tmp_path):
    from harness import paths
    rng = random.Random(SEED)
    print(f"chaos: seed {SEED}, {N} iterations (REFPAGE_CI_CHAOS_SEED={SEED} replays them)")
    tree = paths.cache_dir() / "worktrees" / "series-6.12"
    warm = cli("boot", "--arch", "arm64", *ONE_TEST, "--out", tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr[-3000:]
    build_dir = json.loads((tmp_path / "warm" / "metadata.json").read_text())["build_dir"]
    tracked = _git(tree, "status", "--porcelain", "--untracked-files=no").stdout
    table = []
    for i in range(N):
        phase = rng.choice(sorted(SIGNALS))
        whom, sig = rng.choice(SIGNALS[phase])
        delay = rng.uniform(0, LONGEST[phase])
        out = tmp_path / f"run{i}"
        os.utime(tree / "mm" / "refpage.c")
        proc = cli.popen("boot", "--arch", "arm64", *ONE_TEST, "--out", out)
        deadline = time.monotonic() + 1800
        while proc.poll() is None and not _in_phase(phase, proc, out) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(delay)
        victim = _victim(whom, proc) if proc.poll() is None else None
        if victim:
            os.kill(victim, sig)
        proc.communicate(timeout=600)
        ends = time.monotonic() + 20
        while cli.leftover_processes() and time.monotonic() < ends:
            time.sleep(0.2)
        row = (i, phase, f"{signal.Signals(sig).name} to {whom}" if victim else "(ended first)",
               proc.returncode)
        table.append(row)
        print("chaos: #%d %s, %s after %.2fs: exit %s" % (row[0], phase, row[2], delay, row[3]))
        assert cli.leftover_processes() == [], row
        _no_half_written(build_dir, out)
        assert _git(tree, "status", "--porcelain", "--untracked-files=no").stdout == tracked, row
        again = cli("boot", "--arch", "arm64", *ONE_TEST, "--out", tmp_path / f"again{i}")
        assert again.returncode == 0, (row, again.stderr[-3000:])
    print("chaos: (phase, signal) -> exit status, nothing left behind in any:")
    for row in table:
        print(f"chaos:   {row[1]:<11} {row[2]:<26} -> {row[3]}")
