import errno
import os
import shutil
from collections import namedtuple

import pytest

from harness import diskspace, initramfs, wholefile
from harness.errors import StageFailed

Usage = namedtuple("Usage", "total used free")


def test_a_folder_without_room_is_named_with_the_space_needed(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: Usage(0, 0, 5 << 20))
    with pytest.raises(StageFailed) as full:
        diskspace.require(tmp_path, 1500 << 20, "tree: unpacking linux.tar.xz")
    assert str(full.value) == (f"tree: unpacking linux.tar.xz: no room in {tmp_path}: it needs about 1500 MiB, "
                               "5 MiB are free; free some space there, or put the cache on a bigger disk "
                               "(REFPAGE_CI_CACHE=DIR)")
    diskspace.require(tmp_path, 5 << 20, "fits")


def test_a_write_that_fills_the_disk_anyway_is_the_same_line(tmp_path):
    with pytest.raises(StageFailed, match=f"image: no room in {tmp_path}: it needs about 2 MiB"):
        with diskspace.no_room_is_one_line(tmp_path, 2 << 20, "image"):
            raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(PermissionError):
        with diskspace.no_room_is_one_line(tmp_path, 1, "image"):
            raise PermissionError(errno.EACCES, "denied")


def test_xz_says_what_a_tarball_unpacks_to(tmp_path):
    if not shutil.which("xz"):
        pytest.skip("no xz")
    import subprocess
    (tmp_path / "f").write_bytes(b"a" * 100000)
    subprocess.run(["xz", "-k", str(tmp_path / "f")], check=True)
    assert diskspace.unpacked_size(tmp_path / "f.xz") == 100000


def test_an_image_that_finds_no_room_leaves_no_half_file(tmp_path, monkeypatch):
    busybox = tmp_path / "busybox"
    busybox.write_bytes(b"\x7fELF" + b"\0" * 1000)

    def full(fd, data):
        os.write(fd, data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")
    (tmp_path / "build").mkdir()
    monkeypatch.setattr(wholefile, "_write_all", full)
    with pytest.raises(StageFailed, match="image: initramfs-"):
        initramfs.make(tmp_path / "build", busybox)
    assert list((tmp_path / "build").iterdir()) == []
