"""Per-arch machine definitions: qemu_images/<arch>/machine.ini, read as data."""

import configparser
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import UserError


@dataclass(frozen=True)
class Machine:
    name: str
    qemu: str
    machine: str
    cpu: str
    memory: str
    smp: int
    console: str
    accel: str
    kernel_arch: str
    cross_compile: str
    cross_package: str
    target: str
    image: str
    srcarch: str = ""
    package: str = ""         # the Debian package of its qemu
    kvm_machine: str = ""     # -machine and -cpu under KVM
    kvm_cpu: str = ""
    uname: str = ""           # platform.machine() of a host that runs it natively
    elf_machine: int = 0
    busybox: str = ""         # the static busybox's path ({tools}: paths.tools_dir())
    busybox_install: str = ""
    busybox_package: str = ""  # a foreign arch's, unpacked into the busybox's folder by bootstrap.sh
    vng_arch: str = ""

    @property
    def folder(self):
        return paths.QEMU_IMAGES / self.name

    def compiler(self):
        return f"{self.cross_compile}gcc"


def known_arches(root=None):
    root = Path(root or paths.QEMU_IMAGES)
    return sorted(p.parent.name for p in root.glob("*/machine.ini"))


def load(arch, root=None):
    root = Path(root or paths.QEMU_IMAGES)
    ini = root / arch / "machine.ini"
    if not ini.is_file():
        known = ", ".join(known_arches(root)) or "none"
        raise UserError(f"unknown --arch {arch!r}: known arches are {known}")
    return parse(arch, ini.read_text(), str(ini))


def parse(name, text, source="machine.ini"):
    ini = configparser.ConfigParser()
    ini.read_string(text, source)
    try:
        m, k = ini["machine"], ini["kernel"]
        h = ini["host"] if ini.has_section("host") else {}
        machine = Machine(
            name=name, qemu=m["qemu"], machine=m["machine"], cpu=m["cpu"],
            memory=m.get("memory", "1G"), smp=m.getint("smp", 1),
            console=m["console"], accel=m.get("accel", "tcg"),
            kernel_arch=k["arch"], cross_compile=k.get("cross_compile", ""),
            cross_package=k.get("cross_package", "gcc"), target=k["target"], image=k["image"],
            srcarch=k.get("srcarch", k["arch"]), package=m.get("package", m["qemu"]),
            kvm_machine=m.get("kvm_machine", m["machine"]), kvm_cpu=m.get("kvm_cpu", m["cpu"]),
            uname=h.get("uname", name), elf_machine=int(h.get("elf_machine", 0)),
            busybox=h.get("busybox", f"{{tools}}/busybox-{name}/bin/busybox"),
            busybox_install=h.get("busybox_install", f"a static busybox for {name} at {h.get('busybox', '?')}"),
            busybox_package=h.get("busybox_package", ""), vng_arch=h.get("vng_arch", name))
    except (KeyError, ValueError) as exc:
        raise UserError(f"{source}: bad machine definition ({exc}); see qemu_images/*/machine.ini") from None
    if machine.accel not in ("tcg", "kvm", "auto"):
        raise UserError(f"{source}: accel = {machine.accel!r}; use tcg, kvm or auto")
    return machine
