"""A cache on a disk too small: one line naming the folder and the space needed, exit 1, nothing
half written, and the next run with room works."""

import contextlib
import os
import re
import subprocess

import pytest

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(os.geteuid() != 0, reason="mounting the small tmpfs takes root")]


@pytest.fixture
def small_cache(tmp_path):
    mnt = tmp_path / "cache"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)], check=True)
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fetch(cli, cache):
    return cli("tree", "fetch", "debian:6.12", env=cli.env(REFPAGE_CI_CACHE=str(cache)), timeout=3600)


def _refused_cleanly(res, cache):
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stdout + res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert f"tree: unpacking linux-source-6.12.tar.xz: no room in {cache / 'trees'}: it needs about " in last, last
    left = [p.name for p in (cache / "trees").iterdir() if not p.name.endswith(".lock")]
    assert left == []  # no half-unpacked tree, no .unpack-* folder


def test_a_cache_too_small_for_the_tree_says_so_and_leaves_nothing(cli, small_cache):
    _refused_cleanly(_fetch(cli, small_cache), small_cache)


@pytest.mark.full
def test_the_next_fetch_with_room_works(cli, small_cache):
    _refused_cleanly(_fetch(cli, small_cache), small_cache)
    subprocess.run(["mount", "-o", "remount,size=4g", str(small_cache)], check=True)
    res = _fetch(cli, small_cache)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    tree = small_cache / "trees" / "linux-source-6.12"
    status = subprocess.run(["git", "-C", str(tree), "status", "--porcelain"], capture_output=True, text=True)
    assert status.returncode == 0 and status.stdout == ""
    assert [p.name for p in (small_cache / "trees").iterdir() if p.name.startswith(".unpack-")] == []


@contextlib.contextmanager
def _own_build_folder_on_tmpfs(cli, tmp_path, name, size):
    """(fragment, folder): a config of its own gets a fresh build folder in the default worktree,
    a tmpfs of `size` here, unmounted and gone after the block."""
    from harness import builddir, config, machine as machines, paths
    fragment = tmp_path / f"{name}.config"
    fragment.write_text(f'CONFIG_LOCALVERSION="-rci-{name}"\n')
    built = cli("build", "--arch", "arm64", "--out", tmp_path / "warm")  # the default worktree, there
    assert built.returncode == 0, built.stderr[-3000:]
    machine = machines.load("arm64")
    requests = config.load_requests(config.fragment_files(machine, None, (fragment,)))
    folder = builddir.choose(machine, config.config_hash(machine, requests),
                             paths.cache_dir() / "worktrees" / "series-6.12").path
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield fragment, folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def test_a_build_folder_without_room_says_so_before_building(cli, tmp_path):
    """A 64 MB tmpfs is too small for a build."""
    with _own_build_folder_on_tmpfs(cli, tmp_path, "nospace", "64m") as (fragment, folder):
        res = cli("build", "--arch", "arm64", "--fragment", fragment, "--out", tmp_path / "out")
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stdout + res.stderr[-3000:]
        last = res.stderr.strip().splitlines()[-1]
        assert re.fullmatch(f"refpage-ci: build: no room in {re.escape(str(folder))}: it needs about 512 MiB, "
                            r"6\d MiB are free; free some space there, or put the cache on a bigger disk "
                            r"\(REFPAGE_CI_CACHE=DIR\)", last), last
        assert not (folder / "arch").exists()  # make never started


def test_an_image_without_room_says_so_and_the_next_run_with_room_works(cli, tmp_path):
    """The image phase: the build fits its tmpfs; a filler then leaves 100 MiB, room for the build
    step's own check (96 MiB) but not for an initramfs carrying a 120 MiB user test: one line
    naming the folder, no half-written image; with the filler gone, the same run boots."""
    big = tmp_path / "big.c"
    big.write_text("char big[120 << 20] = { 1 };  /* global: its 120 MiB stay in .data */\n"
                   "int main(int argc, char **argv) { return big[argc << 12]; }\n")
    with _own_build_folder_on_tmpfs(cli, tmp_path, "imagefull", "768m") as (fragment, folder):
        built = cli("build", "--arch", "arm64", "--fragment", fragment, "--out", tmp_path / "build")
        assert built.returncode == 0, built.stdout + built.stderr[-3000:]
        filler = folder / "filler"
        free = os.statvfs(folder)
        with open(filler, "wb") as f:
            os.posix_fallocate(f.fileno(), 0, free.f_bavail * free.f_frsize - (100 << 20))
        run = ("run", "--arch", "arm64", "--fragment", fragment, "--test", big)
        res = cli(*run, "--out", tmp_path / "full")
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stdout + res.stderr[-3000:]
        last = res.stderr.strip().splitlines()[-1]
        assert re.fullmatch(f"refpage-ci: image: initramfs-[0-9a-f]{{16}}\\.cpio: no room in {re.escape(str(folder))}: "
                            r"it needs about 1\d\d MiB, \d+ MiB are free; free some space there, or put the cache on "
                            r"a bigger disk \(REFPAGE_CI_CACHE=DIR\)", last), last
        assert list(folder.glob("initramfs-*")) == [] and "boot:" not in res.stderr
        filler.unlink()
        res = cli(*run, "--out", tmp_path / "room")
        assert res.returncode == 0, res.stdout + res.stderr[-3000:]
        assert len(list(folder.glob("initramfs-*.cpio"))) == 1
