"""The commit a build host gets: HEAD, or the working state, with the user's tree untouched."""

import subprocess

import pytest

from harness.errors import UserError
from harness.remote import snapshot


def git(tree, *args):
    return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def tree(tmp_path):
    t = tmp_path / "linux"
    t.mkdir()
    git(t, "init", "-q", "-b", "x;touch${IFS}/tmp/pwned")
    (t / "Makefile").write_text("VERSION = 6\n")
    (t / ".gitignore").write_text("*.o\n")
    git(t, "add", "-A")
    git(t, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    return t


def state(tree):
    return (git(tree, "status", "--porcelain"), git(tree, "rev-parse", "HEAD"), git(tree, "stash", "list"),
            (tree / ".git" / "index").read_bytes())


def test_a_clean_tree_is_its_head(tree):
    snap = snapshot.take(tree)
    assert snap == snapshot.Snapshot(git(tree, "rev-parse", "HEAD").strip(), "x;touch${IFS}/tmp/pwned", False)


def test_a_dirty_tree_is_committed_aside_with_new_files_and_left_as_it_was(tree):
    (tree / "Makefile").write_text("VERSION = 7\n")
    (tree / "new.c").write_text("int x;\n")
    (tree / "junk.o").write_text("")
    before = state(tree)
    snap = snapshot.take(tree)
    assert state(tree) == before
    assert snap.dirty and snap.commit != before[1].strip()
    assert git(tree, "rev-parse", f"{snap.commit}^").strip() == before[1].strip()
    assert git(tree, "show", f"{snap.commit}:Makefile") == "VERSION = 7\n"
    assert git(tree, "show", f"{snap.commit}:new.c") == "int x;\n"
    assert "junk.o" not in git(tree, "ls-tree", "--name-only", snap.commit)


def test_a_detached_head_is_labelled_so(tree):
    git(tree, "checkout", "-q", "--detach")
    assert snapshot.take(tree).label == "detached"


def test_a_tree_without_git_is_a_one_line_error(tmp_path):
    with pytest.raises(UserError, match="is not a git checkout with a commit; a build host gets the tree with git"):
        snapshot.take(tmp_path)
