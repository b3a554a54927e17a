"""A cache on a disk too small: one line naming the folder and the space needed, exit 1, nothing
half written, and the next run with room works."""

import os
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
