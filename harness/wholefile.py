"""A file that appears whole or not at all, even when refpage-ci is SIGKILLed while writing it.

The bytes go to an unnamed file (O_TMPFILE) that is linked in only when complete, so a kill
leaves no half-written file and no .tmp beside it. Filesystems without O_TMPFILE get a named
temporary file and a rename instead.
"""

import contextlib
import errno
import os
from pathlib import Path


def write_bytes(path, data, mode=0o644):
    path = Path(path)
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, mode)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            raise
        return _renamed(path, data, mode)
    try:
        _write_all(fd, data)
        _link(fd, path)
    finally:
        os.close(fd)


def write_text(path, text, mode=0o644):
    write_bytes(path, text.encode(), mode)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _link(fd, path):
    """Linked at its name when there is none yet; else beside it, then renamed over it."""
    proc = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
    try:
        # A directory fd makes os.link call linkat() with AT_SYMLINK_FOLLOW, which /proc's link needs.
        source = f"self/fd/{fd}"
        try:
            os.link(source, path, src_dir_fd=proc)
            return
        except FileExistsError:
            pass
        beside = path.with_name(f".{path.name}.{os.getpid()}.new")
        with contextlib.suppress(FileNotFoundError):
            beside.unlink()
        os.link(source, beside, src_dir_fd=proc)
        try:
            os.replace(beside, path)
        except BaseException:
            beside.unlink(missing_ok=True)
            raise
    finally:
        os.close(proc)


def _renamed(path, data, mode):
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
