"""Image: static busybox + the selftests + an init, as a newc cpio, rebuilt only when its inputs change."""

import hashlib
from pathlib import Path

from . import cpio, diskspace, paths, wholefile

INIT = paths.QEMU_IMAGES / "init"
KEEP = 6
DIRS = ("bin", "dev", "proc", "sys", "tmp", "root", "selftests")


def entries(busybox, selftests=(), extra=()):
    """The archive's entries: `selftests` go to /selftests, `extra` as (guest path, host path)."""
    out = [cpio.directory(d) for d in DIRS]
    out.append(cpio.char_device("dev/console", 5, 1))
    out.append(cpio.file("init", INIT.read_bytes(), 0o755))
    out.append(cpio.file("bin/busybox", Path(busybox).read_bytes(), 0o755))
    for binary in sorted(selftests, key=lambda p: Path(p).name):
        out.append(cpio.file(f"selftests/{Path(binary).name}", Path(binary).read_bytes(), 0o755))
    present = set(DIRS)
    for guest, host in extra:
        out += [cpio.directory(d) for d in _parents(guest.lstrip("/")) if d not in present]
        present.update(_parents(guest.lstrip("/")))
        out.append(cpio.file(guest.lstrip("/"), Path(host).read_bytes(), 0o755))
    return out


def _parents(path):
    """'usr/bin/x' -> ['usr', 'usr/bin']: the unpacker makes no missing parents."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def digest(items):
    h = hashlib.sha256()
    for e in items:
        h.update(f"{e.name}\0{e.mode}\0{e.rdev}\0{len(e.data)}\0".encode())
        h.update(hashlib.sha256(e.data).digest())
    return h.hexdigest()[:16]


def make(out_dir, busybox, selftests=(), extra=(), progress=None):
    """Write (or reuse) out_dir/initramfs-<digest>.cpio; returns its path."""
    items = entries(busybox, selftests, extra)
    path = Path(out_dir) / f"initramfs-{digest(items)}.cpio"
    if path.is_file():
        return path
    _prune(Path(out_dir), keep=KEEP)
    data = cpio.archive(items)
    diskspace.require(out_dir, len(data), f"image: {path.name}")
    with diskspace.no_room_is_one_line(out_dir, len(data), f"image: {path.name}"):
        wholefile.write_bytes(path, data)
    if progress:
        progress(f"image: {path.name} ({path.stat().st_size // 1024} KiB, {len(items)} entries)")
    return path


def _prune(out_dir, keep):
    """Old images from earlier inputs: keep the newest few (run --test makes its own)."""
    images = sorted(out_dir.glob("initramfs-*.cpio"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in images[keep - 1:]:
        stale.unlink()
