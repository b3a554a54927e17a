"""Just enough ELF reading to tell a static binary's machine."""

import struct

from . import machine as machines

_PT_INTERP = 3


def arch_of(e_machine, root=None):
    """The arch whose machine.ini names this ELF e_machine ([host] elf_machine)."""
    for arch in machines.known_arches(root):
        if machines.load(arch, root).elf_machine == e_machine:
            return arch
    return f"e_machine {e_machine}"


def inspect(path):
    """(arch, is_static) of an ELF file, or None when it is not a 64-bit little-endian ELF."""
    with open(path, "rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
            return None
        machine = struct.unpack_from("<H", head, 18)[0]
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    types = [struct.unpack_from("<I", table, i * phentsize)[0] for i in range(phnum)]
    return arch_of(machine), _PT_INTERP not in types
