"""refpage-ci interrupted at a random moment of a random phase (unpack, config, build, image, QEMU's
start, the tests) by a random signal (SIGINT or SIGKILL to refpage-ci, SIGKILL to make or QEMU):
nothing of ours runs on, no lock is held, nothing is half written, the user's tree is as it was,
and the next plain run passes. chaos_phases says how each phase is made to happen.

The tree is the test's own worktree given the series, booted with --tree as a user's tree is.
REFPAGE_CI_CHAOS_N iterations (5, CI's; `tox -e chaos`: 50); REFPAGE_CI_CHAOS_SEED (printed)
replays a run; REFPAGE_CI_CHAOS_PHASES=a,b draws from those phases alone. The default seed's first
five are five phases (all but the unpack, CI's minutes) and its fifty every (phase, signal).
"""

import fcntl
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

import chaos_phases as phases
from conftest import _git, series_worktree

pytestmark = pytest.mark.e2e

N = int(os.environ.get("REFPAGE_CI_CHAOS_N", "5"))
SEED = int(os.environ.get("REFPAGE_CI_CHAOS_SEED", "2125"))
DRAWN = sorted(os.environ.get("REFPAGE_CI_CHAOS_PHASES", ",".join(phases.PHASES)).split(","))
# What may still be ending after refpage-ci: make, git or QEMU stopping on their death signal, a
# few seconds, so that one that merely outlived refpage-ci is caught; the janitor removing a
# half-unpacked tree of 180k files, minutes on a loaded disk.
SETTLE_SECONDS = 5
JANITOR_SECONDS = 300
MISSES = 4


def _say(text):
    print(f"chaos: {text}", flush=True)


def manifest(tree):
    """Every file of the tree but its build folders and .git: path, mode, size, mtime. Untracked
    and ignored files count too; a write changes the mtime even where it keeps the size."""
    found = {}
    for top, dirs, files in os.walk(tree):
        if top == str(tree):
            dirs[:] = [d for d in dirs if not d.startswith(".refpage-ci-") and d != ".git"]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            st = os.lstat(os.path.join(top, name))
            found[os.path.relpath(os.path.join(top, name), tree)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return found


def _changes(before, after):
    keys = set(before) | set(after)
    return sorted(k for k in keys if before.get(k) != after.get(k))[:10]


def _interrupt(run, phase, whom, sig, delay):
    """Wait for the phase, then `delay` s into it; if it is still on, signal the victim (True)."""
    deadline = time.monotonic() + 1800
    while run.proc.poll() is None and not phases.entered(run) and time.monotonic() < deadline:
        time.sleep(0.01 if phase.name == "image" else 0.05)
    assert phases.entered(run), f"{phase.name}: never reached (exit {run.proc.poll()})"
    time.sleep(delay)
    target = phases.victim(run, whom)
    if not (target and phases.inside(run)):
        return False
    os.kill(target, sig)
    return True


def _interrupted(run, phase, whom, sig, delay, cli):
    """The run, signalled inside its phase; (delay, the tree's manifest before). A try whose phase
    ended before `delay` ran to its end (it must have passed) and is tried again, sooner."""
    for run.attempt in range(MISSES):
        if phase.name != "unpack":
            (run.tree / "mm" / "refpage.c").touch()
        before = manifest(run.tree)
        phases.start(run, cli)
        if _interrupt(run, phase, whom, sig, delay):
            run.proc.communicate(timeout=600)
            return delay, before
        out, err = run.proc.communicate(timeout=600)
        assert run.proc.returncode == 0, (phase.name, "uninterrupted", err[-3000:])
        _say(f"   {phase.name} was over before {delay:.2f}s: again, sooner")
        delay /= 4
        if run.cache:
            subprocess.run(["rm", "-rf", str(run.cache)], check=True)
    raise AssertionError(f"{phase.name}: over before the signal {MISSES} times")


def _janitors(pid):
    """The janitor's shell, or its rm, cat or sleep."""
    try:
        parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
        argvs = [Path(f"/proc/{p}/cmdline").read_bytes() for p in (pid, parent)]
    except (OSError, IndexError):
        return False
    return any(b"cat >/dev/null; rm -rf" in argv for argv in argvs)


def _left(cli, janitor):
    """argv of this test's processes still running: the janitor's, or all others."""
    found = []
    for pid in cli.leftover_processes():
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if _janitors(pid) == janitor:
            found.append(argv[:120])
    return found


def _settle(cli):
    for janitor, seconds in ((False, SETTLE_SECONDS), (True, JANITOR_SECONDS)):
        ends = time.monotonic() + seconds
        while _left(cli, janitor) and time.monotonic() < ends:
            time.sleep(0.2)
    return _left(cli, False) + _left(cli, True)


def _unlocked(lock_file):
    """Nobody holds the flock of `lock_file` (a missing file holds nothing)."""
    try:
        with open(lock_file) as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except FileNotFoundError:
        return True
    except BlockingIOError:
        return False


def _no_lock_held(run):
    locks = [run.build_dir / ".refpage-ci.lock"]
    if run.cache:
        locks += list((run.cache / "trees").glob(".*.lock"))
    held = [str(p) for p in locks if not _unlocked(p)]
    assert held == [], f"still locked: {held}"


def _whole_image(path):
    return path.read_bytes()[-1024:].find(b"TRAILER!!!") >= 0


def _no_half_written(run, digest):
    from harness import busybox, elf, paths
    folder = run.build_dir
    stray = [p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".new")) and p.is_file()]
    assert stray == [], f"half-written files in the build folder: {stray}"
    assert all(map(_whole_image, folder.glob("initramfs-*.cpio"))), "an initramfs without its trailer"
    stamp = folder / ".refpage-ci-config"
    assert not stamp.exists() or (stamp.read_text() == digest and (folder / ".config").is_file())
    for meta in (run.out / "metadata.json", paths.cache_dir() / "accel-probe.json"):
        if meta.exists():
            json.loads(meta.read_text())
    assert elf.inspect(busybox.locate("arm64")) == ("arm64", True)
    for entry in (paths.cache_dir() / "selftests").glob("arm64-*/.complete"):
        kept = [entry.parent / name for name in entry.read_text().split()]
        assert all(elf.inspect(p) == ("arm64", True) for p in kept), f"a half-written selftest in {entry.parent}"
    if run.cache:
        trees = run.cache / "trees"
        assert [p.name for p in trees.glob(".unpack-*")] == [], "a half-unpacked tree"
        assert not run.unpacked.exists() or _a_whole_tree(run.unpacked)


def _a_whole_tree(tree):
    status = _git(tree, "status", "--porcelain", check=False)
    commits = _git(tree, "rev-list", "--count", "HEAD", check=False).stdout.strip()
    return status.returncode == 0 and status.stdout == "" and commits == "1" and \
        tree.with_name(tree.name + ".package").is_file()


def _again(run, cli, tmp_path):
    """The next plain run: the same command, uninterrupted, passes."""
    if run.phase == "unpack":
        res = cli("tree", "fetch", "debian:6.12", env=cli.env(REFPAGE_CI_CACHE=str(run.cache)))
        assert res.returncode == 0, res.stderr[-3000:]
        assert _a_whole_tree(run.unpacked) and not any((run.cache / "trees").glob(".unpack-*"))
        subprocess.run(["rm", "-rf", str(run.cache)], check=True)
        return
    res = cli("boot", "--tree", run.tree, "--arch", "arm64", *phases.ONE_TEST,
              "--out", tmp_path / f"again{run.i}")
    assert res.returncode == 0, res.stderr[-3000:]
    assert (run.build_dir / ".refpage-ci-config").is_file()
    if run.phase == "image":
        run.program.unlink(missing_ok=True)


def _warm(cli, tmp_path):
    tree = series_worktree("chaos-e2e", "refpage-ci/e2e-chaos")
    warm = cli("boot", "--tree", tree, "--arch", "arm64", *phases.ONE_TEST, "--out", tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr[-3000:]
    meta = json.loads((tmp_path / "warm" / "metadata.json").read_text())
    return tree, Path(meta["build_dir"]), meta["config_hash"]


def test_interrupted_anywhere_nothing_is_left_and_the_next_run_passes(cli, tmp_path):
    rng = random.Random(SEED)
    _say(f"seed {SEED}, {N} iterations over {', '.join(DRAWN)} (REFPAGE_CI_CHAOS_SEED={SEED} replays them)")
    tree, build_dir, digest = _warm(cli, tmp_path)
    table = []
    for i in range(N):
        phase = phases.PHASES[rng.choice(DRAWN)]
        whom, sig = rng.choice(phase.signals)
        delay = rng.uniform(0, phase.longest)
        run = phases.Run(phase.name, i, tree, build_dir, tmp_path / f"run{i}",
                         cache=tmp_path / f"cache{i}" if phase.name == "unpack" else None)
        started = time.monotonic()
        delay, before = _interrupted(run, phase, whom, sig, delay, cli)
        left = _settle(cli)
        row = (i, phase.name, f"{signal.Signals(sig).name} to {whom}", run.proc.returncode)
        table.append(row)
        _say("#%d %s, %s %.2fs into it: exit %s (%.0fs)" % (i, phase.name, row[2], delay, row[3],
                                                           time.monotonic() - started))
        assert left == [], (row, left)
        _no_lock_held(run)
        _no_half_written(run, digest)
        assert _changes(before, manifest(tree)) == [], row
        _again(run, cli, tmp_path)
    _say("(phase, signal) -> exit status; nothing left running, locked or half written in any, the tree "
         "as it was, the next run passed:")
    for (phase, how), codes in sorted(_grouped(table).items()):
        _say(f"  {phase:<10} {how:<22} -> {', '.join(map(str, codes))}")


def _grouped(table):
    groups = {}
    for _, phase, how, code in table:
        groups.setdefault((phase, how), []).append(code)
    return groups
