"""Unpacking a base tree big enough for `git gc --auto` (7,000 files: seconds, so not in the unit tier)."""

import os
import subprocess
import tarfile

import pytest

from harness import tree as trees

pytestmark = pytest.mark.e2e


def big_tarball(tmp_path, files):
    top = tmp_path / "src" / "linux-source-9.9"
    top.mkdir(parents=True)
    (top / ".gitignore").write_text("/*\n")
    (top / "Makefile").write_text("VERSION = 9\nPATCHLEVEL = 9\n")
    for i in range(files):
        (top / f"f{i}.c").write_text(f"int f{i};\n")
    out = tmp_path / "linux-source-9.9.tar.xz"
    with tarfile.open(out, "w:xz") as tar:
        tar.add(top, arcname=top.name)
    return out


def processes_inside(folder):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if cwd.startswith(str(folder)) and int(pid) != os.getpid():
            found.append(pid)
    return found


def test_unpacking_commits_everything_and_leaves_no_git_behind(tmp_path):
    """7000 files are enough for `git gc --auto`, which would detach and outlive the unpack."""
    dest = tmp_path / "trees" / "linux-source-9.9"
    dest.parent.mkdir()
    trees._unpack_as_checkout(big_tarball(tmp_path, 7000), dest, progress=lambda line: None)
    assert processes_inside(tmp_path) == []
    assert (dest / ".git").is_dir() and not (dest / ".gitignore").exists()
    listed = subprocess.run(["git", "ls-files"], cwd=dest, capture_output=True, text=True).stdout
    assert len(listed.splitlines()) == 7001
