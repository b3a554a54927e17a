import subprocess
import tarfile

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
    status = subprocess.run(["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True)
    assert status.stdout == "?? new.c\n"
    log = subprocess.run(["git", "log", "--format=%s"], cwd=dest, capture_output=True, text=True)
    assert log.stdout == "Debian linux-source-9.9 9.9~rc1-1~exp1\n"
