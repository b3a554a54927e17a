"""A newc-format cpio writer: what the kernel unpacks as an initramfs. No root needed."""

import stat
from dataclasses import dataclass

TRAILER = "TRAILER!!!"


@dataclass(frozen=True)
class Entry:
    name: str
    mode: int
    data: bytes = b""
    rdev: tuple = (0, 0)


def directory(name, perm=0o755):
    return Entry(name, stat.S_IFDIR | perm)


def file(name, data, perm=0o644):
    return Entry(name, stat.S_IFREG | perm, data)


def symlink(name, target):
    return Entry(name, stat.S_IFLNK | 0o777, target.encode())


def char_device(name, major, minor, perm=0o600):
    return Entry(name, stat.S_IFCHR | perm, rdev=(major, minor))


def _pad(n):
    return b"\0" * (-n % 4)


def _record(ino, entry):
    name = entry.name.lstrip("/").encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(entry.mode) else 1
    fields = [ino, entry.mode, 0, 0, nlink, 0, len(entry.data), 0, 0,
              entry.rdev[0], entry.rdev[1], len(name), 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    return header + name + _pad(len(header) + len(name)) + entry.data + _pad(len(entry.data))


def archive(entries):
    """The bytes of a newc archive holding `entries` in order (parents before children)."""
    out = [_record(ino, e) for ino, e in enumerate(entries, 1)]
    out.append(_record(0, Entry(TRAILER, 0)))
    return b"".join(out)
