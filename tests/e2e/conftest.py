import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


class Cli:
    """Runs the real `refpage-ci` in a subprocess, tagged so its QEMU can be found afterwards."""

    def __init__(self):
        self.token = uuid.uuid4().hex

    def env(self, **extra):
        return dict(os.environ, REFPAGE_CI_TEST_TOKEN=self.token, **extra)

    def argv(self, *args):
        return [sys.executable, "-m", "harness.cli", *map(str, args)]

    def __call__(self, *args, timeout=3600, env=None):
        return subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=timeout,
                              cwd=PROJECT, env=env or self.env(), stdin=subprocess.DEVNULL)

    def popen(self, *args, env=None):
        return subprocess.Popen(self.argv(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=PROJECT, env=env or self.env(), stdin=subprocess.DEVNULL)

    def leftover_processes(self):
        """PIDs still carrying this test's token: QEMU that outlived its command."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            if self.token.encode() in environ and int(pid) != os.getpid():
                found.append(int(pid))
        return found


@pytest.fixture
def cli():
    c = Cli()
    yield c
    assert c.leftover_processes() == [], "a process outlived refpage-ci"


SERIES_BRANCH = "refpage-ci/e2e-boot"


def _git(tree, *args, check=True):
    return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=check)


def base_worktree(name):
    """A worktree of the default base in the cache, at the base, clean: a tree to apply on."""
    from harness import paths, tree as trees
    from scripts.series.git import Git
    wt = paths.cache_dir() / "worktrees" / name
    Git(trees.default_tree()).worktree(wt, "base")  # made once; also when its folder was deleted by hand
    _git(wt, "checkout", "--quiet", "--detach", "--force", "base")
    _git(wt, "clean", "-fdq")
    return wt


def series_worktree(name, branch):
    """A worktree of the default tree kept in the cache, reset to the base and given the series.

    The path stays the same from run to run, so the kernel builds in it stay
    incremental: only what the series changes is rebuilt.
    """
    wt = base_worktree(name)
    _git(wt, "branch", "-D", branch, check=False)
    res = subprocess.run([sys.executable, "-m", "harness.cli", "series", "apply", "--tree", str(wt),
                          "--branch", branch], capture_output=True, text=True, cwd=PROJECT)
    assert res.returncode == 0, res.stdout + res.stderr
    return wt


@pytest.fixture(scope="session")
def series_tree():
    return series_worktree("series-e2e", SERIES_BRANCH)
