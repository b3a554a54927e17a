"""scripts.series.git.Git.worktree against real git: made once, reused by its resolved path."""

import shutil
import subprocess

from scripts.series.git import Git


def _repo(path):
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / "f").write_text("x\n")
    env = ["-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "-C", str(path), *env, "add", "f"], check=True)
    subprocess.run(["git", "-C", str(path), *env, "commit", "-qm", "one"], check=True)
    return Git(path)


def test_a_worktree_under_a_symlink_is_made_once_then_reused_and_made_again_when_deleted(tmp_path):
    git = _repo(tmp_path / "repo")
    (tmp_path / "real").mkdir()
    (tmp_path / "cache").symlink_to(tmp_path / "real")
    wt = tmp_path / "cache" / "wt"
    made = [git.worktree(wt, "HEAD")[1] for _ in range(2)]
    assert made == [True, False]
    assert (tmp_path / "real" / "wt" / "f").read_text() == "x\n"
    shutil.rmtree(tmp_path / "real" / "wt")
    assert git.worktree(wt, "HEAD")[1] is True and (wt / "f").is_file()
