"""One resolution of --tree for every command: no value, debian:X.Y, a folder; the records beside checkouts."""

import subprocess

import pytest

from harness import tree as trees
from harness.debian_source import Package
from harness.errors import UserError

KERNEL_TAIL = "# Rust analyzer configuration\n/rust-project.json\n"
DEBIAN_BLOCK = ("#\n# Debian packaging: ignore everything at the top level, since it isn't\n"
                "# included in our repository\n#\n/*\n!/debian/\n")
KERNEL_GITIGNORE = "# SPDX-License-Identifier: GPL-2.0\n.*\n!.gitignore\n*.o\n\n" + KERNEL_TAIL


@pytest.mark.parametrize("value,version", [("debian:6.12", "6.12"), ("debian:7.3", "7.3"),
                                           ("/src/linux", None), ("linux-debian:7.3", None)])
def test_names(value, version):
    assert trees.named_version(value) == version


@pytest.mark.parametrize("value", ["debian:7", "debian:7.3.1", "debian:", "debian:latest"])
def test_a_bad_name_is_one_line(value):
    with pytest.raises(UserError, match=rf"^{value}: not a Debian tree name; those are debian:X.Y, "
                                        rf"e.g. debian:6.12 \(a folder of that name: ./{value}\)$"):
        trees.named_version(value)


@pytest.fixture
def made(monkeypatch, tmp_path):
    calls = []

    def default_tree(version, progress=print):
        calls.append(version)
        return tmp_path / f"linux-source-{version}"
    monkeypatch.setattr(trees, "default_tree", default_tree)
    return calls


@pytest.mark.parametrize("value", [None, ""])
def test_no_tree_is_debian_612(made, value):
    assert trees.resolve(value).name == "linux-source-6.12"
    assert made == ["6.12"]


def test_a_name_is_its_cached_checkout(made):
    assert trees.resolve("debian:7.3").name == "linux-source-7.3"
    assert made == ["7.3"]


def test_a_folder_is_checked(made, tmp_path):
    (tmp_path / "arch").mkdir()
    (tmp_path / "Kconfig").write_text("")
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 3\n")
    assert trees.resolve(str(tmp_path)) == tmp_path.resolve()
    assert trees.resolve(tmp_path) == tmp_path.resolve()
    with pytest.raises(UserError, match="is not a kernel tree"):
        trees.resolve(str(tmp_path / "arch"))
    assert made == []


def test_only_debians_block_leaves_the_gitignore():
    assert trees.without_debian_block(KERNEL_GITIGNORE + "\n" + DEBIAN_BLOCK) == KERNEL_GITIGNORE
    assert trees.without_debian_block(KERNEL_GITIGNORE) == KERNEL_GITIGNORE
    middle = KERNEL_GITIGNORE + "\n" + DEBIAN_BLOCK + "\n# after\n/after\n"
    assert trees.without_debian_block(middle) == KERNEL_GITIGNORE + "\n# after\n/after\n"
    assert trees.without_debian_block(DEBIAN_BLOCK) == ""


@pytest.mark.parametrize("text,kept", [(KERNEL_GITIGNORE + "\n" + DEBIAN_BLOCK, KERNEL_GITIGNORE),
                                       (DEBIAN_BLOCK, None), ("/*\n", None), ("*\n!/debian/\n", None)])
def test_the_checkouts_gitignore(tmp_path, text, kept):
    (tmp_path / ".gitignore").write_text(text)
    trees._drop_debian_gitignore(tmp_path)
    ignore = tmp_path / ".gitignore"
    if kept:
        assert ignore.read_text() == kept
    else:
        assert not ignore.exists()


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def checkout(cache, version):
    path = cache / "trees" / f"linux-source-{version}"
    path.mkdir(parents=True)
    (path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 0\n")
    subprocess.run(["git", "init", "-q", "-b", "base", str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                    "--allow-empty", "-m", "base"], check=True)
    return path


def test_the_record_beside_the_checkout_names_the_package(cache, tmp_path):
    path = checkout(cache, "7.3")
    assert trees.package_of(path) == "linux-source-7.3 (version not recorded)"
    package = Package("linux-source-7.3", "7.3~rc7-1~exp1", "experimental")
    trees._write_record(path, package)
    assert (cache / "trees" / "linux-source-7.3.package").is_file()
    assert trees.recorded(path) == package
    assert trees.package_of(path) == "linux-source-7.3 7.3~rc7-1~exp1"
    worktree = tmp_path / "wt"
    subprocess.run(["git", "-C", str(path), "worktree", "add", "-q", "--detach", str(worktree)], check=True)
    assert trees.package_of(worktree) == "linux-source-7.3 7.3~rc7-1~exp1"
    assert trees.package_of(tmp_path) is None
    assert trees.cached_versions() == ["7.3"]


def test_an_old_checkout_takes_the_installed_packages_version_when_its_kernel_is_that(cache, monkeypatch):
    path = checkout(cache, "7.3")
    installed = Package("linux-source-7.3", "7.3.0-1", "/usr/src/linux-source-7.3.tar.xz")
    monkeypatch.setattr(trees.debian_source, "installed_package", lambda version: installed)
    assert trees.default_tree("7.3") == path
    assert trees.recorded(path) == installed
    other = checkout(cache, "7.4")
    monkeypatch.setattr(trees.debian_source, "installed_package",
                        lambda version: Package("linux-source-7.4", "7.4.2-1", "/usr/src/linux-source-7.4.tar.xz"))
    trees.default_tree("7.4")
    assert trees.recorded(other) is None  # the package moved on since the unpack: not guessed
