import os
import tarfile
from pathlib import Path

from harness import tree as trees
from harness.debian_source import Package


def source_tarball(tmp_path, files, gitignore="/*\n"):
    top = tmp_path / "src" / "linux-source-9.9"
    top.mkdir(parents=True)
    (top / ".gitignore").write_text(gitignore)
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
            found.append((pid, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")))
    return found


def test_unpacking_commits_everything_and_leaves_no_git_behind(tmp_path):
    """7000 files are enough for `git gc --auto`, which would detach and outlive the unpack."""
    source = source_tarball(tmp_path, 7000)
    dest = tmp_path / "trees" / "linux-source-9.9"
    dest.parent.mkdir()
    trees._unpack_as_checkout(source, dest, progress=lambda line: None)
    assert processes_inside(tmp_path) == []
    assert (dest / ".git").is_dir() and not (dest / ".gitignore").exists()
    listed = trees.subprocess.run(["git", "ls-files"], cwd=dest, capture_output=True, text=True).stdout
    assert len(listed.splitlines()) == 7001


def test_a_debian_gitignore_keeps_the_kernels_rules_and_the_package_is_recorded(tmp_path):
    kernel = "# SPDX-License-Identifier: GPL-2.0\n.*\n!.gitignore\n*.o\n"
    debian = "\n#\n# Debian packaging: ignore everything at the top level\n#\n/*\n!/debian/\n"
    source = source_tarball(tmp_path, 3, gitignore=kernel + debian)
    dest = tmp_path / "trees" / "linux-source-9.9"
    dest.parent.mkdir()
    package = Package("linux-source-9.9", "9.9~rc1-1~exp1", "experimental")
    trees._unpack_as_checkout(source, dest, progress=lambda line: None, package=package)
    assert (dest / ".gitignore").read_text() == kernel
    assert trees.recorded(dest) == package
    (dest / ".refpage-ci-scratch").mkdir()
    (dest / ".refpage-ci-scratch" / "x").write_text("")
    (dest / "new.c").write_text("")
    status = trees.subprocess.run(["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True)
    assert status.stdout == "?? new.c\n"
    log = trees.subprocess.run(["git", "log", "--format=%s"], cwd=dest, capture_output=True, text=True)
    assert log.stdout == "Debian linux-source-9.9 9.9~rc1-1~exp1\n"
