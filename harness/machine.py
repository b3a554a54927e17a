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

    @property
    def srcarch(self):
        return "x86" if self.kernel_arch in ("x86_64", "i386") else self.kernel_arch

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
        machine = Machine(
            name=name, qemu=m["qemu"], machine=m["machine"], cpu=m["cpu"],
            memory=m.get("memory", "1G"), smp=m.getint("smp", 1),
            console=m["console"], accel=m.get("accel", "tcg"),
            kernel_arch=k["arch"], cross_compile=k.get("cross_compile", ""),
            cross_package=k.get("cross_package", "gcc"), target=k["target"], image=k["image"])
    except (KeyError, ValueError) as exc:
        raise UserError(f"{source}: bad machine definition ({exc}); see qemu_images/*/machine.ini") from None
    if machine.accel not in ("tcg", "kvm", "auto"):
        raise UserError(f"{source}: accel = {machine.accel!r}; use tcg, kvm or auto")
    return machine
