"""Just enough ELF reading to tell a static binary's machine."""

import struct

MACHINES = {62: "x86_64", 183: "arm64"}
_PT_INTERP = 3


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
    return MACHINES.get(machine, f"e_machine {machine}"), _PT_INTERP not in types
