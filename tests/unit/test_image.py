import stat
import struct

from harness import cpio, elf, initramfs


def parse_newc(data):
    """A reader written from the format's description, to check the writer."""
    out, pos = [], 0
    while True:
        head = data[pos:pos + 110]
        assert head[:6] == b"070701"
        fields = [int(head[6 + 8 * i: 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = fields[11], fields[6]
        name = data[pos + 110: pos + 110 + namesize - 1].decode()
        pos += 110 + namesize
        pos += -pos % 4
        body = data[pos:pos + filesize]
        pos += filesize
        pos += -pos % 4
        if name == cpio.TRAILER:
            assert pos == len(data)
            return out
        out.append((name, fields[1], body, (fields[9], fields[10])))


def test_archive_round_trip():
    data = cpio.archive([cpio.directory("dev"), cpio.char_device("dev/console", 5, 1),
                         cpio.file("init", b"#!/bin/sh\n", 0o755), cpio.symlink("bin/sh", "busybox")])
    got = parse_newc(data)
    assert [g[0] for g in got] == ["dev", "dev/console", "init", "bin/sh"]
    assert stat.S_ISCHR(got[1][1]) and got[1][3] == (5, 1)
    assert got[2][1] == stat.S_IFREG | 0o755 and got[2][2] == b"#!/bin/sh\n"
    assert stat.S_ISLNK(got[3][1]) and got[3][2] == b"busybox"


def test_initramfs_is_reused_until_an_input_changes(tmp_path):
    box = tmp_path / "busybox"
    box.write_bytes(b"\x7fELF-not-really")
    test = tmp_path / "t1"
    test.write_bytes(b"one")
    first = initramfs.make(tmp_path, box, [test])
    mtime = first.stat().st_mtime_ns
    assert initramfs.make(tmp_path, box, [test]) == first and first.stat().st_mtime_ns == mtime
    test.write_bytes(b"two")
    second = initramfs.make(tmp_path, box, [test])
    assert second != first
    names = [e[0] for e in parse_newc(second.read_bytes())]
    assert {"init", "bin/busybox", "dev/console", "selftests/t1"} <= set(names)


def _fake_elf(path, machine, interp):
    phentsize, phnum = 56, 1
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<H", header, 18, machine)
    struct.pack_into("<Q", header, 32, 64)
    struct.pack_into("<HH", header, 54, phentsize, phnum)
    ph = bytearray(phentsize)
    struct.pack_into("<I", ph, 0, 3 if interp else 1)
    path.write_bytes(bytes(header + ph))
    return path


def test_elf_tells_arch_and_static(tmp_path):
    assert elf.inspect(_fake_elf(tmp_path / "a", 183, False)) == ("arm64", True)
    assert elf.inspect(_fake_elf(tmp_path / "b", 62, True)) == ("x86_64", False)
    (tmp_path / "c").write_text("#!/bin/sh\n")
    assert elf.inspect(tmp_path / "c") is None
