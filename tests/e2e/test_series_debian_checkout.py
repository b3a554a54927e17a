"""`series apply` on Debian's 6.12 tarball made into a git checkout the way a user would make one.

`git init && git add -f -A && git commit` keeps Debian's .gitignore, whose last rule is `/*`:
every top-level folder is ignored, yet its files are tracked. `git add -- <tracked file there>`
exits 1 on such a tree, so the rendered commits must add with -f.
"""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from harness import tree as trees

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, LC_ALL="C", GIT_AUTHOR_NAME="A User", GIT_AUTHOR_EMAIL="user@example.org",
           GIT_COMMITTER_NAME="A User", GIT_COMMITTER_EMAIL="user@example.org")


def git(cwd, *args):
    res = subprocess.run(["git", "-C", str(cwd), "-c", "gc.auto=0", *map(str, args)], capture_output=True,
                         text=True, env=ENV)
    assert res.returncode == 0, f"git {' '.join(map(str, args))}: {res.stdout}{res.stderr}"
    return res.stdout.strip()


@pytest.fixture(scope="module")
def user_checkout(tmp_path_factory):
    source = trees.tarball("6.12")
    if not source.is_file():
        pytest.skip(f"{source} missing: `apt-get install linux-source-6.12`")
    root = tmp_path_factory.mktemp("debian-checkout")
    with tarfile.open(source) as tar:
        tar.extractall(root, filter="tar") if hasattr(tarfile, "data_filter") else tar.extractall(root)
    tree = root / "linux-source-6.12"
    assert (tree / ".gitignore").read_text().rstrip().endswith("/*\n!/debian/")
    git(tree, "init", "-q", "-b", "master")
    git(tree, "add", "-f", "-A")
    git(tree, "commit", "-q", "-m", "linux-source-6.12 as Debian ships it")
    return tree


def test_apply_on_a_tree_that_ignores_its_own_folders(user_checkout):
    base = git(user_checkout, "rev-parse", "HEAD")
    res = subprocess.run([sys.executable, "-m", "harness.cli", "series", "apply", "--tree", user_checkout,
                          "--branch", "refpage"], capture_output=True, text=True, cwd=PROJECT, timeout=1800,
                         stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stdout + res.stderr
    subjects = git(user_checkout, "log", "--format=%s", f"{base}..refpage").splitlines()
    assert "arch: wire up the refpage_create syscall" in subjects
    assert "selftests/mm: add reference page tests" in subjects
    assert git(user_checkout, "ls-files", "tools/testing/selftests/mm/refpage.c") != ""
    assert "refpage_create" in git(user_checkout, "show", "refpage:arch/alpha/kernel/syscalls/syscall.tbl")
    assert git(user_checkout, "status", "--porcelain") == ""
    assert (user_checkout / ".gitignore").read_text().rstrip().endswith("/*\n!/debian/")  # theirs, untouched
