"""The static busybox each guest runs as its userspace: where its machine.ini says it is."""

from pathlib import Path

from . import elf, machine as machines, paths
from .errors import UserError


def path(arch):
    """The busybox of `arch`'s machine.ini ([host] busybox), {tools} being the cache's tools folder."""
    return Path(machines.load(arch).busybox.format(tools=paths.tools_dir()))


def install_hint(arch):
    return machines.load(arch).busybox_install.format(tools=paths.tools_dir())


def locate(arch):
    """The path of a static busybox for `arch`, or a UserError saying how to get one."""
    found = path(arch)
    if found.is_file() and elf.inspect(found) == (arch, True):
        return found
    raise UserError(f"no static busybox for {arch}: {install_hint(arch)}")
