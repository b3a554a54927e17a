"""The static busybox each guest runs as its userspace."""

from pathlib import Path

from . import elf, paths
from .errors import UserError

HOST_BUSYBOX = Path("/bin/busybox")


def arm64_path():
    return paths.tools_dir() / "busybox-arm64" / "bin" / "busybox"


def candidates(arch):
    return [HOST_BUSYBOX] if arch == "x86_64" else [arm64_path()]


INSTALL_HINT = {
    "x86_64": "apt-get install busybox-static",
    "arm64": ("dpkg --add-architecture arm64 && apt-get update && "
              "apt-get download busybox-static:arm64 && dpkg-deb -x busybox-static_*_arm64.deb "
              f"{arm64_path().parent.parent}   (or run: bash harness/bootstrap.sh)"),
}


def locate(arch):
    """The path of a static busybox for `arch`, or a UserError saying how to get one."""
    for path in candidates(arch):
        if path.is_file() and elf.inspect(path) == (arch, True):
            return path
    raise UserError(f"no static busybox for {arch}: {INSTALL_HINT.get(arch, 'install one')}")
