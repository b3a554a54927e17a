"""Two at once: runs that share a tree or a build folder take turns, or one is refused, cleanly."""

import contextlib
import json
import os
import signal
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, _git, base_worktree

pytestmark = pytest.mark.e2e

ONE_TEST = ("--only", "refpage", "-t", "reads_pattern")  # seconds, and no timing in it


def _flocks():
    """(pid, inode, waiting) of every flock in /proc/locks."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()[1:]
        waiting = fields[0] == "->"
        kind, _, _, pid, where = [f for f in fields if f != "->"][:5]
        if kind == "FLOCK":
            yield int(pid), int(where.rsplit(":", 1)[1]), waiting


def _inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def lock_holders(path):
    """PIDs holding an flock on `path` now (not those waiting for it)."""
    inode = _inode(path)
    return {pid for pid, ino, waiting in _flocks() if ino == inode and not waiting}


def waiting_for(path, pid):
    """`pid` is blocked in flock on `path`."""
    inode = _inode(path)
    return any(p == pid and ino == inode and waiting for p, ino, waiting in _flocks())


def in_kernel_build(pid):
    """A child of `pid` is the kernel's `make ... headers_install`: past the config, in the build."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return any(b"headers_install" in Path(f"/proc/{kid}/cmdline").read_bytes() for kid in kids)
    except OSError:
        return False


@contextlib.contextmanager
def stopped(proc):
    """The process stopped (its children run on), so whatever lock it holds stays held."""
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(proc.pid, signal.SIGCONT)


def wait_until(condition, proc, what, timeout=1800):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"exited ({proc.returncode}) before {what}:\n{out[-2000:]}\n{err[-3000:]}")
        time.sleep(0.05)
    pytest.fail(f"not {what} within {timeout}s")


@contextlib.contextmanager
def interrupted_if_left(procs):
    """On a failure, Ctrl-C what still runs, so nothing of it outlives the test."""
    try:
        yield
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.communicate(timeout=120)


def build_dir_of(out):
    meta = Path(out) / "metadata.json"
    return json.loads(meta.read_text()).get("build_dir") if meta.is_file() else None


def finished(proc, timeout=1800):
    out, err = proc.communicate(timeout=timeout)
    assert "Traceback" not in err, err[-3000:]
    return proc.returncode, out, err


def test_two_boots_of_one_tree_take_turns_and_build_once(cli, tmp_path):
    """The second waits for the build lock, then reuses the first's build: one real build, not two."""
    from harness import paths
    source = paths.cache_dir() / "worktrees" / "series-6.12" / "mm" / "refpage.c"
    if source.exists():
        os.utime(source)  # so the kernel build has work to do
    first = cli.popen("boot", "--arch", "arm64", *ONE_TEST, "--out", tmp_path / "first")
    procs = [first]
    with interrupted_if_left(procs):
        wait_until(lambda: build_dir_of(tmp_path / "first"), first, "metadata.json names the build folder")
        lock = Path(build_dir_of(tmp_path / "first")) / ".refpage-ci.lock"
        wait_until(lambda: first.pid in lock_holders(lock) and in_kernel_build(first.pid), first,
                   "the first builds the kernel")
        with stopped(first):
            second = cli.popen("boot", "--arch", "arm64", *ONE_TEST, "--out", tmp_path / "second")
            procs.append(second)
            wait_until(lambda: waiting_for(lock, second.pid), second, "the second waits for the build lock")
        runs = {name: finished(proc) for name, proc in (("first", first), ("second", second))}
    for name, (rc, out, err) in runs.items():
        assert rc == 0, f"{name}:\n{out[-2000:]}\n{err[-3000:]}"
    assert "build: waiting for another refpage-ci run using" in runs["second"][2]
    meta = {name: json.loads((tmp_path / name / "metadata.json").read_text()) for name in runs}
    assert meta["first"]["build_dir"] == meta["second"]["build_dir"]
    steps = {name: m["build_stats"]["steps"] for name, m in meta.items()}
    assert steps["second"] < steps["first"], steps  # the first built mm/refpage.o and linked; the second found it done


def test_two_series_apply_on_one_tree_one_applies_the_other_is_refused(cli, tmp_path):
    wt = base_worktree("apply-race-e2e")
    branch = "refpage-ci/apply-race"
    _git(wt, "branch", "-D", branch, check=False)
    lock = Path(_git(wt, "rev-parse", "--absolute-git-dir").stdout.strip()) / "refpage-ci-series.lock"
    first = cli.popen("series", "apply", "--tree", wt, "--branch", branch)
    wait_until(lambda: first.pid in lock_holders(lock), first, "the first holds the tree's series lock")
    with stopped(first):
        second = cli("series", "apply", "--tree", wt, "--branch", branch)
    rc, out, err = finished(first)
    assert rc == 0, out[-2000:] + err[-3000:]
    assert second.returncode == 2 and "Traceback" not in second.stderr, second.stdout + second.stderr
    refusal = second.stderr.strip().splitlines()[-1]
    assert f"{wt}: another refpage-ci is changing this checkout's series" in refusal, second.stderr
    assert _git(wt, "status", "--porcelain", "--untracked-files=no").stdout == ""
    assert _git(wt, "symbolic-ref", "--short", "HEAD").stdout.strip() == branch
    again = cli("series", "apply", "--tree", wt, "--branch", branch)  # the lock is gone with its holder
    assert again.returncode == 0 and "already applied" in again.stdout, again.stdout + again.stderr


def project_copy(dest):
    """The project's files (the working tree as it is now), to run refpage-ci from: a
    `series refresh` there writes into the copy's patches/ and selftests/, not the shared ones."""
    shutil.copytree(PROJECT, dest, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".tox", "out", "__pycache__", "*.egg-info", ".pytest_cache"))
    return dest


def test_series_refresh_while_a_boot_of_that_tree_runs(cli, tmp_path):
    """The boot compiles selftests/ while refresh writes them back: both finish, the boot passes."""
    from harness import paths, seriestree
    built = cli("build", "--arch", "arm64", "--out", tmp_path / "build")  # the default worktree, built
    assert built.returncode == 0, built.stderr[-3000:]
    series_tree = paths.cache_dir() / "worktrees" / "series-6.12"
    proj = project_copy(tmp_path / "project")
    selftest = proj / "selftests" / "refpage_rt.c"
    original = selftest.read_text()
    selftest.write_text(original + "/* an edit refresh puts back */\n")
    env = cli.env()

    def cmd(*args):
        return [sys.executable, "-m", "harness.cli", *map(str, args)]
    boot = subprocess.Popen(cmd("boot", "--arch", "arm64", "--tree", series_tree, *ONE_TEST, "--out",
                                tmp_path / "boot"), cwd=proj, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: build_dir_of(tmp_path / "boot"), boot, "metadata.json names the build folder")
        lock = Path(build_dir_of(tmp_path / "boot")) / ".refpage-ci.lock"
        wait_until(lambda: boot.pid in lock_holders(lock), boot, "the boot holds its build lock")
        refresh = subprocess.run(cmd("series", "refresh", "--tree", series_tree, "--branch", seriestree.branch("6.12")), cwd=proj, env=env,
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
        assert refresh.returncode == 0, refresh.stdout + refresh.stderr
        assert "refpage_rt.c" in refresh.stdout, refresh.stdout
        rc, out, err = finished(boot)
    finally:
        if boot.poll() is None:
            boot.kill()
    assert rc == 0, out[-2000:] + err[-3000:]
    assert selftest.read_text() == original
    assert _git(series_tree, "status", "--porcelain", "--untracked-files=no").stdout == ""


def test_repro_and_boot_at_once_on_the_default_tree(cli, tmp_path):
    """repro works in worktrees of its own; the boot's worktree and build are left to it."""
    repro = cli.popen("repro", "RT-semicolon", "--arch", "arm64", "--out", tmp_path / "repro")
    boot = cli.popen("boot", "--arch", "arm64", *ONE_TEST, "--out", tmp_path / "boot")
    rc, out, err = finished(repro)
    assert rc == 0, out[-2000:] + err[-3000:]
    assert "RT-semicolon: reproduced: the build failed as expected" in out
    assert "RT-semicolon: fixed: the series builds" in out
    rc, out, err = finished(boot)
    assert rc == 0, out[-2000:] + err[-3000:]
    tree = json.loads((tmp_path / "boot" / "metadata.json").read_text())["tree"]
    assert _git(tree, "status", "--porcelain", "--untracked-files=no").stdout == ""
