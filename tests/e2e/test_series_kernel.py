"""`series apply/export/check` on the real kernel trees, in throwaway worktrees of the cached checkouts.

The cached checkouts themselves are never touched: each test works in a
`git worktree add --detach` of one (made once per session), on branches with
a unique name, all removed afterwards. The series is the project's patches/
(or $REFPAGE_CI_SERIES_PATCHES, a folder laid out the same way).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from harness import paths, tree as trees

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
PATCHES = Path(os.environ.get("REFPAGE_CI_SERIES_PATCHES", paths.PATCHES / "6.12"))


def git(cwd, *args, check=True):
    res = subprocess.run(["git", "-C", str(cwd), *map(str, args)], capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C"))
    if check and res.returncode:
        raise AssertionError(f"git {' '.join(map(str, args))}: {res.stdout}{res.stderr}")
    return res.stdout.strip()


def cli(*args, timeout=3600):
    return subprocess.run([sys.executable, "-m", "harness.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=PROJECT, timeout=timeout, stdin=subprocess.DEVNULL)


def need_series():
    if not (PATCHES / "series").is_file():
        pytest.skip(f"patches/series not written yet ({PATCHES / 'series'} missing)")


def cached(version):
    """The cached checkout of Debian's linux-source-<version>, unpacked on first use."""
    if not trees.tarball(version).is_file():
        pytest.skip(f"{trees.tarball(version)} missing: `apt-get install linux-source-{version}`")
    return trees.default_tree(version, progress=lambda line: None)


class Worktree:
    """A detached worktree of a cached checkout; branches made in it are deleted at the end."""

    def __init__(self, repo, path):
        self.repo, self.path, self.branches = repo, path, []
        git(repo, "worktree", "add", "-q", "--detach", path, "base")

    def branch(self):
        name = f"refpage-ci-test/{uuid.uuid4().hex[:8]}"
        self.branches.append(name)
        return name

    def reset(self):
        git(self.path, "checkout", "-q", "-f", "--detach", "base")

    def remove(self):
        git(self.path, "checkout", "-q", "-f", "--detach", "base", check=False)
        for name in self.branches:
            git(self.repo, "branch", "-q", "-D", name, check=False)
        git(self.repo, "worktree", "remove", "--force", self.path, check=False)

    def state(self):
        """What a failed apply must leave as it was."""
        return {"head": git(self.path, "rev-parse", "HEAD"),
                "branch": git(self.path, "symbolic-ref", "-q", "HEAD", check=False),
                "branches": git(self.repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
                "status": git(self.path, "status", "--porcelain", "--ignored"),
                "am": Path(git(self.path, "rev-parse", "--git-path", "rebase-apply")).exists()}


@pytest.fixture(scope="module")
def wt612(tmp_path_factory):
    wt = Worktree(cached("6.12"), tmp_path_factory.mktemp("wt") / "linux-6.12")
    yield wt
    wt.remove()


@pytest.fixture(scope="module")
def wt61(tmp_path_factory):
    wt = Worktree(cached("6.1"), tmp_path_factory.mktemp("wt") / "linux-6.1")
    yield wt
    wt.remove()


def test_apply_export_git_am_gives_the_same_tree_612(wt612, tmp_path):
    need_series()
    wt612.reset()
    branch = wt612.branch()
    res = cli("series", "apply", "--tree", wt612.path, "--patches", PATCHES, "--branch", branch)
    assert res.returncode == 0, res.stderr + res.stdout
    base = git(wt612.path, "rev-parse", "base")
    subjects = git(wt612.path, "log", "--format=%s", f"{base}..{branch}").splitlines()
    assert "arch: wire up the refpage_create syscall" in subjects
    assert "refpage_create" in (wt612.path / "scripts" / "syscall.tbl").read_text()
    assert git(wt612.path, "status", "--porcelain") == ""
    # applying again says so and changes nothing
    before = wt612.state()
    again = cli("series", "apply", "--tree", wt612.path, "--patches", PATCHES, "--branch", branch)
    assert again.returncode == 0 and "already applied" in again.stdout + again.stderr
    assert wt612.state() == before

    out = tmp_path / "out"
    res = cli("series", "export", "--tree", wt612.path, "--patches", PATCHES, "--branch", branch,
              "--version", "5", "--out", out)
    assert res.returncode == 0, res.stderr
    letter = (out / "v5-0000-cover-letter.patch").read_text()
    assert f"base-commit: {base}" in letter  # RT-no-apply: the export records its base
    assert "Changes since v4:" in letter and "RT-" in letter
    # a fresh checkout of the base + plain `git am` of the exported mbox: the same tree
    wt612.reset()
    git(wt612.path, "am", out / "v5-series.mbox")
    assert git(wt612.path, "rev-parse", "HEAD^{tree}") == git(wt612.path, "rev-parse", f"{branch}^{{tree}}")
    wt612.reset()


def first_removed_line(patch_text):
    """(file, line number in the old file, text) of the first line the patch removes or replaces."""
    path, old = None, 0
    for line in patch_text.splitlines():
        if line.startswith("--- a/"):
            path = line[6:]
        elif line.startswith("--- "):
            path = None
        elif line.startswith("@@ -"):
            old = int(line.split()[1][1:].split(",")[0])
        elif path and old and line.startswith("-") and not line.startswith("---"):
            return path, old, line[1:]
        elif path and old and line.startswith(" "):
            old += 1
    raise AssertionError("the patch removes no line of an existing file")


def test_conflicting_base_fails_cleanly_naming_patch_and_hunk(wt612):
    """A base that changed a line the first patch changes: patch, file and hunk named; the tree as it was."""
    need_series()
    wt612.reset()
    first = next(l.strip() for l in (PATCHES / "series").read_text().splitlines()
                 if l.strip() and not l.startswith("#"))
    path, lineno, text = first_removed_line((PATCHES / first).read_text())
    target = wt612.path / path
    lines = target.read_text().splitlines(keepends=True)
    assert lines[lineno - 1].rstrip("\n") == text
    lines[lineno - 1] = text + " /* changed upstream */\n"
    target.write_text("".join(lines))
    conflict = wt612.branch()
    git(wt612.path, "checkout", "-q", "-b", conflict)
    git(wt612.path, "commit", "-q", "-a", "-m", "upstream: a change under the series")
    before = wt612.state()
    res = cli("series", "apply", "--tree", wt612.path, "--patches", PATCHES, "--branch", wt612.branch())
    assert res.returncode == 1, res.stdout + res.stderr
    assert f"{first} (" in res.stderr and "does not apply" in res.stderr
    assert f"{path} hunk #" in res.stderr
    assert "git am --abort" in res.stderr
    assert wt612.state() == before
    wt612.reset()


def test_older_tree_61_applies_or_fails_cleanly(wt61):
    """Debian's 6.1 is older than the series' base: `series apply` either works or leaves 6.1 as it was."""
    need_series()
    wt61.reset()
    before = wt61.state()
    branch = wt61.branch()
    res = cli("series", "apply", "--tree", wt61.path, "--patches", PATCHES, "--branch", branch)
    if res.returncode == 0:
        assert "arch: wire up the refpage_create syscall" in git(wt61.path, "log", "--format=%s", "base..HEAD")
        assert git(wt61.path, "status", "--porcelain") == ""
    else:
        assert res.returncode == 1, res.stderr
        assert "does not apply" in res.stderr and " hunk #" in res.stderr
        assert "`git am --abort` done" in res.stderr
        assert wt61.state() == before


def test_check_checkpatch_every_commit_and_one_build():
    """checkpatch on every commit; the last built for x86_64 in the check's worktree of the cached tree.

    That worktree (and its build folder) stays from run to run, so the build is incremental.
    """
    need_series()
    tree = cached("6.12")
    before = {"head": git(tree, "rev-parse", "HEAD"), "branch": git(tree, "symbolic-ref", "-q", "HEAD", check=False),
              "status": git(tree, "status", "--porcelain")}
    res = cli("series", "check", "--tree", tree, "--patches", PATCHES, "--arch", "x86_64",
              "--build-commits", "last")
    report = res.stdout + res.stderr
    count = sum(1 for l in (PATCHES / "series").read_text().splitlines() if l.strip() and not l.startswith("# base:"))
    assert report.count("    checkpatch: ") == count, report
    assert "x86_64: ok" in report, report
    if res.returncode == 0:
        assert "no checkpatch errors" in report
    else:
        assert res.returncode == 1 and "ERROR:" in report
    after = {"head": git(tree, "rev-parse", "HEAD"), "branch": git(tree, "symbolic-ref", "-q", "HEAD", check=False),
             "status": git(tree, "status", "--porcelain")}
    assert after == before  # the check works in a worktree of its own
    from scripts.series.check import CHECK_BRANCH
    assert git(tree, "rev-parse", "--verify", "-q", f"refs/heads/{CHECK_BRANCH}", check=False) == ""
